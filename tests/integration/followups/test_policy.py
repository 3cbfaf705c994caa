"""The follow-up policy as a table: role × standing × action → allowed or refused, held
the same by the desk's actions and by a phone's ``followup.update``."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import FollowUp
from app.models import FollowUpEvent
from app.models import Site
from app.models import User
from app.models import utcnow
from tests import factories
from tests.integration.followups.conftest import SyncingPhone

# Who may do what to a repair follow-up owned by repair1 (sync/followup_policy.py).
ACTORS = {
    "repair1": "assignee",
    "repairlead1": "team lead of the assignee's post",
    "clean1": "a colleague of another post",
    "cs1": "the team lead of another post",
    "guard1": "a guard of the site",
    "manager1": "the site's manager",
    "supervisor1": "a supervisor (quality department)",
}
ALLOWED = {
    "start": {"repair1", "repairlead1"},
    "resolve": {"repair1", "repairlead1", "manager1", "supervisor1"},
    "note": {"repair1", "repairlead1", "manager1", "supervisor1"},
    "assign": {"repairlead1", "manager1", "supervisor1"},
    "due": {"repairlead1", "manager1", "supervisor1"},
    "verify": {"manager1", "supervisor1"},
    "close": {"manager1", "supervisor1"},
    "reopen": {"manager1", "supervisor1"},
}
NEEDS_RESOLVED = {"verify", "reopen"}
CASES = [(actor, action, actor in allowed) for action, allowed in ALLOWED.items() for actor in ACTORS]


@pytest.fixture()
def scene(app, client, world):
    with app.app_context():
        company = db.session.get(Site, world.site1).company
        factories.make_user(company, "repairlead1", "staff", [db.session.get(Site, world.site1)],
                            post="repair", lead=True)
        db.session.commit()
    return world


def open_followup(app, client, world, *, resolved=False, level=0) -> str:
    """A repair finding from manager1's patrol opens a follow-up owned by repair1."""
    manager = SyncingPhone(client, "manager1")
    patrol = manager.outbox.mutation("patrol.start", {"site_id": world.site1})
    finding = manager.outbox.mutation("patrol.finding", {
        "patrol_id": patrol["entity_id"], "category": "repair", "severity": "medium",
        "description": "单元门闭门器损坏", "handled_on_spot": False})
    assert manager.push([patrol, finding]).status_code == 200
    with app.app_context():
        followup = db.session.scalar(select(FollowUp).where(FollowUp.source_id == finding["entity_id"]))
        assert followup.post == "repair"
        ident = followup.id
        # The post's rule gives it to the repair lead; the table is about a worker's own job.
        followup.assignee_id = world.users["repair1"]
        followup.escalation_level = level
        db.session.commit()
    if resolved:
        desk_act(app, "repair1", ident, "resolve", expect=302)
    return ident


def desk_act(app, username, followup_id, action, expect=None):
    client = app.test_client()
    auth = factories.csrf_from(client.get("/login"))
    assert client.post("/login", data={"username": username, "password": factories.PASSWORD,
                                       "csrf_token": auth}).status_code == 302
    token = factories.csrf_from(client.get("/login", follow_redirects=True))
    form = {"csrf_token": token, "action": action, "note": "处理说明"}
    if action == "assign":
        form["assignee_id"] = _user_id(app, "clean1")
    if action == "due":
        form["due_at"] = (utcnow() + timedelta(days=2, hours=8)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(f"/followups/{followup_id}/act", data=form)
    if expect is not None:
        assert response.status_code == expect, response.get_data(as_text=True)[:500]
    return response


def _user_id(app, username):
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == username))


def phone_edit(app, client, username, followup_id, action):
    with app.app_context():
        version = db.session.get(FollowUp, followup_id).version
    data = {"base_version": version}
    data.update({
        "start": {"status": "in_progress"}, "resolve": {"status": "resolved"},
        "verify": {"status": "closed"}, "reopen": {"status": "open"}, "note": {"note": "处理说明"},
        "assign": {"assignee_id": _user_id(app, "clean1")},
        "due": {"due_at": (utcnow() + timedelta(days=2)).isoformat()},
    }[action])
    phone = SyncingPhone(client, username)
    response = phone.push([phone.outbox.mutation("followup.update", data, entity_id=followup_id)])
    assert response.status_code == 200
    return response.json["results"][0]


def state(app, followup_id):
    with app.app_context():
        followup = db.session.get(FollowUp, followup_id)
        events = db.session.scalar(select(db.func.count()).select_from(FollowUpEvent)
                                   .where(FollowUpEvent.followup_id == followup_id))
        return (followup.status, followup.assignee_id, followup.due_at, followup.version, events)


@pytest.mark.parametrize("actor,action,allowed", CASES, ids=[f"{a}-{b}" for a, b, _ in CASES])
def test_desk_obeys_the_policy(app, client, scene, actor, action, allowed):
    followup_id = open_followup(app, client, scene, resolved=action in NEEDS_RESOLVED)
    before = state(app, followup_id)
    response = desk_act(app, actor, followup_id, action)
    if allowed:
        assert response.status_code == 302
        assert state(app, followup_id) != before
    else:
        # A person who cannot see it at all gets 404; one who can see it gets the reason.
        assert response.status_code in (403, 404, 422)
        if response.status_code == 422:
            assert "只有" in response.get_data(as_text=True)
        assert state(app, followup_id) == before


PHONE_CASES = [c for c in CASES if c[1] != "close"]  # closing unfinished work is a desk action


@pytest.mark.parametrize("actor,action,allowed", PHONE_CASES, ids=[f"{a}-{b}" for a, b, _ in PHONE_CASES])
def test_phone_obeys_the_same_policy(app, client, scene, actor, action, allowed):
    followup_id = open_followup(app, client, scene, resolved=action in NEEDS_RESOLVED)
    before = state(app, followup_id)
    result = phone_edit(app, client, actor, followup_id, action)
    if allowed:
        assert result["status"] == "applied", result
        assert state(app, followup_id) != before
    else:
        assert result["status"] == "rejected" and result["code"] == "forbidden", result
        assert "只有" in next(iter(result["errors"].values()))[0]
        assert state(app, followup_id) == before


@pytest.mark.parametrize("actor,allowed", [("manager1", False), ("supervisor1", True)])
@pytest.mark.parametrize("action", ["verify", "reopen"])
def test_escalated_to_quality_only_quality_closes(app, client, scene, actor, allowed, action):
    followup_id = open_followup(app, client, scene, resolved=True, level=2)
    before = state(app, followup_id)
    response = desk_act(app, actor, followup_id, action)
    assert (response.status_code == 302) is allowed
    if not allowed:
        assert "品质部" in response.get_data(as_text=True)
        assert state(app, followup_id) == before
    result = phone_edit(app, client, actor, open_followup(app, client, scene, resolved=True, level=2), action)
    assert (result["status"] == "applied") is allowed


def test_another_sites_manager_cannot_find_it(app, client, scene):
    followup_id = open_followup(app, client, scene)
    assert desk_act(app, "manager2", followup_id, "close").status_code == 404
    result = phone_edit(app, client, "manager2", followup_id, "note")
    assert result["status"] == "rejected" and result["code"] == "not_found"
