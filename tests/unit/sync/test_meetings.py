"""Morning and weekly meetings (晨会 / 周例会): on time or late on the site's clock, the day
and week a meeting counts for, who may chair one, and what a record must hold."""
from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from zoneinfo import ZoneInfo

import pytest

from sync import meeting_rules as rules
from sync import messages as m
from tests.unit.sync.conftest import CST

SHANGHAI = ZoneInfo("Asia/Shanghai")
URUMQI = ZoneInfo("Asia/Urumqi")  # UTC+6: the same instant is two hours earlier on its clock


def wall(zone, y, mo, d, h, mi, s=0):
    """An instant given on a zone's wall clock, as UTC (what the engine stores)."""
    return datetime(y, mo, d, h, mi, s, tzinfo=zone).astimezone(timezone.utc)


@pytest.mark.parametrize("zone, name", [(SHANGHAI, "Asia/Shanghai"), (URUMQI, "Asia/Urumqi")])
@pytest.mark.parametrize("h, mi, s, verdict", [
    (8, 20, 0, "kept"), (8, 30, 0, "kept"), (8, 30, 59, "kept"), (8, 31, 0, "late"),
    (7, 50, 0, "kept"), (11, 0, 0, "late"),
])
def test_a_morning_meeting_is_kept_until_the_end_minute_on_the_sites_clock(zone, name, h, mi, s, verdict):
    assert rules.timeliness("morning", wall(zone, 2026, 12, 3, h, mi, s), name, {}) == verdict


def test_the_same_instant_is_kept_in_one_zone_and_late_in_another():
    at = datetime(2026, 12, 3, 0, 31, tzinfo=timezone.utc)  # 08:31 in Shanghai, 06:31 in Urumqi
    assert rules.timeliness("morning", at, "Asia/Shanghai", {}) == "late"
    assert rules.timeliness("morning", at, "Asia/Urumqi", {}) == "kept"


def test_the_sites_own_end_is_used():
    at = wall(SHANGHAI, 2026, 12, 3, 8, 40)
    assert rules.timeliness("morning", at, "Asia/Shanghai", {"morning_meeting_end": "08:45"}) == "kept"
    assert rules.timeliness("morning", at, "Asia/Shanghai", {"morning_meeting_end": "08:30"}) == "late"
    assert rules.timeliness("morning", at, "Asia/Shanghai", {"morning_meeting_end": ""}) == "late"


@pytest.mark.parametrize("day, verdict, monday", [
    (date(2026, 11, 30), "kept", date(2026, 11, 30)),  # the Monday itself
    (date(2026, 12, 2), "late", date(2026, 11, 30)),   # Wednesday of the same week
    (date(2026, 12, 6), "late", date(2026, 11, 30)),   # Sunday, still that week
    (date(2026, 12, 7), "kept", date(2026, 12, 7)),    # next Monday: the next week's meeting
])
def test_a_weekly_meeting_is_kept_on_monday_and_late_later_in_the_week(day, verdict, monday):
    for zone, name in ((SHANGHAI, "Asia/Shanghai"), (URUMQI, "Asia/Urumqi")):
        at = wall(zone, day.year, day.month, day.day, 9, 0)
        assert rules.timeliness("weekly", at, name, {}) == verdict
        assert rules.meeting_week(at, name) == monday and rules.meeting_day(at, name) == day


def test_a_weekly_meeting_on_another_weekday_setting():
    wednesday = wall(SHANGHAI, 2026, 12, 2, 15, 0)
    settings = {"weekly_meeting_weekday": 3}
    assert rules.timeliness("weekly", wednesday, "Asia/Shanghai", settings) == "kept"
    assert rules.timeliness("weekly", wall(SHANGHAI, 2026, 11, 30, 9, 0), "Asia/Shanghai", settings) == "kept"
    assert rules.timeliness("weekly", wall(SHANGHAI, 2026, 12, 3, 9, 0), "Asia/Shanghai", settings) == "late"


def test_the_day_and_week_are_the_sites():
    # 17:30 UTC on Sunday 6 December is 01:30 Monday in Shanghai, 23:30 Sunday in Urumqi
    at = datetime(2026, 12, 6, 17, 30, tzinfo=timezone.utc)
    assert rules.meeting_day(at, "Asia/Shanghai") == date(2026, 12, 7)
    assert rules.meeting_week(at, "Asia/Shanghai") == date(2026, 12, 7)
    assert rules.meeting_day(at, "Asia/Urumqi") == date(2026, 12, 6)
    assert rules.meeting_week(at, "Asia/Urumqi") == date(2026, 11, 30)


def test_an_unknown_kind_is_an_error():
    with pytest.raises(ValueError):
        rules.timeliness("monthly", wall(SHANGHAI, 2026, 12, 3, 8, 0), "Asia/Shanghai", {})


@pytest.mark.parametrize("role, lead, ok", [
    ("manager", False, True), ("supervisor", False, True), ("admin", False, True),
    ("guard", True, True), ("staff", True, True),
    ("guard", False, False), ("staff", False, False), ("clerk", False, False), ("post", False, False),
])
def test_who_may_record(role, lead, ok):
    assert rules.may_record(role, lead) is ok


# -- the mutation, through the engine ---------------------------------------------------

MORNING_AT = datetime(2026, 11, 26, 8, 25, tzinfo=CST)  # before the conftest's NOW


def meeting(dev, world, site=1, at=MORNING_AT, entity_id=None, **data):
    body = {"site_id": world.site(site), "kind": "morning",
            "attendee_ids": [world.user(f"guard{site}"), world.user(f"clean{site}")],
            "absent_note": "维修工请假", "assignments": "3号楼漏水跟进", "yesterday_summary": "昨日巡视无异常",
            **data}
    return dev.m("meeting.record", body, entity_id=entity_id, at=at)


def test_a_manager_records_a_morning_meeting(store, world, phone):
    manager = phone("manager1")
    mutation = meeting(manager, world, attendee_ids=[world.user("guard1"), world.user("clean1"),
                                                     world.user("guard1")])
    assert manager.push_one(mutation).status == "applied"
    row = store.records["meeting"][mutation["entity_id"]]
    assert (row["kind"], row["chaired_by"], row["user_id"], row["site_id"]) == (
        "morning", world.user("manager1"), world.user("manager1"), world.site(1))
    assert row["attendee_ids"] == [world.user("guard1"), world.user("clean1")]
    assert row["started_at"] == MORNING_AT and row["assignments"] == "3号楼漏水跟进"
    assert rules.timeliness(row["kind"], row["started_at"], "Asia/Shanghai", {}) == "kept"
    # nothing edits a meeting: the same entity again is refused
    again = meeting(manager, world, entity_id=mutation["entity_id"])
    assert manager.push_one(again).errors == {"entity_id": [m.ENTITY_EXISTS]}


@pytest.mark.parametrize("who", ["lead1", "cs1", "supervisor"])
def test_team_leads_and_supervisors_record_one(store, world, phone, who):
    dev = phone(who)
    assert dev.push_one(meeting(dev, world)).status == "applied"


def test_a_weekly_meeting_needs_no_assignments(store, world, phone):
    manager = phone("manager1")
    mutation = meeting(manager, world, kind="weekly", assignments=None, yesterday_summary="本周投诉两起，均已回复")
    assert manager.push_one(mutation).status == "applied"
    assert store.records["meeting"][mutation["entity_id"]]["assignments"] is None


@pytest.mark.parametrize("who, data, errors", [
    ("guard1", {}, {"kind": [m.MEETING_NOT_ALLOWED]}),
    ("clean1", {}, {"kind": [m.MEETING_NOT_ALLOWED]}),
    ("manager1", {"kind": "monthly"}, {"kind": [m.MEETING_KIND_INVALID]}),
    ("manager1", {"attendee_ids": []}, {"attendee_ids": [m.MEETING_ATTENDEES_REQUIRED]}),
    ("manager1", {"attendee_ids": None}, {"attendee_ids": [m.MEETING_ATTENDEES_REQUIRED]}),
    ("manager1", {"attendee_ids": "guard1"}, {"attendee_ids": [m.MEETING_ATTENDEES_REQUIRED]}),
    ("manager1", {"assignments": "  "}, {"assignments": [m.MEETING_ASSIGNMENTS_REQUIRED]}),
    ("manager1", {"yesterday_summary": None}, {"yesterday_summary": [m.MEETING_SUMMARY_REQUIRED]}),
    ("manager1", {"notes": "长" * 2001}, {"notes": [m.TOO_LONG]}),
    ("manager1", {"assignments": "长" * 4001}, {"assignments": [m.TOO_LONG]}),
    ("manager1", {"attendee_ids": [], "assignments": None},  # every mistake at once, for the desk's form
     {"attendee_ids": [m.MEETING_ATTENDEES_REQUIRED], "assignments": [m.MEETING_ASSIGNMENTS_REQUIRED]}),
    ("manager1", {"site_id": None}, {"site_id": [m.SITE_REQUIRED]}),
])
def test_bad_meetings_are_refused_and_nothing_is_written(store, world, phone, who, data, errors):
    dev = phone(who)
    result = dev.push_one(meeting(dev, world, **data))
    assert result.status == "rejected" and result.errors == errors
    assert not store.records.get("meeting")


def test_attendees_must_be_people_of_the_site(store, world, phone):
    manager = phone("manager1")
    for person in ("clean2", "post1"):  # another site's cleaner; a gate post's phone is nobody
        result = manager.push_one(meeting(manager, world, attendee_ids=[world.user("guard1"), world.user(person)]))
        assert result.errors == {"attendee_ids": [m.MEETING_ATTENDEE_INVALID]}
    result = manager.push_one(meeting(manager, world, attendee_ids=["00000000-0000-4000-8000-000000000000"]))
    assert result.errors == {"attendee_ids": [m.MEETING_ATTENDEE_INVALID]}
    assert not store.records.get("meeting")


def test_another_sites_id_is_refused(store, world, phone):
    manager = phone("manager1")
    result = manager.push_one(meeting(manager, world, site=2))
    assert result.errors == {"site_id": [m.OTHER_SITE]}


def test_the_chair_is_the_sender_and_the_time_is_corrected(store, world, phone):
    # a phone whose clock runs an hour fast: the meeting counts at the true time
    manager = phone("manager1", skew=timedelta(hours=1))
    mutation = meeting(manager, world)
    assert manager.push_one(mutation).status == "applied"
    row = store.records["meeting"][mutation["entity_id"]]
    assert row["started_at"] == MORNING_AT and row["started_at_phone"] == MORNING_AT + timedelta(hours=1)
