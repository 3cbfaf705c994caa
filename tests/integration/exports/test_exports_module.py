"""``app.office.exports`` on its own: cells, escaping, zones and streaming, without a list."""
import csv
import io
from datetime import date
from datetime import datetime
from datetime import timezone
from decimal import Decimal

import openpyxl
import pytest

from app.office import exports

C = exports.Column
COLUMNS = [C("Name", lambda r: r["name"]), C("At", lambda r: r["at"], "datetime"),
           C("Day", lambda r: r["day"], "date"), C("Qty", lambda r: r["qty"], "number")]
DANGEROUS = ["=1+1", "+86 138", "-5", "@A1", "\tTAB", "\rCR"]


def rows():
    for i, name in enumerate(DANGEROUS + ["王五"]):
        yield {"name": name, "at": datetime(2026, 12, 31, 16, 30, tzinfo=timezone.utc),
               "day": date(2026, 12, 31), "qty": Decimal("2.50") if i else Decimal("3.000")}


@pytest.fixture()
def request_ctx(app):
    with app.test_request_context("/patrols?format=csv"):
        yield


def read_csv(response):
    text = b"".join(response.response).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_escapes_every_formula_start_and_keeps_times_in_the_site_zone(request_ctx):
    response = exports.respond("csv", "名单", COLUMNS, rows(), tz="Asia/Shanghai")
    assert response.is_streamed and response.headers["Cache-Control"] == "no-store"
    assert "filename*=UTF-8''%E5%90%8D%E5%8D%95.csv" in response.headers["Content-Disposition"]
    got = read_csv(response)
    assert got[0] == ["Name", "At", "Day", "Qty"]
    assert [r[0] for r in got[1:-1]] == ["'" + v for v in DANGEROUS]
    assert got[-1] == ["王五", "2027-01-01 00:30", "2026-12-31", "2.5"]  # 16:30 UTC is past midnight in Shanghai
    assert got[1][3] == "3"


def test_xlsx_stores_formulas_as_text_and_times_as_wall_time(request_ctx):
    response = exports.respond("xlsx", "名单", COLUMNS, rows(), tz="Asia/Shanghai")
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.response))).active
    got = [[c.value for c in row] for row in ws.iter_rows()]
    assert [r[0] for r in got[1:4]] == DANGEROUS[:3]
    assert all(ws.cell(row=r, column=1).data_type == "s" for r in range(2, 9))
    assert got[-1][1] == datetime(2027, 1, 1, 0, 30) and ws.cell(row=8, column=2).number_format == "yyyy-mm-dd hh:mm"
    assert got[-1][2] == datetime(2026, 12, 31) and ws.cell(row=8, column=3).number_format == "yyyy-mm-dd"
    assert got[-1][3] == 2.5 and got[1][3] == 3
    assert got[5][0] == "\tTAB"  # a tab is legal XML: kept, as text
    assert ws.freeze_panes == "A2"


def test_the_csv_reads_rows_only_while_it_is_sent(request_ctx):
    """A large export never sits in memory: rows are pulled as the body is written."""
    pulled = []

    def lazy():
        for n in range(20000):
            pulled.append(n)
            yield {"name": f"访客{n}", "at": None, "day": None, "qty": n}

    response = exports.respond("csv", "大", COLUMNS, lazy())
    assert pulled == []
    body = iter(response.response)
    next(body)
    assert len(pulled) < 20000
    rest = b"".join(body)
    assert len(pulled) == 20000 and rest.endswith("访客19999,,,19999\r\n".encode())


def test_control_characters_xml_cannot_hold_are_dropped_not_fatal(request_ctx):
    one = [{"name": "坏\x00字\x1b符", "at": None, "day": None, "qty": None}]
    response = exports.respond("xlsx", "x", COLUMNS, one)
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.response))).active
    assert ws["A2"].value == "坏字符"


def test_a_kind_that_is_not_one_is_a_programming_error():
    with pytest.raises(ValueError):
        C("x", lambda r: r, "money")
