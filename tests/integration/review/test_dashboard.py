"""The dashboard over HTTP: each number counts what it says, per site and across sites."""
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy import update

from app.extensions import db
from app.models import Conflict
from app.models import Route
from app.models import FollowUp
from app.models import Site
from app.models import SyncDevice
from app.models import utcnow
from app.review import dashboard as numbers
from tests import factories
from tests.integration.followups.conftest import SyncingPhone


signed_in = factories.desk_client


SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture()
def day(app, client, world):
    """Site 1 today: manager1 patrolled with an open finding, 3 visitors (one out, one
    still inside from two days ago), an overdue follow-up, a conflict, a quiet phone."""
    with app.app_context():
        route = db.session.get(Route, world.route1)
        route.window_start, route.window_end = "00:00", "23:59"  # whatever the hour of the run
        db.session.commit()
    manager = SyncingPhone(client, "manager1")
    patrol = manager.outbox.mutation("patrol.start", {"site_id": world.site1, "route_id": world.route1})
    finding = manager.outbox.mutation("patrol.finding", {
        "patrol_id": patrol["entity_id"], "category": "repair", "severity": "high",
        "description": "路灯不亮", "handled_on_spot": False})
    assert manager.push([patrol, finding]).status_code == 200
    guard = SyncingPhone(client, "guard1")
    visits = [guard.outbox.mutation("visit.check_in", {"site_id": world.site1, "visitor_name": name,
                                                       "purpose": "delivery", "party_size": 1})
              for name in ("张三", "李四", "王五")]
    old = guard.outbox.mutation("visit.check_in", {"site_id": world.site1, "visitor_name": "赵六",
                                                   "purpose": "visit", "party_size": 1},
                                at=utcnow() - timedelta(days=2))
    out = guard.outbox.mutation("visit.check_out", {}, entity_id=visits[0]["entity_id"])
    assert guard.push([*visits, old, out], pending=3).status_code == 200
    with app.app_context():
        # Overdue, and due today in Shanghai whatever the hour of the run (just after
        # midnight, two hours ago was yesterday and today's rate had no follow-up).
        now = utcnow()
        midnight = now.astimezone(SHANGHAI).replace(hour=0, minute=0, second=0, microsecond=0)
        due = max(now - timedelta(hours=2), midnight + (now - midnight) / 2)
        db.session.execute(update(FollowUp).values(due_at=due))
        db.session.execute(update(SyncDevice).where(SyncDevice.device_id == guard.device_id)
                           .values(last_seen_at=utcnow() - timedelta(hours=25)))
        db.session.add(Conflict(site_id=world.site1, entity_type="followup", entity_id="x" * 36,
                                field="status", kept="open", lost="closed", reason="r"))
        db.session.commit()
    return world


def test_todays_numbers_per_site(app, day):
    with app.app_context():
        sites = list(db.session.scalars(select(Site).order_by(Site.name)))
        rows = {r.site.id: r for r in numbers.site_days(sites, "Asia/Shanghai")}
    one, two = rows[day.site1], rows[day.site2]
    assert (one.managers, one.managers_patrolled) == (1, 1)
    assert (one.rounds_expected, one.rounds_done) == (1, 1)
    assert one.open_findings == 1
    assert (one.visits_today, one.inside_now, one.overdue_visits) == (3, 3, 1)
    assert (one.followups_open, one.followups_overdue, one.followups_escalated) == (1, 1, 0)
    assert one.timely == (0, 1) and one.timely_rate == 0
    assert one.conflicts == 1 and one.quiet_phones == 1
    assert (two.managers_patrolled, two.visits_today, two.followups_open, two.conflicts) == (0, 0, 0, 0)


def test_the_page_links_each_number_to_its_list(app, day):
    page = signed_in(app, "supervisor1").get("/review?site=").get_data(as_text=True)
    assert "翠湖花园" in page and "金桂苑" in page  # the by-site table for all sites
    hrefs = set(re.findall(r'href="([^"]+)"', page))
    for wanted in ("/followups/list?status=late", "/followups/list?status=escalated", "/gate/visits?status=inside",
                   "/gate/visits?status=overdue", "/review/conflicts?status=waiting", "/review/devices?status=quiet",
                   "/patrols/plans"):
        path, _, query = wanted.partition("?")
        assert any(h.startswith(path) and query in h.replace("&amp;", "&") for h in hrefs), wanted
    assert "冲突" in page and "超时" in page
    assert page.count("<svg") == 4


def test_one_site_and_a_manager_of_another(app, day):
    page = signed_in(app, "manager2").get("/review").get_data(as_text=True)
    assert "翠湖花园" not in page and "路灯不亮" not in page
    assert signed_in(app, "guard1").get("/review").status_code == 403
    assert signed_in(app, "repair1").get("/review").status_code == 403


def test_trends_count_by_local_day(app, day):
    with app.app_context():
        trend = numbers.trends([day.site1], "Asia/Shanghai", 7)
    assert len(trend["days"]) == 7
    assert trend["visits"][-1] == 3 and trend["visits"][-3] == 1
    assert trend["patrols"][-1] == 1 and trend["opened"][-1] == 1
    assert trend["rate"][-1] == 0


@pytest.mark.parametrize("days", ["7", "30"])
def test_trend_spans(app, day, days):
    page = signed_in(app, "manager1").get(f"/review?days={days}").get_data(as_text=True)
    assert page.count("<svg") == 4
