"""The front desk's lists as files: decoration permits and rental households, days as
date cells, the applicant's phone never in the file (the page does not show it)."""
import re
from datetime import datetime
from datetime import timedelta

from tests.integration.exports.conftest import csv_rows
from tests.integration.exports.conftest import sheet
from tests.integration.exports.conftest import values
from tests.integration.frontdesk.conftest import households  # noqa: F401  (fixture)
from tests.integration.frontdesk.conftest import permits  # noqa: F401  (fixture)
from tests.integration.frontdesk.conftest import today

PERMIT_HEADER = ["房号", "小区", "装修公司", "申请人", "施工人数", "施工人员名单", "开工日期", "完工日期", "施工时段",
                 "装修规定签署日期", "押金", "押金退还日期", "状态"]
TENANT_HEADER = ["房号", "租住人数", "租户", "入住", "已告知", "已登记", "搬离日期"]


def test_permits_in_force_today(desk_for, permits, world):
    desk = desk_for("manager1")
    query = "?status=today&sort=unit"
    html = desk.text("/decoration/permits" + query)
    shown = len(set(re.findall(r'href="/decoration/permits/([0-9a-f-]{36})"', html)))
    rows = csv_rows(desk.get("/decoration/permits" + query + "&format=csv"))
    assert rows[0] == PERMIT_HEADER and len(rows) - 1 == shown == 1
    day = today()
    line = rows[1]
    assert line[:6] == ["1-1-101", "翠湖花园", "美家装饰", "业主陈", "2", "张工、李工"]
    assert line[6] == (day - timedelta(days=3)).isoformat() and line[7] == (day + timedelta(days=20)).isoformat()
    assert line[9] == (day - timedelta(days=4)).isoformat() and line[10] == "2000" and line[12] == "今日有效"

    ws = sheet(desk.get("/decoration/permits" + query + "&format=xlsx"))
    got = values(ws)
    assert got[0] == PERMIT_HEADER and len(got) == 2
    first_day = got[1][6]
    assert isinstance(first_day, datetime) and first_day.date() == day - timedelta(days=3)
    assert ws["G2"].number_format == "yyyy-mm-dd" and got[1][10] == 2000
    body = desk.get("/decoration/permits?status=&format=csv").get_data().decode("utf-8")
    assert "13811112222" not in body and "别家装饰" not in body


def test_rental_households_as_the_list_shows_them(desk_for, households, world):
    desk = desk_for("manager1")
    html = desk.text(f"/tenants?site={world.site1}&show=missing")
    assert "导出 Excel" in html and "format=xlsx" in html
    rows = csv_rows(desk.get(f"/tenants?site={world.site1}&show=missing&format=csv"))
    assert rows[0] == TENANT_HEADER
    assert sorted(r[2] for r in rows[1:]) == ["周未知", "孙未登"]
    unknown = next(r for r in rows[1:] if r[2] == "周未知")
    assert unknown[4] == "未告知" and unknown[5] == "未登记"
    got = values(sheet(desk.get(f"/tenants?site={world.site1}&show=all&format=xlsx")))
    assert got[0] == TENANT_HEADER and len(got) == 6
    gone = next(r for r in got[1:] if r[2] == "吴已走")
    assert isinstance(gone[6], datetime) and gone[6].date() == today() - timedelta(days=1)
    assert isinstance(gone[3], datetime)
