"""《物资质量使用反馈单》 at the desk (``/stock/feedback``): a site's month on a page and as
XLSX and CSV, the same lines as the ``reports material-feedback`` command prints."""
import pytest

from tests.integration.exports.conftest import csv_rows
from tests.integration.exports.conftest import sheet
from tests.integration.exports.conftest import values
from tests.integration.reports.test_material_feedback import FIRST_OF_APRIL
from tests.integration.reports.test_material_feedback import FIRST_OF_MARCH
from tests.integration.reports.test_material_feedback import LAST_OF_MARCH
from tests.integration.reports.test_material_feedback import counted
from tests.integration.reports.test_material_feedback import report
from tests.integration.reports.test_material_feedback import table
from tests.integration.sync.conftest import SyncPhone

HEADER = ["小区", "仓库", "物资", "单位", "不合格数量", "盘点次数", "备注"]


@pytest.fixture()
def march(client, world):
    one, two = SyncPhone(client, "store1"), SyncPhone(client, "store2")
    bulb, tap, gloves = world.items1
    counted(one, world.site1, [(bulb, 10, 2, "灯丝断"), (tap, 20, 0, "=HYPERLINK(1)")], FIRST_OF_MARCH)
    counted(one, world.site1, [(bulb, 8, "1.5", "玻璃裂")], LAST_OF_MARCH)
    counted(one, world.site1, [(gloves, 30, 3, None)], FIRST_OF_APRIL)
    counted(two, world.site2, [(world.items2[0], 5, 1, None)], LAST_OF_MARCH)


def test_the_page_and_its_files(app, desk_for, march, world):
    desk = desk_for("manager1")
    page = desk.text("/stock/feedback?month=2025-03")
    assert "物资质量使用反馈单" in page and 'id="feedback-xlsx"' in page and "灯丝断；玻璃裂" in page
    assert "金桂苑仓库" not in page  # the other site's store

    ws = sheet(desk.get("/stock/feedback?month=2025-03&format=xlsx"))
    got = values(ws)
    assert got[0][0] == "《物资质量使用反馈单》" and got[1][:4] == ["小区", "翠湖花园", "月份", "2025-03"]
    assert got[2] == HEADER and ws.freeze_panes == "A4"
    assert got[3:] == [["翠湖花园", "翠湖花园仓库", "水龙头", "个", 0, 1, "=HYPERLINK(1)"],
                       ["翠湖花园", "翠湖花园仓库", "灯泡", "个", 3.5, 2, "灯丝断；玻璃裂"]]
    assert ws.cell(row=4, column=7).data_type == "s"

    rows = csv_rows(desk.get("/stock/feedback?month=2025-03&format=csv"))
    assert rows[0] == HEADER
    assert rows[1:] == [["翠湖花园", "翠湖花园仓库", "水龙头", "个", "0", "1", "'=HYPERLINK(1)"],
                        ["翠湖花园", "翠湖花园仓库", "灯泡", "个", "3.5", "2", "灯丝断；玻璃裂"]]
    # The command prints the same lines for the same site and month.
    assert table(report(app, "--month", "2025-03", "--site", "S1").output) == rows


def test_a_supervisor_chooses_the_site_and_a_bad_month_is_said(desk_for, march, world):
    desk = desk_for("supervisor1")
    rows = csv_rows(desk.get(f"/stock/feedback?site={world.site2}&month=2025-03&format=csv"))
    assert rows[1:] == [["金桂苑", "金桂苑仓库", "灯泡", "个", "1", "1", ""]]
    assert "月份无效" in desk.text("/stock/feedback?month=2025-13")
