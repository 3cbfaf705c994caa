"""``/followups/list?format=``: the follow-ups of the list's filters, as each person may see them."""
import re
from datetime import datetime

import pytest

from tests.integration.exports.conftest import csv_rows
from tests.integration.exports.conftest import sheet
from tests.integration.exports.conftest import values
from tests.integration.patrols.conftest import ago

HEADER = ["跟进事项", "问题类别", "状态", "负责人", "创建", "截止", "已超时", "升级", "解决时间", "关闭时间", "小区"]


@pytest.fixture()
def findings(world, phone):
    guard = phone("guard1")
    guard.walk(world.site1, ago(hours=2), findings=[
        {"category": "cleaning", "description": "=1+1 三号楼楼道垃圾未清"},
        {"category": "security", "description": "东门门禁损坏"}], end_minutes=10)
    phone("guard2").walk(world.site2, ago(hours=1), findings=[{"description": "金桂苑的垃圾"}], end_minutes=5)


def listed(desk, query) -> int:
    return len(set(re.findall(r'href="/followups/([0-9a-f-]{36})"', desk.text("/followups/list" + query))))


def test_the_files_hold_the_filtered_follow_ups(desk_for, findings, world):
    desk = desk_for("supervisor1")
    query = f"?site={world.site1}&category=cleaning"
    rows = csv_rows(desk.get("/followups/list" + query + "&format=csv"))
    assert rows[0] == HEADER and len(rows) - 1 == listed(desk, query) == 1
    line = rows[1]
    assert line[1] == "保洁" and line[10] == "翠湖花园" and line[2]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", line[4])
    assert line[0].startswith("'=1+1 三号楼")  # the finding's words: a formula stays text

    got = values(sheet(desk.get("/followups/list" + query + "&format=xlsx")))
    assert got[0] == HEADER and len(got) == 2
    assert isinstance(got[1][4], datetime)
    assert got[1][0] == line[0].removeprefix("'")


def test_everything_of_both_sites_for_a_supervisor(desk_for, findings):
    desk = desk_for("supervisor1")
    rows = csv_rows(desk.get("/followups/list?site=&format=csv"))
    assert len(rows) - 1 == listed(desk, "?site=") == 3
    assert {r[10] for r in rows[1:]} == {"翠湖花园", "金桂苑"}
