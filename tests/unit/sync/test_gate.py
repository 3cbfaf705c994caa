"""Gate rules: visits open until check-out, double check-outs, flagged persons."""
from datetime import timedelta

from sync import messages as m
from tests.unit.sync.conftest import NOW
from tests.unit.sync.conftest import visit_data


def test_two_check_outs_the_earlier_time_stands_and_is_a_conflict(store, world, phone):
    guard, lead = phone("guard1"), phone("lead1")
    check_in = guard.m("visit.check_in", visit_data(world), at=NOW - timedelta(hours=3))
    guard.push_one(check_in)
    late = guard.m("visit.check_out", entity_id=check_in["entity_id"], at=NOW - timedelta(hours=1))
    early = lead.m("visit.check_out", entity_id=check_in["entity_id"], at=NOW - timedelta(hours=2))
    guard.push_one(late)
    result = lead.push_one(early)
    visit = store.records["visit"][check_in["entity_id"]]
    assert visit["checked_out_at"] == NOW - timedelta(hours=2)
    assert visit["checked_out_by"] == lead.user_id
    assert result.status == "applied" and result.conflict["field"] == "checked_out_at"
    (conflict,) = store.records["conflict"].values()
    assert conflict["loser_mutation_id"] == late["id"] and conflict["winner_mutation_id"] == early["id"]


def test_a_later_second_check_out_changes_nothing_but_is_recorded(store, world, guard):
    check_in = guard.m("visit.check_in", visit_data(world), at=NOW - timedelta(hours=3))
    first = guard.m("visit.check_out", entity_id=check_in["entity_id"], at=NOW - timedelta(hours=2))
    second = guard.m("visit.check_out", entity_id=check_in["entity_id"], at=NOW - timedelta(hours=1))
    guard.push(check_in, first)
    result = guard.push_one(second)
    assert result.conflict["lost"] == (NOW - timedelta(hours=1)).isoformat()
    assert store.records["visit"][check_in["entity_id"]]["checked_out_at"] == NOW - timedelta(hours=2)


def test_check_out_of_another_sites_visit_is_rejected(store, world, phone):
    guard1, guard2 = phone("guard1"), phone("guard2")
    check_in = guard1.m("visit.check_in", visit_data(world))
    guard1.push_one(check_in)
    result = guard2.push_one(guard2.m("visit.check_out", entity_id=check_in["entity_id"]))
    assert result.status == "rejected" and result.errors == {"entity_id": [m.OTHER_SITE]}


def test_a_flagged_person_opens_a_two_hour_follow_up_for_the_security_lead(store, world, guard):
    at = NOW - timedelta(minutes=50)
    flag = guard.m("visit.flag", {"site_id": world.site(1), "description": "陌生人多次徘徊",
                                  "photo_ids": [world.user("photo-1")]}, at=at)
    assert guard.push_one(flag).status == "applied"
    incident = store.records["incident"][flag["entity_id"]]
    followup = store.records["followup"][incident["followup_id"]]
    assert followup["category"] == "security" and followup["severity"] == "high"
    assert followup["assignee_id"] == world.user("lead1")
    assert followup["opened_at"] == at and followup["due_at"] == at + timedelta(hours=2)
    assert followup["source_type"] == "incident" and followup["source_id"] == flag["entity_id"]
    photo = store.records["photo"][world.user("photo-1")]
    assert photo["uploaded"] is False and photo["record_id"] == flag["entity_id"]


def test_a_flag_about_a_visit_waits_for_that_visit(store, world, guard):
    check_in = guard.m("visit.check_in", visit_data(world))
    flag = guard.m("visit.flag", {"site_id": world.site(1), "description": "可疑",
                                  "visit_id": check_in["entity_id"]})
    assert guard.push_one(flag).status == "deferred"
    guard.push_one(check_in)
    assert store.records["incident"][flag["entity_id"]]["visit_id"] == check_in["entity_id"]
