"""Deterministic Office files: .docx and .xlsx are zips whose entry times and document dates vary per save."""

from __future__ import annotations

import io
import re
import time
import zipfile

from ..epoch import source_date_epoch

# Zip timestamps cannot go below 1980-01-01.
_ZIP_MIN = (1980, 1, 1, 0, 0, 0)
_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


def zip_time(epoch: int) -> tuple[int, int, int, int, int, int]:
    """A zip entry's date_time for a Unix time (clamped to what the zip format can hold)."""
    return max(time.gmtime(epoch)[:6], _ZIP_MIN)


def normalize(data: bytes, epoch: int | None = None) -> bytes:
    """The same Office zip with fixed entry times and document dates, so equal input gives equal bytes."""
    epoch = source_date_epoch(epoch)
    stamp = zip_time(epoch)
    iso = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch)).encode()
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        entries = []
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _DATES.sub(lambda m: m.group(1) + iso + m.group(2), body)
            entries.append((info.filename, body))
    return rezip(entries, epoch, stamp)


def rezip(entries: list[tuple[str, bytes]], epoch: int | None = None, stamp=None) -> bytes:
    """An Office zip of (name, bytes) entries in order, with fixed entry times (as normalize writes them)."""
    stamp = stamp or zip_time(source_date_epoch(epoch))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, body in entries:
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, body)
    return out.getvalue()
