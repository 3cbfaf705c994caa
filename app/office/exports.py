"""Every office list and paper form as a file: CSV for any program, XLSX for Excel and WPS.

A list names its columns once (a header msgid, how to read the value from a row, and what
kind of value it is) and hands its rows, unpaged, to ``respond``:

* CSV is UTF-8 with a byte-order mark, so Excel opens the Chinese as Chinese; every text
  cell goes through ``app.csvsafe`` so nothing a phone typed runs as a formula. The body is
  a generator: a year of visits never sits in memory.
* XLSX is an openpyxl write-only workbook (rows go to disk as they come): headers in the
  user's language, times as real date cells in the site's wall time, text cells stored as
  text even when they begin with ``=``, the header row frozen and columns sized.

``?format=csv`` or ``?format=xlsx`` on a list asks for its file with exactly the filters of
the page; ``requested`` reads it and, like ``filters.parse``, ignores an unknown value with a
message in the filter bar.

A large file takes a while, so the answer says how big it will be where that is known
without writing it twice: an XLSX is finished on disk before it is sent, so it has a
``Content-Length``; a CSV is written while it is sent, so it says its number of rows
(``X-Export-Rows``) when the view could count them cheaply (``count`` of the list's
statement, or the length of a list already read). ``static/js/desk/exports.js`` shows the
progress from these.
"""
from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sized
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import timezone
from decimal import Decimal
from urllib.parse import quote
from zoneinfo import ZoneInfo

from flask import Response
from flask import request
from flask import stream_with_context
from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy import select

from app.csvsafe import safe_cell
from app.extensions import db
from app.office import xlsx

FORMATS = ("csv", "xlsx")
KINDS = ("text", "number", "datetime", "date")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 64 * 1024
ROWS_HEADER = "X-Export-Rows"


@dataclass(frozen=True)
class Column:
    """One column of an export.

    :param header: a (lazy) msgid, translated when the file is written
    :param value: reads the cell from one row
    :param kind: ``text``, ``number``, ``datetime`` (an aware UTC time, shown in the row's
        site zone) or ``date`` (a day, as it is)
    :param width: the XLSX column width in characters (a Chinese character counts two)
    """

    header: object
    value: Callable
    kind: str = "text"
    width: int = 14

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(self.kind)


def requested(errors: list[str] | None = None) -> str | None:
    """``csv`` or ``xlsx`` when ``?format=`` asks for a file, else ``None`` (the page).

    An unknown value is ignored like any bad filter: the page is shown with a message.
    """
    value = (request.args.get("format") or "").strip().lower()
    if not value:
        return None
    if value in FORMATS:
        return value
    if errors is not None:
        errors.append(_("Files can be exported as Excel or CSV only; the page is shown instead."))
    return None


def local(value: datetime | None, tz: str) -> datetime | None:
    """An aware time as the site's wall time without a zone, as a spreadsheet cell wants it."""
    if value is None:
        return None
    if value.tzinfo is None:  # a UTC time read without its zone
        value = value.replace(tzinfo=timezone.utc)
    # To the second: a spreadsheet cell has no use for the phone's microseconds.
    return value.astimezone(ZoneInfo(tz)).replace(tzinfo=None, microsecond=0)


def cells(columns: list[Column], row, tz: str) -> list:
    """The row's values, with times in ``tz`` and nothing that is not a cell."""
    out = []
    for column in columns:
        value = column.value(row)
        if column.kind == "datetime" and isinstance(value, datetime):
            value = local(value, tz)
        elif column.kind == "number" and isinstance(value, Decimal):
            value = int(value) if value == value.to_integral_value() else float(value)
        elif value is not None and not isinstance(value, (str, int, float, date)):
            value = str(value)  # lazy strings, enums
        out.append(value)
    return out


def csv_text(value) -> str | int | float:
    """How one cell is written in CSV: times to the minute, days as ISO, text made safe."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return safe_cell(value)


def csv_lines(columns: list[Column], rows: Iterable, zone: Callable[[object], str],
              preamble: list[list] | None = None):
    """The CSV file in pieces: the BOM, any preamble and the header first, then the rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    for line in preamble or ():
        writer.writerow([csv_text(v) for v in line])
    writer.writerow([safe_cell(str(c.header)) for c in columns])
    yield "\ufeff" + flush()
    for row in rows:
        writer.writerow([csv_text(v) for v in cells(columns, row, zone(row))])
        if buffer.tell() >= CHUNK:
            yield flush()
    yield flush()


def filename_header(name: str, extension: str) -> str:
    """``attachment`` with the Chinese name for browsers and an ASCII one for the rest."""
    full = f"{name}.{extension}"
    return f"attachment; filename=\"export.{extension}\"; filename*=UTF-8''{quote(full)}"


def respond(fmt: str, name: str, columns: list[Column], rows: Iterable, *,
            tz: str | Callable[[object], str] = "Asia/Shanghai", title: str | None = None,
            preamble: list[list] | None = None, total: int | None = None) -> Response:
    """The rows as a CSV or XLSX download.

    :param name: the file's name without extension (Chinese welcome)
    :param tz: the site zone of every row, or a function giving each row's
    :param title: the XLSX sheet's name (the name when left out)
    :param preamble: lines above the header (a paper form's title and period); written as
        they are, in both formats
    :param total: how many rows there are, when the view counted them (a list's length is
        taken by itself); sent as ``X-Export-Rows`` with a CSV, for a progress bar
    .. note:: the rows are read while the answer is sent, inside the request's context.
    """
    zone = tz if callable(tz) else (lambda row: tz)
    if total is None and isinstance(rows, Sized):
        total = len(rows)
    if fmt == "csv":
        def lines():
            for chunk in csv_lines(columns, rows, zone, preamble):
                yield chunk.encode("utf-8")
        response = Response(stream_with_context(lines()), mimetype=CSV_TYPE)
        if total is not None:
            response.headers[ROWS_HEADER] = str(total)
    elif fmt == "xlsx":
        return workbook(name, [(title or name, columns, (cells(columns, row, zone(row)) for row in rows),
                                preamble)])
    else:
        raise ValueError(fmt)
    return _as_download(response, name, fmt)


def workbook(name: str, sheets) -> Response:
    """An XLSX download of one sheet or several (a report's sections), spooled to disk.

    :param sheets: ``(title, columns, rows of cells, preamble)`` each, as ``xlsx.write_book``
        takes them
    """
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    xlsx.write_book(spool, sheets)
    size = spool.seek(0, io.SEEK_END)  # the workbook is complete: its size is the download's
    spool.seek(0)

    def chunks():
        with spool:
            while block := spool.read(CHUNK):
                yield block
    response = Response(chunks(), mimetype=XLSX_TYPE)
    response.content_length = size
    return _as_download(response, name, "xlsx")


def _as_download(response: Response, name: str, fmt: str) -> Response:
    response.headers["Content-Disposition"] = filename_header(name, fmt)
    response.headers["Cache-Control"] = "no-store"  # personal data: never kept by a proxy
    return response


def file_name(title: str, f=None) -> str:
    """``巡视_翠湖花园_2026-11-01_2026-11-30``: the list, the site and the days shown."""
    parts = [str(title)]
    if f is not None:
        if f.site is not None:
            parts.append(f.site.name)
        if f.date_from or f.date_to:
            parts.append(f"{f.date_from or ''}_{f.date_to or ''}".strip("_"))
    return "_".join(p for p in parts if p)


def streamed(stmt, *, scalars: bool = False, batch: int = 500):
    """The rows of a list's statement, fetched in batches when the file is written.

    .. note:: a generator on purpose: a CSV is sent after the view has returned and its
       session was closed, so the query runs only when the rows are read, in the session
       of the streaming context.
    """
    result = db.session.execute(stmt.execution_options(yield_per=batch))
    yield from (result.scalars() if scalars else result)


def count(stmt) -> int:
    """How many rows a list's statement gives: one ``COUNT`` over it, without its order."""
    return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))


def download(fmt: str, title, f, columns: list[Column], rows: Iterable, tz=None, counted=None) -> Response:
    """A list's file: named after the list and its filters, times in the rows' site zones.

    :param counted: the statement ``rows`` are read from (one row each), counted for a CSV
        so that its answer says how many rows are coming
    """
    total = count(counted) if counted is not None and fmt == "csv" else None
    return respond(fmt, file_name(title, f), columns, rows, tz=tz or f.tz, title=str(title), total=total)


def in_batches(items: Iterable, size: int = 500):
    """Lists of up to ``size`` items: a list whose lines need a look-up (names, marks) does
    it once per batch, not once per line nor once for the whole file."""
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
