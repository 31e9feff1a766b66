"""Parse results on disk, as JSON, so that earlier quarters (and an unchanged quarter) are not parsed again.

An entry is keyed by the sha256 of the file's bytes and a fingerprint of the package's code and of the
registry: any change to the parser or the plan makes new keys. The cache is only ever a shortcut: an
entry that cannot be read, or does not decode to exactly the records' types, is ignored and rewritten.
JSON (not pickle): reading an entry can never run code, and an entry can be read by a person.

Records are encoded from their dataclass fields and type hints (`encode`/`decode`): Decimal as its exact
text, dates in ISO form, enums by value, Quarter as "2025Q3".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import tempfile
import types
import typing
from collections.abc import Callable, Sequence
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any

from yc_reports.intake.records import ParseResult
from yc_reports.issues import IssueCode, make_issue
from yc_reports.plan.quarter import Quarter
from yc_reports.plan.registry import Registry

CACHE_FORMAT = 2          # bump when the records' layout changes (1 was the pickle cache)
Progress = Callable[[str, int, int], None]


# ------------------------------------------------------------------------------------ keys


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the package's source: any change to the parser (or what it uses) invalidates the cache."""
    digest = hashlib.sha256(f"format={CACHE_FORMAT}".encode())
    package = Path(__file__).resolve().parents[1]
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def registry_fingerprint(registry: Registry) -> str:
    """The plan as parsed (not where it was read from): targets and names shape what the parser reports."""
    return hashlib.sha256(repr((registry.plan, registry.thresholds, registry.actions)).encode()).hexdigest()


# ------------------------------------------------------------------------------------ JSON codec


class DecodeError(ValueError):
    """An entry that does not match the records' types."""


def encode(value: Any) -> Any:
    """A record (dataclass) as plain JSON data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if isinstance(value, Quarter):
            return str(value)
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return [encode(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot encode {type(value).__name__}")


def decode(kind: Any, data: Any) -> Any:
    """`data` (from `encode`) as an instance of `kind` (a type hint); DecodeError when it does not fit."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(kind)
        if data is None and type(None) in options:
            return None
        for option in options:
            if option is not type(None):
                return decode(option, data)
    if origin is tuple:
        if not isinstance(data, list):
            raise DecodeError(kind)
        item = typing.get_args(kind)[0]
        return tuple(decode(item, v) for v in data)
    try:
        if kind is Quarter:
            return Quarter.parse(data)
        if isinstance(kind, type) and dataclasses.is_dataclass(kind):
            if not isinstance(data, dict):
                raise DecodeError(kind)
            hints = typing.get_type_hints(kind)
            return kind(**{f.name: decode(hints[f.name], data[f.name]) for f in dataclasses.fields(kind)
                           if f.init})
        if isinstance(kind, type) and issubclass(kind, Enum):
            return kind(data)
        if kind is Decimal:
            return Decimal(_typed(data, str))
        if kind is dt.date:
            return dt.date.fromisoformat(_typed(data, str))
        if kind in (str, int, bool):
            return _typed(data, kind)
    except (KeyError, ValueError, TypeError, ArithmeticError) as exc:
        raise DecodeError(str(exc)) from None
    raise DecodeError(f"unexpected type {kind!r}")


def _typed(data: Any, kind: type) -> Any:
    if type(data) is not kind:
        raise DecodeError(f"{data!r} is not {kind.__name__}")
    return data


# ------------------------------------------------------------------------------------ parsing


def restamp(result: ParseResult, display_name: str) -> ParseResult:
    """The same result under another file name (a cached result of a renamed or copied file)."""
    old = result.file
    if old == display_name:
        return result
    submission = result.submission
    if submission is not None:
        submission = dataclasses.replace(submission, file=display_name)
    issues = tuple(dataclasses.replace(i, file=display_name) if i.file == old else i for i in result.issues)
    return ParseResult(file=display_name, submission=submission, issues=issues)


def safe_parse(path: Path, registry: Registry, display_name: str, data: bytes | None = None) -> ParseResult:
    """Parse the file (or its bytes, already read); a parser crash becomes an unreadable-file error
    instead of ending the run."""
    from yc_reports.intake.reader import parse_bytes, parse_workbook

    try:
        if data is not None:
            return parse_bytes(data, Path(path).name, registry, display_name=display_name)
        return parse_workbook(Path(path), registry, display_name=display_name)
    except Exception as exc:  # one bad workbook never stops the others
        issue = make_issue(IssueCode.FILE_UNREADABLE, display_name, detail=type(exc).__name__)
        return ParseResult(file=display_name, submission=None, issues=(issue,))


def _read(path: Path) -> bytes | None:
    try:
        return Path(path).read_bytes()
    except OSError:
        return None  # the parser reports the unreadable file


class ParseCache:
    """Parse results on disk under `root` (e.g. ``outputs/.cache/``); `root` None parses every time."""

    def __init__(self, registry: Registry, root: Path | None) -> None:
        self.registry = registry
        self.root = Path(root) / "parse" if root is not None else None
        self._salt = f"{code_fingerprint()}:{registry_fingerprint(registry)}"
        self.hits = 0
        self.misses = 0

    def key(self, data: bytes) -> str:
        return hashlib.sha256(f"{hashlib.sha256(data).hexdigest()}:{self._salt}".encode()).hexdigest()

    def parse(self, path: Path, display_name: str) -> ParseResult:
        return self.parse_many([(path, display_name)])[0]

    def parse_many(self, items: Sequence[tuple[Path, str]], *, progress: Progress | None = None,
                   stage: str = "读取工作簿") -> list[ParseResult]:
        """Parse (path, display name) pairs, reusing cached results; the results keep the input order."""
        results: list[ParseResult | None] = [None] * len(items)
        todo: list[tuple[int, Path, str, str | None, bytes | None]] = []
        for index, (path, name) in enumerate(items):
            # The bytes hashed are the bytes parsed: a file saved again mid-build can never be cached
            # under the other content's key.
            data = _read(path)
            key = self.key(data) if data is not None else None
            cached = self._load(key) if key is not None else None
            if cached is not None:
                results[index] = restamp(cached, name)
                self.hits += 1
            else:
                todo.append((index, Path(path), name, key, data))
        done = len(items) - len(todo)
        if progress:
            progress(stage, done, len(items))
        for index, path, name, key, data in todo:
            result = safe_parse(path, self.registry, name, data)
            results[index] = result
            self.misses += 1
            if key is not None:
                self._store(key, result)
            done += 1
            if progress:
                progress(stage, done, len(items))
        return [r for r in results if r is not None]

    def _entry(self, key: str) -> Path | None:
        return self.root / f"{key}.json" if self.root is not None else None

    def _load(self, key: str) -> ParseResult | None:
        entry = self._entry(key)
        if entry is None or not entry.is_file():
            return None
        try:
            payload = json.loads(entry.read_text("utf-8"))
            if not isinstance(payload, dict) or payload.get("format") != CACHE_FORMAT:
                return None
            result = decode(ParseResult, payload["result"])
        except (OSError, ValueError, KeyError, TypeError):  # a corrupt or foreign entry is parsed again
            return None
        return result if isinstance(result, ParseResult) else None

    def _store(self, key: str, result: ParseResult) -> None:
        entry = self._entry(key)
        if entry is None:
            return
        text = json.dumps({"format": CACHE_FORMAT, "result": encode(result)}, ensure_ascii=False,
                          separators=(",", ":"))
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-", suffix=".json")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(text)
                os.replace(tmp, entry)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
        except OSError:
            pass  # a cache that cannot be written only costs time
