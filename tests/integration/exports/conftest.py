"""Exports of the office lists, read back the way a spreadsheet would read them.

The records are made as the phones make them (the fixtures of each feature's tests); a
file is fetched with the page's own query string plus ``format=``.
"""
import csv
import io

import openpyxl
import pytest

from tests.integration.gate.conftest import gate  # noqa: F401  (fixture)
from tests.integration.patrols.conftest import desk_for  # noqa: F401  (fixture)
from tests.integration.patrols.conftest import phone  # noqa: F401  (fixture)
from tests.integration.complaints.conftest import lodge  # noqa: F401  (fixture)
from tests.integration.repairs.conftest import take  # noqa: F401  (fixture)
from tests.integration.stock.conftest import keeper  # noqa: F401  (fixture)

BOM = "\ufeff"


def csv_rows(response) -> list[list[str]]:
    """The CSV as Excel reads it: it must start with the BOM and be UTF-8."""
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/csv"
    text = response.get_data().decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[1:])))


def sheet(response):
    """The first sheet of the XLSX answer, opened with openpyxl."""
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return openpyxl.load_workbook(io.BytesIO(response.get_data())).worksheets[0]


def values(ws) -> list[list]:
    return [[c.value for c in row] for row in ws.iter_rows()]


@pytest.fixture()
def fetch(client):
    """``fetch(path)``: the answer, read whole, for the desk signed in on ``client``."""
    def get(path):
        response = client.get(path)
        response.get_data()
        return response
    return get
