"""sync.notify_rules: who is told of what, when quiet hours hold a notice back, and that
no number leaves unmasked."""
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from zoneinfo import ZoneInfo

import pytest

from sync import notify_rules as rules
from sync.store import UserRef

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = timezone.utc


def at(hour, minute=0, day=4):
    return datetime(2026, 12, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


FOLLOWUP = {"id": "f1", "site_id": "s1", "title": "3号楼漏水，业主电话13812345678", "clock": "finding",
            "due_at": at(18), "assignee_id": "u2"}


@pytest.mark.parametrize("now,quiet,at_once,expected", [
    (at(23), ("22:00", "07:00"), False, at(7, day=5)),   # late evening: held to the morning
    (at(3), ("22:00", "07:00"), False, at(7)),           # after midnight: the same morning
    (at(7), ("22:00", "07:00"), False, None),            # the quiet hours are over
    (at(12, 30), ("12:00", "14:00"), False, at(14)),     # a nap in the day
    (at(23), ("22:00", "07:00"), True, None),            # "at once" is never held
    (at(23), (None, None), False, None),                 # no quiet hours set
    (at(23), ("08:00", "08:00"), False, None),           # an empty span is none
])
def test_quiet_hours(now, quiet, at_once, expected):
    assert rules.release_at(now, SHANGHAI, rules.parse_quiet(*quiet), at_once) == expected


def test_retries_back_off_then_give_up():
    now = at(9)
    waits = [rules.retry_at(now, n) - now for n in range(1, rules.MAX_ATTEMPTS)]
    assert waits[:3] == [timedelta(seconds=30), timedelta(minutes=1), timedelta(minutes=2)]
    assert all(later >= earlier for earlier, later in zip(waits, waits[1:]))
    assert max(waits) <= rules.LONGEST_RETRY
    assert rules.retry_at(now, rules.MAX_ATTEMPTS) is None


@pytest.mark.parametrize("text,shown", [
    ("业主电话13812345678", "业主电话138****5678"),
    ("电话 +86 138-1234-5678 请回电", "电话 138****5678 请回电"),
    ("身份证110101199003070011", "身份证110101********0011"),
    ("3号楼2单元1101", "3号楼2单元1101"),
])
def test_scrub_masks_numbers_in_free_text(text, shown):
    assert rules.scrub(text) == shown


def test_a_new_owner_is_told_with_the_title_masked_and_the_due_time_in_site_time():
    events = [{"id": "e1", "kind": "assign", "value": "u2", "user_id": "u1", "effective": True}]
    (notice,) = rules.followup_notices(FOLLOWUP, events, SHANGHAI)
    assert (notice.event, notice.user_id, notice.at_once) == (rules.ASSIGNED, "u2", False)
    assert notice.message.params == {"title": "3号楼漏水，业主电话138****5678", "due": "2026-12-04 18:00"}
    again = rules.followup_notices(FOLLOWUP, events, SHANGHAI)
    assert again[0].key == notice.key  # the same event written twice is one notice


@pytest.mark.parametrize("event", [
    {"id": "e1", "kind": "assign", "value": "u2", "user_id": "u2", "effective": True},   # took it on themselves
    {"id": "e1", "kind": "assign", "value": "u2", "user_id": "u1", "effective": False},  # lost to a later one
    {"id": "e1", "kind": "status", "value": "resolved", "user_id": "u1", "effective": True},
    {"id": "e1", "kind": "created", "value": {"assignee_id": None}, "user_id": "u1", "effective": True},
])
def test_nobody_is_told_of_what_is_not_theirs_to_hear(event):
    assert rules.followup_notices(FOLLOWUP, [event], SHANGHAI) == []


def test_an_escalation_tells_the_new_owner_why_once():
    events = [
        {"id": "e1", "kind": "escalate", "user_id": None, "effective": True, "value": {
            "to_user_id": "m1", "due_at": at(21).isoformat(), "msgid": "Overdue since %(due)s: escalated.",
            "params": {"due": "2026-12-04 18:00"}}},
        {"id": "e2", "kind": "assign", "value": "m1", "user_id": None, "effective": True},
    ]
    (notice,) = rules.followup_notices(FOLLOWUP, events, SHANGHAI)
    assert (notice.event, notice.user_id) == (rules.ESCALATED, "m1")
    assert notice.message.params["reason"] == {"msgid": "Overdue since %(due)s: escalated.",
                                               "params": {"due": "2026-12-04 18:00"}}
    assert notice.message.params["due"] == "2026-12-04 21:00"


def test_a_collective_complaint_goes_to_the_manager_at_once():
    followup = {**FOLLOWUP, "clock": rules.COLLECTIVE_CLOCK}
    events = [{"id": "e1", "kind": "assign", "value": "m1", "user_id": "c1", "effective": True}]
    (notice,) = rules.followup_notices(followup, events, SHANGHAI)
    assert (notice.event, notice.user_id, notice.at_once) == (rules.COLLECTIVE, "m1", True)


def test_a_watch_list_match_goes_to_the_gate_team_lead_masked():
    people = [UserRef("g1", "guard", post="security"), UserRef("l1", "guard", post="security", is_team_lead=True),
              UserRef("m1", "manager")]
    hit = {"site_id": "s1", "visit_id": "v1", "watch_entry_id": "w1", "field": "id_number", "matched_at": at(10)}
    visit = {"visitor_name": "张三丰", "phone": "13812345678", "id_number": "110101199003070011",
             "plate": None, "checked_in_at": at(9, 58)}
    (notice,) = rules.watch_notices(hit, visit, people, SHANGHAI)
    assert (notice.event, notice.user_id, notice.at_once, notice.subject_type) == (
        rules.WATCH_MATCH, "l1", True, "visit")
    params = notice.message.params
    assert params["name"] == "张**" and params["value"] == "110101********0011"
    assert "13812345678" not in repr(params) and "110101199003070011" not in repr(params)
    no_lead = [p for p in people if p.id != "l1"]
    assert rules.watch_notices(hit, visit, no_lead, SHANGHAI)[0].user_id == "m1"


def test_a_worker_stopped_for_days_tells_each_overdue_follow_up_once_when_it_runs_again():
    """Overdue since three days: told at the first scan after the outage; since eight days
    (before the week the scan looks back on): left to the escalations already sent."""
    now = at(9)
    followups = [{"id": f"f{n}", "site_id": "s1", "title": "漏水", "status": "open", "assignee_id": "u1",
                  "due_at": now - timedelta(days=n)} for n in (3, 8)]
    (notice,) = rules.clock_notices(followups, now, SHANGHAI)
    assert (notice.event, notice.subject_id, notice.user_id) == (rules.OVERDUE, "f3", "u1")
    assert [n.key for n in rules.clock_notices(followups, now + timedelta(hours=1), SHANGHAI)] == [notice.key]
