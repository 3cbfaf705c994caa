"""followup.update from phones: the state machine in time order, notes kept, latest owner wins."""
from datetime import timedelta

import pytest

from sync import messages as m
from sync.testing import T0
from sync.testing import wid
from tests.unit.sync.conftest import NOW

FU = wid("followup:seed")


@pytest.fixture(autouse=True)
def seeded(store, world):
    """An open complaint follow-up at site 1 owned by the customer-service lead (version 1)."""
    store.put("followup", {
        "id": FU, "site_id": world.site(1), "source_type": "complaint", "source_id": None,
        "source_user_id": None, "created_by": world.user("cs1"), "checkpoint_id": None,
        "category": "complaint", "severity": "medium", "clock": "medium", "title": "楼道漏水",
        "detail": {}, "status": "open", "assignee_id": world.user("cs1"), "post": "customer_service",
        "opened_at": T0, "received_at": T0, "due_at": T0 + timedelta(days=1), "resolved_at": None,
        "closed_at": None, "escalation_level": 0, "event_count": 0, "note_count": 0,
        "sources": [], "deleted_at": None,
    })


def edit(device, minutes_ago, **data):
    return device.m("followup.update", {"base_version": 1, **data}, entity_id=FU,
                    at=NOW - timedelta(minutes=minutes_ago))


def events(store, kind):
    return sorted((e for e in store.records["followup_event"].values() if e["kind"] == kind),
                  key=lambda e: e["at"])


def test_status_moves_and_the_times_are_kept(store, phone):
    cs = phone("cs1")
    cs.push(edit(cs, 50, status="in_progress"), edit(cs, 40, status="resolved"))
    followup = store.records["followup"][FU]
    assert followup["status"] == "resolved"
    assert followup["resolved_at"] == NOW - timedelta(minutes=40)


def test_changes_from_two_phones_follow_the_machine_in_time_order(store, phone):
    """Closed at 10:20 arrives before resolved at 10:10: both take effect in time order."""
    cs, manager = phone("cs1"), phone("manager1")
    manager.push(edit(manager, 20, status="closed"))
    assert store.records["followup"][FU]["status"] == "open"  # open -> closed does not fit yet
    cs.push(edit(cs, 30, status="resolved"))
    followup = store.records["followup"][FU]
    assert followup["status"] == "closed" and followup["closed_at"] == NOW - timedelta(minutes=20)
    assert all(e["effective"] for e in events(store, "status"))


def test_a_change_that_no_longer_fits_is_kept_as_a_conflict(store, phone):
    cs, manager = phone("cs1"), phone("manager1")
    reopen = edit(manager, 10, status="open")
    resolve = edit(cs, 20, status="resolved")
    close = edit(manager, 5, status="closed")
    cs.push(resolve)
    manager.push(reopen)
    result = manager.push_one(close)
    assert store.records["followup"][FU]["status"] == "open"
    assert result.conflict["field"] == "status" and result.conflict["lost"] == "closed"
    assert [e["effective"] for e in events(store, "status")] == [True, True, False]


def test_notes_are_appended_never_overwritten(store, phone):
    cs, manager = phone("cs1"), phone("manager1")
    manager.push(edit(manager, 10, note="已更换水管"))
    cs.push(edit(cs, 30, note="已联系业主"))
    assert [e["note"] for e in events(store, "note")] == ["已联系业主", "已更换水管"]
    assert store.records["followup"][FU]["note_count"] == 2


def test_the_later_assignment_wins_and_the_loser_is_a_conflict(store, world, phone):
    cs, manager = phone("cs1"), phone("manager1")
    later = edit(manager, 10, assignee_id=world.user("repair1"))
    earlier = edit(cs, 20, assignee_id=world.user("clean1"))
    manager.push(later)
    result = cs.push_one(earlier)
    assert store.records["followup"][FU]["assignee_id"] == world.user("repair1")
    assert result.conflict == {"type": "followup", "entity_id": FU, "field": "assignee_id",
                               "kept": world.user("repair1"), "lost": world.user("clean1"),
                               "reason": m.CONFLICT_LATER_WINS}


def test_an_assignment_that_overrides_a_concurrent_one_names_the_loser(store, world, phone):
    cs, manager = phone("cs1"), phone("manager1")
    earlier = edit(cs, 20, assignee_id=world.user("clean1"))
    later = edit(manager, 10, assignee_id=world.user("repair1"))
    cs.push(earlier)
    manager.push(later)
    (conflict,) = store.records["conflict"].values()
    assert conflict["loser_mutation_id"] == earlier["id"]
    assert store.records["followup"][FU]["assignee_id"] == world.user("repair1")


def test_an_assignment_that_saw_the_earlier_one_is_no_conflict(store, world, phone):
    cs, manager = phone("cs1"), phone("manager1")
    cs.push(edit(cs, 20, assignee_id=world.user("clean1")))
    seen = store.records["followup"][FU]["version"]
    manager.push(manager.m("followup.update", {"base_version": seen, "assignee_id": world.user("repair1")},
                           entity_id=FU, at=NOW - timedelta(minutes=10)))
    assert store.records["conflict"] == {}


@pytest.mark.parametrize("data, field, message", [
    ({"base_version": 99, "status": "resolved"}, "base_version", m.BASE_VERSION_AHEAD),
    ({"base_version": 1, "assignee_id": wid("user:guard2")}, "assignee_id", m.ASSIGNEE_INVALID),
    ({"base_version": 1, "assignee_id": wid("nobody")}, "assignee_id", m.ASSIGNEE_INVALID),
])
def test_refusals(store, phone, data, field, message):
    cs = phone("cs1")
    result = cs.push_one(cs.m("followup.update", data, entity_id=FU))
    assert result.status == "rejected" and result.errors == {field: [message]}
    assert store.records["followup_event"] == {}


@pytest.mark.parametrize("username, ident", [("guard2", FU), ("cs1", wid("followup:none"))])
def test_another_sites_or_unknown_follow_up_is_not_found(store, phone, username, ident):
    device = phone(username)
    result = device.push_one(device.m("followup.update", {"base_version": 1, "status": "resolved"},
                                      entity_id=ident))
    assert result.errors == {"entity_id": [m.FOLLOWUP_NOT_FOUND]}


def test_a_late_sync_keeps_the_clock_from_the_event(store, world, guard):
    """A flag recorded 5 hours ago and synced now is already overdue, and says how late it came."""
    at = NOW - timedelta(hours=5)
    flag = guard.m("visit.flag", {"site_id": world.site(1), "description": "可疑人员"}, at=at)
    guard.push_one(flag)
    followup = store.records["followup"][store.records["incident"][flag["entity_id"]]["followup_id"]]
    assert followup["due_at"] == at + timedelta(hours=2) < NOW
    assert followup["received_at"] - followup["opened_at"] == timedelta(hours=5)


@pytest.mark.parametrize("order", ["in time", "reversed"])
def test_the_policy_judges_an_edit_on_what_the_phone_saw(store, phone, order):
    """A worker's pause at 08:06 and resolve at 10:47, both made offline on version 1: the
    pause is theirs to make whether the resolve reached the server first or not."""
    cs = phone("cs1")
    pause = edit(cs, 160, status="open", note="等业主回电")
    resolve = edit(cs, 30, status="resolved")
    results = [cs.push_one(m) for m in ((pause, resolve) if order == "in time" else (resolve, pause))]
    assert [r.status for r in results] == ["applied", "applied"]
    assert store.records["followup"][FU]["status"] == "resolved"
    assert [e["note"] for e in events(store, "note")] == ["等业主回电"]


def test_a_worker_cannot_reopen_what_they_saw_resolved(store, phone):
    cs = phone("cs1")
    cs.push(edit(cs, 30, status="resolved"))
    version = store.records["followup"][FU]["version"]
    reopen = cs.m("followup.update", {"base_version": version, "status": "open"}, entity_id=FU)
    result = cs.push_one(reopen)
    assert result.status == "rejected" and result.code == "forbidden"
