"""The portal's storage: one SQLite database and content-addressed files under the data folder.

    DATA/portal.sqlite3          settings, tokens (hashed), contacts, uploads, builds
    DATA/uploads/<sha256>.xlsx   every uploaded workbook, named by its content, never by the user

Schema version 2 added: per-quarter unit links and named office accounts (tokens.quarter; an office
token's `unit` column holds the staff member's name), uploads made by the office on a unit's behalf,
returns (退回) with a comment, token-free receipt keys, a build's state (running / done / interrupted)
and who ran it, and the audit log. Version 3 added: office accounts' roles (负责人 / 经办人), the date
the office received a file it uploads for a unit, a return's resubmission date, a unit withdrawing its
own upload (撤回), the office choosing between co-leads' differing uploads, whether an upload's receipt
is in the office's record, and a job's kind (汇总, 签发, 通知, 考核 …), label, process id and outcome
details. Older databases gain the tables and columns on opening.

Every write runs in its own short `BEGIN IMMEDIATE` transaction on its own connection, so requests
served from several threads never interleave half-written rows. Files are written to a temporary name
and renamed into place: a reader never sees half a file, and the same content is stored once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from yc_reports.issues import Issue, IssueCode, Severity
from yc_reports.plan.quarter import Quarter

DB_NAME = "portal.sqlite3"
UPLOADS_DIR = "uploads"
SCHEMA_VERSION = 3
MAX_ROW_ID = 2**63 - 1   # SQLite's INTEGER: anything larger is no row (never an OverflowError)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    role        TEXT NOT NULL CHECK (role IN ('unit', 'admin')),
    unit        TEXT NOT NULL DEFAULT '',
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT,
    quarter     TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS contacts (
    unit    TEXT PRIMARY KEY,
    person  TEXT NOT NULL DEFAULT '',
    phone   TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS uploads (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    quarter      TEXT NOT NULL,
    action_id    INTEGER NOT NULL,
    unit         TEXT NOT NULL,
    uploaded_at  TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    size         INTEGER NOT NULL,
    file_name    TEXT NOT NULL,
    accepted     INTEGER NOT NULL,
    errors       INTEGER NOT NULL,
    warnings     INTEGER NOT NULL,
    filler       TEXT NOT NULL DEFAULT '',
    phone        TEXT NOT NULL DEFAULT '',
    issues_json  TEXT NOT NULL,
    by_office    TEXT NOT NULL DEFAULT '',
    receipt_key  TEXT NOT NULL DEFAULT '',
    returned_at  TEXT,
    returned_by  TEXT NOT NULL DEFAULT '',
    return_note  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS uploads_by_action ON uploads (quarter, action_id, uploaded_at, id);
CREATE TABLE IF NOT EXISTS builds (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    quarter      TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT NOT NULL,
    ok           INTEGER NOT NULL,
    out_dir      TEXT NOT NULL,
    files_json   TEXT NOT NULL,
    errors       INTEGER NOT NULL,
    warnings     INTEGER NOT NULL,
    message      TEXT NOT NULL DEFAULT '',
    state        TEXT NOT NULL DEFAULT 'done',
    run_by       TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS office_accounts (
    name        TEXT PRIMARY KEY,
    role        TEXT NOT NULL CHECK (role IN ('lead', 'clerk')),
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS choices (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    quarter     TEXT NOT NULL,
    action_id   INTEGER NOT NULL,
    upload_id   INTEGER NOT NULL,
    chosen_at   TEXT NOT NULL,
    chosen_by   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    what    TEXT NOT NULL,
    detail  TEXT NOT NULL DEFAULT ''
);
"""

# columns added after version 1, for databases created before them
_ADDED_COLUMNS = (
    ("tokens", "quarter", "TEXT NOT NULL DEFAULT ''"),
    ("uploads", "by_office", "TEXT NOT NULL DEFAULT ''"),
    ("uploads", "receipt_key", "TEXT NOT NULL DEFAULT ''"),
    ("uploads", "returned_at", "TEXT"),
    ("uploads", "returned_by", "TEXT NOT NULL DEFAULT ''"),
    ("uploads", "return_note", "TEXT NOT NULL DEFAULT ''"),
    ("builds", "state", "TEXT NOT NULL DEFAULT 'done'"),
    ("builds", "run_by", "TEXT NOT NULL DEFAULT ''"),
    ("uploads", "received_at", "TEXT"),
    ("uploads", "resubmit_by", "TEXT"),
    ("uploads", "withdrawn_at", "TEXT"),
    ("uploads", "withdrawn_by", "TEXT NOT NULL DEFAULT ''"),
    ("uploads", "in_record", "INTEGER NOT NULL DEFAULT 0"),
    ("builds", "kind", "TEXT NOT NULL DEFAULT 'build'"),
    ("builds", "label", "TEXT NOT NULL DEFAULT ''"),
    ("builds", "pid", "INTEGER NOT NULL DEFAULT 0"),
    ("builds", "detail_json", "TEXT NOT NULL DEFAULT '{}'"),
)

BUILD_RUNNING = "running"
BUILD_DONE = "done"
BUILD_INTERRUPTED = "interrupted"


def hash_token(token: str) -> str:
    """Tokens are stored as their SHA-256: a copy of the database does not hand out working links."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class TokenRow:
    id: int
    role: str
    unit: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    quarter: str = ""          # a unit link's quarter: it works only while that quarter is open


@dataclass(frozen=True)
class Contact:
    unit: str
    person: str = ""
    phone: str = ""


@dataclass(frozen=True)
class UploadRecord:
    """One uploaded workbook as kept: who, when, which file, and what the check found."""

    id: int
    quarter: Quarter
    action_id: int
    unit: str
    uploaded_at: dt.datetime
    sha256: str
    size: int
    file_name: str          # the user's file name, for display only (never a path)
    accepted: bool          # no 错误: taken as submitted
    errors: int
    warnings: int
    filler: str             # 填报人 as written in the workbook
    phone: str              # 联系电话 as written in the workbook
    issues: tuple[Issue, ...]        # () when read in a list (Store.uploads): the counts say how many
    by_office: str = ""              # the office staff member who uploaded it on the unit's behalf
    receipt_key: str = ""            # the token-free receipt page's address (read-only, this receipt only)
    returned_at: dt.datetime | None = None   # 退回 by the office: no longer the action's submission
    returned_by: str = ""
    return_note: str = ""
    office_received_at: dt.datetime | None = None   # 代传: when the office says it received the file
    resubmit_by: dt.date | None = None       # 退回: the date the unit is asked to send it again by
    withdrawn_at: dt.datetime | None = None  # 撤回 by its unit: no longer the action's submission
    withdrawn_by: str = ""
    in_record: bool = False                  # its receipt is written to the office's record

    @property
    def returned(self) -> bool:
        return self.returned_at is not None

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def stands(self) -> bool:
        """Accepted, and neither returned by the office nor withdrawn by its unit: it may be the submission."""
        return self.accepted and not self.returned and not self.withdrawn

    @property
    def received_at(self) -> dt.datetime:
        """When the office received it: the date the office entered for a file it uploads on a unit's
        behalf, else the upload's own time (the portal's receipt)."""
        return self.office_received_at or self.uploaded_at

    @property
    def receipt_no(self) -> str:
        """回执编号, e.g. 2025Q3-03-000012 (quarter, action, upload)."""
        return f"{self.quarter}-{self.action_id:02d}-{self.id:06d}"


@dataclass(frozen=True)
class BuildRecord:
    id: int
    quarter: Quarter
    started_at: dt.datetime
    finished_at: dt.datetime
    ok: bool
    out_dir: Path
    files: tuple[str, ...]   # relative to out_dir, POSIX separators
    errors: int
    warnings: int
    message: str
    state: str = BUILD_DONE          # running / done / interrupted
    run_by: str = ""
    kind: str = "build"              # build / issue / correct / notices / assess / evaluate (portal/jobs.py)
    label: str = ""
    pid: int = 0                     # the process doing it (0: a thread of the server)
    detail: dict[str, object] = field(default_factory=dict)   # what the page shows beyond files (JSON)

    @property
    def running(self) -> bool:
        return self.state == BUILD_RUNNING

    @property
    def interrupted(self) -> bool:
        return self.state == BUILD_INTERRUPTED


@dataclass(frozen=True)
class Choice:
    """The office chose one upload to stand for an action whose lead units sent differing ones."""

    id: int
    quarter: Quarter
    action_id: int
    upload_id: int
    chosen_at: dt.datetime
    chosen_by: str


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: dt.datetime
    actor: str
    what: str
    detail: str


class Store:
    """SQLite rows and stored files under one data folder."""

    def __init__(self, data_dir: Path) -> None:
        self.root = Path(data_dir)
        self.db_path = self.root / DB_NAME
        self.uploads_dir = self.root / UPLOADS_DIR
        self.root.mkdir(parents=True, exist_ok=True)
        self.uploads_dir.mkdir(exist_ok=True)
        with self.reading() as conn:
            conn.execute("PRAGMA journal_mode=WAL")   # readers never wait for a writer
        with self.transaction() as conn:
            _create_schema(conn)

    # ------------------------------------------------------------------------------ connections

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.db_path, timeout=60, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys=ON")
        return conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that holds the write lock from its first statement."""
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        conn = self._connect()
        try:
            yield conn
        finally:
            conn.close()

    # ------------------------------------------------------------------------------ settings

    def settings(self) -> dict[str, str]:
        with self.reading() as conn:
            return {row["key"]: row["value"] for row in conn.execute("SELECT key, value FROM settings")}

    def put_settings(self, values: dict[str, str | None]) -> None:
        """Set (or, for None, remove) several settings in one transaction."""
        with self.transaction() as conn:
            for key, value in values.items():
                if value is None:
                    conn.execute("DELETE FROM settings WHERE key = ?", (key,))
                else:
                    conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) "
                                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))

    # ------------------------------------------------------------------------------ tokens

    def replace_token(self, role: str, unit: str, token_hash: str, now: dt.datetime, quarter: str = "") -> None:
        """Revoke the role's (or unit's) live tokens and add the new one, atomically."""
        with self.transaction() as conn:
            conn.execute("UPDATE tokens SET revoked_at = ? WHERE role = ? AND unit = ? AND revoked_at IS NULL",
                          (now.isoformat(), role, unit))
            conn.execute("INSERT INTO tokens (role, unit, token_hash, created_at, quarter) VALUES (?, ?, ?, ?, ?)",
                         (role, unit, token_hash, now.isoformat(), quarter))

    def add_token_if_none(self, role: str, unit: str, token_hash: str, now: dt.datetime) -> bool:
        """Add a token only when the role has no live one at all; True when added."""
        with self.transaction() as conn:
            live = conn.execute("SELECT 1 FROM tokens WHERE role = ? AND revoked_at IS NULL", (role,)).fetchone()
            if live:
                return False
            conn.execute("INSERT INTO tokens (role, unit, token_hash, created_at) VALUES (?, ?, ?, ?)",
                         (role, unit, token_hash, now.isoformat()))
            return True

    def revoke_tokens(self, role: str, unit: str, now: dt.datetime) -> int:
        with self.transaction() as conn:
            cursor = conn.execute("UPDATE tokens SET revoked_at = ? "
                                  "WHERE role = ? AND unit = ? AND revoked_at IS NULL",
                                  (now.isoformat(), role, unit))
            return cursor.rowcount

    def live_token(self, token_hash: str) -> TokenRow | None:
        with self.reading() as conn:
            row = conn.execute("SELECT * FROM tokens WHERE token_hash = ? AND revoked_at IS NULL",
                               (token_hash,)).fetchone()
        return _token_row(row) if row else None

    def live_tokens(self, role: str) -> list[TokenRow]:
        with self.reading() as conn:
            rows = conn.execute("SELECT * FROM tokens WHERE role = ? AND revoked_at IS NULL ORDER BY id",
                                (role,)).fetchall()
        return [_token_row(row) for row in rows]

    # ------------------------------------------------------------------------------ contacts

    def contacts(self) -> dict[str, Contact]:
        with self.reading() as conn:
            rows = conn.execute("SELECT unit, person, phone FROM contacts").fetchall()
        return {row["unit"]: Contact(row["unit"], row["person"], row["phone"]) for row in rows}

    def put_contact(self, contact: Contact) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT INTO contacts (unit, person, phone) VALUES (?, ?, ?) "
                         "ON CONFLICT (unit) DO UPDATE SET person = excluded.person, phone = excluded.phone",
                         (contact.unit, contact.person, contact.phone))

    # ------------------------------------------------------------------------------ files

    def put_file(self, data: bytes) -> str:
        """Store bytes under their SHA-256 (temp file, then rename); return the digest."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.file_path(digest)
        if not target.exists():
            tmp = self.uploads_dir / f".{digest}.{secrets.token_hex(8)}.tmp"
            with open(tmp, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        return digest

    def remove_orphans(self) -> tuple[int, int]:
        """At start-up: delete half-written temp files and stored files no upload row names (a check or a
        save killed midway). An orphan has no unit, action or quarter to be adopted under. Returns
        (files removed, temp files removed)."""
        known = self.known_digests()
        orphans = temps = 0
        for entry in self.uploads_dir.iterdir():
            if entry.name.startswith(".") and entry.name.endswith(".tmp"):
                entry.unlink(missing_ok=True)
                temps += 1
            elif entry.suffix == ".xlsx" and entry.stem not in known:
                entry.unlink(missing_ok=True)
                orphans += 1
        return orphans, temps

    def file_path(self, digest: str) -> Path:
        if len(digest) != 64 or any(ch not in "0123456789abcdef" for ch in digest):
            raise ValueError("not a SHA-256 hex digest")
        return self.uploads_dir / f"{digest}.xlsx"

    # ------------------------------------------------------------------------------ uploads

    def add_upload(self, *, quarter: Quarter, action_id: int, unit: str, uploaded_at: dt.datetime,
                   sha256: str, size: int, file_name: str, issues: tuple[Issue, ...],
                   filler: str, phone: str, by_office: str = "",
                   office_received_at: dt.datetime | None = None) -> UploadRecord:
        errors = sum(1 for i in issues if i.severity is Severity.ERROR)
        warnings = len(issues) - errors
        issues_json = json.dumps([i.to_dict() for i in issues], ensure_ascii=False)
        with self.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO uploads (quarter, action_id, unit, uploaded_at, sha256, size, file_name, accepted, "
                "errors, warnings, filler, phone, issues_json, by_office, receipt_key, received_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (str(quarter), action_id, unit, uploaded_at.isoformat(), sha256, size, file_name,
                 int(errors == 0), errors, warnings, filler, phone, issues_json, by_office,
                 secrets.token_urlsafe(18), office_received_at.isoformat() if office_received_at else None))
            row = conn.execute("SELECT * FROM uploads WHERE id = ?", (cursor.lastrowid,)).fetchone()
        return _upload_row(row)

    def upload(self, upload_id: int) -> UploadRecord | None:
        if not 0 < upload_id <= MAX_ROW_ID:
            return None
        with self.reading() as conn:
            row = conn.execute("SELECT * FROM uploads WHERE id = ?", (upload_id,)).fetchone()
        return _upload_row(row) if row else None

    def upload_by_receipt_key(self, key: str) -> UploadRecord | None:
        if not key:
            return None
        with self.reading() as conn:
            row = conn.execute("SELECT * FROM uploads WHERE receipt_key = ?", (key,)).fetchone()
        return _upload_row(row) if row else None

    def return_upload(self, upload_id: int, *, at: dt.datetime, by: str, note: str,
                      resubmit_by: dt.date | None = None) -> UploadRecord | None:
        """Mark an upload 退回 (once); None when there is no such upload."""
        with self.transaction() as conn:
            conn.execute("UPDATE uploads SET returned_at = ?, returned_by = ?, return_note = ?, resubmit_by = ? "
                         "WHERE id = ? AND returned_at IS NULL",
                         (at.isoformat(), by, note, resubmit_by.isoformat() if resubmit_by else None, upload_id))
            row = conn.execute("SELECT * FROM uploads WHERE id = ?", (upload_id,)).fetchone()
        return _upload_row(row) if row else None

    def withdraw_upload(self, upload_id: int, *, at: dt.datetime, by: str) -> UploadRecord | None:
        """Mark an upload 撤回 by its unit (once); None when there is no such upload."""
        with self.transaction() as conn:
            conn.execute("UPDATE uploads SET withdrawn_at = ?, withdrawn_by = ? WHERE id = ? AND withdrawn_at IS NULL",
                         (at.isoformat(), by, upload_id))
            row = conn.execute("SELECT * FROM uploads WHERE id = ?", (upload_id,)).fetchone()
        return _upload_row(row) if row else None

    def mark_in_record(self, upload_id: int) -> None:
        """The upload's receipt is now in the office's record."""
        with self.transaction() as conn:
            conn.execute("UPDATE uploads SET in_record = 1 WHERE id = ?", (upload_id,))

    # ------------------------------------------------------------------------------ co-leads' choices

    def add_choice(self, quarter: Quarter, action_id: int, upload_id: int, *, at: dt.datetime, by: str) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT INTO choices (quarter, action_id, upload_id, chosen_at, chosen_by) "
                         "VALUES (?, ?, ?, ?, ?)", (str(quarter), action_id, upload_id, at.isoformat(), by))

    def choices(self, quarter: Quarter) -> dict[int, Choice]:
        """The office's latest choice per action of the quarter."""
        with self.reading() as conn:
            rows = conn.execute("SELECT * FROM choices WHERE quarter = ? ORDER BY id", (str(quarter),)).fetchall()
        return {row["action_id"]: Choice(row["id"], Quarter.parse(row["quarter"]), row["action_id"], row["upload_id"],
                                         _stamp(row["chosen_at"]), row["chosen_by"]) for row in rows}

    # ------------------------------------------------------------------------------ office accounts' roles

    def put_account(self, name: str, role: str, *, at: dt.datetime, by: str) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT INTO office_accounts (name, role, created_at, created_by) VALUES (?, ?, ?, ?) "
                         "ON CONFLICT (name) DO UPDATE SET role = excluded.role", (name, role, at.isoformat(), by))

    def account_roles(self) -> dict[str, str]:
        with self.reading() as conn:
            return {row["name"]: row["role"] for row in conn.execute("SELECT name, role FROM office_accounts")}

    def stored_bytes(self, quarter: Quarter, unit: str) -> int:
        """What a unit's uploads of a quarter take on disk (each distinct file counted once)."""
        with self.reading() as conn:
            row = conn.execute("SELECT COALESCE(SUM(size), 0) AS total FROM (SELECT DISTINCT sha256, size "
                               "FROM uploads WHERE quarter = ? AND unit = ?)", (str(quarter), unit)).fetchone()
        return int(row["total"])

    def known_digests(self) -> set[str]:
        with self.reading() as conn:
            return {row["sha256"] for row in conn.execute("SELECT DISTINCT sha256 FROM uploads")}

    def uploads(self, quarter: Quarter | None = None, action_id: int | None = None,
                unit: str | None = None, accepted_only: bool = False) -> list[UploadRecord]:
        """Uploads oldest first (by time, then by id), filtered as asked, without their issues (a workbook of
        30,000 faulty rows keeps 20,000 of them: lists read only the counts; `upload(id)` reads them all)."""
        clauses, params = [], []
        for column, value in (("quarter", str(quarter) if quarter else None), ("action_id", action_id),
                              ("unit", unit)):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        if accepted_only:
            clauses.append("accepted = 1")
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        with self.reading() as conn:
            rows = conn.execute(f"SELECT {_LISTED} FROM uploads {where} ORDER BY uploaded_at, id", params).fetchall()
        return [_upload_row(row) for row in rows]

    def quarters_with_uploads(self) -> list[Quarter]:
        with self.reading() as conn:
            rows = conn.execute("SELECT DISTINCT quarter FROM uploads").fetchall()
        return sorted(Quarter.parse(row["quarter"]) for row in rows)

    # ------------------------------------------------------------------------------ builds

    def start_build(self, quarter: Quarter, started_at: dt.datetime, run_by: str = "", kind: str = "build",
                    label: str = "") -> int:
        """Reserve a job number (its outputs go to a folder of their own); the job is running."""
        with self.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO builds (quarter, started_at, finished_at, ok, out_dir, files_json, errors, warnings, "
                "message, state, run_by, kind, label) VALUES (?, ?, ?, 0, '', '[]', 0, 0, '', ?, ?, ?, ?)",
                (str(quarter), started_at.isoformat(), started_at.isoformat(), BUILD_RUNNING, run_by, kind, label))
            build_id = cursor.lastrowid
        assert build_id is not None   # an INSERT always sets it
        return build_id

    def set_build_pid(self, build_id: int, pid: int) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE builds SET pid = ? WHERE id = ?", (pid, build_id))

    def interrupt_build(self, build_id: int, *, at: dt.datetime, message: str) -> BuildRecord:
        """A job whose process died under it: interrupted, with what the office is told."""
        with self.transaction() as conn:
            conn.execute("UPDATE builds SET state = ?, finished_at = ?, ok = 0, message = ? WHERE id = ?",
                         (BUILD_INTERRUPTED, at.isoformat(), message, build_id))
            row = conn.execute("SELECT * FROM builds WHERE id = ?", (build_id,)).fetchone()
        return _build_row(row)

    def interrupt_running_builds(self, at: dt.datetime) -> list[int]:
        """Builds left running by a process that died: mark them interrupted at `at`; their numbers."""
        with self.transaction() as conn:
            ids = [row["id"] for row in conn.execute("SELECT id FROM builds WHERE state = ?", (BUILD_RUNNING,))]
            conn.execute("UPDATE builds SET state = ?, finished_at = ? WHERE state = ?",
                         (BUILD_INTERRUPTED, at.isoformat(), BUILD_RUNNING))
        return ids

    def finish_build(self, build_id: int, *, finished_at: dt.datetime, ok: bool, out_dir: Path,
                     files: tuple[str, ...], errors: int, warnings: int, message: str,
                     detail: dict[str, object] | None = None) -> BuildRecord:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE builds SET finished_at = ?, ok = ?, out_dir = ?, files_json = ?, errors = ?, warnings = ?, "
                "message = ?, state = ?, detail_json = ? WHERE id = ?",
                (finished_at.isoformat(), int(ok), str(out_dir), json.dumps(list(files), ensure_ascii=False),
                 errors, warnings, message, BUILD_DONE, json.dumps(detail or {}, ensure_ascii=False), build_id))
            row = conn.execute("SELECT * FROM builds WHERE id = ?", (build_id,)).fetchone()
        return _build_row(row)

    def build(self, build_id: int) -> BuildRecord | None:
        if not 0 < build_id <= MAX_ROW_ID:
            return None
        with self.reading() as conn:
            row = conn.execute("SELECT * FROM builds WHERE id = ?", (build_id,)).fetchone()
        return _build_row(row) if row else None

    def builds(self, quarter: Quarter | None = None, kinds: tuple[str, ...] = ("build", "issue", "correct"),
               limit: int = 200) -> list[BuildRecord]:
        """Jobs of these kinds (of `quarter`, or of every quarter), newest first."""
        marks = ", ".join("?" for _ in kinds)
        where, args = f"kind IN ({marks})", list(kinds)
        if quarter is not None:
            where += " AND quarter = ?"
            args.append(str(quarter))
        with self.reading() as conn:
            rows = conn.execute(f"SELECT * FROM builds WHERE {where} ORDER BY id DESC LIMIT ?",
                                (*args, limit)).fetchall()
        return [_build_row(row) for row in rows]

    def running_builds(self) -> list[BuildRecord]:
        with self.reading() as conn:
            rows = conn.execute("SELECT * FROM builds WHERE state = ? ORDER BY id", (BUILD_RUNNING,)).fetchall()
        return [_build_row(row) for row in rows]

    # ------------------------------------------------------------------------------ audit log

    def log(self, at: dt.datetime, actor: str, what: str, detail: str = "") -> None:
        with self.transaction() as conn:
            conn.execute("INSERT INTO audit (at, actor, what, detail) VALUES (?, ?, ?, ?)",
                         (at.isoformat(), actor, what, detail))

    def audit(self, limit: int | None = 500, whats: tuple[str, ...] = ()) -> list[AuditEntry]:
        """The newest entries first (of these kinds only, when given); every one when `limit` is None."""
        where = f"WHERE what IN ({', '.join('?' for _ in whats)})" if whats else ""
        with self.reading() as conn:
            rows = conn.execute(f"SELECT * FROM audit {where} ORDER BY id DESC LIMIT ?",
                                (*whats, -1 if limit is None else limit)).fetchall()
        return [AuditEntry(row["id"], _stamp(row["at"]), row["actor"], row["what"], row["detail"]) for row in rows]


def _create_schema(conn: sqlite3.Connection) -> None:
    # executescript would commit the open transaction; run the statements one by one instead
    for statement in _SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)
    for table, column, ddl in _ADDED_COLUMNS:
        present = {row["name"] for row in conn.execute(f"PRAGMA table_info({table})")}
        if column not in present:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {ddl}")
    conn.execute("CREATE INDEX IF NOT EXISTS uploads_by_receipt ON uploads (receipt_key)")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _time(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def _stamp(text: str) -> dt.datetime:
    """A NOT NULL time column."""
    return dt.datetime.fromisoformat(text)


def _token_row(row: sqlite3.Row) -> TokenRow:
    return TokenRow(id=row["id"], role=row["role"], unit=row["unit"], created_at=_stamp(row["created_at"]),
                    revoked_at=_time(row["revoked_at"]), quarter=row["quarter"])


def _issue(data: dict[str, str]) -> Issue:
    return Issue(code=IssueCode(data["code"]), severity=Severity(data["severity"]), file=data["file"],
                 sheet=data["sheet"], cell=data["cell"], message=data["message"])


_LISTED = ("id, quarter, action_id, unit, uploaded_at, sha256, size, file_name, accepted, errors, warnings, filler, "
           "phone, '[]' AS issues_json, by_office, receipt_key, returned_at, returned_by, return_note, received_at, "
           "resubmit_by, withdrawn_at, withdrawn_by, in_record")


def _upload_row(row: sqlite3.Row) -> UploadRecord:
    return UploadRecord(
        id=row["id"], quarter=Quarter.parse(row["quarter"]), action_id=row["action_id"], unit=row["unit"],
        uploaded_at=_stamp(row["uploaded_at"]), sha256=row["sha256"], size=row["size"],
        file_name=row["file_name"], accepted=bool(row["accepted"]), errors=row["errors"],
        warnings=row["warnings"], filler=row["filler"], phone=row["phone"],
        issues=tuple(_issue(d) for d in json.loads(row["issues_json"])), by_office=row["by_office"],
        receipt_key=row["receipt_key"], returned_at=_time(row["returned_at"]), returned_by=row["returned_by"],
        return_note=row["return_note"], office_received_at=_time(row["received_at"]),
        resubmit_by=dt.date.fromisoformat(row["resubmit_by"]) if row["resubmit_by"] else None,
        withdrawn_at=_time(row["withdrawn_at"]), withdrawn_by=row["withdrawn_by"], in_record=bool(row["in_record"]))


def _build_row(row: sqlite3.Row) -> BuildRecord:
    return BuildRecord(
        id=row["id"], quarter=Quarter.parse(row["quarter"]), started_at=_stamp(row["started_at"]),
        finished_at=_stamp(row["finished_at"]), ok=bool(row["ok"]), out_dir=Path(row["out_dir"]),
        files=tuple(json.loads(row["files_json"])), errors=row["errors"], warnings=row["warnings"],
        message=row["message"], state=row["state"], run_by=row["run_by"], kind=row["kind"], label=row["label"],
        pid=row["pid"], detail=json.loads(row["detail_json"] or "{}"))
