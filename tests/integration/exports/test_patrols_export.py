"""``/patrols?format=``: the rounds of the page's filters, every page, as CSV and XLSX."""
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.integration.exports.conftest import csv_rows
from tests.integration.exports.conftest import sheet
from tests.integration.exports.conftest import values
from tests.integration.patrols.conftest import Stop
from tests.integration.patrols.conftest import ago

SHANGHAI = ZoneInfo("Asia/Shanghai")
HEADER = ["开始时间", "结束时间", "小区", "路线", "巡视人", "时长（分钟）", "已到巡更点", "路线巡更点",
          "漏巡", "发现问题", "未完成问题", "时钟"]


@pytest.fixture()
def rounds(world, phone):
    g1, m1, g2 = phone("guard1"), phone("manager1"), phone("guard2")
    every = [Stop(cp, 3 * (i + 1)) for i, cp in enumerate(world.checkpoints1)]
    started = ago(hours=3)
    return {
        "A": (g1.walk(world.site1, started, world.route1, stops=every[:2], findings=[{}], end_minutes=20), started),
        "B": (m1.walk(world.site1, ago(days=1), world.route1, stops=every, end_minutes=15), None),
        "C": (g2.walk(world.site2, ago(hours=2)), None),
    }


def page_count(desk, query) -> int:
    return len(re.findall(r'<tr data-patrol=', desk.text("/patrols" + query)))


def test_csv_has_the_pages_rows_with_chinese_headers_and_local_times(desk_for, rounds, world):
    """Does the CSV of guard1's rounds at site 1 hold exactly the rounds the page lists?"""
    desk = desk_for("supervisor1")
    query = f"?site={world.site1}&sort=-start"
    rows = csv_rows(desk.get("/patrols" + query + "&format=csv"))
    assert rows[0] == HEADER
    assert len(rows) - 1 == page_count(desk, query) == 2
    newest = rows[1]
    started = rounds["A"][1].astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    assert newest[0] == started                       # the site's wall time, to the minute
    assert newest[2] == "翠湖花园" and newest[5] == "20" and newest[6] == "2" and newest[8] == "1"


def test_xlsx_has_real_date_cells_a_frozen_header_and_widths(desk_for, rounds, world):
    """Is the XLSX a spreadsheet and not text: dates as dates, numbers as numbers?"""
    desk = desk_for("supervisor1")
    ws = sheet(desk.get(f"/patrols?site={world.site1}&format=xlsx"))
    got = values(ws)
    assert got[0] == HEADER
    assert len(got) - 1 == 2
    first = got[1]
    assert isinstance(first[0], datetime) and first[0].tzinfo is None
    wall = rounds["A"][1].astimezone(SHANGHAI).replace(tzinfo=None, second=0, microsecond=0)
    assert first[0].replace(second=0, microsecond=0) == wall
    assert ws["A2"].number_format == "yyyy-mm-dd hh:mm"
    assert first[5] == 20 and first[9] == 1 and first[2] == "翠湖花园"
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width >= 16


def test_all_sites_for_a_supervisor_and_the_free_round(desk_for, rounds, world):
    """Without a site, both sites' rounds of the last 7 days are there, the free round named."""
    desk = desk_for("supervisor1")
    rows = csv_rows(desk.get("/patrols?site=&format=csv"))
    assert len(rows) - 1 == page_count(desk, "?site=") == 3
    assert "自由巡视" in {r[3] for r in rows[1:]}
    assert {r[2] for r in rows[1:]} == {"翠湖花园", "金桂苑"}


def test_an_unknown_format_shows_the_page_with_a_message(desk_for, rounds):
    """``?format=pdf`` is ignored like any bad filter, and the bar says so in Chinese."""
    desk = desk_for("supervisor1")
    response = desk.get("/patrols?format=pdf")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "只能导出为 Excel 或 CSV" in response.get_data(as_text=True)


def test_the_page_links_to_both_files_with_its_filters(desk_for, rounds, world):
    html = desk_for("supervisor1").text(f"/patrols?site={world.site1}&status=complete")
    links = re.findall(r'href="(/patrols\?[^"]*format=(?:xlsx|csv)[^"]*)"', html)
    assert len(links) == 2 and all("status=complete" in link for link in links)
    assert "导出 Excel" in html and "导出 CSV" in html


def test_a_manager_cannot_export_another_site(desk_for, rounds, world):
    """A manager of site 1 asking for site 2 gets his own site's rounds, as on the page."""
    rows = csv_rows(desk_for("manager1").get(f"/patrols?site={world.site2}&format=csv"))
    assert {r[2] for r in rows[1:]} == {"翠湖花园"}
