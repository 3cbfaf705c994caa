"""The phones and conflicts lists as files, parsed back cell by cell: names and words as the
pages show them, times as real date cells in the site's zone."""
import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import openpyxl

from tests.integration.review.test_conflicts import reassigned  # noqa: F401 (a fixture)


def xlsx_rows(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    ws = openpyxl.load_workbook(io.BytesIO(response.get_data())).worksheets[0]
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_the_phones_list_as_a_file(app, world, phone_for, desk_for):
    phone = phone_for("guard1")
    phone.push_ok([])
    desk = desk_for("supervisor1")
    rows = xlsx_rows(desk.get(f"/review/devices?site={world.site1}&format=xlsx"))
    assert rows[0] == ["手机", "人员", "小区", "最后同步", "待传记录", "缺失", "时钟偏差", "登录状态", "有效至", "需关注"]
    (line,) = [r for r in rows[1:] if r[0] == phone.device_id]
    assert line[1] == "guard1" and line[2] == "翠湖花园" and line[4] == 0 and line[5] == 0
    assert line[7] == "当前登录"
    assert isinstance(line[3], datetime) and line[3].tzinfo is None
    now = datetime.now(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None)
    assert abs((now - line[3]).total_seconds()) < 600, "the last sync in the site's wall time"
    text = desk.get(f"/review/devices?site={world.site1}&format=csv").get_data().decode("utf-8")
    assert text.startswith("\ufeff") and phone.device_id in text


def test_the_conflicts_list_as_a_file(reassigned, desk_for, world):  # noqa: F811
    desk = desk_for("supervisor1")
    rows = xlsx_rows(desk.get(f"/review/conflicts?site={world.site1}&format=xlsx"))
    assert rows[0][:6] == ["时间", "小区", "记录", "字段", "保留的值", "被覆盖的值"]
    (line,) = rows[1:]
    assert line[1] == "翠湖花园" and "楼道漏水" in line[2] and line[3] == "负责人"
    assert (line[4], line[5]) == ("repair1", "clean1")
    assert line[6] == "保留了时间较晚的修改。"
    assert (line[7], line[8]) == ("supervisor1", "manager1")
    assert isinstance(line[0], datetime) and line[9] is None and line[10] is None
    text = desk.get(f"/review/conflicts?site={world.site1}&format=csv").get_data().decode("utf-8")
    (csv_line,) = list(csv.reader(io.StringIO(text[1:])))[1:]
    assert csv_line[4:6] == ["repair1", "clean1"]
