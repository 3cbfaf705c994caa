"""``/repairs?format=``: repair orders of the list's filters, owners' phones masked."""
import re
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from zoneinfo import ZoneInfo

import pytest

from tests.integration.exports.conftest import csv_rows
from tests.integration.exports.conftest import sheet
from tests.integration.exports.conftest import values

SH = ZoneInfo("Asia/Shanghai")
HEADER = ["报修时间", "单号", "小区", "紧急程度", "房号", "业主", "手机", "报修内容", "维修人员", "状态", "截止",
          "维修完成时间", "满意度", "审批时间"]


@pytest.fixture()
def orders(take, world):
    at = datetime.now(timezone.utc) - timedelta(hours=1)
    return {
        "tap": (take(at=at), at),
        "urgent": take(urgency="urgent", description="+8613900000000 电梯困人", at=at + timedelta(minutes=3)),
        "other": take("cs2", site_id=world.site2, unit="1-1-101", description="金桂苑报修"),
    }


def listed(desk, query) -> int:
    return len(set(re.findall(r'href="/repairs/([0-9a-f-]{36})"', desk.text("/repairs" + query))))


def test_the_orders_of_the_page_as_csv_and_xlsx(desk_for, orders, world):
    desk = desk_for("manager1")
    query = "?sort=requested"
    rows = csv_rows(desk.get("/repairs" + query + "&format=csv"))
    assert rows[0] == HEADER and len(rows) - 1 == listed(desk, query) == 2
    tap, urgent = rows[1], rows[2]
    assert tap[0] == orders["tap"][1].astimezone(SH).strftime("%Y-%m-%d %H:%M")
    assert tap[2] == "翠湖花园" and tap[4] == "3-2-501" and tap[5] == "李女士" and tap[6] == "139****5678"
    assert tap[7] == "3-2-501 厨房水龙头漏水" and tap[1]
    assert urgent[7] == "'+8613900000000 电梯困人"
    got = values(sheet(desk.get("/repairs" + query + "&format=xlsx")))
    assert got[0] == HEADER and len(got) == 3
    assert isinstance(got[1][0], datetime) and got[2][7] == "+8613900000000 电梯困人"
    assert "13912345678" not in desk.get("/repairs" + query + "&format=csv").get_data().decode("utf-8")


def test_the_urgency_filter_holds(desk_for, orders):
    desk = desk_for("manager1")
    rows = csv_rows(desk.get("/repairs?category=urgent&format=csv"))
    assert len(rows) - 1 == listed(desk, "?category=urgent") == 1
