"""The parts of an .xlsx package the reader needs before calamine: sheet names and their XML members, the
percent number formats, a refusal of any DTD, and the package with some sheets replaced.

Only small parts are read whole (workbook.xml, its rels, styles.xml); of the others only the head, where
a DTD would have to stand.
"""

from __future__ import annotations

import html
import io
import posixpath
import re
import zipfile
from collections.abc import Iterable

WORKBOOK = "xl/workbook.xml"
_SHEET = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)/?>")
_NAME = re.compile(rb'\bname="([^"]*)"')
_RID = re.compile(rb'\b(?:\w+:)?id="([^"]*)"')
_REL = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)/?>")
_REL_ID = re.compile(rb'\bId="([^"]*)"')
_TARGET = re.compile(rb'\bTarget="([^"]*)"')
_NUMFMT = re.compile(rb"<(?:\w+:)?numFmt\b([^>]*)/?>")
_NUMFMT_ID = re.compile(rb'\bnumFmtId="(\d+)"')
_FORMAT_CODE = re.compile(rb'\bformatCode="([^"]*)"')
_CELL_XFS = re.compile(rb"<(?:\w+:)?cellXfs\b[^>]*>(.*?)</(?:\w+:)?cellXfs>", re.S)
_XF = re.compile(rb"<(?:\w+:)?xf\b([^>]*)/?>")
_ROOT = re.compile(rb"<[A-Za-z]")
BUILTIN_PERCENT = frozenset({9, 10})   # 0%, 0.00%
HEAD_BYTES = 64 * 1024


class ForbiddenXml(Exception):
    """A part of the package declares a DTD (entities): it is never handed to an XML parser."""


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its XML member (e.g. "xl/worksheets/sheet3.xml"), in the workbook's order."""
    workbook = _member(archive, WORKBOOK)
    rels_name = posixpath.join(posixpath.dirname(workbook), "_rels", posixpath.basename(workbook) + ".rels")
    targets: dict[bytes, str] = {}
    if rels_name in archive.NameToInfo:
        for rel in _REL.finditer(archive.read(rels_name)):
            rid, target = _REL_ID.search(rel.group(1)), _TARGET.search(rel.group(1))
            if rid and target:
                path = html.unescape(target.group(1).decode("utf-8"))
                path = path.lstrip("/") if path.startswith("/") else posixpath.normpath(
                    posixpath.join(posixpath.dirname(workbook), path))
                targets[rid.group(1)] = path
    parts: dict[str, str] = {}
    for sheet in _SHEET.finditer(archive.read(workbook)):
        name, rid = _NAME.search(sheet.group(1)), _RID.search(sheet.group(1))
        if name and rid and rid.group(1) in targets:
            parts.setdefault(html.unescape(name.group(1).decode("utf-8")), targets[rid.group(1)])
    return parts


def _member(archive: zipfile.ZipFile, name: str) -> str:
    if name in archive.NameToInfo:
        return name
    found = [n for n in archive.namelist() if n.endswith("/workbook.xml")]
    if not found:
        raise KeyError(name)
    return found[0]


def refuse_dtd(archive: zipfile.ZipFile, sheets: Iterable[str]) -> None:
    """Raise ForbiddenXml when a part calamine will read declares a DTD (it must precede the root element,
    so only each part's head is read)."""
    names = set(sheets) | {n for n in archive.namelist() if n.endswith(".rels") or n in (
        "[Content_Types].xml", "xl/workbook.xml", "xl/sharedStrings.xml", "xl/styles.xml")}
    for name in sorted(names):
        if name not in archive.NameToInfo:
            continue
        with archive.open(name) as handle:
            head = handle.read(HEAD_BYTES)
        root = _ROOT.search(head)
        prolog = head[: root.start()] if root else head
        if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
            raise ForbiddenXml(name)


def percent_styles(archive: zipfile.ZipFile) -> frozenset[int]:
    """Indexes of the cell styles (cellXfs) whose number format shows a percent."""
    if "xl/styles.xml" not in archive.NameToInfo:
        return frozenset()
    styles = archive.read("xl/styles.xml")
    percent_ids = set(BUILTIN_PERCENT)
    for fmt in _NUMFMT.finditer(styles):
        fmt_id, code = _NUMFMT_ID.search(fmt.group(1)), _FORMAT_CODE.search(fmt.group(1))
        if fmt_id and code and _shows_percent(html.unescape(code.group(1).decode("utf-8"))):
            percent_ids.add(int(fmt_id.group(1)))
    xfs = _CELL_XFS.search(styles)
    if xfs is None:
        return frozenset()
    found = set()
    for index, xf in enumerate(_XF.finditer(xfs.group(1))):
        fmt_id = _NUMFMT_ID.search(xf.group(1))
        if fmt_id and int(fmt_id.group(1)) in percent_ids:
            found.add(index)
    return frozenset(found)


def _shows_percent(code: str) -> bool:
    """A '%' outside quoted text and escapes."""
    code = re.sub(r'"[^"]*"|\\.', "", code)
    return "%" in code


def replaced(archive: zipfile.ZipFile, members: dict[str, bytes]) -> bytes:
    """The package again, with `members` replaced (stored uncompressed: it is only read once, here)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        for info in archive.infolist():
            data = members.get(info.filename)
            target.writestr(info.filename, data if data is not None else archive.read(info.filename))
    return out.getvalue()
