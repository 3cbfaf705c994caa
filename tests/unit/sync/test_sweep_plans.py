"""Patrol plans in the sweep (``sync.sweep``): a plan that repeats expects one round per slot.

A plan is a route with a daily window, ``repeat_minutes`` (rounds start every N minutes
inside the window; empty is one round in the window) and its walkers. Each missed slot is
its own follow-up, under its own key, assigned to the plan's single named walker. Times
are written as the site reads them and compared in UTC, as the rules do.
"""
from dataclasses import replace
from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from zoneinfo import ZoneInfo

import pytest

from sync import sweep
from sync.store import UserRef

SHANGHAI = ZoneInfo("Asia/Shanghai")
LONDON = ZoneInfo("Europe/London")
BERLIN = ZoneInfo("Europe/Berlin")
SITE = "site-1"
PEOPLE = (
    UserRef("m1", "manager"),
    UserRef("guard1", "guard", "security"),
    UserRef("guard2", "guard", "security"),
    UserRef("lead1", "guard", "security", is_team_lead=True),
    UserRef("gone", "guard", "security", active=False),
)
DAY = date(2026, 11, 26)


def local(y, mo, d, h=0, mi=0, tz=SHANGHAI) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=tz).astimezone(timezone.utc)


def plan(start, end, repeat=None, walkers=(), ident="r1") -> sweep.RouteFact:
    return sweep.RouteFact(ident, "夜间巡更", start, end, repeat_minutes=repeat, walker_ids=tuple(walkers),
                           walker_role="guard")


def facts(**kw) -> sweep.SiteFacts:
    base = dict(site_id=SITE, tz=SHANGHAI, settings={"sweep_lookback_days": 2}, people=PEOPLE,
                names={"m1": "经理1"}, quality_id="q1")
    base.update(kw)
    return sweep.SiteFacts(**base)


def round_(ident, started_at, route_id="r1", user_id="guard1") -> sweep.PatrolFact:
    return sweep.PatrolFact(ident, user_id, route_id, started_at, started_at)


def missed(actions, day=DAY):
    return [a for a in actions if isinstance(a, sweep.Open) and a.kind == sweep.MISSED_ROUTE
            and a.period == day.isoformat()]


def spans(slots, tz=SHANGHAI):
    """Slots as the site reads them: (label, local start, local end)."""
    return [(s.label, s.start.astimezone(tz).strftime("%d %H:%M"), s.end.astimezone(tz).strftime("%d %H:%M"))
            for s in slots]


# -- the slots of a day ----------------------------------------------------------------

@pytest.mark.parametrize("start, end, repeat, expected", [
    # one round in the window: no label, the window itself
    ("08:40", "11:30", None, [(None, "26 08:40", "26 11:30")]),
    # two hours apart in the morning
    ("08:00", "12:00", 120, [("08:00", "26 08:00", "26 10:00"), ("10:00", "26 10:00", "26 12:00")]),
    # the last slot is cut at the window's end
    ("08:00", "17:00", 120, [("08:00", "26 08:00", "26 10:00"), ("10:00", "26 10:00", "26 12:00"),
                             ("12:00", "26 12:00", "26 14:00"), ("14:00", "26 14:00", "26 16:00"),
                             ("16:00", "26 16:00", "26 17:00")]),
    # night rounds over midnight: the window belongs to the day it opens
    ("21:00", "05:00", 120, [("21:00", "26 21:00", "26 23:00"), ("23:00", "26 23:00", "27 01:00"),
                             ("01:00", "27 01:00", "27 03:00"), ("03:00", "27 03:00", "27 05:00")]),
    ("22:30", "01:00", 60, [("22:30", "26 22:30", "26 23:30"), ("23:30", "26 23:30", "27 00:30"),
                            ("00:30", "27 00:30", "27 01:00")]),
    # a repeat longer than the window is one labelled slot
    ("08:00", "09:00", 120, [("08:00", "26 08:00", "26 09:00")]),
    # the smallest and the largest repeat the plan form allows
    ("08:00", "08:45", 15, [("08:00", "26 08:00", "26 08:15"), ("08:15", "26 08:15", "26 08:30"),
                            ("08:30", "26 08:30", "26 08:45")]),
    ("06:00", "06:00", 720, [("06:00", "26 06:00", "26 18:00"), ("18:00", "26 18:00", "27 06:00")]),
])
def test_a_plans_slots_on_a_day(start, end, repeat, expected):
    assert spans(sweep.route_slots(plan(start, end, repeat), DAY, SHANGHAI, 60)) == expected


def test_a_round_counts_for_one_slot_only_and_the_grace_widens_the_windows_edges():
    slots = sweep.route_slots(plan("21:00", "05:00", 120), DAY, SHANGHAI, 30)
    first, *inner, last = slots
    assert first.since == local(2026, 11, 26, 20, 30) and first.deadline == local(2026, 11, 26, 23)
    assert last.since == local(2026, 11, 27, 3) and last.deadline == local(2026, 11, 27, 5, 30)
    for before, after in zip(slots, slots[1:]):
        assert before.deadline == after.since  # no gap, no overlap but the boundary instant
    assert [s.open_at for s in slots] == [s.end + timedelta(minutes=30) for s in slots]


def test_a_route_with_no_window_expects_nothing_even_with_a_repeat():
    assert sweep.route_slots(plan(None, None, 120), DAY, SHANGHAI, 60) == []


@pytest.mark.parametrize("tz, expected_utc", [
    (SHANGHAI, ["26 13:00", "26 15:00", "26 17:00", "26 19:00"]),
    (LONDON, ["26 21:00", "26 23:00", "27 01:00", "27 03:00"]),
])
def test_slots_are_the_sites_wall_clock(tz, expected_utc):
    slots = sweep.route_slots(plan("21:00", "05:00", 120), DAY, tz, 60)
    assert [s.start.strftime("%d %H:%M") for s in slots] == expected_utc
    assert [s.label for s in slots] == ["21:00", "23:00", "01:00", "03:00"]


def test_a_night_when_clocks_go_forward_keeps_real_steps():
    """Berlin, 2026-03-29: 02:00 becomes 03:00; rounds stay an hour apart in real time."""
    slots = sweep.route_slots(plan("00:00", "05:00", 60), date(2026, 3, 29), BERLIN, 0)
    assert [s.label for s in slots] == ["00:00", "01:00", "03:00", "04:00"]
    assert all(s.end - s.start == timedelta(hours=1) for s in slots)


def test_a_night_when_clocks_go_back_names_its_repeated_hour_apart():
    """Berlin, 2026-10-25: 03:00 CEST becomes 02:00 CET; the keys of the two 02:00 rounds differ."""
    slots = sweep.route_slots(plan("01:00", "04:00", 60), date(2026, 10, 25), BERLIN, 0)
    assert [s.label for s in slots] == ["01:00", "02:00", "02:00 (CET)", "03:00"]
    assert len({sweep.slot_key(s.label) for s in slots}) == 4


# -- what the sweep opens --------------------------------------------------------------

NIGHT = plan("21:00", "05:00", 120)


def test_each_missed_slot_opens_its_own_follow_up():
    actions = missed(sweep.open_plan(facts(routes=(NIGHT,)), local(2026, 11, 27, 7)))
    assert [a.key for a in actions] == [f"missed_route:r1:2026-11-26:{hhmm}" for hhmm in ("2100", "2300", "0100", "0300")]
    assert len({a.followup_id for a in actions}) == 4
    assert [a.opened_at for a in actions] == [local(2026, 11, 26, 23), local(2026, 11, 27, 1),
                                              local(2026, 11, 27, 3), local(2026, 11, 27, 6)]
    assert actions[1].title.msgid == sweep.TITLES[sweep.MISSED_SLOT]
    assert actions[1].title.params == {"route": "夜间巡更", "date": "2026-11-26", "time": "23:00"}
    assert actions[1].detail["slot"] == ["2026-11-26 23:00", "2026-11-27 01:00"]


@pytest.mark.parametrize("rounds, missing", [
    ([], ["2100", "2300", "0100", "0300"]),
    ([(26, 21, 10), (26, 23, 5), (27, 1, 0), (27, 3, 30)], []),
    ([(26, 20, 15)], ["2300", "0100", "0300"]),           # early, within the grace: the first slot
    ([(26, 19, 50)], ["2100", "2300", "0100", "0300"]),   # too early
    ([(26, 22, 59), (26, 23, 1)], ["0100", "0300"]),      # two rounds, two slots
    ([(26, 23, 30)], ["2100", "0100", "0300"]),           # one late round walks one slot, the next
    ([(27, 5, 50)], ["2100", "2300", "0100"]),            # late, within the grace: the last slot
    ([(27, 6, 1)], ["2100", "2300", "0100", "0300"]),     # too late
])
def test_a_round_counts_for_the_slot_it_started_in(rounds, missing):
    patrols = tuple(round_(f"p{i}", local(2026, 11, d, h, mi)) for i, (d, h, mi) in enumerate(rounds))
    actions = missed(sweep.open_plan(facts(routes=(NIGHT,), patrols=patrols), local(2026, 11, 27, 7)))
    assert [a.key.rsplit(":", 1)[1] for a in actions] == missing


def test_a_round_of_another_route_or_a_free_round_counts_for_nothing():
    patrols = (round_("p1", local(2026, 11, 26, 21, 5), route_id="r2"),
               round_("p2", local(2026, 11, 26, 21, 5), route_id=None))
    assert len(missed(sweep.open_plan(facts(routes=(NIGHT,), patrols=patrols), local(2026, 11, 27, 7)))) == 4


@pytest.mark.parametrize("now, keys", [
    (local(2026, 11, 26, 23, 59), []),            # the first slot ended, its grace has not
    (local(2026, 11, 27, 0, 0), ["2100"]),
    (local(2026, 11, 27, 2, 30), ["2100", "2300"]),
    (local(2026, 11, 27, 5, 59), ["2100", "2300", "0100"]),
    (local(2026, 11, 27, 6, 0), ["2100", "2300", "0100", "0300"]),
])
def test_a_slot_opens_once_it_and_the_grace_are_over(now, keys):
    actions = missed(sweep.open_plan(facts(routes=(NIGHT,)), now))
    assert [a.key.rsplit(":", 1)[1] for a in actions] == keys


def test_a_marked_slot_is_not_opened_again_but_the_next_one_is():
    site = facts(routes=(NIGHT,))
    first = missed(sweep.open_plan(site, local(2026, 11, 27, 0, 30)))
    marks = tuple(sweep.MarkFact(a.key, a.kind, a.subject_id, a.since, a.opened_at, a.followup_id, "open")
                  for a in first)
    later = missed(sweep.open_plan(replace(site, marks=marks), local(2026, 11, 27, 2, 30)))
    assert [a.key.rsplit(":", 1)[1] for a in first] == ["2100"]
    assert [a.key.rsplit(":", 1)[1] for a in later] == ["2300"]


def test_a_late_round_settles_its_own_slot_only():
    site = facts(routes=(NIGHT,))
    opened = missed(sweep.open_plan(site, local(2026, 11, 27, 7)))
    marks = tuple(sweep.MarkFact(a.key, a.kind, a.subject_id, a.since, a.opened_at, a.followup_id, "open")
                  for a in opened)
    late = sweep.PatrolFact("p1", "guard1", "r1", local(2026, 11, 27, 1, 20), local(2026, 11, 27, 8))
    (settle,) = sweep.settle_plan(replace(site, marks=marks, patrols=(late,)), local(2026, 11, 27, 8))
    assert settle.key == "missed_route:r1:2026-11-26:0100"


# -- who gets the follow-up ------------------------------------------------------------

@pytest.mark.parametrize("walkers, assignee", [
    ((), "lead1"),                     # anyone of the role: the post's owner, as before
    (("guard2",), "guard2"),           # the single named walker
    (("guard1", "guard2"), "lead1"),   # several named: the post's owner
    (("gone",), "lead1"),              # a walker who left the site: the post's owner
])
def test_the_follow_up_goes_to_the_plans_walker(walkers, assignee):
    for route in (plan("21:00", "05:00", 120, walkers), plan("08:40", "11:30", None, walkers)):
        actions = missed(sweep.open_plan(facts(routes=(route,)), local(2026, 11, 27, 7)))
        assert actions and {(a.assignee_id, a.escalation_level, a.post) for a in actions} == {
            (assignee, sweep.OWNER, "security")}


def test_a_one_window_plan_keeps_its_key_and_title():
    (action,) = missed(sweep.open_plan(facts(routes=(plan("08:40", "11:30"),)), local(2026, 11, 26, 13)))
    assert action.key == "missed_route:r1:2026-11-26"
    assert action.title.msgid == sweep.TITLES[sweep.MISSED_ROUTE]
    assert "slot" not in action.detail
