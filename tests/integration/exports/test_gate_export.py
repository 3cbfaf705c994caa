"""``/gate/visits?format=``: visits as CSV and XLSX, numbers masked as the page masks them,
and text a guard typed that a spreadsheet would run (=, +, -, @) kept as text."""
import re
from datetime import datetime
from datetime import timedelta

import pytest

from tests.integration.exports.conftest import csv_rows
from tests.integration.exports.conftest import sheet
from tests.integration.exports.conftest import values
from tests.integration.gate.conftest import ID_NUMBER
from tests.integration.gate.conftest import PHONE
from tests.integration.gate.conftest import SHANGHAI
from tests.integration.gate.conftest import now

HEADER = ["进入", "离开", "停留时长（分钟）", "小区", "访客", "来访事由", "人数", "房号", "被访人", "车牌号",
          "手机", "身份证号", "可疑人员", "关注名单", "登记人", "离开登记人"]
FORMULAS = ["=HYPERLINK(\"http://evil.example\")", "+86 赵", "-2+3", "@SUM(1)"]


@pytest.fixture()
def visits(gate, world):
    at = now() - timedelta(hours=2)
    wang = gate.check_in(visitor_name="王五", purpose="visit", unit="1-1-101", host_name="陈建国",
                         plate="粤B·12345", phone=PHONE, id_number=ID_NUMBER, at=at, party_size=2)
    gate.check_out(wang, at=at + timedelta(minutes=45))
    gate.flag(wang)
    odd = [gate.check_in(visitor_name=name, purpose="delivery", at=at + timedelta(minutes=i + 1))
           for i, name in enumerate(FORMULAS)]
    other = gate.check_in(by=gate.guard2, site=world.site2, visitor_name="李四")
    return {"wang": (wang, at), "odd": odd, "other": other}


def days(visits) -> str:
    """From the first visit's local day to today: the list shows today only unless told,
    and two hours ago may be yesterday in Shanghai."""
    first = visits["wang"][1].astimezone(SHANGHAI).date()
    return f"&from={first.isoformat()}&to={now().astimezone(SHANGHAI).date().isoformat()}"


def page_rows(desk, query) -> int:
    html = desk.text("/gate/visits" + query)
    return len(re.findall(r'<a href="/gate/visits/[^"]+"><strong>', html))


def test_csv_rows_match_the_page_and_numbers_stay_masked(desk_for, visits, world):
    desk = desk_for("supervisor1")
    query = f"?site={world.site1}&sort=in" + days(visits)
    rows = csv_rows(desk.get("/gate/visits" + query + "&format=csv"))
    assert rows[0] == HEADER
    assert len(rows) - 1 == page_rows(desk, query) == 5
    wang = rows[1]
    at = visits["wang"][1].astimezone(SHANGHAI)
    assert wang[0] == at.strftime("%Y-%m-%d %H:%M")
    assert wang[1] == (at + timedelta(minutes=45)).strftime("%Y-%m-%d %H:%M")
    assert wang[2] == "45" and wang[3] == "翠湖花园" and wang[4] == "王五" and wang[5] == "探亲访友"
    assert wang[6] == "2" and wang[7] == "1-1-101" and wang[8] == "陈建国" and wang[9] == "粤B·12345"
    assert wang[10] == "138****5678" and wang[11] == "110101********1234"
    assert wang[12] == "是" and wang[14] == "guard1" and wang[15] == "lead1"
    body = desk.get("/gate/visits" + query + "&format=csv").get_data().decode("utf-8")
    assert PHONE not in body and ID_NUMBER not in body


def test_csv_escapes_what_a_spreadsheet_would_run(desk_for, visits, world):
    rows = csv_rows(desk_for("supervisor1").get(f"/gate/visits?site={world.site1}&sort=in{days(visits)}&format=csv"))
    assert [r[4] for r in rows[2:]] == ["'" + name for name in FORMULAS]


def test_xlsx_keeps_formulas_as_text_and_times_as_dates(desk_for, visits, world):
    ws = sheet(desk_for("supervisor1").get(f"/gate/visits?site={world.site1}&sort=in{days(visits)}&format=xlsx"))
    got = values(ws)
    assert got[0] == HEADER and len(got) == 6
    names = [row[4] for row in got[2:]]
    assert names == FORMULAS
    assert all(ws.cell(row=r, column=5).data_type == "s" for r in range(3, 7))
    wall = visits["wang"][1].astimezone(SHANGHAI).replace(tzinfo=None)
    assert isinstance(got[1][0], datetime) and abs(got[1][0] - wall) < timedelta(minutes=1)
    assert got[1][2] == 45 and got[1][6] == 2
    assert got[1][10] == "138****5678" and got[1][11] == "110101********1234"
    assert ws.freeze_panes == "A2"


def test_filters_apply_purpose_and_words(desk_for, visits, world):
    desk = desk_for("supervisor1")
    query = f"?site={world.site1}&category=visit&q=陈建国" + days(visits)
    rows = csv_rows(desk.get("/gate/visits" + query + "&format=csv"))
    assert len(rows) - 1 == page_rows(desk, query) == 1 and rows[1][4] == "王五"


def test_a_manager_gets_only_his_site(desk_for, visits, world):
    rows = csv_rows(desk_for("manager1").get(f"/gate/visits?site={days(visits)}&format=csv"))
    assert "李四" not in {r[4] for r in rows[1:]} and len(rows) == 6
