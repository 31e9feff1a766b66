"""Parse results on disk, as JSON, so that earlier quarters (and an unchanged quarter) are not parsed again.

An entry is keyed by the sha256 of the file's bytes and a fingerprint of the package's code and of the
registry: any change to the parser or the plan makes new keys. The cache is only ever a shortcut: an
entry that cannot be read, or does not decode to exactly the records' types, is ignored and rewritten.
Entries are JSON through `yc_reports.jsoncache` (the same codec and store as the plan cache).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

from yc_reports.intake.records import ParseResult
from yc_reports.issues import IssueCode, make_issue
from yc_reports.jsoncache import JsonStore, source_fingerprint
from yc_reports.plan.registry import Registry

CACHE_FORMAT = 4          # bump when the records' layout changes (1 was the pickle cache, 2 the first JSON)
Progress = Callable[[str, int, int], None]


# ------------------------------------------------------------------------------------ keys


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the package's source: any change to the parser (or what it uses) invalidates the cache."""
    package = Path(__file__).resolve().parents[1]
    return source_fingerprint(package, sorted(package.rglob("*.py")), f"format={CACHE_FORMAT}")


def registry_fingerprint(registry: Registry) -> str:
    """The plan as parsed (not where it was read from): targets, names and the placeholders shape what the parser
    reports."""
    plan = (registry.plan, registry.thresholds, registry.actions, sorted(registry.placeholders))
    return hashlib.sha256(repr(plan).encode()).hexdigest()


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
    from yc_reports.intake.reader import damage_text, parse_bytes, parse_workbook

    try:
        if data is not None:
            return parse_bytes(data, Path(path).name, registry, display_name=display_name)
        return parse_workbook(Path(path), registry, display_name=display_name)
    except Exception as exc:  # one bad workbook never stops the others
        issue = make_issue(IssueCode.FILE_UNREADABLE, display_name, detail=damage_text(exc))
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
        self._entries = JsonStore(self.root, CACHE_FORMAT)
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
            cached = self._entries.load(key, ParseResult) if key is not None else None
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
                self._entries.store(key, result)
            done += 1
            if progress:
                progress(stage, done, len(items))
        return [r for r in results if r is not None]
