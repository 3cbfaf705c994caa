"""Patrol rules: findings followed up, same place linked, missed stops, whose patrol."""
from datetime import timedelta

from sync import messages as m
from sync.testing import wid
from tests.unit.sync.conftest import NOW


def start(device, world, patrol_id, at=None, route=True, site=1):
    data = {"site_id": world.site(site)}
    if route:
        data["route_id"] = wid(f"route:{site}")
    return device.m("patrol.start", data, entity_id=patrol_id, at=at or NOW - timedelta(hours=2))


def finding(device, patrol_id, handled=False, checkpoint=None, category="repair", severity="high", at=None):
    data = {"patrol_id": patrol_id, "category": category, "severity": severity,
            "description": "路灯不亮", "handled_on_spot": handled}
    if checkpoint:
        data["checkpoint_id"] = checkpoint
    return device.m("patrol.finding", data, at=at or NOW - timedelta(hours=1))


def test_a_finding_not_handled_on_the_spot_is_followed_up(store, world, phone):
    manager = phone("manager1")
    patrol = wid("patrol:1")
    at = NOW - timedelta(hours=1)
    found = finding(manager, patrol, at=at)
    manager.push(start(manager, world, patrol), found)
    record = store.records["finding"][found["entity_id"]]
    followup = store.records["followup"][record["followup_id"]]
    assert followup["assignee_id"] == world.user("repair1") and followup["post"] == "repair"
    assert followup["due_at"] == at + timedelta(hours=2)
    assert followup["source_user_id"] == manager.user_id and followup["status"] == "open"


def test_a_finding_handled_on_the_spot_is_only_recorded(store, world, phone):
    manager = phone("manager1")
    patrol = wid("patrol:1")
    found = finding(manager, patrol, handled=True)
    manager.push(start(manager, world, patrol), found)
    assert store.records["finding"][found["entity_id"]]["followup_id"] is None
    assert store.records["followup"] == {}


def test_same_site_checkpoint_and_category_is_linked_not_duplicated(store, world, phone):
    manager, guard = phone("manager1"), phone("guard1")
    cp = world.checkpoints_of(1)[0]
    p1, p2 = wid("patrol:1"), wid("patrol:2")
    first = finding(manager, p1, checkpoint=cp, category="cleaning")
    second = finding(guard, p2, checkpoint=cp, category="cleaning")
    other = finding(guard, p2, checkpoint=cp, category="repair")
    manager.push(start(manager, world, p1), first)
    guard.push(start(guard, world, p2), second, other)
    fu1 = store.records["finding"][first["entity_id"]]["followup_id"]
    assert store.records["finding"][second["entity_id"]]["followup_id"] == fu1
    assert store.records["finding"][other["entity_id"]]["followup_id"] != fu1
    assert len(store.records["followup"]) == 2
    assert {"type": "finding", "id": second["entity_id"]} in store.records["followup"][fu1]["sources"]


def test_a_resolved_follow_up_is_not_linked_to(store, world, phone):
    manager = phone("manager1")
    cp = world.checkpoints_of(1)[0]
    p1 = wid("patrol:1")
    first = finding(manager, p1, checkpoint=cp, category="cleaning")
    manager.push(start(manager, world, p1), first)
    fu1 = store.records["finding"][first["entity_id"]]["followup_id"]
    manager.push_one(manager.m("followup.update", {"base_version": 1, "status": "resolved"},
                               entity_id=fu1, at=NOW - timedelta(minutes=30)))
    again = finding(manager, p1, checkpoint=cp, category="cleaning", at=NOW - timedelta(minutes=20))
    manager.push_one(again)
    assert store.records["finding"][again["entity_id"]]["followup_id"] != fu1


def test_missed_checkpoints_on_a_route_are_followed_up_and_late_visits_settle_them(store, world, phone):
    guard = phone("guard1")
    patrol = wid("patrol:1")
    cps = world.checkpoints_of(1)
    visits = [guard.m("patrol.checkpoint", {"patrol_id": patrol, "checkpoint_id": c, "method": "qr"})
              for c in cps]
    end = guard.m("patrol.end", {"notes": "完成"}, entity_id=patrol, at=NOW - timedelta(minutes=30))
    guard.push(start(guard, world, patrol), visits[0], end)
    (followup,) = store.records["followup"].values()
    followup_id = followup["id"]
    assert followup["detail"]["missed_checkpoint_ids"] == cps[1:]
    assert followup["due_at"] == NOW - timedelta(minutes=30) + timedelta(hours=24)
    guard.push(visits[1])
    assert store.records["followup"][followup_id]["detail"]["missed_checkpoint_ids"] == cps[2:]
    guard.push(visits[2])
    assert store.records["followup"][followup_id]["deleted_at"] is not None
    assert store.records["patrol"][patrol]["missed_checkpoint_ids"] == []


def test_a_free_patrol_has_no_missed_stops(store, world, guard):
    patrol = wid("patrol:1")
    guard.push(start(guard, world, patrol, route=False), guard.m("patrol.end", entity_id=patrol))
    assert store.records["followup"] == {}


def test_someone_elses_patrol_cannot_be_added_to(store, world, phone):
    manager, guard = phone("manager1"), phone("guard1")
    patrol = wid("patrol:1")
    manager.push_one(start(manager, world, patrol))
    result = guard.push_one(guard.m("patrol.checkpoint", {"patrol_id": patrol, "method": "manual",
                                                          "checkpoint_id": world.checkpoints_of(1)[0]}))
    assert result.errors == {"patrol_id": [m.NOT_YOUR_PATROL]}


def test_a_checkpoint_of_another_site_is_refused(store, world, guard):
    patrol = wid("patrol:1")
    guard.push_one(start(guard, world, patrol))
    result = guard.push_one(guard.m("patrol.checkpoint", {"patrol_id": patrol, "method": "qr",
                                                          "checkpoint_id": world.checkpoints_of(2)[0]}))
    assert result.errors == {"checkpoint_id": [m.UNKNOWN_CHECKPOINT]}


def test_a_route_of_another_site_is_refused(store, world, guard):
    result = guard.push_one(guard.m("patrol.start", {"site_id": world.site(1), "route_id": wid("route:2")}))
    assert result.errors == {"route_id": [m.UNKNOWN_ROUTE]}
