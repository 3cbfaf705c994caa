"""The compliance calendar at the desk: a known October 2026 at 翠湖花园, judged cell by
cell on the page, each cell linking to its records; the month across sites; bad input and
access. The rules themselves are ``tests/unit/sync/test_compliance.py``'s."""
import re
from datetime import datetime
from datetime import timezone
from zoneinfo import ZoneInfo

import pytest

from app.extensions import db
from app.models import Inspection
from app.models import RepairOrder
from app.models import StockCheck
from app.models import new_id
from app.models.manager_reports import ChecklistSignoff
from app.models.manager_reports import ManagerReport
from app.models.meetings import Meeting
from app.models.posts import Shift
from sync import inspection_rules
from tests.integration.followups.conftest import add_patrol
from tests.integration.followups.conftest import add_visit

SHANGHAI = ZoneInfo("Asia/Shanghai")
CLEAN_OK = {key: True for key, _ in inspection_rules.checklist("cleaning")}


def at(day, h, m=0):
    return datetime(2026, 10, day, h, m, tzinfo=SHANGHAI).astimezone(timezone.utc)


@pytest.fixture()
def october(app, world):
    """Known records of October 2026 at site 1 (Mondays: the 5th, 12th, 19th, 26th)."""
    u = world.users
    with app.app_context():
        ids = {"patrol": add_patrol(world.site1, u["manager1"], at(6, 8, 40))}
        for day, times in ((6, ((7, 35), (12, 3), (18, 5))), (7, ((7, 55),)), (8, ((7, 50), (12, 5), (18, 20)))):
            for h, m in times:
                add_visit(world.site1, u["guard1"], at(day, h, m))
        # On the 8th the post's phone was taken over only at 07:45, its first visitor after.
        db.session.add(Shift(id=new_id(), site_id=world.site1, user_id=u["guard1"], received_at=at(8, 7, 45),
                             post_id=u["post1"], started_at=at(8, 7, 45), started_at_phone=at(8, 7, 45),
                             ended_at=at(8, 19, 30), ended_at_phone=at(8, 19, 30)))
        for ident, day, h in (("i1", 5, 10), ("i2", 9, 15), ("i3", 13, 10)):
            db.session.add(Inspection(
                id=ident + "-" + new_id()[:8], site_id=world.site1, user_id=u["manager1"], received_at=at(day, h),
                person_id=u["clean1"], post="cleaning", day=f"2026-10-{day:02d}", at=at(day, h),
                at_phone=at(day, h), checklist=CLEAN_OK, score=90))
        for number, requested, approved in (("R-1", at(14, 10), at(19, 9)), ("R-2", at(21, 10), at(27, 9))):
            db.session.add(RepairOrder(
                id=new_id(), site_id=world.site1, user_id=u["clerk1"], received_at=requested, number=number,
                description="楼道灯不亮", urgency="normal", channel="phone", requested_at=requested,
                requested_at_phone=requested, approved_at=approved, approved_by=u["manager1"]))
        check = StockCheck(id=new_id(), site_id=world.site1, user_id=u["store1"], received_at=at(27, 10),
                           store_id=world.store1, started_at=at(27, 10), started_at_phone=at(27, 10))
        db.session.add(check)
        for period, submitted in ((6, at(6, 21)), (7, at(8, 0, 30))):
            db.session.add(ManagerReport(
                id=new_id(), site_id=world.site1, user_id=u["manager1"], received_at=submitted, kind="daily",
                period=datetime(2026, 10, period).date(), submitted_at=submitted, submitted_at_phone=submitted,
                done="巡视两遍，处理漏水"))
        for day, h, m in ((6, 8, 22), (7, 8, 40)):
            db.session.add(Meeting(id=new_id(), site_id=world.site1, user_id=u["manager1"], received_at=at(day, h, m),
                                   kind="morning", started_at=at(day, h, m), started_at_phone=at(day, h, m),
                                   chaired_by=u["manager1"], attendee_ids=[u["guard1"]],
                                   assignments="巡视东区", yesterday_summary="无"))
        for item, signed in (("attendance", at(4, 10)), ("quality_records", at(27, 9))):
            db.session.add(ChecklistSignoff(id=new_id(), site_id=world.site1, item=item, year=2026, month=10,
                                            signed_by=u["manager1"], signed_at=signed, received_at=signed))
        db.session.commit()
        ids["check"] = check.id
    return ids


def cells(html: str, rule: str) -> dict[str, tuple[str, str]]:
    """``{first day: (state, link)}`` of one rule's row."""
    row = re.search(rf'<tr data-rule="{rule}"[^>]*>(.*?)</tr>', html, re.S).group(1)
    found = {}
    for first, state, body in re.findall(r'<td class="cell[^"]*" colspan="\d+" data-first="([\d-]+)" '
                                         r'data-state="(\w+)"[^>]*>(.*?)</td>', row, re.S):
        link = re.search(r'href="([^"]+)"', body)
        found[first] = (state, link.group(1).replace("&amp;", "&") if link else "")
    return found


def test_a_known_month_cell_by_cell_with_links_to_its_records(october, desk_for, world):
    html = desk_for("manager1").text(f"/review/calendar?site={world.site1}&month=2026-10")
    assert "合规日历" in html and "翠湖花园" in html and "2026-10" in html

    patrol = cells(html, "patrol")
    assert len(patrol) == 31
    assert patrol["2026-10-06"] == ("kept", f"/patrols/{october['patrol']}")
    assert patrol["2026-10-07"][0] == "missed"
    assert patrol["2026-10-07"][1] == f"/patrols?site={world.site1}&from=2026-10-07&to=2026-10-07"

    gate = cells(html, "gate")
    assert (gate["2026-10-06"][0], gate["2026-10-07"][0], gate["2026-10-08"][0]) == ("kept", "missed", "late")
    assert gate["2026-10-06"][1] == f"/gate/visits?site={world.site1}&from=2026-10-06&to=2026-10-06"

    weeks = cells(html, "inspections")
    assert list(weeks) == ["2026-10-01", "2026-10-05", "2026-10-12", "2026-10-19", "2026-10-26"]
    assert weeks["2026-10-05"][0] == "kept" and weeks["2026-10-12"][0] == "missed"
    assert weeks["2026-10-05"][1] == f"/inspections?site={world.site1}&week=2026-10-05"
    assert 'colspan="7" data-first="2026-10-05"' in html

    repairs = cells(html, "repair_approval")
    assert repairs["2026-10-19"][0] == "kept" and repairs["2026-10-26"][0] == "late"
    assert repairs["2026-10-12"][0] == "none"
    assert re.fullmatch(r"/repairs/[\w-]+", repairs["2026-10-19"][1])

    (stock,) = cells(html, "stock_check").values()
    assert stock == ("late", f"/stock/checks/{october['check']}")
    (rate,) = cells(html, "timely_rate").values()
    assert rate[0] == "none"

    # the list of what went wrong says it in Chinese, a line per late or missed cell
    details = re.search(r'<ul id="compliance-details">(.*?)</ul>', html, re.S).group(1)
    lines = [" ".join(re.sub(r"<[^>]+>", " ", li).split()) for li in re.findall(r"<li.*?</li>", details, re.S)]
    assert "✗ 2026-10-07 高峰时段门岗值班登记：12:00–13:00：门岗无人值班登记：18:00–19:00：门岗无人值班登记" in lines
    assert "迟 2026-10-08 高峰时段门岗值班登记：07:30–08:30：07:45 才到岗" in lines
    assert "✗ 2026-10-12 – 2026-10-18 每周书面考核不少于2次：manager1：书面考核不足 2 次" in lines
    assert "迟 2026-10-01 – 2026-10-31 每月库存抽查：25 日之后才抽查" in lines
    assert not any(line.startswith(("✗ 2026-10-06 经理每日巡视", "✗ 2026-10-06 高峰")) for line in lines)

    morning = cells(html, "morning_meeting")
    assert [morning[f"2026-10-0{d}"][0] for d in (6, 7, 8)] == ["kept", "late", "missed"]
    assert re.fullmatch(r"/meetings/[\w-]+", morning["2026-10-06"][1])
    assert "迟 2026-10-07 晨会：08:40 才开始" in lines
    assert cells(html, "weekly_meeting")["2026-10-05"][0] == "missed"

    daily = cells(html, "daily_report")
    assert (daily["2026-10-06"][0], daily["2026-10-07"][0], daily["2026-10-08"][0]) == ("kept", "late", "missed")
    assert re.fullmatch(r"/manager-reports/[\w-]+", daily["2026-10-06"][1])
    assert "迟 2026-10-07 经理日清：manager1 逾期提交" in lines
    (attendance,) = cells(html, "checklist_attendance").values()
    assert attendance == ("kept", f"/manager-reports/checklist?site={world.site1}&month=2026-10")
    assert cells(html, "checklist_quality_records")["2026-10-01"][0] == "late"
    assert cells(html, "checklist_purchase_plan")["2026-10-01"][0] == "missed"
    assert "✗ 2026-10-01 – 2026-10-31 26日前审核采购计划：截止 2026-10-26" in lines
    assert "迟 2026-10-01 – 2026-10-31 26日前审核品质记录：截止 2026-10-26：manager1 于 2026-10-27 09:00 签认" in lines


def test_across_sites_one_row_per_site_with_each_rules_counts(october, desk_for, world):
    html = desk_for("supervisor1").text("/review/calendar/sites?month=2026-10")
    rows = re.findall(r'<tr data-site="([^"]+)">(.*?)</tr>', html, re.S)
    assert sorted(site for site, _ in rows) == sorted([world.site1, world.site2])
    site1 = dict(rows)[world.site1]
    patrol = re.search(r'data-rule="patrol" data-state="(\w+)">\s*<span class="tally"><span class="k"[^>]*>(\d+)</span> / '
                       r'<span class="l"[^>]*>(\d+)</span> / <span class="m"[^>]*>(\d+)</span>', site1)
    assert patrol.groups() == ("missed", "1", "0", "30")
    stock = re.search(r'data-rule="stock_check" data-state="(\w+)"', site1)
    assert stock.group(1) == "late"
    assert f'/review/calendar?site={world.site1}&amp;month=2026-10' in site1


def test_a_manager_sees_only_their_site_and_another_sites_id_is_refused_with_a_message(october, desk_for, world):
    desk = desk_for("manager1")
    html = desk.text(f"/review/calendar?site={world.site2}&month=2026-10")
    assert "金桂苑" not in html and "翠湖花园" in html
    sites = desk.text("/review/calendar/sites?month=2026-10")
    assert world.site1 in sites and world.site2 not in sites


@pytest.mark.parametrize("month", ["2026-13", "abc", "2026-1"])
def test_a_bad_month_shows_this_month_with_a_message_in_chinese(desk_for, world, month):
    html = desk_for("manager1").text(f"/review/calendar?month={month}")
    assert "月份无效" in html
    assert 'role="alert"' in html


@pytest.mark.parametrize("username", ["guard1", "clerk1", "repair1"])
def test_people_who_do_not_review_are_refused(desk_for, world, username):
    desk = desk_for(username)
    assert desk.get("/review/calendar").status_code == 403
    assert desk.get("/review/calendar/sites").status_code == 403


def test_the_month_as_a_spreadsheet_mark_by_mark(october, desk_for, world):
    import io

    import openpyxl
    response = desk_for("manager1").get(f"/review/calendar?site={world.site1}&month=2026-10&format=xlsx")
    assert response.status_code == 200
    from urllib.parse import quote
    assert response.headers["Content-Disposition"].endswith("''" + quote("合规日历_翠湖花园_2026-10.xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "《合规日历》" and rows[1][:4] == ["小区", "翠湖花园", "月份", "2026-10"]
    header = rows[3]
    assert header[0] == "要求" and header[1:4] == ["1", "2", "3"] and header[31] == "31"
    assert header[32:35] == ["按时", "逾期完成", "未完成"]
    by_rule = {r[0]: r for r in rows[4:]}
    patrol = by_rule["经理每日巡视"]
    assert patrol[6] == "✓" and patrol[7] == "✗" and patrol[32:35] == [1, 0, 30]
    weeks = by_rule["每周书面考核不少于2次"]
    assert weeks[5:12] == ["✓"] * 7 and weeks[12:19] == ["✗"] * 7
    stock = by_rule["每月库存抽查"]
    assert set(stock[1:32]) == {"迟"} and stock[35] == "2026-10-01 25 日之后才抽查"
    gate = by_rule["高峰时段门岗值班登记"]
    assert gate[8] == "迟" and "2026-10-07 12:00–13:00：门岗无人值班登记、18:00–19:00：门岗无人值班登记" in gate[35]
