"""Complaints as files: the list (``/complaints?format=``), the month's summary
(《客户投诉汇总及处理情况表》) and a day's duty log (《值班记录表》), owners' numbers masked."""
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
OWNER_PHONE = "13912345678"
LIST_HEADER = ["投诉时间", "小区", "投诉类别", "问题类别", "投诉方式", "房号", "业主", "手机", "问题描述", "户数",
               "受理人", "跟进事项", "截止", "解决时间"]
SUMMARY_HEADER = ["投诉时间", "房号", "投诉类别", "问题类别", "投诉方式", "户数", "问题描述", "处理情况", "业户意见",
                  "满意度", "及时", "共性问题"]
DUTY_HEADER = ["时间", "投诉方式", "房号", "业主", "手机", "投诉内容", "投诉类别", "受理人", "处理情况", "业户意见",
               "处理时限"]


@pytest.fixture()
def complaints(lodge, world):
    at = datetime.now(timezone.utc) - timedelta(minutes=30)
    return {
        "noise": (lodge("cs1", description="楼下装修噪音太大", at=at, category="other"), at),
        "formula": (lodge("cs1", description="@SUM(A1) 电梯又坏了", unit="2-1-301", owner_name="-王先生",
                          category="repair", at=at + timedelta(minutes=5)), None),
        "invalid": (lodge("cs1", kind="invalid", description="嫌物业费贵", at=at + timedelta(minutes=6)), None),
        "other_site": (lodge("cs2", site=world.site2, description="金桂苑的投诉"), None),
    }


def listed(desk, query) -> int:
    html = desk.text("/complaints" + query)
    return len(set(re.findall(r'href="/complaints/([0-9a-f-]{36})"', html)))


def test_the_list_exports_its_filtered_rows(desk_for, complaints, world):
    desk = desk_for("supervisor1")
    query = f"?site={world.site1}&category=valid&sort=lodged"
    rows = csv_rows(desk.get("/complaints" + query + "&format=csv"))
    assert rows[0] == LIST_HEADER and len(rows) - 1 == listed(desk, query) == 2
    noise, formula = rows[1], rows[2]
    at = complaints["noise"][1].astimezone(SH)
    assert noise[0] == at.strftime("%Y-%m-%d %H:%M") and noise[1] == "翠湖花园" and noise[2] == "有效投诉"
    assert noise[7] == "139****5678" and noise[8] == "楼下装修噪音太大"
    assert formula[8] == "'@SUM(A1) 电梯又坏了" and formula[6] == "'-王先生"
    body = desk.get("/complaints" + query + "&format=csv").get_data().decode("utf-8")
    assert OWNER_PHONE not in body

    ws = sheet(desk.get("/complaints" + query + "&format=xlsx"))
    got = values(ws)
    assert got[0] == LIST_HEADER and len(got) == 3
    assert isinstance(got[1][0], datetime) and abs(got[1][0] - at.replace(tzinfo=None)) < timedelta(minutes=1)
    assert got[2][8] == "@SUM(A1) 电梯又坏了" and ws.cell(row=3, column=9).data_type == "s"
    assert got[2][9] == 1 and got[1][7] == "139****5678"


def test_the_month_summary_as_xlsx_has_the_forms_title_and_rate(desk_for, complaints, world):
    desk = desk_for("supervisor1")
    at = complaints["noise"][1]
    month = at.astimezone(SH).strftime("%Y-%m")  # the first complaint's month, even just after midnight on the 1st
    in_month = sum(1 for m in (0, 5, 6) if (at + timedelta(minutes=m)).astimezone(SH).strftime("%Y-%m") == month)
    page = desk.text(f"/complaints/summary?site={world.site1}&month={month}")
    assert 'id="summary-xlsx"' in page and "下载 Excel" in page
    ws = sheet(desk.get(f"/complaints/summary?site={world.site1}&month={month}&format=xlsx"))
    got = values(ws)
    assert got[0][0] == "《客户投诉汇总及处理情况表》"
    assert got[1][:4] == ["小区", "翠湖花园", "月份", month]
    assert got[2][0] == "报事处理及时率" and got[2][3] == in_month
    assert got[3] == SUMMARY_HEADER and ws.freeze_panes == "A5"
    lines = got[4:]
    assert len(lines) == in_month and all(isinstance(line[0], datetime) for line in lines)
    assert "楼下装修噪音太大" in {line[6] for line in lines}
    assert "金桂苑的投诉" not in {line[6] for line in lines}

    rows = csv_rows(desk.get(f"/complaints/summary?site={world.site1}&month={month}&format=csv"))
    assert rows[0] == SUMMARY_HEADER and len(rows) == in_month + 1
    if in_month == 3:
        assert "@SUM(A1) 电梯又坏了" in {line[6] for line in lines}
        assert "'@SUM(A1) 电梯又坏了" in {r[6] for r in rows[1:]}


def test_the_duty_log_as_xlsx_and_csv(desk_for, complaints, world):
    desk = desk_for("supervisor1")
    day = complaints["noise"][1].astimezone(SH).date()
    query = f"?site={world.site1}&day={day.isoformat()}"
    page = desk.text("/complaints/duty" + query)
    assert 'id="duty-xlsx"' in page and 'id="duty-csv"' in page
    ws = sheet(desk.get("/complaints/duty" + query + "&format=xlsx"))
    got = values(ws)
    assert got[0][0] == "《值班记录表》" and got[1][:4] == ["小区", "翠湖花园", "日期", day.isoformat()]
    assert got[2] == DUTY_HEADER and ws.freeze_panes == "A4"
    lines = got[3:]
    at = complaints["noise"][1]
    on_day = sum(1 for m in (0, 5, 6) if (at + timedelta(minutes=m)).astimezone(SH).date() == day)
    assert len(lines) == on_day
    assert lines[0][5] == "楼下装修噪音太大" and lines[0][4] == "139****5678" and lines[0][8] == "尚未回复"
    assert isinstance(lines[0][0], datetime)
    rows = csv_rows(desk.get("/complaints/duty" + query + "&format=csv"))
    assert rows[0] == DUTY_HEADER and len(rows) == on_day + 1
    assert OWNER_PHONE not in "".join(",".join(r) for r in rows)
