"""The portal's storage: one SQLite database and content-addressed files under the data folder.

    DATA/portal.sqlite3          settings, tokens (hashed), contacts, uploads, builds
    DATA/uploads/<sha256>.xlsx   every uploaded workbook, named by its content, never by the user

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
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from yc_reports.issues import Issue, IssueCode, Severity
from yc_reports.plan.quarter import Quarter

DB_NAME = "portal.sqlite3"
UPLOADS_DIR = "uploads"
SCHEMA_VERSION = 1

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
    revoked_at  TEXT
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
    issues_json  TEXT NOT NULL
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
    message      TEXT NOT NULL DEFAULT ''
);
"""


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
    issues: tuple[Issue, ...]

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

    def replace_token(self, role: str, unit: str, token_hash: str, now: dt.datetime) -> None:
        """Revoke the role's (or unit's) live tokens and add the new one, atomically."""
        with self.transaction() as conn:
            conn.execute("UPDATE tokens SET revoked_at = ? WHERE role = ? AND unit = ? AND revoked_at IS NULL",
                          (now.isoformat(), role, unit))
            conn.execute("INSERT INTO tokens (role, unit, token_hash, created_at) VALUES (?, ?, ?, ?)",
                         (role, unit, token_hash, now.isoformat()))

    def add_token_if_none(self, role: str, unit: str, token_hash: str, now: dt.datetime) -> bool:
        """Add a token only when the role (or unit) has no live one; True when added."""
        with self.transaction() as conn:
            live = conn.execute("SELECT 1 FROM tokens WHERE role = ? AND unit = ? AND revoked_at IS NULL",
                                (role, unit)).fetchone()
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

    def file_path(self, digest: str) -> Path:
        if len(digest) != 64 or any(ch not in "0123456789abcdef" for ch in digest):
            raise ValueError("not a SHA-256 hex digest")
        return self.uploads_dir / f"{digest}.xlsx"

    # ------------------------------------------------------------------------------ uploads

    def add_upload(self, *, quarter: Quarter, action_id: int, unit: str, uploaded_at: dt.datetime,
                   sha256: str, size: int, file_name: str, issues: tuple[Issue, ...],
                   filler: str, phone: str) -> UploadRecord:
        errors = sum(1 for i in issues if i.severity is Severity.ERROR)
        warnings = len(issues) - errors
        issues_json = json.dumps([i.to_dict() for i in issues], ensure_ascii=False)
        with self.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO uploads (quarter, action_id, unit, uploaded_at, sha256, size, file_name, accepted, "
                "errors, warnings, filler, phone, issues_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (str(quarter), action_id, unit, uploaded_at.isoformat(), sha256, size, file_name,
                 int(errors == 0), errors, warnings, filler, phone, issues_json))
            row = conn.execute("SELECT * FROM uploads WHERE id = ?", (cursor.lastrowid,)).fetchone()
        return _upload_row(row)

    def upload(self, upload_id: int) -> UploadRecord | None:
        with self.reading() as conn:
            row = conn.execute("SELECT * FROM uploads WHERE id = ?", (upload_id,)).fetchone()
        return _upload_row(row) if row else None

    def uploads(self, quarter: Quarter | None = None, action_id: int | None = None,
                unit: str | None = None, accepted_only: bool = False) -> list[UploadRecord]:
        """Uploads oldest first (by time, then by id), filtered as asked."""
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
            rows = conn.execute(f"SELECT * FROM uploads {where} ORDER BY uploaded_at, id", params).fetchall()
        return [_upload_row(row) for row in rows]

    def quarters_with_uploads(self) -> list[Quarter]:
        with self.reading() as conn:
            rows = conn.execute("SELECT DISTINCT quarter FROM uploads").fetchall()
        return sorted(Quarter.parse(row["quarter"]) for row in rows)

    # ------------------------------------------------------------------------------ builds

    def start_build(self, quarter: Quarter, started_at: dt.datetime) -> int:
        """Reserve a build number (its outputs go to a folder of their own)."""
        with self.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO builds (quarter, started_at, finished_at, ok, out_dir, files_json, errors, warnings, "
                "message) VALUES (?, ?, ?, 0, '', '[]', 0, 0, '')",
                (str(quarter), started_at.isoformat(), started_at.isoformat()))
            return cursor.lastrowid

    def finish_build(self, build_id: int, *, finished_at: dt.datetime, ok: bool, out_dir: Path,
                     files: tuple[str, ...], errors: int, warnings: int, message: str) -> BuildRecord:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE builds SET finished_at = ?, ok = ?, out_dir = ?, files_json = ?, errors = ?, warnings = ?, "
                "message = ? WHERE id = ?",
                (finished_at.isoformat(), int(ok), str(out_dir), json.dumps(list(files), ensure_ascii=False),
                 errors, warnings, message, build_id))
            row = conn.execute("SELECT * FROM builds WHERE id = ?", (build_id,)).fetchone()
        return _build_row(row)

    def build(self, build_id: int) -> BuildRecord | None:
        with self.reading() as conn:
            row = conn.execute("SELECT * FROM builds WHERE id = ?", (build_id,)).fetchone()
        return _build_row(row) if row else None

    def builds(self, quarter: Quarter) -> list[BuildRecord]:
        """The quarter's builds, newest first."""
        with self.reading() as conn:
            rows = conn.execute("SELECT * FROM builds WHERE quarter = ? ORDER BY id DESC",
                                (str(quarter),)).fetchall()
        return [_build_row(row) for row in rows]


def _create_schema(conn: sqlite3.Connection) -> None:
    # executescript would commit the open transaction; run the statements one by one instead
    for statement in _SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _time(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def _token_row(row: sqlite3.Row) -> TokenRow:
    return TokenRow(id=row["id"], role=row["role"], unit=row["unit"], created_at=_time(row["created_at"]),
                    revoked_at=_time(row["revoked_at"]))


def _issue(data: dict[str, str]) -> Issue:
    return Issue(code=IssueCode(data["code"]), severity=Severity(data["severity"]), file=data["file"],
                 sheet=data["sheet"], cell=data["cell"], message=data["message"])


def _upload_row(row: sqlite3.Row) -> UploadRecord:
    return UploadRecord(
        id=row["id"], quarter=Quarter.parse(row["quarter"]), action_id=row["action_id"], unit=row["unit"],
        uploaded_at=_time(row["uploaded_at"]), sha256=row["sha256"], size=row["size"],
        file_name=row["file_name"], accepted=bool(row["accepted"]), errors=row["errors"],
        warnings=row["warnings"], filler=row["filler"], phone=row["phone"],
        issues=tuple(_issue(d) for d in json.loads(row["issues_json"])))


def _build_row(row: sqlite3.Row) -> BuildRecord:
    return BuildRecord(
        id=row["id"], quarter=Quarter.parse(row["quarter"]), started_at=_time(row["started_at"]),
        finished_at=_time(row["finished_at"]), ok=bool(row["ok"]), out_dir=Path(row["out_dir"]),
        files=tuple(json.loads(row["files_json"])), errors=row["errors"], warnings=row["warnings"],
        message=row["message"])
