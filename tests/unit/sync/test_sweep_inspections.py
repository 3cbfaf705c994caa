"""The sweep's weekly rule for written staff inspections (书面考核不少于2次).

The week of Monday 23 November 2026 ends as Monday 30 November begins, on the site's clock.
"""
from datetime import datetime
from datetime import timezone
from zoneinfo import ZoneInfo

import pytest

from sync import sweep
from sync.store import UserRef

SHANGHAI = ZoneInfo("Asia/Shanghai")
URUMQI = ZoneInfo("Asia/Urumqi")
PEOPLE = (UserRef("m1", "manager"), UserRef("m2", "manager"), UserRef("lead1", "guard", "security", is_team_lead=True),
          UserRef("gone", "manager", active=False))


def local(y, mo, d, h=0, mi=0, tz=SHANGHAI) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=tz).astimezone(timezone.utc)


def facts(tz=SHANGHAI, **kw) -> sweep.SiteFacts:
    base = dict(site_id="site-1", tz=tz, settings={"sweep_lookback_days": 1}, people=PEOPLE,
                names={"m1": "经理1", "m2": "经理2"}, quality_id="q1")
    base.update(kw)
    return sweep.SiteFacts(**base)


def written(ident, at, user="m1", received=None) -> sweep.InspectionFact:
    return sweep.InspectionFact(ident, user, at, received or at)


def few(actions):
    return [a for a in actions if isinstance(a, sweep.Open) and a.kind == sweep.FEW_INSPECTIONS]


def test_a_manager_short_of_two_in_the_week_gets_their_own_follow_up_once_sunday_has_ended():
    site = facts(inspections=(written("i1", local(2026, 11, 24, 10)), written("i2", local(2026, 11, 25, 10), "m2"),
                              written("i3", local(2026, 11, 26, 10), "m2")))
    actions = few(sweep.open_plan(site, local(2026, 11, 30, 0, 30)))
    assert [(a.subject_id, a.assignee_id, a.period) for a in actions] == [("m1", "m1", "2026-11-23")]
    (action,) = actions
    assert action.key == "few_inspections:site-1:m1:2026-11-23"
    assert action.escalation_level == sweep.MANAGER_LEVEL
    assert action.title.msgid == sweep.TITLES[sweep.FEW_INSPECTIONS]
    assert action.title.params == {"name": "经理1", "count": 1, "required": 2, "date": "2026-11-23"}
    assert action.since == local(2026, 11, 23) and action.opened_at == local(2026, 11, 30)
    assert action.due_at == local(2026, 12, 2), "two days to make up the week (few_inspections 2880 min)"


def test_nothing_while_the_week_still_runs():
    assert few(sweep.open_plan(facts(), local(2026, 11, 29, 23, 59))) == []


@pytest.mark.parametrize("last, opens", [
    (local(2026, 11, 29, 23, 50), False),   # Sunday night counts in the week
    (local(2026, 11, 30, 0, 10), True),     # Monday just after midnight is the next week
    (local(2026, 11, 22, 23, 50), True),    # the Sunday before is the week before
])
def test_the_week_is_monday_to_sunday_on_the_sites_clock(last, opens):
    site = facts(people=PEOPLE[:1], inspections=(written("i1", local(2026, 11, 23, 9)), written("i2", last)))
    assert bool(few(sweep.open_plan(site, local(2026, 11, 30, 0, 30)))) is opens


def test_a_site_in_urumqi_ends_its_week_two_hours_after_shanghai():
    at = local(2026, 11, 29, 23, 30, tz=URUMQI)  # Monday 01:30 in Shanghai
    site = facts(tz=URUMQI, people=PEOPLE[:1],
                 inspections=(written("i1", local(2026, 11, 24, 9, tz=URUMQI)), written("i2", at)))
    assert few(sweep.open_plan(site, local(2026, 11, 30, 0, 30, tz=URUMQI))) == []
    assert few(sweep.open_plan(facts(tz=URUMQI, people=PEOPLE[:1]), local(2026, 11, 29, 23, 30, tz=URUMQI))) == []


def test_team_leads_and_people_who_left_are_not_held_to_it():
    actions = few(sweep.open_plan(facts(), local(2026, 11, 30, 0, 30)))
    assert sorted(a.subject_id for a in actions) == ["m1", "m2"]


def test_a_marked_week_is_not_opened_again():
    (action, _) = few(sweep.open_plan(facts(), local(2026, 11, 30, 0, 30)))
    mark = sweep.MarkFact(action.key, action.kind, action.subject_id, action.since, action.opened_at,
                          action.followup_id, "open")
    again = few(sweep.open_plan(facts(marks=(mark,)), local(2026, 11, 30, 1)))
    assert [a.subject_id for a in again] == ["m2"]


def test_inspections_written_in_the_week_and_synced_late_settle_it_with_the_second_as_proof():
    (action, _) = few(sweep.open_plan(facts(), local(2026, 11, 30, 0, 30)))
    mark = sweep.MarkFact(action.key, action.kind, action.subject_id, action.since, action.opened_at,
                          action.followup_id, "open")
    late = (written("i1", local(2026, 11, 27, 9), received=local(2026, 11, 30, 9)),
            written("i2", local(2026, 11, 28, 15), received=local(2026, 11, 30, 9, 5)))
    (settle,) = sweep.settle_plan(facts(marks=(mark,), inspections=late), local(2026, 11, 30, 9, 6))
    assert settle.followup_id == action.followup_id
    assert settle.proof["type"] == "inspection" and settle.proof["id"] == "i2"
    assert settle.note.params == {"at": "2026-11-28 15:00", "synced": "2026-11-30 09:05"}


def test_one_late_inspection_or_one_of_the_next_week_settles_nothing():
    (action, _) = few(sweep.open_plan(facts(), local(2026, 11, 30, 0, 30)))
    mark = sweep.MarkFact(action.key, action.kind, action.subject_id, action.since, action.opened_at,
                          action.followup_id, "open")
    some = (written("i1", local(2026, 11, 27, 9)), written("i2", local(2026, 11, 30, 8)))
    assert sweep.settle_plan(facts(marks=(mark,), inspections=some), local(2026, 11, 30, 9)) == []
