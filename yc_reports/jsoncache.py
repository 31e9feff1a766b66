"""Typed records on disk as JSON: the codec and the store behind the parse cache and the plan cache.

JSON (not pickle): reading an entry can never run code, and a person can read it. Records are encoded
from their dataclass fields and decoded by their type hints: Decimal as its exact text, dates in ISO
form, enums by value, Quarter as "2025Q3", a Fraction as "n/d", a dict as an object (keys as text), a
frozenset as a sorted list. A cache is only ever a shortcut: an entry that cannot be read, or does not decode to exactly the
records' types, is ignored (and rewritten by its owner); an entry that cannot be written only costs time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import types
import typing
from collections.abc import Iterable
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from yc_reports.plan.quarter import Quarter

T = TypeVar("T")
CACHE_DIR_ENV = "YC_REPORTS_CACHE_DIR"   # the per-user cache folder; set to "" to keep no cache there


class DecodeError(ValueError):
    """An entry that does not match the records' types."""


def user_cache_dir() -> Path | None:
    """The per-user cache folder (the plan cache, compiled wording templates): `YC_REPORTS_CACHE_DIR` when
    set (empty: none), else the platform's own (~/.cache/yc-reports, %LOCALAPPDATA%\\yc-reports\\Cache)."""
    configured = os.environ.get(CACHE_DIR_ENV)
    if configured is not None:
        return Path(configured) if configured.strip() else None
    import platformdirs

    return Path(platformdirs.user_cache_dir("yc-reports", appauthor=False))


def source_fingerprint(package: Path, files: Iterable[Path], salt: str) -> str:
    """A hash of source files (their paths under `package` and their bytes) and `salt`: a cache keyed by it
    is never read by code other than the code that wrote it."""
    digest = hashlib.sha256(salt.encode())
    for path in files:
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


# ------------------------------------------------------------------------------------ codec


def encode(value: Any) -> Any:
    """A record (dataclass) as plain JSON data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if isinstance(value, Quarter):
            return str(value)
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (Decimal, Fraction)):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return [encode(v) for v in value]
    if isinstance(value, frozenset):
        return sorted(encode(v) for v in value)
    if isinstance(value, dict):
        return {str(encode(k)): encode(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot encode {type(value).__name__}")


def decode(kind: Any, data: Any, *, lenient: bool = False) -> Any:
    """`data` (from `encode`) as an instance of `kind` (a type hint); DecodeError when it does not fit.

    `lenient`: a record's field missing from `data` takes the field's default (a record written before the
    field was added); a cache is never lenient, the office's record is (it outlives the code that wrote it)."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(kind)
        if data is None and type(None) in options:
            return None
        for option in options:
            if option is not type(None):
                return decode(option, data, lenient=lenient)
    if origin in (tuple, frozenset):
        if not isinstance(data, list):
            raise DecodeError(kind)
        args = typing.get_args(kind)
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):   # a fixed tuple: tuple[A, B]
            if len(args) != len(data):
                raise DecodeError(kind)
            return tuple(decode(a, v, lenient=lenient) for a, v in zip(args, data, strict=True))
        return origin(decode(args[0], v, lenient=lenient) for v in data)
    if origin is dict:
        if not isinstance(data, dict):
            raise DecodeError(kind)
        key_kind, value_kind = typing.get_args(kind)
        return {_decode_key(key_kind, k): decode(value_kind, v, lenient=lenient) for k, v in data.items()}
    try:
        if kind is Quarter:
            return Quarter.parse(data)
        if isinstance(kind, type) and dataclasses.is_dataclass(kind):
            if not isinstance(data, dict):
                raise DecodeError(kind)
            hints = _hints(kind)
            return kind(**{f.name: decode(hints[f.name], data[f.name], lenient=lenient)
                           for f in dataclasses.fields(kind) if f.init and (f.name in data or not lenient
                                                                            or not _has_default(f))})
        if isinstance(kind, type) and issubclass(kind, Enum):
            return kind(data)
        if kind is Decimal:
            return Decimal(_typed(data, str))
        if kind is Fraction:
            return Fraction(_typed(data, str))
        if kind is dt.datetime:
            return dt.datetime.fromisoformat(_typed(data, str))
        if kind is dt.date:
            return dt.date.fromisoformat(_typed(data, str))
        if kind in (str, int, bool):
            return _typed(data, kind)
    except (KeyError, ValueError, TypeError, ArithmeticError) as exc:
        raise DecodeError(str(exc)) from None
    raise DecodeError(f"unexpected type {kind!r}")


@cache
def _hints(kind: type) -> dict[str, Any]:
    return typing.get_type_hints(kind)


def _has_default(f: dataclasses.Field[Any]) -> bool:
    return f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING


def _decode_key(kind: Any, key: str) -> Any:
    """A JSON object's key (always text) as the dict's key type: an int key was written as its digits."""
    if kind is int:
        if key.lstrip("-").isdigit() and str(int(key)) == key:
            return int(key)
        raise DecodeError(f"{key!r} is not int")
    return decode(kind, key)


def _typed(data: Any, kind: type) -> Any:
    if type(data) is not kind:
        raise DecodeError(f"{data!r} is not {kind.__name__}")
    return data


# ------------------------------------------------------------------------------------ store


class JsonStore:
    """Entries `root/<key>.json`, each one record of a known type with the store's format number; `root`
    None keeps nothing (every load misses)."""

    def __init__(self, root: Path | None, format_version: int) -> None:
        self.root = root
        self.format_version = format_version

    def load(self, key: str, kind: type[T]) -> T | None:
        """The record stored under `key`, or None (absent, unreadable, another format or another shape)."""
        entry = self._entry(key)
        if entry is None or not entry.is_file():
            return None
        try:
            payload = json.loads(entry.read_text("utf-8"))
            if not isinstance(payload, dict) or payload.get("format") != self.format_version:
                return None
            value = decode(kind, payload["value"])
        except (OSError, ValueError, KeyError, TypeError):  # a corrupt or foreign entry is made again
            return None
        return value if isinstance(value, kind) else None

    def store(self, key: str, value: Any) -> None:
        """Write the entry whole (a temporary file renamed over it) or not at all."""
        entry = self._entry(key)
        if entry is None:
            return
        text = json.dumps({"format": self.format_version, "value": encode(value)}, ensure_ascii=False,
                          separators=(",", ":"))
        import tempfile

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

    def _entry(self, key: str) -> Path | None:
        return self.root / f"{key}.json" if self.root is not None else None
