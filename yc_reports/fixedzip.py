"""Zip packages with fixed entry times (.docx, .xlsx, downloads): the same content, the same bytes."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator

FIXED_ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def zip_bytes(entries: Iterable[tuple[str, bytes]]) -> bytes:
    """A deflated zip of (name, content) in the order given, every entry stamped FIXED_ZIP_TIME."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in entries:
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, content)
    return out.getvalue()


_CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


def normalise_zip(data: bytes, core_stamp: dt.datetime | None = None) -> bytes:
    """Rewrite a zip with fixed entry times, keeping the order and content of its entries.

    With `core_stamp`, the created/modified dates in docProps/core.xml are set to it as well."""
    source = zipfile.ZipFile(io.BytesIO(data))

    iso = core_stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode() if core_stamp is not None else b""

    def entries() -> Iterator[tuple[str, bytes]]:
        for info in source.infolist():
            content = source.read(info.filename)
            if core_stamp is not None and info.filename == "docProps/core.xml":
                content = _CORE_DATES.sub(lambda m: m.group(1) + iso + m.group(2), content)
            yield info.filename, content

    return zip_bytes(entries())
