"""Managers' reports (日清 / 周总结) and the monthly checklist over HTTP: reports pushed
through /api/v1/sync as the phone pushes them and read per manager on the month page and
as 《日清表》; the checklist signed at the desk once per item and month; the files parsed
back; other sites' people kept out; the work log shows the day's report.

The scenes are built in last month (in Shanghai), so nothing depends on the time of day."""
import csv
import io
import re
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import ChecklistSignoff
from app.models import ManagerReport
from sync import manager_reports as rules
from tests.integration.admin.conftest import Desk
from tests.integration.sync.conftest import SyncPhone

CST = ZoneInfo("Asia/Shanghai")


@pytest.fixture()
def desk_for(app, world):
    from tests.conftest import Auth

    def make(username):
        client = app.test_client()
        return Desk(client, Auth(client), username)
    return make


@pytest.fixture()
def last_month():
    first = datetime.now(CST).date().replace(day=1)
    return (first - timedelta(days=1)).replace(day=1)


def at(day, h, m):
    return datetime(day.year, day.month, day.day, h, m, tzinfo=CST)


def report(phone, world, kind, period, when, **data):
    body = {"site_id": world.site1, "kind": kind, "period": period.isoformat(), "done": "巡视全部区域，处理漏水",
            "open_items": "3栋电梯待修", "plan": "跟进电梯维修", **data}
    return phone.mutation("report.submit", body, at=when)


def statuses(phone, *mutations):
    response = phone.push(list(mutations))
    assert response.status_code == 200, response.json
    return [r["status"] for r in response.json["results"]]


def daily_states(page, user_id):
    row = re.search(rf'<tr data-user="{user_id}">(.*?)</tr>', page, re.S).group(1)
    return dict(re.findall(r'data-day="([0-9-]{10})" data-state="(kept|late|none)"', row))


def test_a_months_reports_are_read_per_manager(client, world, desk_for, last_month):
    manager = SyncPhone(client, "manager1")
    day3, day4 = last_month.replace(day=3), last_month.replace(day=4)
    monday = rules.month_weeks(last_month.year, last_month.month)[1]
    first = report(manager, world, "daily", day3, at(day3, 20, 0))
    second = report(manager, world, "daily", day3, at(day3, 21, 30), done="补充：夜间巡视")
    late = report(manager, world, "daily", day4, at(day4 + timedelta(days=1), 0, 10))
    weekly = report(manager, world, "weekly", monday, at(monday + timedelta(days=6), 23, 0), plan="下周消防检查")
    assert statuses(manager, first, second, late, weekly) == ["applied"] * 4
    desk = desk_for("supervisor1")
    page = desk.text(f"/manager-reports?site={world.site1}&month={last_month:%Y-%m}")
    states = daily_states(page, world.users["manager1"])
    assert states[day3.isoformat()] == "kept" and states[day4.isoformat()] == "late"
    assert states[last_month.replace(day=5).isoformat()] == "none"
    assert f'data-week="{monday.isoformat()}" data-state="kept"' in page
    # both reports of the 3rd are listed; the later one does not count
    assert first["entity_id"] in page and f'<tr data-id="{second["entity_id"]}" class="second">' in page
    # one report as the printable form
    form = desk.text(f"/manager-reports/{late['entity_id']}")
    assert "日清表" in form and "巡视全部区域，处理漏水" in form and "3栋电梯待修" in form
    assert 'data-state="late"' in form and "填报人签字" in form and "data-print" in form
    week = desk.text(f"/manager-reports/{weekly['entity_id']}")
    assert "周工作总结" in week and "下周消防检查" in week and "下周计划" in week


def test_the_writer_pulls_their_own_report(client, world, last_month):
    manager = SyncPhone(client, "manager1")
    mutation = report(manager, world, "daily", last_month.replace(day=3), datetime.now(CST))
    assert statuses(manager, mutation) == ["applied"]
    pulled = manager.push([], cursor=None).json["changes"]
    mine = [c for c in pulled if c["type"] == "manager_report"]
    assert [c["id"] for c in mine] == [mutation["entity_id"]]
    assert mine[0]["data"]["period"] == last_month.replace(day=3).isoformat()


@pytest.mark.parametrize("who, change, message", [
    ("guard1", {}, "只有经理、主管、管理员和班长"),
    ("clerk1", {}, "只有经理、主管、管理员和班长"),
    ("manager1", {"kind": "weekly", "period": "TUESDAY"}, "周总结的日期须为该周的周一"),
    ("manager1", {"period": "FUTURE"}, "不能为尚未开始的日期或周填写报告"),
    ("manager1", {"done": "  "}, "请填写完成的工作"),
    ("manager1", {"kind": "monthly"}, "请选择日清或周总结"),
    ("manager1", {"period": "2026-13-01"}, "请按年-月-日填写日期"),
    ("manager2", {}, ""),  # another site's: refused, says nothing of it
])
def test_bad_reports_are_refused_in_chinese_and_nothing_is_written(app, client, world, last_month, who, change,
                                                                  message):
    phone = SyncPhone(client, who)
    today = datetime.now(CST).date()
    tuesday = rules.week_start(last_month) + timedelta(days=1)
    values = {"TUESDAY": tuesday.isoformat(), "FUTURE": (today + timedelta(days=1)).isoformat()}
    change = {k: values.get(v, v) for k, v in change.items()}
    body = {"site_id": world.site1, "kind": "daily", "period": last_month.isoformat(), "done": "日常工作", **change}
    result = phone.push([phone.mutation("report.submit", body)]).json["results"][0]
    assert result["status"] == "rejected"
    assert any(message in text for texts in result["errors"].values() for text in texts), result
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ManagerReport)) == 0


def test_a_team_lead_writes_one(client, world, last_month):
    lead = SyncPhone(client, "lead1")
    assert statuses(lead, report(lead, world, "daily", last_month, at(last_month, 18, 0))) == ["applied"]


def test_a_report_written_at_the_desk(app, world, desk_for, last_month):
    desk = desk_for("manager1")
    response = desk.post("/manager-reports/new", {"site_id": world.site1, "kind": "daily",
                                                  "period": last_month.isoformat(), "done": "前台写的日清"})
    assert response.status_code == 302
    assert "前台写的日清" in desk.text(response.headers["Location"])
    refused = desk.post("/manager-reports/new", {"site_id": world.site1, "kind": "weekly",
                                                 "period": (rules.week_start(last_month) + timedelta(days=2)).isoformat(),
                                                 "done": "x"})
    assert refused.status_code == 422 and "周总结的日期须为该周的周一" in refused.get_data(as_text=True)
    with app.app_context():
        rows = db.session.scalars(select(ManagerReport)).all()
        assert [(r.kind, r.period, r.device_id) for r in rows] == [
            ("daily", last_month, f"desktop:{world.users['manager1']}")]


def checklist_states(page):
    return dict(re.findall(r'<tr data-item="([a-z_]+)" data-state="([a-z]+)">', page))


def test_the_checklist_is_signed_once_per_item_and_month(app, world, desk_for, last_month):
    desk = desk_for("manager1")
    month = f"{last_month:%Y-%m}"
    page = desk.text(f"/manager-reports/checklist?site={world.site1}&month={month}")
    # last month is over: nothing signed is overdue
    assert set(checklist_states(page).values()) == {"missed"}
    assert f'/worklog/attendance?site={world.site1}&amp;month=' in page
    assert f'/complaints/summary?site={world.site1}&amp;month={month}' in page
    assert f'/stock/feedback?site={world.site1}&amp;month={month}' in page
    sign = {"site_id": world.site1, "item": "attendance", "year": str(last_month.year),
            "month": str(last_month.month), "note": "考勤已核对"}
    assert desk.post("/manager-reports/checklist/sign", sign).status_code == 302
    page = desk.text(f"/manager-reports/checklist?site={world.site1}&month={month}")
    assert checklist_states(page)["attendance"] == "late"  # signed today, after the 5th of last month
    assert "考勤已核对" in page and 'id="sign-attendance"' not in page and 'id="sign-purchase_plan"' in page
    # a second sign-off, by someone else, is refused with a message and changes nothing
    other = desk_for("supervisor1")
    again = other.post("/manager-reports/checklist/sign", {**sign, "note": "再签"}, follow_redirects=True)
    assert "本月此项已签认，不能重复签认" in again.get_data(as_text=True)
    with app.app_context():
        rows = db.session.scalars(select(ChecklistSignoff)).all()
        assert [(r.item, r.signed_by, r.note) for r in rows] == [("attendance", world.users["manager1"], "考勤已核对")]
    # a month that has not begun cannot be signed
    ahead = (datetime.now(CST).date().replace(day=28) + timedelta(days=5))
    refused = desk.post("/manager-reports/checklist/sign", {**sign, "year": str(ahead.year),
                                                            "month": str(ahead.month)}, follow_redirects=True)
    assert "尚未开始的月份不能签认" in refused.get_data(as_text=True)


def test_the_database_holds_one_signoff_per_item_and_month(app, world):
    from app.models import utcnow
    with app.app_context():
        row = dict(site_id=world.site1, item="purchase_plan", year=2026, month=11, signed_by=world.users["manager1"],
                   signed_at=utcnow(), received_at=utcnow())
        db.session.add(ChecklistSignoff(**row))
        db.session.commit()
        db.session.add(ChecklistSignoff(**row))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_the_files_read_back(world, desk_for, client, last_month):
    manager = SyncPhone(client, "manager1")
    day3 = last_month.replace(day=3)
    assert statuses(manager, report(manager, world, "daily", day3, at(day3, 19, 5), done="=SUM(A1)")) == ["applied"]
    desk = desk_for("manager1")
    with desk.get(f"/manager-reports?site={world.site1}&month={last_month:%Y-%m}&format=csv") as response:
        assert response.status_code == 200 and response.mimetype == "text/csv"
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:5] == ["类型", "日期", "填报人", "提交时间", "状态"]
    assert rows[1][:5] == ["日清", day3.isoformat(), "manager1", f"{day3.isoformat()} 19:05", "按时"]
    assert rows[1][6] == "'=SUM(A1)"
    assert desk.post("/manager-reports/checklist/sign", {"site_id": world.site1, "item": "complaint_summary",
                                                         "year": str(last_month.year),
                                                         "month": str(last_month.month)}).status_code == 302
    with desk.get(f"/manager-reports/checklist?site={world.site1}&month={last_month:%Y-%m}&format=xlsx") as response:
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.get_data())).active
        cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0][:3] == ["检查项目", "截止时间", "状态"]
    assert len(cells) == 6
    by_item = {row[0]: row for row in cells[1:]}
    assert by_item["《客户投诉汇总及处理情况表》报管理部"][2] == "逾期签认"
    assert by_item["考勤审核"][2] == "逾期未签" and by_item["考勤审核"][1].day == 6


@pytest.mark.parametrize("who", ["guard1", "clerk1", "repair1", "lead1"])
def test_people_who_are_not_reviewers_cannot_open_the_pages(desk_for, world, who):
    desk = desk_for(who)
    for path in ("/manager-reports", "/manager-reports/checklist", "/manager-reports/new"):
        assert desk.get(f"{path}?site={world.site1}").status_code == 403


def test_another_sites_manager_sees_nothing(client, world, desk_for, last_month):
    manager = SyncPhone(client, "manager1")
    mutation = report(manager, world, "daily", last_month, at(last_month, 18, 0), done="一号小区的日清")
    assert statuses(manager, mutation) == ["applied"]
    other = desk_for("manager2")
    assert other.get(f"/manager-reports/{mutation['entity_id']}").status_code == 404
    assert "一号小区的日清" not in other.text(f"/manager-reports?site={world.site1}&month={last_month:%Y-%m}")
    assert other.post("/manager-reports/checklist/sign", {"site_id": world.site1, "item": "attendance",
                                                          "year": "2026", "month": "11"}).status_code == 404


def test_the_work_log_shows_the_days_report(client, world, desk_for, last_month):
    manager = SyncPhone(client, "manager1")
    day3 = last_month.replace(day=3)
    mutation = report(manager, world, "daily", day3, at(day3 + timedelta(days=1), 0, 20), done="日志里的日清")
    assert statuses(manager, mutation) == ["applied"]
    page = desk_for("supervisor1").text(
        f"/worklog?site={world.site1}&user={world.users['manager1']}&day={day3.isoformat()}")
    assert "日志里的日清" in page and "日清 · 逾期" in page
    assert f'data-kind="report" data-id="{mutation["entity_id"]}"' in page
