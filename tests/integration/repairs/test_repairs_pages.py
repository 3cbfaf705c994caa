"""Repair orders at the desk over HTTP on both databases: the front desk takes a request
(through the sync engine), bad input is refused in Chinese and saves nothing, the list and
one order, the manager's Monday approval of last week's orders (this week's wait), the
dashboard's count of unapproved ones, and who may do what."""
import re
from datetime import datetime
from datetime import timedelta
from datetime import timezone

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from app.models import FollowUp
from app.models import JournalRow
from app.models import RepairOrder
from app.repairs.weeks import last_week
from app.repairs.weeks import week_start

TZ = "Asia/Shanghai"


def form(world, **extra):
    data = {"site_id": world.site1, "unit": "5-1-302", "owner_name": "王先生", "owner_phone": "13800001234",
            "channel": "in_person", "urgency": "urgent", "description": "卫生间下水道堵塞"}
    data.update(extra)
    return data


def orders(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(RepairOrder))


@pytest.mark.parametrize("username", ["cs1", "manager1"])
def test_the_desk_takes_a_request_through_the_sync_engine(app, world, desk_for, username):
    desk = desk_for(username)
    response = desk.post("/repairs/new", form(world))
    assert response.status_code == 302, response.get_data(as_text=True)
    repair_id = response.headers["Location"].rsplit("/", 1)[-1]
    with app.app_context():
        order = db.session.get(RepairOrder, repair_id)
        assert order.user_id == world.users[username] and order.urgency == "urgent"
        assert order.device_id == f"desktop:{world.users[username]}"
        followup = db.session.get(FollowUp, order.followup_id)
        assert followup.assignee_id == world.users["repair1"] and followup.clock == "repair_urgent"
        journal = db.session.scalar(select(JournalRow).where(JournalRow.entity_id == repair_id))
        assert journal.type == "repair.create" and journal.status == "applied"
    page = desk.text(f"/repairs/{repair_id}")
    assert "卫生间下水道堵塞" in page and order.number in page and "138****1234" in page
    assert "13800001234" not in page
    assert order.number in desk.text("/repairs")
    if username == "manager1":  # the follow-up desk says what called for it and links to it
        assert f"/repairs/{repair_id}" in desk.text(f"/followups/{order.followup_id}")


@pytest.mark.parametrize("change, message", [
    ({"description": "  "}, "请描述需要维修的内容。"),
    ({"owner_phone": "叫他回电"}, "电话号码格式不正确"),
    ({"urgency": "asap"}, "请选择紧急程度（紧急、一般或不急）。"),
    ({"site_id": "not-a-site"}, "引用的记录编号无效"),
])
def test_bad_input_at_the_desk_is_refused_in_chinese_and_saves_nothing(app, world, desk_for, change, message):
    desk = desk_for("cs1")
    before = orders(app)
    response = desk.post("/repairs/new", form(world, **change))
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in body and "未保存" in body
    assert orders(app) == before


def test_a_site_that_is_not_yours_is_refused(app, world, desk_for):
    response = desk_for("cs1").post("/repairs/new", form(world, site_id=world.site2))
    assert response.status_code == 422 and "您不在这个小区任职" in response.get_data(as_text=True)
    assert orders(app) == 0


def _at(hours_into_last_week=None, this_week=False, weeks_ago=None):
    now = datetime.now(timezone.utc)
    if this_week:
        start = week_start(now, TZ)
        return start + (now - start) / 2
    start, _ = last_week(now, TZ)
    if weeks_ago:
        return start - timedelta(days=7 * (weeks_ago - 1)) + timedelta(hours=10)
    return start + timedelta(hours=hours_into_last_week)


@pytest.fixture()
def weeks(take):
    """Orders at site 1: two of last week, one of three weeks ago, one of this week; one at site 2."""
    return {
        "monday": take(at=_at(9), description="周一报修：门锁坏"),
        "sunday": take(at=_at(6 * 24 + 20), description="周日报修：灯不亮"),
        "older": take(at=_at(weeks_ago=3), description="三周前报修：窗户漏风"),
        "now": take(at=_at(this_week=True), description="本周报修：马桶漏水"),
        "site2": take("cs2", at=_at(9), site_id=None, description="金桂苑报修"),
    }


@pytest.fixture()
def take(client, world):
    from tests.integration.repairs.conftest import request_data
    from tests.integration.sync.conftest import SyncPhone

    phones = {}

    def make(username="cs1", at=None, **data):
        phone = phones.setdefault(username, SyncPhone(client, username))
        body = request_data(world, **data)
        if body["site_id"] is None:
            body["site_id"] = world.site2
        mutation = phone.mutation("repair.create", body, at=at)
        assert phone.push([mutation]).json["results"][0]["status"] == "applied"
        return mutation["entity_id"]
    return make


def test_monday_approval_lists_last_weeks_orders_not_this_weeks(app, world, desk_for, weeks):
    desk = desk_for("manager1")
    page = desk.text("/repairs/approval")
    listed = re.findall(r'data-order="([0-9a-f-]{36})"', page)
    assert set(listed) == {weeks["monday"], weeks["sunday"], weeks["older"]}
    assert weeks["now"] not in page and weeks["site2"] not in page
    # Approving this week's order is refused, and nothing is approved with it.
    response = desk.post("/repairs/approval", {"order_id": [weeks["monday"], weeks["now"]]}, follow_redirects=True)
    assert "本周" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RepairOrder)
                                 .where(RepairOrder.approved_at.is_not(None))) == 0
    # This week's order has no approve button on its page; last week's has.
    assert 'id="approve-one"' not in desk.text(f"/repairs/{weeks['now']}")
    assert 'id="approve-one"' in desk.text(f"/repairs/{weeks['monday']}")
    assert 'id="approve-one"' not in desk_for("cs1").text(f"/repairs/{weeks['monday']}")
    # One from its page (back to it), then all the approval page listed.
    response = desk.post("/repairs/approval", {"order_id": weeks["monday"], "next": f"/repairs/{weeks['monday']}"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/repairs/{weeks['monday']}")
    assert "已审批" in desk.text(f"/repairs/{weeks['monday']}") or "已批准" in desk.text(f"/repairs/{weeks['monday']}")
    with app.app_context():
        order = db.session.get(RepairOrder, weeks["monday"])
        assert order.approved_by == world.users["manager1"] and order.approved_at is not None
    page = desk.text("/repairs/approval")
    ids = re.findall(r'name="order_id" value="([0-9a-f-]{36})"', page.split('id="approve-all"')[0])
    assert set(ids) == {weeks["sunday"], weeks["older"]}
    assert desk.post("/repairs/approval", {"order_id": ids}).status_code == 302
    assert not re.findall(r'data-order="', desk.text("/repairs/approval"))
    # Approving again is refused.
    response = desk.post("/repairs/approval", {"order_id": weeks["sunday"]}, follow_redirects=True)
    assert "已审批" in response.get_data(as_text=True)


def test_another_sites_order_cannot_be_approved(app, world, desk_for, weeks):
    desk_for("manager1").post("/repairs/approval", {"order_id": weeks["site2"]})
    with app.app_context():
        assert db.session.get(RepairOrder, weeks["site2"]).approved_at is None


def kpi(page: str) -> int:
    found = re.search(r'href="/repairs/approval">\s*<div class="value">(\d+)</div>', page)
    assert found, "no repair approval tile"
    return int(found.group(1))


def test_the_dashboard_counts_unapproved_orders_of_past_weeks(world, desk_for, weeks):
    desk = desk_for("manager1")
    assert kpi(desk.text("/review?site=" + world.site1)) == 3
    desk.post("/repairs/approval", {"order_id": [weeks["monday"], weeks["older"]]})
    assert kpi(desk.text("/review?site=" + world.site1)) == 1
    assert kpi(desk_for("supervisor1").text("/review?site=")) == 2  # site 2's too


@pytest.mark.parametrize("username, index, new, approval", [
    ("manager1", 200, 200, 200),
    ("supervisor1", 200, 200, 200),
    ("cs1", 200, 200, 403),
    ("repair1", 403, 403, 403),
    ("clean1", 403, 403, 403),
    ("guard1", 403, 403, 403),
])
def test_who_may_see_take_and_approve(world, desk_for, username, index, new, approval):
    desk = desk_for(username)
    assert desk.get("/repairs").status_code == index
    assert desk.get("/repairs/new").status_code == new
    assert desk.get("/repairs/approval").status_code == approval
    assert desk.post("/repairs/approval", {"order_id": "x"}).status_code == (403 if approval == 403 else 404)


def test_an_order_of_another_site_is_not_found(world, desk_for, weeks):
    assert desk_for("cs1").get(f"/repairs/{weeks['site2']}").status_code == 404


def test_the_admin_sets_the_repair_clocks_and_the_desk_follows_them(app, world, desk_for):
    """The urgent clock edited where the site's settings are edited; a request taken after it
    is due by the new clock."""
    from tests.integration.admin.test_sites import settings_data

    admin = desk_for("admin1")
    page = admin.text(f"/admin/sites/{world.site1}/settings")
    assert 'name="clocks-repair_urgent"' in page and "维修任务单：紧急" in page
    response = admin.post(f"/admin/sites/{world.site1}/settings", settings_data(**{"clocks-repair_urgent": "45"}))
    assert response.status_code == 302
    taken = desk_for("cs1").post("/repairs/new", form(world, urgency="urgent"))
    repair_id = taken.headers["Location"].rsplit("/", 1)[-1]
    with app.app_context():
        order = db.session.get(RepairOrder, repair_id)
        assert (order.due_at - order.requested_at).total_seconds() == 45 * 60
