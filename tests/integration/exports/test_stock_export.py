"""``/stock/checks?format=``: the month's checks with their figures, as numbers."""
import re
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from zoneinfo import ZoneInfo

import pytest

from tests.integration.exports.conftest import csv_rows
from tests.integration.exports.conftest import sheet
from tests.integration.exports.conftest import values

SHANGHAI = ZoneInfo("Asia/Shanghai")
HEADER = ["开始时间", "完成时间", "小区", "仓库", "盘点人", "盘点物资数", "差异项", "差异合计", "不合格数", "待审批", "状态"]


@pytest.fixture()
def checks(world, keeper):
    it = world.items1
    at = datetime.now(timezone.utc) - timedelta(hours=1)
    differing = keeper.check(world.site1, world.store1, [(it[0], 8, 2, "两个坏了"), (it[1], 20)], at=at)
    open_one = keeper.check(world.site1, world.store1, [(it[1], 20)], finish=False,
                            at=at + timedelta(minutes=10))
    return {"differing": (differing.id, at), "open": open_one.id}


def listed(desk, query) -> int:
    return len(set(re.findall(r'href="/stock/checks/([0-9a-f-]{36})"', desk.text("/stock/checks" + query))))


def since(checks) -> str:
    """The list shows this month unless told; an hour ago may be last month in Shanghai."""
    return "&from=" + checks["differing"][1].astimezone(SHANGHAI).date().isoformat()


def test_csv_and_xlsx_hold_the_checks_of_the_page(desk_for, checks, world):
    desk = desk_for("manager1")
    query = "?sort=started" + since(checks)
    rows = csv_rows(desk.get("/stock/checks" + query + "&format=csv"))
    assert rows[0] == HEADER and len(rows) - 1 == listed(desk, query) == 2
    first = rows[1]
    assert first[0] == checks["differing"][1].astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    assert first[3] == "翠湖花园仓库" and first[4] == "store1"
    assert first[5:10] == ["2", "1", "-2", "2", "1"] and first[10] == "待审批"
    assert rows[2][1] == "" and rows[2][10] == "未完成"

    ws = sheet(desk.get("/stock/checks" + query + "&format=xlsx"))
    got = values(ws)
    assert got[0] == HEADER and len(got) == 3
    assert isinstance(got[1][0], datetime) and isinstance(got[1][1], datetime)
    assert got[1][5:10] == [2, 1, -2, 2, 1]
    assert got[2][1] is None


def test_the_status_filter_holds_in_the_file(desk_for, checks):
    desk = desk_for("manager1")
    rows = csv_rows(desk.get(f"/stock/checks?status=open{since(checks)}&format=csv"))
    assert len(rows) - 1 == listed(desk, "?status=open" + since(checks)) == 1 and rows[1][10] == "未完成"
