"""The follow-up sweep's rules alone (``sync.sweep``): facts in, actions out, no database.

Times are written as the site reads them (Asia/Shanghai unless a test says otherwise)
and compared in UTC, as the rules do.
"""
from dataclasses import replace
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from zoneinfo import ZoneInfo

import pytest

from sync import sweep
from sync.store import UserRef

SHANGHAI = ZoneInfo("Asia/Shanghai")
SITE = "site-1"
PEOPLE = (
    UserRef("m1", "manager"),
    UserRef("guard1", "guard", "security"),
    UserRef("lead1", "guard", "security", is_team_lead=True),
    UserRef("store1", "staff", "store"),
)


def local(y, mo, d, h=0, mi=0, s=0, tz=SHANGHAI) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=tz).astimezone(timezone.utc)


def facts(**kw) -> sweep.SiteFacts:
    """A site with a manager, guards and a store keeper; it looks back one day, not two,
    so that each test sees one day's deadlines."""
    base = dict(site_id=SITE, tz=SHANGHAI, settings={"sweep_lookback_days": 1}, people=PEOPLE,
                names={"m1": "经理1"}, quality_id="q1")
    base.update(kw)
    return sweep.SiteFacts(**base)


def patrol(ident, started_at, user_id="m1", route_id=None, received_at=None) -> sweep.PatrolFact:
    return sweep.PatrolFact(ident, user_id, route_id, started_at, received_at or started_at)


def visit(ident, checked_in_at, checked_out_at=None, received_at=None, out_received_at=None):
    return sweep.VisitFact(ident, "guard1", "王五", checked_in_at, received_at or checked_in_at,
                           checked_out_at, out_received_at or checked_out_at)


def opened(actions, kind=None, period=None):
    return [a for a in actions if isinstance(a, sweep.Open) and (kind is None or a.kind == kind)
            and (period is None or a.period == period)]


def mark_for(action: sweep.Open, status="open", settled=False) -> sweep.MarkFact:
    """The mark a run leaves behind for an ``Open``."""
    return sweep.MarkFact(action.key, action.kind, action.subject_id, action.since, action.opened_at,
                          action.followup_id, status, settled)


# -- no patrol -------------------------------------------------------------------------

def test_a_manager_with_no_patrol_by_the_end_of_the_day_gets_a_follow_up():
    """Is a day without a patrol a follow-up for that manager, timed from the day's end?"""
    actions = sweep.open_plan(facts(), local(2026, 11, 27, 0, 30))
    (action,) = opened(actions, sweep.NO_PATROL)
    assert action.key == f"no_patrol:{SITE}:m1:2026-11-26"
    assert action.opened_at == local(2026, 11, 26, 23, 59)
    assert action.due_at == action.opened_at + timedelta(minutes=1440)
    assert (action.assignee_id, action.post, action.escalation_level) == ("m1", "manager", 1)
    assert action.source_user_id == "m1"
    assert action.title.params == {"name": "经理1", "date": "2026-11-26"}


@pytest.mark.parametrize("started, opens", [
    (local(2026, 11, 26, 8, 40), False),      # the morning round
    (local(2026, 11, 26, 0, 0), False),       # the first minute of the day counts
    (local(2026, 11, 26, 23, 59), False),     # the deadline itself counts
    (local(2026, 11, 26, 23, 59, 30), True),  # after the deadline
    (local(2026, 11, 25, 22, 0), True),       # the day before
])
def test_a_patrol_that_day_before_the_deadline_is_enough(started, opens):
    site = facts(patrols=(patrol("p1", started),))
    assert bool(opened(sweep.open_plan(site, local(2026, 11, 27, 0, 30)), sweep.NO_PATROL)) is opens


def test_another_persons_patrol_does_not_count_for_the_manager():
    site = facts(patrols=(patrol("p1", local(2026, 11, 26, 9), user_id="guard1"),))
    assert opened(sweep.open_plan(site, local(2026, 11, 27, 0, 30)), sweep.NO_PATROL)


def test_nothing_before_the_day_has_ended():
    assert not opened(sweep.open_plan(facts(), local(2026, 11, 26, 23, 58)), sweep.NO_PATROL, "2026-11-26")


def test_days_off_by_the_sites_patrol_weekdays():
    """2026-11-29 is a Sunday; a site whose managers patrol Monday to Saturday skips it."""
    site = facts(settings={"patrol_weekdays": [1, 2, 3, 4, 5, 6], "sweep_lookback_days": 1})
    assert not opened(sweep.open_plan(site, local(2026, 11, 30, 0, 30)), sweep.NO_PATROL)
    assert opened(sweep.open_plan(facts(), local(2026, 11, 30, 0, 30)), sweep.NO_PATROL)


# -- open visits -----------------------------------------------------------------------

def test_a_visitor_still_inside_at_the_end_of_the_gate_day_is_followed_up():
    site = facts(visits=(visit("v1", local(2026, 11, 26, 14)),))
    (action,) = opened(sweep.open_plan(site, local(2026, 11, 26, 23, 5)), sweep.OPEN_VISIT)
    assert action.key == "open_visit:v1"
    assert action.opened_at == local(2026, 11, 26, 23)
    assert action.due_at == local(2026, 11, 27, 11)  # the open_visit clock: 12 hours
    assert action.assignee_id == "lead1"  # the security post's team lead
    assert action.source_user_id == "guard1"  # the guard who let them in sees it too
    assert action.detail["visit_id"] == "v1"


@pytest.mark.parametrize("checked_out, opens", [
    (None, True),
    (local(2026, 11, 26, 16), False),
    (local(2026, 11, 26, 23), False),
    (local(2026, 11, 26, 23, 1), True),  # left, but after the gate day ended
])
def test_a_visit_checked_out_before_the_gate_day_ended_is_not(checked_out, opens):
    site = facts(visits=(visit("v1", local(2026, 11, 26, 14), checked_out),))
    assert bool(opened(sweep.open_plan(site, local(2026, 11, 27, 1)), sweep.OPEN_VISIT)) is opens


def test_a_visitor_who_came_after_the_gate_day_ended_belongs_to_the_next_one():
    site = facts(visits=(visit("v1", local(2026, 11, 26, 23, 30)),))
    assert not opened(sweep.open_plan(site, local(2026, 11, 27, 1)), sweep.OPEN_VISIT)
    (action,) = opened(sweep.open_plan(site, local(2026, 11, 27, 23, 10)), sweep.OPEN_VISIT)
    assert action.opened_at == local(2026, 11, 27, 23)


# -- scheduled routes ------------------------------------------------------------------

ROUTE = sweep.RouteFact("r1", "日间巡视路线", "08:40", "11:30")


@pytest.mark.parametrize("now, opens", [
    (local(2026, 11, 26, 11, 45), False),  # the window has ended, the grace period not
    (local(2026, 11, 26, 12, 30), True),   # window end plus 60 minutes of grace
    (local(2026, 11, 26, 12, 29), False),
])
def test_a_route_not_walked_opens_after_its_window_and_the_grace_period(now, opens):
    actions = opened(sweep.open_plan(facts(routes=(ROUTE,)), now), sweep.MISSED_ROUTE, "2026-11-26")
    assert bool(actions) is opens
    if opens:
        assert actions[0].key == "missed_route:r1:2026-11-26"
        assert actions[0].opened_at == local(2026, 11, 26, 12, 30)
        assert actions[0].assignee_id == "lead1"


def test_the_grace_period_is_the_sites_setting():
    site = facts(routes=(ROUTE,), settings={"route_grace_minutes": 15, "sweep_lookback_days": 1})
    assert opened(sweep.open_plan(site, local(2026, 11, 26, 11, 45)), sweep.MISSED_ROUTE)


@pytest.mark.parametrize("started, route_id, opens", [
    (local(2026, 11, 26, 9), "r1", False),
    (local(2026, 11, 26, 12, 10), "r1", False),  # late, but within the grace period
    (local(2026, 11, 26, 7, 50), "r1", False),   # early, within the grace period
    (local(2026, 11, 26, 7, 30), "r1", True),    # too early
    (local(2026, 11, 26, 9), "r2", True),        # another route
    (local(2026, 11, 26, 9), None, True),        # a free round
])
def test_a_round_of_that_route_in_its_window_walks_it(started, route_id, opens):
    site = facts(routes=(ROUTE,), patrols=(patrol("p1", started, user_id="guard1", route_id=route_id),))
    actions = sweep.open_plan(site, local(2026, 11, 26, 13))
    assert bool(opened(actions, sweep.MISSED_ROUTE, "2026-11-26")) is opens


def test_a_night_window_ends_the_next_morning():
    night = sweep.RouteFact("r9", "夜间巡更路线", "23:00", "01:00")
    site = facts(routes=(night,))
    assert not opened(sweep.open_plan(site, local(2026, 11, 27, 1, 30)), sweep.MISSED_ROUTE, "2026-11-26")
    (action,) = opened(sweep.open_plan(site, local(2026, 11, 27, 2, 0)), sweep.MISSED_ROUTE, "2026-11-26")
    assert action.key == "missed_route:r9:2026-11-26"
    assert action.opened_at == local(2026, 11, 27, 2, 0)
    walked = replace(site, patrols=(patrol("p1", local(2026, 11, 27, 0, 20), route_id="r9"),))
    assert not opened(sweep.open_plan(walked, local(2026, 11, 27, 2, 0)), sweep.MISSED_ROUTE, "2026-11-26")


def test_a_route_with_no_window_is_not_scheduled():
    site = facts(routes=(sweep.RouteFact("r0", "随机", None, None),))
    assert not opened(sweep.open_plan(site, local(2026, 11, 27, 12)), sweep.MISSED_ROUTE)


# -- monthly stock check ---------------------------------------------------------------

STORE = sweep.StoreFact("st", "物料仓库")


@pytest.mark.parametrize("now, opens", [
    (local(2026, 11, 25, 23, 30), False),  # the 25th is not over
    (local(2026, 11, 26, 0, 0), True),
    (local(2026, 11, 26, 23, 0), True),
])
def test_a_store_with_no_check_by_the_25th(now, opens):
    actions = opened(sweep.open_plan(facts(stores=(STORE,)), now), sweep.NO_STOCK_CHECK)
    assert bool(actions) is opens
    if opens:
        assert actions[0].key == "no_stock_check:st:2026-11"
        assert actions[0].opened_at == local(2026, 11, 26)
        assert actions[0].assignee_id == "store1"
        assert actions[0].title.params["date"] == "2026-11-25"


@pytest.mark.parametrize("check, opens", [
    (sweep.StockCheckFact("c1", "st", local(2026, 11, 3, 10), local(2026, 11, 3, 10)), False),
    (sweep.StockCheckFact("c1", None, local(2026, 11, 25, 22), local(2026, 11, 25, 22)), False),  # whole site
    (sweep.StockCheckFact("c1", "other", local(2026, 11, 3, 10), local(2026, 11, 3, 10)), True),
    (sweep.StockCheckFact("c1", "st", local(2026, 10, 30, 10), local(2026, 10, 30, 10)), True),
    (sweep.StockCheckFact("c1", "st", local(2026, 11, 26, 0, 1), local(2026, 11, 26, 0, 1)), True),
])
def test_a_check_of_that_store_that_month_by_the_25th_is_enough(check, opens):
    site = facts(stores=(STORE,), stock_checks=(check,))
    assert bool(opened(sweep.open_plan(site, local(2026, 11, 26, 1)), sweep.NO_STOCK_CHECK)) is opens


def test_a_check_day_past_the_end_of_a_short_month_is_its_last_day():
    site = facts(stores=(STORE,), settings={"stock_check_day": 30})
    (action,) = opened(sweep.open_plan(site, local(2027, 3, 1, 1)), sweep.NO_STOCK_CHECK)
    assert action.key == "no_stock_check:st:2027-02"
    assert action.opened_at == local(2027, 3, 1)


# -- what a run leaves alone -----------------------------------------------------------

def test_a_marked_key_is_never_opened_again():
    """Idempotence: the marks a run leaves make a second run open nothing. A week's look-back
    from Monday night holds a deadline of every kind."""
    site = facts(routes=(ROUTE,), stores=(STORE,), visits=(visit("v1", local(2026, 11, 26, 14)),),
                 settings={"sweep_lookback_days": 7})
    now = local(2026, 11, 30, 1)
    first = sweep.open_plan(site, now)
    assert {a.kind for a in first} == set(sweep.KINDS)
    again = replace(site, marks=tuple(mark_for(a) for a in first))
    assert sweep.open_plan(again, now) == []
    settled = replace(site, marks=tuple(mark_for(a, status="closed", settled=True) for a in first))
    assert sweep.open_plan(settled, now) == []


def test_the_same_facts_give_the_same_actions_and_ids():
    """Two servers at the same moment would name the same follow-ups."""
    site = facts(routes=(ROUTE,), stores=(STORE,))
    now = local(2026, 11, 27, 1)
    assert sweep.plan(site, now) == sweep.plan(site, now)
    assert len({a.followup_id for a in opened(sweep.plan(site, now))}) == len(opened(sweep.plan(site, now)))


def test_deadlines_older_than_the_look_back_window_are_left_alone():
    now = local(2026, 11, 27, 1)
    days = sorted(a.period for a in opened(sweep.open_plan(facts(settings={}), now), sweep.NO_PATROL))
    assert days == ["2026-11-25", "2026-11-26"]  # two days by default
    one = facts(settings={"sweep_lookback_days": 1})
    assert [a.period for a in opened(sweep.open_plan(one, now), sweep.NO_PATROL)] == ["2026-11-26"]


def test_the_clock_starts_at_the_deadline_however_late_the_run():
    """A run a day late still dates the follow-up from the moment the duty was missed."""
    late = sweep.open_plan(facts(), local(2026, 11, 27, 23, 0))
    action = next(a for a in opened(late) if a.period == "2026-11-26")
    assert action.opened_at == local(2026, 11, 26, 23, 59)
    assert action.due_at == local(2026, 11, 27, 23, 59)


# -- time zones ------------------------------------------------------------------------

def test_local_days_are_the_sites_own():
    """23:30 UTC on the 25th is the morning of the 26th in Shanghai, still the 25th in London."""
    started = datetime(2026, 11, 25, 23, 30, tzinfo=timezone.utc)
    shanghai = facts(patrols=(patrol("p1", started),), settings={})
    london = replace(shanghai, tz=ZoneInfo("Europe/London"))
    now = datetime(2026, 11, 27, 0, 30, tzinfo=timezone.utc)  # both sites are past the 26th
    assert [a.period for a in opened(sweep.open_plan(shanghai, now), sweep.NO_PATROL)] == ["2026-11-25"]
    assert [a.period for a in opened(sweep.open_plan(london, now), sweep.NO_PATROL)] == ["2026-11-26"]


def test_a_deadline_on_a_daylight_saving_day_is_local_wall_time():
    berlin = ZoneInfo("Europe/Berlin")
    site = facts(tz=berlin, settings={"patrol_day_end": "23:00"})  # looks back two days
    (action,) = [a for a in opened(sweep.open_plan(site, local(2026, 3, 30, 1, tz=berlin)))
                 if a.period == "2026-03-29"]
    assert action.opened_at == datetime(2026, 3, 29, 21, 0, tzinfo=timezone.utc)  # CEST, UTC+2


# -- escalation ------------------------------------------------------------------------

def followup(ident="f1", level=0, assignee="lead1", due=None, status="open", clock="medium"):
    return sweep.FollowUpFact(ident, status, due or local(2026, 11, 26, 9), level, assignee, clock)


def test_an_overdue_follow_up_goes_up_the_chain_one_step_per_run():
    now = local(2026, 11, 26, 10)
    (step,) = sweep.escalate_plan(facts(followups=(followup(),)), now)
    assert (step.from_level, step.to_level, step.from_user_id, step.to_user_id) == (0, 1, "lead1", "m1")
    assert step.due_at == now + timedelta(minutes=1440)  # a new clock from the escalation
    assert step.reason.params == {"due": "2026-11-26 09:00"}
    (step,) = sweep.escalate_plan(facts(followups=(followup(level=1, assignee="m1"),)), now)
    assert (step.to_level, step.to_user_id) == (2, "q1")


def test_never_beyond_the_quality_department():
    site = facts(followups=(followup(level=2, assignee="q1"),))
    assert sweep.escalate_plan(site, local(2026, 11, 30)) == []


@pytest.mark.parametrize("item", [
    followup(due=local(2026, 11, 26, 10)),        # due now: not yet overdue
    followup(due=local(2026, 11, 26, 12)),
    followup(status="resolved"),
    followup(status="closed"),
])
def test_only_active_follow_ups_past_their_due_time(item):
    assert sweep.escalate_plan(facts(followups=(item,)), local(2026, 11, 26, 10)) == []


def test_a_level_whose_person_already_holds_it_is_skipped():
    """The manager took it over by hand at level 0: the next step is the quality department."""
    (step,) = sweep.escalate_plan(facts(followups=(followup(assignee="m1"),)), local(2026, 11, 26, 10))
    assert (step.to_level, step.to_user_id) == (2, "q1")


def test_no_one_to_pass_it_to_is_no_step():
    site = facts(followups=(followup(level=1, assignee="m1"),), quality_id=None)
    assert sweep.escalate_plan(site, local(2026, 11, 26, 10)) == []


def test_the_new_due_time_follows_the_follow_ups_own_clock():
    site = facts(followups=(followup(clock="high"),), settings={"clocks": {"high": 30}})
    (step,) = sweep.escalate_plan(site, local(2026, 11, 26, 10))
    assert step.due_at == local(2026, 11, 26, 10, 30)


def test_a_follow_up_opened_already_overdue_steps_up_in_the_same_run_and_only_once():
    """A run catching up on an old deadline; running again at the same moment changes nothing."""
    now = local(2026, 11, 28, 9)  # the 26th's no-patrol follow-up fell due at 23:59 on the 27th
    first = sweep.plan(facts(settings={}), now)
    late = next(a for a in opened(first) if a.period == "2026-11-26")
    steps = [a for a in first if isinstance(a, sweep.Escalate)]
    assert [(s.followup_id, s.to_level, s.to_user_id) for s in steps] == [(late.followup_id, 2, "q1")]
    after = facts(settings={}, marks=tuple(mark_for(a) for a in opened(first)),
                  followups=(followup(late.followup_id, 2, "q1", steps[0].due_at),))
    assert sweep.plan(after, now) == []


# -- settling --------------------------------------------------------------------------

def test_a_late_patrol_settles_the_no_patrol_follow_up_with_a_note():
    """The patrol happened at 08:40 on the 26th; the phone synced on the 27th at 10:00."""
    (action,) = opened(sweep.open_plan(facts(), local(2026, 11, 27, 0, 30)), sweep.NO_PATROL)
    late = patrol("p1", local(2026, 11, 26, 8, 40), received_at=local(2026, 11, 27, 10))
    site = facts(marks=(mark_for(action),), patrols=(late,))
    now = local(2026, 11, 27, 10, 0, 1)
    (settle,) = sweep.settle_plan(site, now)
    assert (settle.key, settle.followup_id) == (action.key, action.followup_id)
    assert settle.note.msgid == sweep.SETTLED[sweep.NO_PATROL]
    assert settle.note.params == {"at": "2026-11-26 08:40", "synced": "2026-11-27 10:00"}
    assert settle.proof["type"] == "patrol" and settle.proof["id"] == "p1"
    assert settle.proof["late_minutes"] == 25 * 60 + 20


def test_a_patrol_after_the_deadline_settles_nothing():
    (action,) = opened(sweep.open_plan(facts(), local(2026, 11, 27, 0, 30)), sweep.NO_PATROL)
    site = facts(marks=(mark_for(action),), patrols=(patrol("p1", local(2026, 11, 27, 0, 10)),))
    assert sweep.settle_plan(site, local(2026, 11, 27, 1)) == []


@pytest.mark.parametrize("status, settled", [("closed", False), (None, False), ("open", True)])
def test_a_mark_settles_once_and_never_a_closed_or_removed_follow_up(status, settled):
    (action,) = opened(sweep.open_plan(facts(), local(2026, 11, 27, 0, 30)), sweep.NO_PATROL)
    site = facts(marks=(mark_for(action, status=status, settled=settled),),
                 patrols=(patrol("p1", local(2026, 11, 26, 9)),))
    assert sweep.settle_plan(site, local(2026, 11, 27, 1)) == []


def test_a_late_check_out_settles_the_open_visit():
    inside = facts(visits=(visit("v1", local(2026, 11, 26, 14)),))
    (action,) = opened(sweep.open_plan(inside, local(2026, 11, 26, 23, 5)), sweep.OPEN_VISIT)
    out = visit("v1", local(2026, 11, 26, 14), local(2026, 11, 26, 18),
                out_received_at=local(2026, 11, 27, 8))
    (settle,) = sweep.settle_plan(facts(visits=(out,), marks=(mark_for(action),)), local(2026, 11, 27, 8))
    assert settle.note.params == {"at": "2026-11-26 18:00", "synced": "2026-11-27 08:00"}
    late_out = visit("v1", local(2026, 11, 26, 14), local(2026, 11, 27, 7))
    late_site = facts(visits=(late_out,), marks=(mark_for(action),))
    assert sweep.settle_plan(late_site, local(2026, 11, 27, 8)) == []


def test_a_late_round_settles_the_missed_route_and_a_late_check_the_stock_follow_up():
    site = facts(routes=(ROUTE,), stores=(STORE,))
    actions = sweep.open_plan(site, local(2026, 11, 26, 13))
    (route,) = opened(actions, sweep.MISSED_ROUTE)
    (store,) = opened(actions, sweep.NO_STOCK_CHECK)
    proofs = replace(site, marks=(mark_for(route), mark_for(store)),
                     patrols=(patrol("p1", local(2026, 11, 26, 9), user_id="guard1", route_id="r1"),),
                     stock_checks=(sweep.StockCheckFact("c1", "st", local(2026, 11, 20),
                                                        local(2026, 11, 26, 14)),))
    settles = sweep.settle_plan(proofs, local(2026, 11, 26, 14))
    assert sorted(s.key for s in settles) == sorted([route.key, store.key])


def test_a_run_settles_before_it_opens_and_never_escalates_what_it_settled():
    (action,) = opened(sweep.open_plan(facts(), local(2026, 11, 27, 0, 30)), sweep.NO_PATROL)
    site = facts(marks=(mark_for(action),), patrols=(patrol("p1", local(2026, 11, 26, 9)),),
                 followups=(followup(action.followup_id, 1, "m1", action.due_at),))
    actions = sweep.plan(site, action.due_at + timedelta(hours=1))
    assert [type(a) for a in actions][:1] == [sweep.Settle]
    assert not [a for a in actions if isinstance(a, sweep.Escalate)]


# -- small parts -----------------------------------------------------------------------

@pytest.mark.parametrize("text, minutes", [("00:00", 0), ("08:40", 520), ("23:59", 1439), ("24:00", 1440)])
def test_times_of_day(text, minutes):
    assert sweep.minutes_of(text) == minutes


@pytest.mark.parametrize("text", ["25:00", "12:60", "noon", "-1:00"])
def test_a_time_of_day_that_is_not_one(text):
    with pytest.raises(ValueError):
        sweep.minutes_of(text)
