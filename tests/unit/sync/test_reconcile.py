"""The engine's promises: journal everything, exactly-once effect, defer, reject, never block."""
from datetime import timedelta

from sync import messages as m
from tests.unit.sync.conftest import NOW
from tests.unit.sync.conftest import visit_data


def test_applied_and_journaled(store, world, guard):
    mutation = guard.m("visit.check_in", visit_data(world))
    result = guard.push_one(mutation)
    assert result.to_json() == {"id": mutation["id"], "status": "applied", "entity_id": mutation["entity_id"]}
    entry = store.journal_rows[mutation["id"]]
    assert entry.status == "applied" and entry.raw == mutation and entry.user_id == guard.user_id
    assert store.records["visit"][mutation["entity_id"]]["visitor_name"] == "王五"


def test_a_repeat_is_a_duplicate_with_no_second_effect(store, world, guard):
    mutation = guard.m("visit.check_in", visit_data(world))
    guard.push_one(mutation)
    before = store.snapshot()
    again = guard.push_one(mutation)
    assert again.status == "duplicate" and again.entity_id == mutation["entity_id"]
    assert store.snapshot() == before
    assert store.journal_rows[mutation["id"]].duplicates == 1


def test_a_repeat_is_counted_once_when_its_row_is_also_decided_anew(store, world, guard):
    """A parked check-out sent again together with its visit: woken and repeated in one push."""
    visit = guard.m("visit.check_in", visit_data(world))
    leave = guard.m("visit.check_out", entity_id=visit["entity_id"])
    assert guard.push_one(leave).status == "deferred"
    results = guard.push(leave, visit)
    assert [r.status for r in results] == ["duplicate", "applied"]
    assert store.journal_rows[leave["id"]].duplicates == 1
    assert store.journal_rows[leave["id"]].status == "applied"


def test_a_repeat_within_one_request_is_a_duplicate(store, world, guard):
    mutation = guard.m("visit.check_in", visit_data(world))
    first, second = guard.push(mutation, dict(mutation))
    assert (first.status, second.status) == ("applied", "duplicate")
    assert len(store.records["visit"]) == 1


def test_a_reused_id_with_other_content_is_rejected_and_the_first_stands(store, world, guard):
    mutation = guard.m("visit.check_in", visit_data(world))
    guard.push_one(mutation)
    reused = {**mutation, "data": visit_data(world, visitor_name="赵六")}
    result = guard.push_one(reused)
    assert result.status == "rejected" and result.code == "mutation_id_reused"
    assert result.errors == {"id": [m.MUTATION_ID_REUSED]}
    assert store.records["visit"][mutation["entity_id"]]["visitor_name"] == "王五"
    assert store.journal_rows[mutation["id"]].reuses[0]["raw"]["data"]["visitor_name"] == "赵六"


def test_a_repeat_of_a_rejected_mutation_is_a_duplicate_with_the_first_errors(guard, world):
    mutation = guard.m("visit.check_in", visit_data(world, party_size=0))
    first = guard.push_one(mutation)
    again = guard.push_one(mutation)
    assert first.status == "rejected" and again.status == "duplicate"
    assert again.errors == first.errors and again.extra == {"first_status": "rejected"}


def test_a_bad_mutation_never_blocks_the_others(store, world, guard):
    good1 = guard.m("visit.check_in", visit_data(world))
    bad = guard.m("visit.check_in", visit_data(world, purpose="shopping"))
    unknown = guard.m("visit.teleport", {})
    good2 = guard.m("visit.check_in", visit_data(world))
    results = guard.push(good1, bad, unknown, good2)
    assert [r.status for r in results] == ["applied", "rejected", "rejected", "applied"]
    assert results[2].errors == {"type": [m.UNKNOWN_TYPE]}
    assert set(store.journal_rows) == {good1["id"], bad["id"], unknown["id"], good2["id"]}


def test_another_users_mutation_is_rejected(store, world, guard):
    mutation = guard.m("visit.check_in", visit_data(world), user_id=world.user("lead1"))
    result = guard.push_one(mutation)
    assert result.status == "rejected" and result.errors == {"user_id": [m.OTHER_USER]}
    assert store.records["visit"] == {}


def test_another_sites_mutation_is_rejected(store, world, guard):
    result = guard.push_one(guard.m("visit.check_in", visit_data(world, site_id=world.site(2))))
    assert result.status == "rejected" and result.errors == {"site_id": [m.OTHER_SITE]}


def test_a_header_error_is_a_field_error(guard, world):
    mutation = guard.m("visit.check_in", visit_data(world))
    mutation["at"] = "2026-11-27 07:52"
    result = guard.push_one(mutation)
    assert result.status == "rejected" and "at" in result.errors


def test_deferred_until_the_parent_arrives_then_applied_without_a_push(store, world, guard):
    check_in = guard.m("visit.check_in", visit_data(world))
    check_out = guard.m("visit.check_out", entity_id=check_in["entity_id"], at=NOW - timedelta(minutes=1))
    result = guard.push_one(check_out)
    assert result.status == "deferred" and result.waiting_for == check_in["entity_id"]
    assert store.journal_rows[check_out["id"]].status == "deferred"
    guard.push_one(check_in)
    assert store.journal_rows[check_out["id"]].status == "applied"
    visit = store.records["visit"][check_in["entity_id"]]
    assert visit["checked_out_at"] == NOW - timedelta(minutes=1)


def test_a_parent_later_in_the_same_request_applies_the_child_in_that_answer(world, guard):
    check_in = guard.m("visit.check_in", visit_data(world))
    check_out = guard.m("visit.check_out", entity_id=check_in["entity_id"])
    results = guard.push(check_out, check_in)
    assert [r.status for r in results] == ["applied", "applied"]


def test_the_parent_may_come_from_another_device(store, world, phone):
    """A check-out recorded by one guard waits for the check-in another guard's phone holds."""
    guard, lead = phone("guard1"), phone("lead1")
    check_in = guard.m("visit.check_in", visit_data(world))
    check_out = lead.m("visit.check_out", entity_id=check_in["entity_id"])
    assert lead.push_one(check_out).status == "deferred"
    guard.push_one(check_in)
    assert store.records["visit"][check_in["entity_id"]]["checked_out_by"] == lead.user_id


def test_waiting_children_apply_in_corrected_time_order(store, world, phone):
    patrol_id = world.user("x")  # any uuid
    manager = phone("manager1")
    start = manager.m("patrol.start", {"site_id": world.site(1)}, entity_id=patrol_id,
                      at=NOW - timedelta(hours=2))
    late_end = manager.m("patrol.end", {"notes": "later"}, entity_id=patrol_id, at=NOW - timedelta(minutes=5))
    early_end = manager.m("patrol.end", {"notes": "earlier"}, entity_id=patrol_id, at=NOW - timedelta(hours=1))
    manager.push(late_end, early_end)
    manager.push_one(start)
    patrol = store.records["patrol"][patrol_id]
    assert patrol["ended_at"] == NOW - timedelta(minutes=5) and patrol["notes"] == "later"


def test_a_deferred_child_that_no_longer_fits_is_rejected_in_the_journal(store, world, phone):
    """The patrol turned out to be someone else's: the journal says so; nothing is applied."""
    manager, guard = phone("manager1"), phone("guard1")
    patrol_id = world.user("patrol-x")
    finding = guard.m("patrol.finding", {"patrol_id": patrol_id, "category": "repair", "severity": "low",
                                         "description": "门锁坏", "handled_on_spot": True})
    assert guard.push_one(finding).status == "deferred"
    manager.push_one(manager.m("patrol.start", {"site_id": world.site(1)}, entity_id=patrol_id))
    entry = store.journal_rows[finding["id"]]
    assert entry.status == "rejected" and entry.result["errors"] == {"patrol_id": [m.NOT_YOUR_PATROL]}
    assert store.records["finding"] == {}


def test_a_second_create_of_the_same_entity_is_rejected(store, world, guard):
    first = guard.m("visit.check_in", visit_data(world))
    second = guard.m("visit.check_in", visit_data(world, visitor_name="赵六"), entity_id=first["entity_id"])
    assert [r.status for r in guard.push(first, second)] == ["applied", "rejected"]
    assert store.records["visit"][first["entity_id"]]["visitor_name"] == "王五"


def test_both_times_and_the_clock_are_kept(store, world, phone):
    fast = phone("guard1", skew=timedelta(minutes=8))
    mutation = fast.m("visit.check_in", visit_data(world), at=NOW - timedelta(hours=1))
    fast.push_one(mutation)
    entry = store.journal_rows[mutation["id"]]
    assert entry.clock_offset_ms == -8 * 60000 and entry.clock_flag == "skewed"
    visit = store.records["visit"][mutation["entity_id"]]
    assert visit["checked_in_at"] == NOW - timedelta(hours=1)
    assert visit["checked_in_at_phone"] == NOW - timedelta(hours=1) + timedelta(minutes=8)
    assert visit["received_at"] == NOW and visit["clock_flag"] == "skewed"


def test_the_device_is_tracked(store, world, guard):
    guard.seq = 3  # mutations 1..3 are still on the phone
    guard.push(guard.m("visit.check_in", visit_data(world)), pending=5)
    state = store.devices[guard.device_id]
    assert state.last_seq == 4 and state.gaps == [[1, 3]] and state.pending == 5
    assert state.last_seen_at == NOW and state.user_id == guard.user_id


def test_ids_are_answered_as_sent_and_kept_in_lower_case(store, world, guard):
    mutation = guard.m("visit.check_in", visit_data(world))
    mutation["id"], mutation["entity_id"] = mutation["id"].upper(), mutation["entity_id"].upper()
    result = guard.push_one(mutation)
    assert result.id == mutation["id"] and result.entity_id == mutation["entity_id"].lower()
    assert mutation["id"].lower() in store.journal_rows
    assert guard.push_one(mutation).status == "duplicate"
