"""A post's shared phone records in the name of whoever is on shift on it, and only then."""
from datetime import timedelta

from sync import messages as m
from tests.unit.sync.conftest import NOW


def visit(post, world, person, at, name="王五"):
    return post.m("visit.check_in", {"site_id": world.site(1), "visitor_name": name, "purpose": "visit",
                                     "party_size": 1}, at=at, user_id=world.user(person))


def start(post, world, person, at, site=1):
    return post.m("shift.start", {"site_id": world.site(site)}, at=at, user_id=world.user(person))


def end(post, world, person, shift, at, note=None):
    return post.m("shift.end", {"handover_note": note, "inside_count": 1}, entity_id=shift["entity_id"],
                  at=at, user_id=world.user(person))


def test_records_within_a_shift_are_the_persons(store, world, phone):
    post = phone("post1")
    opened = start(post, world, "guard1", NOW - timedelta(hours=3))
    inside = visit(post, world, "guard1", NOW - timedelta(hours=2))
    results = post.push(opened, inside)
    assert [r.status for r in results] == ["applied", "applied"]
    record = store.records["visit"][inside["entity_id"]]
    assert record["user_id"] == world.user("guard1") and record["device_id"] == post.device_id
    shift = store.records["shift"][opened["entity_id"]]
    assert shift["post_id"] == world.user("post1") and shift["user_id"] == world.user("guard1")


def test_without_an_open_shift_nothing_is_accepted_in_a_persons_name(store, world, phone):
    post = phone("post1")
    result = post.push_one(visit(post, world, "guard1", NOW - timedelta(hours=1)))
    assert result.status == "rejected" and result.errors == {"user_id": [m.NO_SHIFT_OPEN]}
    assert store.records.get("visit", {}) == {}


def test_a_closed_shift_covers_what_was_recorded_in_it_however_late_it_arrives(store, world, phone):
    post = phone("post1")
    opened = start(post, world, "guard1", NOW - timedelta(hours=8))
    during = visit(post, world, "guard1", NOW - timedelta(hours=6), name="班内")
    closed = end(post, world, "guard1", opened, NOW - timedelta(hours=4), note="2人在场")
    after = visit(post, world, "guard1", NOW - timedelta(hours=3), name="班后")
    assert [r.status for r in post.push(opened, closed)] == ["applied", "applied"]
    assert post.push_one(during).status == "applied"
    late = post.push_one(after)
    assert late.status == "rejected" and late.errors == {"user_id": [m.NO_SHIFT_OPEN]}
    shift = store.records["shift"][opened["entity_id"]]
    assert shift["handover_note"] == "2人在场" and shift["ended_at"] == NOW - timedelta(hours=4)


def test_the_next_guard_checks_out_a_visitor_of_the_shift_before(store, world, phone):
    post = phone("post1")
    first = start(post, world, "guard1", NOW - timedelta(hours=9))
    inside = visit(post, world, "guard1", NOW - timedelta(hours=8))
    handed = end(post, world, "guard1", first, NOW - timedelta(hours=5))
    second = start(post, world, "lead1", NOW - timedelta(hours=5) + timedelta(minutes=1))
    out = post.m("visit.check_out", entity_id=inside["entity_id"], at=NOW - timedelta(hours=4),
                 user_id=world.user("lead1"))
    assert [r.status for r in post.push(first, inside, handed, second, out)] == ["applied"] * 5
    record = store.records["visit"][inside["entity_id"]]
    assert record["user_id"] == world.user("guard1") and record["checked_out_by"] == world.user("lead1")


def test_people_of_another_site_and_the_post_itself_cannot_work_on_it(store, world, phone):
    post = phone("post1")
    other = post.push_one(start(post, world, "guard2", NOW - timedelta(hours=1)))
    assert other.status == "rejected" and other.errors == {"user_id": [m.NOT_AT_THIS_POST]}
    itself = post.push_one(post.m("shift.start", {"site_id": world.site(1)}, at=NOW - timedelta(hours=1)))
    assert itself.status == "rejected" and itself.errors == {"user_id": [m.NOT_AT_THIS_POST]}


def test_a_shift_on_one_phone_opens_nothing_on_another(store, world, phone):
    east, west = phone("post1"), phone("post1")
    assert east.push_one(start(east, world, "guard1", NOW - timedelta(hours=2))).status == "applied"
    result = west.push_one(visit(west, world, "guard1", NOW - timedelta(hours=1)))
    assert result.status == "rejected" and result.errors == {"user_id": [m.NO_SHIFT_OPEN]}


def test_a_persons_own_phone_records_no_shifts_and_no_one_elses_records(store, world, phone):
    guard = phone("guard1")
    result = guard.push_one(guard.m("shift.start", {"site_id": world.site(1)}))
    assert result.status == "rejected" and result.errors == {"type": [m.SHIFTS_ON_POST_PHONES]}
    theirs = guard.push_one(visit(guard, world, "lead1", NOW - timedelta(hours=1)))
    assert theirs.status == "rejected" and theirs.code == "other_user"
