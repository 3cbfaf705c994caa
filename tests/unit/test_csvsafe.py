"""Cells a spreadsheet would run as formulas are written as text; others are left alone."""
import io

import pytest

from app.csvsafe import safe_cell
from app.csvsafe import safe_writer


@pytest.mark.parametrize("value,written", [
    ("=1+1", "'=1+1"), ("+86 138", "'+86 138"), ("-3", "'-3"), ("@cmd", "'@cmd"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("灯泡", "灯泡"), ("", ""), ("a=b", "a=b"), (3, 3), (None, None),
])
def test_safe_cell(value, written):
    assert safe_cell(value) == written


def test_the_writer_makes_every_cell_safe():
    out = io.StringIO()
    safe_writer(out, lineterminator="\n").writerow(["=A1", "ok", 2])
    assert out.getvalue() == "'=A1,ok,2\n"
