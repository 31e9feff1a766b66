"""The office's record: an append-only SQLite file of what the office issued, received and decided.

What is in it (one table each; no row is ever changed or deleted — triggers refuse it):
- ``plans``: every plan text a quarter was issued under, by its sha256 (the plan can always be read again);
- ``issuances``: each 签发 of a quarter (version 1) and each 更正 (version 2, 3 … with its reason): who,
  when, the 印发日期 and 文号, the plan, and the facts as printed — the quarter's report model and the
  workbooks it used, as JSON (`yc_reports.jsoncache`), with their sha256;
- ``ledger``: every 督办 item as it stood in each issuance (number, matter as printed, 整改时限, state);
- ``verdicts``: each stage result (an expired target's 已完成 / 未完成 / 无当年数据) as first issued;
- ``documents``: the sha256 and size of every file an issuance printed;
- ``receipts``: when the office received a submission — the portal's receipt time, or the date the
  office entered for a file it received otherwise;
- ``quarter_settings``: the quarter's 报送截止日期, 印发日期 and 文号 as the office set them (latest wins);
- ``closures``: a 督办 item the office closed (销号) with its reason.

Reading never creates the file: an office without a record reads an empty one. A file that cannot be
read — not a database, damaged, a facts entry that no longer matches its hash, or written by a newer
version — raises RecordError (Chinese) and is never written to.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from yc_reports.analysis.model import LedgerItem, QuarterReport
from yc_reports.intake.records import Submission
from yc_reports.plan.quarter import Quarter

RECORD_FILE = "record.sqlite"
SCHEMA_VERSION = 1       # the tables below; a later version migrates older files, never the other way
FACTS_FORMAT = 1         # the layout of the facts JSON
CN_TZ = dt.timezone(dt.timedelta(hours=8))

_TABLES = ("plans", "issuances", "ledger", "verdicts", "documents", "receipts", "quarter_settings", "closures",
           "meta")

_SCHEMA = """
CREATE TABLE meta (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
CREATE TABLE plans (
    sha256       TEXT PRIMARY KEY,
    plan_id      TEXT NOT NULL,
    name         TEXT NOT NULL,
    start_year   INTEGER NOT NULL,
    end_year     INTEGER NOT NULL,
    text         TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
);
CREATE TABLE issuances (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    quarter       TEXT NOT NULL,
    version       INTEGER NOT NULL CHECK (version >= 1),
    plan_sha256   TEXT NOT NULL REFERENCES plans (sha256),
    issued_at     TEXT NOT NULL,
    issued_by     TEXT NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    report_date   TEXT NOT NULL,
    doc_number    TEXT NOT NULL DEFAULT '',
    facts         TEXT NOT NULL,
    facts_sha256  TEXT NOT NULL,
    UNIQUE (quarter, version),
    CHECK (version = 1 OR reason <> '')
);
CREATE TABLE ledger (
    issuance   INTEGER NOT NULL REFERENCES issuances (id),
    item_id    TEXT NOT NULL,
    action_id  INTEGER NOT NULL,
    matter     TEXT NOT NULL,
    text       TEXT NOT NULL,
    since      TEXT NOT NULL,
    deadline   TEXT NOT NULL,
    state      TEXT NOT NULL,
    closed_in  TEXT NOT NULL DEFAULT '',
    plan_id    TEXT NOT NULL,
    PRIMARY KEY (issuance, item_id)
);
CREATE TABLE verdicts (
    issuance       INTEGER NOT NULL REFERENCES issuances (id),
    action_id      INTEGER NOT NULL,
    indicator_key  TEXT NOT NULL,
    target_year    INTEGER NOT NULL,
    target         TEXT NOT NULL DEFAULT '',
    figure         TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL,
    judged_on      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (issuance, action_id, indicator_key)
);
CREATE TABLE documents (
    issuance  INTEGER NOT NULL REFERENCES issuances (id),
    path      TEXT NOT NULL,
    sha256    TEXT NOT NULL,
    size      INTEGER NOT NULL,
    PRIMARY KEY (issuance, path)
);
CREATE TABLE receipts (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    quarter      TEXT NOT NULL,
    action_id    INTEGER NOT NULL,
    unit         TEXT NOT NULL DEFAULT '',
    received_at  TEXT NOT NULL,
    source       TEXT NOT NULL CHECK (source IN ('portal', 'office')),
    file_name    TEXT NOT NULL DEFAULT '',
    sha256       TEXT NOT NULL DEFAULT '',
    entered_by   TEXT NOT NULL,
    entered_at   TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT ''
);
CREATE TABLE quarter_settings (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    quarter      TEXT NOT NULL,
    deadline     TEXT NOT NULL DEFAULT '',
    report_date  TEXT NOT NULL DEFAULT '',
    doc_number   TEXT NOT NULL DEFAULT '',
    set_by       TEXT NOT NULL,
    set_at       TEXT NOT NULL
);
CREATE TABLE closures (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id    TEXT NOT NULL,
    quarter    TEXT NOT NULL,
    reason     TEXT NOT NULL CHECK (reason <> ''),
    closed_by  TEXT NOT NULL,
    closed_at  TEXT NOT NULL
);
"""


def _append_only_triggers() -> str:
    return "\n".join(
        f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'the office record is append-only'); END;"
        for table in _TABLES for verb in ("UPDATE", "DELETE"))


class RecordError(Exception):
    """The record cannot be read or written; the message (Chinese) says what to do."""


class ReceiptSource(str, Enum):
    PORTAL = "portal"    # the portal's receipt time of an accepted upload
    OFFICE = "office"    # a date the office entered for a file it received by other means

    @property
    def label(self) -> str:
        return {"portal": "报送系统回执", "office": "办公室登记"}[self.value]


@dataclass(frozen=True)
class DocumentHash:
    """One file an issuance printed, relative to the quarter's output folder."""

    path: str
    sha256: str
    size: int


@dataclass(frozen=True)
class Issuance:
    """One 签发 (version 1) or 更正 (version 2, 3 …) of a quarter."""

    id: int
    quarter: Quarter
    version: int
    plan_sha256: str
    plan_id: str
    plan_name: str
    issued_at: dt.datetime
    issued_by: str
    reason: str                # why a 更正 was made ("" for the first version)
    report_date: dt.date       # 印发日期
    doc_number: str
    facts_sha256: str

    @property
    def correction(self) -> bool:
        return self.version > 1


@dataclass(frozen=True)
class IssuedQuarter:
    """An issued quarter as later builds read it: the report as printed and the workbooks it used."""

    issuance: Issuance
    report: QuarterReport
    submissions: dict[int, Submission]   # per action, the workbook the report used

    @property
    def quarter(self) -> Quarter:
        return self.issuance.quarter


@dataclass(frozen=True)
class Facts:
    """What an issuance stores as JSON (decoded leniently: fields added later take their defaults)."""

    report: QuarterReport
    submissions: dict[int, Submission]


@dataclass(frozen=True)
class Receipt:
    """When the office received a submission for an action."""

    id: int
    quarter: Quarter
    action_id: int
    unit: str
    received_at: dt.datetime
    source: ReceiptSource
    file_name: str
    sha256: str
    entered_by: str
    entered_at: dt.datetime
    note: str = ""


@dataclass(frozen=True)
class QuarterSettings:
    """The quarter's dates and number as the office set them (None / "": not set, the defaults apply)."""

    quarter: Quarter
    deadline: dt.date | None = None       # 报送截止日期
    report_date: dt.date | None = None    # 印发日期
    doc_number: str = ""                  # 文号
    set_by: str = ""
    set_at: dt.datetime | None = None


@dataclass(frozen=True)
class Closure:
    """A 督办 item the office closed (销号) with a reason, taking effect in `quarter`."""

    id: int
    item_id: str
    quarter: Quarter
    reason: str
    closed_by: str
    closed_at: dt.datetime


@dataclass(frozen=True)
class VerdictRow:
    """An expired target's stage result as an issuance printed it (plain columns)."""

    issuance: int
    action_id: int
    indicator_key: str
    target_year: int
    target: str
    figure: str
    status: str
    judged_on: str


@dataclass(frozen=True)
class LedgerRow:
    """A 督办 item as it stood in one issuance (plain columns: readable without decoding the facts)."""

    issuance: int
    item_id: str
    action_id: int
    matter: str
    text: str
    since: Quarter
    deadline: dt.date
    state: str
    closed_in: Quarter | None
    plan_id: str


@dataclass(frozen=True)
class PlanVersion:
    """A plan a quarter was issued under, by the sha256 of its text."""

    sha256: str
    plan_id: str
    name: str
    start_year: int
    end_year: int


def record_path(inputs_root: Path) -> Path:
    """The record beside the quarter folders: inputs/record.sqlite."""
    return Path(inputs_root) / RECORD_FILE


def now() -> dt.datetime:
    return dt.datetime.now(CN_TZ).replace(microsecond=0)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Record:
    """The office's record at `path`. Reads of a file that does not exist see an empty record; the first
    write creates it. Use as a context manager, or call `close()`."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._db: sqlite3.Connection | None = None
        self._facts: dict[int, IssuedQuarter] = {}   # decoded once per issuance: rows never change (append-only)

    def __enter__(self) -> Record:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    @property
    def exists(self) -> bool:
        return self.path.is_file()

    # ------------------------------------------------------------------------------ reading

    def issuances(self, quarter: Quarter | None = None) -> tuple[Issuance, ...]:
        """Every issuance (of `quarter`, or of all quarters), oldest first."""
        where, args = ("WHERE i.quarter = ?", (str(quarter),)) if quarter is not None else ("", ())
        rows = self._rows(f"""SELECT i.id, i.quarter, i.version, i.plan_sha256, p.plan_id, p.name, i.issued_at,
                                     i.issued_by, i.reason, i.report_date, i.doc_number, i.facts_sha256
                              FROM issuances i JOIN plans p ON p.sha256 = i.plan_sha256 {where}
                              ORDER BY i.quarter, i.version""", args)
        return tuple(_issuance(r) for r in rows)

    def latest(self, quarter: Quarter) -> Issuance | None:
        """The version of `quarter` in force (the last 更正, else the 签发), or None: a draft."""
        versions = self.issuances(quarter)
        return versions[-1] if versions else None

    def issued_quarters(self) -> tuple[Quarter, ...]:
        rows = self._rows("SELECT DISTINCT quarter FROM issuances ORDER BY quarter")
        return tuple(Quarter.parse(r[0]) for r in rows)

    def first_collected(self) -> Quarter | None:
        """The office's first collected quarter: the first quarter it issued."""
        quarters = self.issued_quarters()
        return quarters[0] if quarters else None

    def issued(self, quarter: Quarter) -> IssuedQuarter | None:
        """The issued quarter as printed (its version in force), or None for a draft."""
        issuance = self.latest(quarter)
        return self.facts_of(issuance) if issuance is not None else None

    def facts_of(self, issuance: Issuance) -> IssuedQuarter:
        if issuance.id not in self._facts:
            self._facts[issuance.id] = self._decoded_facts(issuance)
        return self._facts[issuance.id]

    def _decoded_facts(self, issuance: Issuance) -> IssuedQuarter:
        rows = self._rows("SELECT facts, facts_sha256 FROM issuances WHERE id = ?", (issuance.id,))
        text, digest = rows[0]
        where = f"{issuance.quarter.label}的签发记录（第{issuance.version}版）"
        if sha256_text(text) != digest:
            raise RecordError(f"办公室记录 {self.path} 中{where}与其校验码不符，记录可能被改动过。"
                              "本次未生成任何结果，记录文件未作改动；请从备份恢复后再试。")
        from yc_reports.jsoncache import DecodeError, decode

        try:
            payload = json.loads(text)
            if payload.get("format") != FACTS_FORMAT:
                raise DecodeError(f"format {payload.get('format')}")
            facts = decode(Facts, payload["facts"], lenient=True)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise RecordError(f"办公室记录 {self.path} 中{where}无法读取（{exc}），可能由其他版本的程序写入。"
                              "本次未生成任何结果，记录文件未作改动；请用写入该记录的程序版本运行，或联系系统维护人员。"
                              ) from None
        return IssuedQuarter(issuance, facts.report, facts.submissions)

    def ledger(self, issuance: Issuance) -> tuple[LedgerRow, ...]:
        rows = self._rows("""SELECT issuance, item_id, action_id, matter, text, since, deadline, state, closed_in,
                                    plan_id FROM ledger WHERE issuance = ? ORDER BY rowid""", (issuance.id,))
        return tuple(LedgerRow(r[0], r[1], r[2], r[3], r[4], Quarter.parse(r[5]), dt.date.fromisoformat(r[6]),
                               r[7], Quarter.parse(r[8]) if r[8] else None, r[9]) for r in rows)

    def verdicts(self, issuance: Issuance) -> tuple[VerdictRow, ...]:
        rows = self._rows("""SELECT issuance, action_id, indicator_key, target_year, target, figure, status, judged_on
                             FROM verdicts WHERE issuance = ? ORDER BY rowid""", (issuance.id,))
        return tuple(VerdictRow(*r) for r in rows)

    def documents(self, issuance: Issuance) -> tuple[DocumentHash, ...]:
        rows = self._rows("SELECT path, sha256, size FROM documents WHERE issuance = ? ORDER BY path",
                          (issuance.id,))
        return tuple(DocumentHash(*r) for r in rows)

    def receipts(self, quarter: Quarter | None = None) -> tuple[Receipt, ...]:
        where, args = ("WHERE quarter = ?", (str(quarter),)) if quarter is not None else ("", ())
        rows = self._rows(f"""SELECT id, quarter, action_id, unit, received_at, source, file_name, sha256,
                                     entered_by, entered_at, note FROM receipts {where} ORDER BY id""", args)
        return tuple(Receipt(r[0], Quarter.parse(r[1]), r[2], r[3], dt.datetime.fromisoformat(r[4]),
                             ReceiptSource(r[5]), r[6], r[7], r[8], dt.datetime.fromisoformat(r[9]), r[10])
                     for r in rows)

    def settings(self, quarter: Quarter) -> QuarterSettings:
        """The quarter's settings as last set (defaults when never set)."""
        rows = self._rows("""SELECT deadline, report_date, doc_number, set_by, set_at FROM quarter_settings
                             WHERE quarter = ? ORDER BY id DESC LIMIT 1""", (str(quarter),))
        if not rows:
            return QuarterSettings(quarter)
        deadline, report_date, doc_number, set_by, set_at = rows[0]
        return QuarterSettings(quarter, _date(deadline), _date(report_date), doc_number, set_by,
                               dt.datetime.fromisoformat(set_at))

    def all_settings(self) -> tuple[QuarterSettings, ...]:
        """Every setting ever made, oldest first (the export shows the history)."""
        rows = self._rows("""SELECT quarter, deadline, report_date, doc_number, set_by, set_at FROM quarter_settings
                             ORDER BY id""")
        return tuple(QuarterSettings(Quarter.parse(str(r[0])), _date(r[1]), _date(r[2]), str(r[3]), str(r[4]),
                                     dt.datetime.fromisoformat(str(r[5]))) for r in rows)

    def plans(self) -> tuple[PlanVersion, ...]:
        rows = self._rows("SELECT sha256, plan_id, name, start_year, end_year FROM plans ORDER BY recorded_at, sha256")
        return tuple(PlanVersion(str(r[0]), str(r[1]), str(r[2]), int(r[3]), int(r[4])) for r in rows)

    def closures(self) -> tuple[Closure, ...]:
        rows = self._rows("SELECT id, item_id, quarter, reason, closed_by, closed_at FROM closures ORDER BY id")
        return tuple(Closure(r[0], r[1], Quarter.parse(r[2]), r[3], r[4], dt.datetime.fromisoformat(r[5]))
                     for r in rows)

    # ------------------------------------------------------------------------------ writing

    def issue(self, report: QuarterReport, submissions: Mapping[int, Submission], *, plan_text: str,
              documents: tuple[DocumentHash, ...], by: str, reason: str = "",
              doc_number: str = "", at: dt.datetime | None = None) -> Issuance:
        """Record `report` as issued: version 1, or (with `reason`) the next version, a 更正. The ledger and
        the stage results are written as plain rows too, so that they can be read without the facts."""
        from yc_reports.jsoncache import encode

        quarter = report.quarter
        at = at or now()
        facts = json.dumps({"format": FACTS_FORMAT,
                            "facts": encode(Facts(report, dict(sorted(submissions.items()))))},
                           ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        plan_sha = sha256_text(plan_text)
        with self._writing() as db:
            version = 1 + db.execute("SELECT COUNT(*) FROM issuances WHERE quarter = ?", (str(quarter),)).fetchone()[0]
            if version > 1 and not reason.strip():
                raise RecordError(f"{quarter.label}已签发，更正须写明原因。")
            later = db.execute("SELECT MAX(quarter) FROM issuances").fetchone()[0]
            if later is not None and Quarter.parse(later) > quarter:
                raise RecordError(f"已签发{Quarter.parse(later).label}，不能再签发或更正更早的{quarter.label}。")
            db.execute("INSERT OR IGNORE INTO plans VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (plan_sha, report.plan.id, report.plan.name, report.plan.start_year, report.plan.end_year,
                        plan_text, at.isoformat()))
            cursor = db.execute(
                "INSERT INTO issuances (quarter, version, plan_sha256, issued_at, issued_by, reason, report_date,"
                " doc_number, facts, facts_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (str(quarter), version, plan_sha, at.isoformat(), by, reason.strip(), report.report_date.isoformat(),
                 doc_number, facts, sha256_text(facts)))
            issuance_id = cursor.lastrowid
            db.executemany("INSERT INTO ledger VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           [_ledger_row(issuance_id, item, report.plan.id) for item in report.ledger])
            db.executemany("INSERT INTO verdicts VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           [(issuance_id, a.action.id, r.key, r.target_year, _text(r.target), _text(r.actual),
                             r.status.value, str(r.judged_on or "")) for a in report.actions for r in a.stage_results])
            db.executemany("INSERT INTO documents VALUES (?, ?, ?, ?)",
                           [(issuance_id, d.path, d.sha256, d.size) for d in documents])
        issued = self.latest(quarter)
        assert issued is not None
        return issued

    def add_receipt(self, quarter: Quarter, action_id: int, *, received_at: dt.datetime, source: ReceiptSource,
                    entered_by: str, unit: str = "", file_name: str = "", sha256: str = "",
                    note: str = "") -> Receipt:
        with self._writing() as db:
            cursor = db.execute(
                "INSERT INTO receipts (quarter, action_id, unit, received_at, source, file_name, sha256, entered_by,"
                " entered_at, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (str(quarter), action_id, unit, received_at.isoformat(), source.value, file_name, sha256,
                 entered_by, now().isoformat(), note))
            receipt_id = cursor.lastrowid
        return next(r for r in self.receipts(quarter) if r.id == receipt_id)

    def set_settings(self, quarter: Quarter, *, by: str, deadline: dt.date | None = None,
                     report_date: dt.date | None = None, doc_number: str = "") -> QuarterSettings:
        with self._writing() as db:
            db.execute("INSERT INTO quarter_settings (quarter, deadline, report_date, doc_number, set_by, set_at)"
                       " VALUES (?, ?, ?, ?, ?, ?)",
                       (str(quarter), _text(deadline), _text(report_date), doc_number.strip(), by, now().isoformat()))
        return self.settings(quarter)

    def close_item(self, item_id: str, quarter: Quarter, *, reason: str, by: str) -> Closure:
        """The office closes a 督办 item with a reason; it takes effect in `quarter` (a draft)."""
        if not reason.strip():
            raise RecordError(f"督办事项 {item_id} 销号须写明理由。")
        if self.latest(quarter) is not None:
            raise RecordError(f"{quarter.label}已签发；销号只能在尚未签发的季度进行。")
        if self._closed(item_id):   # one closure per item: the CLI and the portal both rely on this
            raise RecordError(f"督办事项 {item_id} 已销号，无需重复销号。")
        with self._writing() as db:
            db.execute("INSERT INTO closures (item_id, quarter, reason, closed_by, closed_at) VALUES (?, ?, ?, ?, ?)",
                       (item_id, str(quarter), reason.strip(), by, now().isoformat()))
        return self.closures()[-1]

    def _closed(self, item_id: str) -> bool:
        """Closed by the office already, or 已销号 in the last issued ledger."""
        if any(c.item_id == item_id for c in self.closures()):
            return True
        issued = self.issued_quarters()
        last = self.latest(issued[-1]) if issued else None
        return last is not None and any(r.item_id == item_id and r.state == "closed" for r in self.ledger(last))

    # ------------------------------------------------------------------------------ the file

    def _rows(self, sql: str, args: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        db = self._connect(create=False)
        if db is None:
            return []
        try:
            return db.execute(sql, args).fetchall()
        except sqlite3.DatabaseError as exc:
            raise self._unreadable(exc) from None

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        db = self._connect(create=True)
        assert db is not None
        try:
            with db:   # one transaction: all of it or none
                yield db
        except sqlite3.IntegrityError as exc:
            raise RecordError(f"办公室记录拒绝了本次写入（{exc}），记录未作改动。") from None
        except sqlite3.OperationalError as exc:
            raise RecordError(f"办公室记录 {self.path} 暂时无法写入（{exc}）。如另有程序或报送系统正在使用，"
                              "请稍后重试；记录未作改动。") from None
        except sqlite3.DatabaseError as exc:
            raise self._unreadable(exc) from None

    def _connect(self, *, create: bool) -> sqlite3.Connection | None:
        if self._db is not None:
            return self._db
        if not self.path.exists():
            if not create:
                return None
            return self._create()
        if not self.path.is_file():
            raise RecordError(f"办公室记录 {self.path} 不是文件。请检查后重试。")
        try:
            db = sqlite3.connect(self.path, timeout=15)   # a transaction per `with db` (see _writing)
            _check_readable(db, self.path)
        except sqlite3.DatabaseError as exc:
            raise self._unreadable(exc) from None
        self._db = db
        return db

    def _create(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=15)
            with db:
                db.executescript(_SCHEMA + _append_only_triggers())
                db.executemany("INSERT INTO meta VALUES (?, ?)",
                               [("schema_version", str(SCHEMA_VERSION)), ("created_at", now().isoformat()),
                                ("application", "yc-reports")])
        except sqlite3.DatabaseError as exc:
            raise RecordError(f"无法建立办公室记录 {self.path}（{exc}）。请检查文件夹权限后重试。") from None
        except OSError as exc:
            raise RecordError(f"无法建立办公室记录 {self.path}（{exc.strerror or exc}）。请检查文件夹权限后重试。") from None
        self._db = db
        return db

    def _unreadable(self, exc: Exception) -> RecordError:
        return RecordError(f"办公室记录 {self.path} 无法读取（{exc}），文件可能已损坏或不是本程序的记录文件。"
                           "本次未生成任何结果，记录文件未作改动；请从备份恢复，或联系系统维护人员。")


def _check_readable(db: sqlite3.Connection, path: Path) -> None:
    """Refuse a damaged file or one written by a newer version, before anything is read or written."""
    if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
        raise sqlite3.DatabaseError("quick_check failed")
    try:
        version = int(db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0])
    except (sqlite3.DatabaseError, TypeError, ValueError):
        raise sqlite3.DatabaseError("no schema version") from None
    if version > SCHEMA_VERSION:
        raise RecordError(f"办公室记录 {path} 由更新版本的程序写入（记录格式第{version}版，本程序只能读取第{SCHEMA_VERSION}版"
                          "及以前的版本）。请升级程序后再运行；记录文件未作改动。")


def _issuance(r: tuple[Any, ...]) -> Issuance:
    (id_, quarter, version, plan_sha, plan_id, name, issued_at, issued_by, reason, report_date, doc_number,
     facts_sha) = r
    return Issuance(int(id_), Quarter.parse(str(quarter)), int(version), str(plan_sha), str(plan_id),
                    str(name), dt.datetime.fromisoformat(str(issued_at)), str(issued_by), str(reason),
                    dt.date.fromisoformat(str(report_date)), str(doc_number), str(facts_sha))


def _ledger_row(issuance: int | None, item: LedgerItem, plan_id: str) -> tuple[object, ...]:
    from yc_reports.analysis.supervision import matter_key

    return (issuance, item.id, item.action_id, matter_key(item.action_id, item.reason), item.text,
            str(item.since), item.deadline.isoformat(), item.state.value, str(item.closed_in or ""),
            item.plan_id or plan_id)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _date(text: object) -> dt.date | None:
    return dt.date.fromisoformat(str(text)) if text else None
