"""The follow-up desk over HTTP: board, list, detail, history, and who sees what."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import FollowUp
from app.models import utcnow
from tests import factories
from tests.integration.followups.conftest import SyncingPhone


def findings(client, world, specs, username="manager1"):
    """One patrol with a finding per spec (category, checkpoint index or None); the follow-up ids."""
    phone = SyncingPhone(client, username)
    patrol = phone.outbox.mutation("patrol.start", {"site_id": world.site1})
    muts = [patrol]
    for n, (category, checkpoint) in enumerate(specs):
        data = {"patrol_id": patrol["entity_id"], "category": category, "severity": "medium",
                "description": f"问题{n}号", "handled_on_spot": False}
        if checkpoint is not None:
            data["checkpoint_id"] = world.checkpoints1[checkpoint]
        muts.append(phone.outbox.mutation("patrol.finding", data))
    assert phone.push(muts).status_code == 200
    return [m["entity_id"] for m in muts[1:]]


def signed_in(app, username):
    client = app.test_client()
    token = factories.csrf_from(client.get("/login"))
    assert client.post("/login", data={"username": username, "password": factories.PASSWORD,
                                       "csrf_token": token}).status_code == 302
    return client


def text(client, path, status=200):
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code)
    return response.get_data(as_text=True)


def followup_ids(app):
    with app.app_context():
        return {f.category: f.id for f in db.session.scalars(select(FollowUp))}


def test_board_groups_by_status_and_marks_the_late(app, client, world):
    findings(client, world, [("repair", None), ("cleaning", None)])
    ids = followup_ids(app)
    with app.app_context():
        late = db.session.get(FollowUp, ids["repair"])
        late.due_at = utcnow() - timedelta(hours=1)
        db.session.commit()
    page = text(signed_in(app, "supervisor1"), "/followups")
    assert "问题0号" in page and "问题1号" in page
    assert page.count('class="fu-card') == 2
    assert page.count('class="fu-card is-late"') == 1
    assert "待处理" in page and "处理中" in page


@pytest.mark.parametrize("query,expected", [
    ("?category=repair", {"repair"}),
    ("?category=cleaning", {"cleaning"}),
    ("?status=late", {"repair"}),
    ("?status=closed", set()),
    ("?status=active", {"repair", "cleaning"}),
])
def test_list_filters(app, client, world, query, expected):
    findings(client, world, [("repair", None), ("cleaning", None)])
    ids = followup_ids(app)
    with app.app_context():
        db.session.get(FollowUp, ids["repair"]).due_at = utcnow() - timedelta(hours=1)
        db.session.commit()
    page = text(signed_in(app, "manager1"), "/followups/list" + query)
    shown = {category for category, ident in ids.items() if f"/followups/{ident}" in page}
    assert shown == expected


def test_list_sorts_and_pages(app, client, world):
    findings(client, world, [("repair", None)] * 55)
    with app.app_context():
        rows = list(db.session.scalars(select(FollowUp)))
        for n, row in enumerate(rows):
            row.due_at = utcnow() + timedelta(hours=n + 1)
        db.session.commit()
        by_due = [r.id for r in sorted(rows, key=lambda r: r.due_at)]
    desk = signed_in(app, "manager1")
    first = text(desk, "/followups/list?sort=due")
    order = re.findall(r'href="/followups/([0-9a-f-]{36})"', first)
    assert order == by_due[:50]
    assert "共 55 条" in first or "55" in first
    second = re.findall(r'href="/followups/([0-9a-f-]{36})"', text(desk, "/followups/list?sort=due&page=2"))
    assert second == by_due[50:]
    newest = re.findall(r'href="/followups/([0-9a-f-]{36})"', text(desk, "/followups/list?sort=-due"))
    assert newest[0] == by_due[-1]


def test_a_bad_filter_is_said_and_ignored(app, client, world):
    findings(client, world, [("repair", None)])
    page = text(signed_in(app, "manager1"), "/followups/list?from=2026-13-45&status=nonsense&sort=evil")
    assert "不是有效日期" in page and "状态无效" in page and "不支持该排序" in page
    assert page.count('href="/followups/') >= 1


def test_staff_see_their_own_and_leads_their_team(app, client, world):
    findings(client, world, [("repair", None), ("cleaning", None)])
    ids = followup_ids(app)
    with app.app_context():
        db.session.get(FollowUp, ids["repair"]).assignee_id = world.users["repair1"]
        db.session.get(FollowUp, ids["cleaning"]).assignee_id = world.users["clean1"]
        db.session.commit()
    repair = text(signed_in(app, "repair1"), "/followups/list")
    assert ids["repair"] in repair and ids["cleaning"] not in repair
    assert text(signed_in(app, "repair1"), f"/followups/{ids['cleaning']}", status=404)
    cs_lead = text(signed_in(app, "cs1"), "/followups/list")
    assert ids["repair"] not in cs_lead and ids["cleaning"] not in cs_lead
    assert signed_in(app, "guard1").get("/followups").status_code == 403
    assert signed_in(app, "lead1").get("/followups").status_code == 200  # a guards' team leader
    assert signed_in(app, "manager2").get(f"/followups/{ids['repair']}").status_code == 404


def test_history_shows_sources_and_merged_records(app, client, world):
    first, second = findings(client, world, [("repair", 0), ("repair", 0)])
    ident = followup_ids(app)["repair"]
    supervisor = signed_in(app, "supervisor1")
    token = factories.csrf_from(supervisor.get(f"/followups/{ident}"))
    assert supervisor.post(f"/followups/{ident}/act", data={
        "csrf_token": token, "action": "assign", "assignee_id": world.users["repair1"],
        "note": "请今天处理"}).status_code == 302
    page = text(supervisor, f"/followups/{ident}")
    assert "2 条记录已合并" in page
    assert "source-sweep" not in page
    assert page.count("source-phone") >= 1 and page.count("source-desk") == 2  # note + assignment
    assert "请今天处理" in page and "repair1" in page


@pytest.mark.parametrize("value,message", [
    ("", "日期和时间"), ("tomorrow", "日期和时间"), ("2020-01-01T08:00", "必须晚于现在"),
])
def test_a_bad_due_time_is_refused_and_changes_nothing(app, client, world, value, message):
    findings(client, world, [("repair", None)])
    ident = followup_ids(app)["repair"]
    with app.app_context():
        before = db.session.get(FollowUp, ident).version
    manager = signed_in(app, "manager1")
    token = factories.csrf_from(manager.get(f"/followups/{ident}"))
    response = manager.post(f"/followups/{ident}/act", data={"csrf_token": token, "action": "due",
                                                               "due_at": value})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(FollowUp, ident).version == before


def test_an_unknown_action_is_refused(app, client, world):
    findings(client, world, [("repair", None)])
    ident = followup_ids(app)["repair"]
    manager = signed_in(app, "manager1")
    token = factories.csrf_from(manager.get(f"/followups/{ident}"))
    response = manager.post(f"/followups/{ident}/act", data={"csrf_token": token, "action": "delete"})
    assert response.status_code == 422


def test_a_supervisors_phone_pulls_the_follow_ups_of_their_sites(app, client, world):
    findings(client, world, [("repair", None), ("cleaning", None)])
    pulled = SyncingPhone(client, "supervisor1").pull_followups()
    assert set(pulled) == set(followup_ids(app).values())
    assert SyncingPhone(client, "manager2").pull_followups() == {}
