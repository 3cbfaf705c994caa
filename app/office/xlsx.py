"""Writing one sheet of an XLSX file with openpyxl, row by row (``exports.py`` decides what).

The workbook is write-only, so rows go to disk as they come and a large export keeps its
memory flat. Text is always stored as text: openpyxl would make ``=SUM(A1)`` typed on a
phone a live formula, so every string cell is written with the string type.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
# Characters XML 1.0 cannot hold; openpyxl refuses a cell that has one.
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_title(text: str) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of ``[]:*?/\\``."""
    return SHEET_NAME_BAD.sub(" ", text).strip()[:31] or "Sheet1"


def cell(sheet, value, *, bold: bool = False):
    """One write-only cell: days and times formatted as such, text kept as text."""
    c = WriteOnlyCell(sheet, value=ILLEGAL.sub("", value) if isinstance(value, str) else value)
    if isinstance(value, str):
        c.data_type = "s"  # never a formula, whatever it begins with
    elif isinstance(value, datetime):
        c.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        c.number_format = DATE_FORMAT
    if bold:
        c.font = Font(bold=True)
        c.alignment = Alignment(vertical="center")
    return c


def write(stream, title: str, columns, rows: Iterable[list], preamble: list[list] | None = None) -> None:
    """Write the sheet to ``stream``: preamble lines, the frozen header row, then the rows.

    :param columns: ``exports.Column``\\ s (header and width are read)
    :param rows: lists of cell values, already in the site's wall time
    """
    write_book(stream, [(title, columns, rows, preamble)])


def write_book(stream, sheets: Iterable[tuple]) -> None:
    """Several sheets in one workbook (a report's sections), each as ``write`` lays one out.

    :param sheets: ``(title, columns, rows, preamble)`` for each sheet, in order
    """
    book = Workbook(write_only=True)
    for title, columns, rows, preamble in sheets:
        sheet = book.create_sheet(sheet_title(title))
        for index, column in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        # Freeze everything down to the header, so the header stays while one scrolls.
        sheet.freeze_panes = f"A{len(preamble or ()) + 2}"
        for line in preamble or ():
            sheet.append([cell(sheet, v, bold=True) for v in line])
        sheet.append([cell(sheet, str(c.header), bold=True) for c in columns])
        for row in rows:
            sheet.append([cell(sheet, v) for v in row])
    book.save(stream)
