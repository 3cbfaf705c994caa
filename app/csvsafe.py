"""Cells for CSV files people open in a spreadsheet.

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel and WPS as a formula, so text somebody typed on a phone could run in the office.
Such a cell is written with a leading apostrophe, which spreadsheets show as plain text.
"""
import csv

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value as it may go into a cell; numbers are left as they are."""
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def safe_writer(stream, **kwargs):
    """A ``csv.writer`` whose ``writerow`` makes every text cell safe."""
    writer = csv.writer(stream, **kwargs)

    class _Safe:
        def writerow(self, row):
            return writer.writerow([safe_cell(v) for v in row])

    return _Safe()
