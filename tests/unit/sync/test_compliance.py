"""The compliance calendar's rules on generated months with known answers.

November 2026 at a site in Shanghai (and one in Urumqi where the zone matters): the 1st is
a Sunday, the Mondays are the 2nd, 9th, 16th, 23rd and 30th. ``NOW`` is 3 December, so
every cell of November is decided unless a test says otherwise.
"""
from datetime import date
from datetime import datetime
from datetime import timezone
from zoneinfo import ZoneInfo

import pytest

from sync import compliance as c
from sync import sweep

SHANGHAI = ZoneInfo("Asia/Shanghai")
URUMQI = ZoneInfo("Asia/Urumqi")


def local(y, mo, d, h=0, mi=0, tz=SHANGHAI) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=tz).astimezone(timezone.utc)


NOW = local(2026, 12, 3, 9)
WINDOWS = [{"start": "07:30", "end": "08:30"}, {"start": "18:00", "end": "19:00"}]


def facts(tz=SHANGHAI, **kw) -> c.MonthFacts:
    base = dict(site_id="s1", tz=tz, settings={"gate_windows": WINDOWS}, year=2026, month=11,
                managers=("m1", "m2"), names={"m1": "经理1", "m2": "经理2"})
    base.update(kw)
    return c.MonthFacts(**base)


def cell(row: c.Row, day: int) -> c.Cell:
    (found,) = [x for x in row.cells if x.first <= date(2026, 11, day) <= x.last]
    return found


def patrol(ident, at, user="m1"):
    return sweep.PatrolFact(ident, user, None, at, at)


# -- patrols ----------------------------------------------------------------------------

def test_a_day_is_kept_when_every_manager_patrolled_and_missed_naming_who_did_not():
    patrols = (patrol("p1", local(2026, 11, 3, 8, 40)), patrol("p2", local(2026, 11, 3, 15), "m2"),
               patrol("p3", local(2026, 11, 4, 8, 40)), patrol("p4", local(2026, 11, 5, 0, 5), "m2"))
    row = c.patrol_row(facts(patrols=patrols), NOW)
    assert cell(row, 3).state == c.KEPT
    assert {r.id for r in cell(row, 3).refs} == {"p1", "p2"}
    assert cell(row, 4).state == c.MISSED
    assert cell(row, 4).notes[0].params == {"names": "经理2"}
    assert cell(row, 5).state == c.MISSED  # m2's 00:05 patrol belongs to the 5th, m1 has none
    assert cell(row, 5).notes[0].params == {"names": "经理1"}
    assert row.count(c.KEPT) == 1 and row.count(c.MISSED) == 29


def test_today_is_pending_until_its_end_and_the_days_to_come_are_not_judged():
    now = local(2026, 11, 10, 12)
    row = c.patrol_row(facts(patrols=(patrol("p1", local(2026, 11, 10, 8, 40)),)), now)
    assert cell(row, 10).state == c.PENDING
    assert cell(row, 10).notes[0].params == {"done": 1, "total": 2}
    assert cell(row, 11).state == c.NONE and cell(row, 9).state == c.MISSED


def test_days_off_by_the_sites_patrol_weekdays_are_not_due():
    row = c.patrol_row(facts(settings={"patrol_weekdays": [1, 2, 3, 4, 5]}), NOW)
    assert cell(row, 7).state == c.NONE and cell(row, 6).state == c.MISSED  # Saturday, Friday


def test_the_patrol_day_is_the_sites_own_day():
    at = local(2026, 11, 3, 23, 30, tz=URUMQI)  # already the 4th in Shanghai
    row = c.patrol_row(facts(tz=URUMQI, managers=("m1",), patrols=(patrol("p1", at),)), NOW)
    assert cell(row, 3).state == c.KEPT and cell(row, 4).state == c.MISSED


# -- the gate at peak hours --------------------------------------------------------------

def test_a_peak_window_is_kept_with_someone_there_by_its_start_plus_grace():
    gate = (c.GateFact("v1", local(2026, 11, 3, 7, 38)), c.GateFact("v2", local(2026, 11, 3, 18, 5)))
    row = c.gate_row(facts(gate=gate), NOW)
    assert cell(row, 3).state == c.KEPT
    assert [r.id for r in cell(row, 3).refs] == ["v1", "v2"]


def test_a_shift_open_at_the_start_staffs_the_window_even_with_no_visitor():
    shifts = (c.ShiftFact("sh1", local(2026, 11, 3, 7), local(2026, 11, 3, 19, 30)),)
    assert cell(c.gate_row(facts(shifts=shifts), NOW), 3).state == c.KEPT


def test_a_visitor_registered_any_time_in_the_window_shows_the_gate_kept():
    """A quiet gate is not an empty one: the first visitor at 07:52 proves nothing late."""
    gate = (c.GateFact("v1", local(2026, 11, 3, 7, 52)), c.GateFact("v2", local(2026, 11, 3, 18, 40)))
    assert cell(c.gate_row(facts(gate=gate), NOW), 3).state == c.KEPT


def test_a_shift_begun_after_the_grace_with_nothing_registered_before_is_late():
    shifts = (c.ShiftFact("late", local(2026, 11, 3, 7, 50), local(2026, 11, 3, 8, 40)),
              c.ShiftFact("eve", local(2026, 11, 3, 17, 55), None))
    gate = (c.GateFact("v1", local(2026, 11, 3, 8, 5)),)
    day = cell(c.gate_row(facts(shifts=shifts, gate=gate), NOW), 3)
    assert day.state == c.LATE
    assert [(n.params["window"], n.params["at"]) for n in day.notes] == [("07:30–08:30", "07:50")]
    assert {r.id for r in day.refs} == {"late", "eve", "v1"}
    before = (c.GateFact("v0", local(2026, 11, 3, 7, 45)),)  # a registration before the shift: someone was there
    assert cell(c.gate_row(facts(shifts=shifts, gate=before), NOW), 3).state == c.KEPT


def test_an_empty_window_is_missed_naming_it():
    gate = (c.GateFact("v1", local(2026, 11, 3, 7, 52)),)
    empty = cell(c.gate_row(facts(gate=gate), NOW), 3)
    assert empty.state == c.MISSED
    assert [n.params["window"] for n in empty.notes] == ["18:00–19:00"]


def test_the_sites_grace_and_a_window_still_running():
    shifts = (c.ShiftFact("s", local(2026, 11, 3, 7, 52), local(2026, 11, 3, 19)),)
    loose = facts(shifts=shifts, settings={"gate_windows": WINDOWS, "gate_grace_minutes": 30})
    assert cell(c.gate_row(loose, NOW), 3).state == c.KEPT
    assert cell(c.gate_row(facts(shifts=shifts), NOW), 3).state == c.LATE
    during = c.gate_row(facts(gate=(c.GateFact("v1", local(2026, 11, 3, 7, 40)),)), local(2026, 11, 3, 18, 20))
    assert cell(during, 3).state == c.PENDING  # the morning was kept; the evening still runs
    assert cell(c.gate_row(facts(), local(2026, 11, 3, 18, 20)), 3).state == c.MISSED


# -- inspections ------------------------------------------------------------------------

def inspection(ident, at, user="m1"):
    return sweep.InspectionFact(ident, user, at, at)


def test_a_week_is_kept_when_every_manager_wrote_two_and_missed_naming_who_did_not():
    two_each = tuple(inspection(f"i{n}{u}", local(2026, 11, 10 + n, 10), u) for n in (0, 1) for u in ("m1", "m2"))
    row = c.inspections_row(facts(inspections=two_each + (inspection("x", local(2026, 11, 17, 9)),)), NOW)
    week = cell(row, 12)
    assert (week.state, week.first, week.last) == (c.KEPT, date(2026, 11, 9), date(2026, 11, 15))
    assert len(week.refs) == 4
    assert cell(row, 17).state == c.MISSED
    assert cell(row, 17).notes[0].params == {"names": "经理1、经理2", "required": 2}


def test_weeks_are_clipped_to_the_month_and_judged_whole():
    """The week of 26 October shows on 1 November only, judged on all its days."""
    october = (inspection("o1", local(2026, 10, 27, 9)), inspection("o2", local(2026, 10, 28, 9)),
               inspection("o3", local(2026, 10, 29, 9), "m2"), inspection("o4", local(2026, 11, 1, 23, 50), "m2"))
    row = c.inspections_row(facts(inspections=october), NOW)
    first = row.cells[0]
    assert (first.first, first.last, first.state) == (date(2026, 11, 1), date(2026, 11, 1), c.KEPT)
    last = row.cells[-1]
    assert (last.first, last.last) == (date(2026, 11, 30), date(2026, 11, 30))
    assert last.state == c.PENDING  # the week of the 30th still runs on 3 December


# -- Monday's repair approval -------------------------------------------------------------

def repair(ident, requested, approved=None):
    return c.RepairFact(ident, requested, approved)


def test_last_weeks_orders_approved_on_monday_are_kept_later_late_never_missed():
    repairs = (repair("r1", local(2026, 11, 4, 10), local(2026, 11, 9, 9)),
               repair("r2", local(2026, 11, 12, 10), local(2026, 11, 17, 9)),
               repair("r3", local(2026, 11, 20, 10)),
               repair("r4", local(2026, 11, 9, 8), local(2026, 11, 16, 23, 59)))
    row = c.repairs_row(facts(repairs=repairs), NOW)
    assert cell(row, 9).state == c.KEPT and [r.id for r in cell(row, 9).refs] == ["r1"]
    assert cell(row, 16).state == c.LATE  # r2 on Tuesday, though r4 was on Monday 23:59
    assert cell(row, 16).notes[0].params == {"date": "2026-11-17"}
    assert cell(row, 23).state == c.MISSED and cell(row, 23).notes[0].params == {"count": 1}
    assert cell(row, 2).state == c.NONE and cell(row, 10).state == c.NONE  # nothing due; not Monday


def test_a_monday_still_running_is_pending():
    repairs = (repair("r3", local(2026, 11, 20, 10)),)
    assert cell(c.repairs_row(facts(repairs=repairs), local(2026, 11, 23, 15)), 23).state == c.PENDING


# -- the month's stock check --------------------------------------------------------------

STORES = (sweep.StoreFact("st1", "一号库"), sweep.StoreFact("st2", "二号库"))


def check(ident, at, store=None):
    return sweep.StockCheckFact(ident, store, at, at)


@pytest.mark.parametrize("checks, state", [
    ((check("c1", local(2026, 11, 25, 23, 59)),), c.KEPT),                                   # a whole-site check
    ((check("c1", local(2026, 11, 10), "st1"), check("c2", local(2026, 11, 27), "st2")), c.LATE),
    ((check("c1", local(2026, 11, 10), "st1"),), c.MISSED),
    ((check("c1", local(2026, 11, 26, 0, 1), "st1"), check("c2", local(2026, 11, 3), "st2")), c.LATE),
    ((check("c1", local(2026, 10, 30)), check("c2", local(2026, 12, 1))), c.MISSED),         # other months
])
def test_each_store_is_checked_by_the_25th(checks, state):
    row = c.stock_row(facts(stores=STORES, stock_checks=checks), NOW)
    (month,) = row.cells
    assert (month.first, month.last, month.state) == (date(2026, 11, 1), date(2026, 11, 30), state)


def test_a_missed_check_names_the_store_and_the_deadline_and_before_it_is_pending():
    row = c.stock_row(facts(stores=STORES, stock_checks=(check("c1", local(2026, 11, 2), "st1"),)), NOW)
    assert row.cells[0].notes[0].params == {"stores": "二号库", "date": "2026-11-25"}
    early = c.stock_row(facts(stores=STORES), local(2026, 11, 20))
    assert early.cells[0].state == c.PENDING


# -- the timely-handling rate -------------------------------------------------------------

@pytest.mark.parametrize("rate, now, state", [
    ((9, 1, 0), NOW, c.KEPT),        # exactly 90 %
    ((8, 2, 1), NOW, c.MISSED),
    ((10, 0, 0), local(2026, 11, 20), c.PENDING),
    ((0, 0, 3), NOW, c.NONE),        # nothing decided yet
    (None, NOW, c.NONE),
])
def test_the_month_keeps_ninety_percent(rate, now, state):
    (month,) = c.rate_row(facts(rate=rate), now).cells
    assert month.state == state


def test_the_rate_note_gives_the_figures():
    (month,) = c.rate_row(facts(rate=(17, 3, 0)), NOW).cells
    assert month.notes[0].params == {"timely": 17, "decided": 20, "percent": "85.0"}


# -- the grid ----------------------------------------------------------------------------

def test_the_grid_has_every_row_and_a_row_shows_its_worst_cell():
    rows = c.grid(facts(stores=STORES), NOW)
    assert [r.key for r in rows] == [
        c.MORNING_MEETING, c.PATROL, c.GATE, c.DAILY_REPORT, c.REPAIRS, c.WEEKLY_MEETING, c.INSPECTIONS,
        c.WEEKLY_SUMMARY, c.STOCK, *c.CHECKLIST, c.RATE]
    for row in rows:
        days = sum(x.span for x in row.cells)
        assert days == 30, row.key
    assert rows[1].state == c.MISSED


def test_a_month_not_begun_judges_nothing():
    rows = c.grid(facts(stores=STORES, rate=(1, 0, 0)), local(2026, 10, 20))
    assert all(x.state == c.NONE for row in rows for x in row.cells)


def test_a_leap_february_has_twenty_nine_days():
    rows = c.grid(facts(year=2028, month=2), local(2028, 3, 5))
    assert all(sum(x.span for x in row.cells) == 29 for row in rows)
    assert max(x.last for x in rows[1].cells) == date(2028, 2, 29)


# -- 日清, 周总结 and the month's checklist ---------------------------------------------------

def report(ident, user, kind, period, submitted):
    return c.ReportFact(ident, user, kind, period, submitted)


def test_each_managers_daily_report_by_the_days_end_the_earliest_counting():
    reports = (report("r1", "m1", "daily", date(2026, 11, 3), local(2026, 11, 3, 21)),
               report("r2", "m2", "daily", date(2026, 11, 3), local(2026, 11, 3, 23, 59)),
               report("r3", "m1", "daily", date(2026, 11, 4), local(2026, 11, 4, 20)),
               report("r4", "m2", "daily", date(2026, 11, 4), local(2026, 11, 5, 0, 0)),
               report("r5", "m2", "daily", date(2026, 11, 4), local(2026, 11, 5, 9)))
    row = c.daily_report_row(facts(reports=reports), NOW)
    assert cell(row, 3).state == c.KEPT and {r.id for r in cell(row, 3).refs} == {"r1", "r2"}
    assert cell(row, 4).state == c.LATE and cell(row, 4).notes[0].params == {"names": "经理2"}
    assert cell(row, 4).refs[-1].id == "r4", "the earliest of a period counts"
    assert cell(row, 5).state == c.MISSED and cell(row, 5).notes[0].params == {"names": "经理1、经理2"}
    assert cell(c.daily_report_row(facts(reports=reports), local(2026, 11, 5, 12)), 5).state == c.PENDING


def test_a_weekly_summary_is_due_by_the_end_of_its_sunday():
    reports = (report("w1", "m1", "weekly", date(2026, 11, 9), local(2026, 11, 15, 20)),
               report("w2", "m2", "weekly", date(2026, 11, 9), local(2026, 11, 15, 22)),
               report("w3", "m1", "weekly", date(2026, 11, 16), local(2026, 11, 23, 8)),
               report("w4", "m2", "weekly", date(2026, 11, 16), local(2026, 11, 22, 8)))
    row = c.weekly_summary_row(facts(reports=reports), NOW)
    assert cell(row, 12).state == c.KEPT and cell(row, 19).state == c.LATE and cell(row, 26).state == c.MISSED


def signoff(item, at):
    return c.SignoffFact(f"s-{item}", item, at, "经理1")


def test_the_months_checklist_item_by_item():
    signoffs = (signoff("attendance", local(2026, 11, 5, 23, 59)), signoff("quality_records", local(2026, 11, 27, 9)),
                signoff("complaint_summary", local(2026, 11, 30, 18)))
    rows = {r.key: r for r in c.checklist_rows(facts(signoffs=signoffs), NOW)}
    states = {key: row.cells[0].state for key, row in rows.items()}
    assert states == {"checklist_attendance": c.KEPT, "checklist_quality_records": c.LATE,
                      "checklist_purchase_plan": c.MISSED, "checklist_complaint_summary": c.KEPT,
                      "checklist_material_feedback": c.MISSED}
    notes = rows["checklist_quality_records"].cells[0].notes
    assert [n.params for n in notes] == [{"date": "2026-11-26"}, {"name": "经理1", "at": "2026-11-27 09:00"}]
    early = {r.key: r.cells[0].state for r in c.checklist_rows(facts(), local(2026, 11, 20))}
    assert early["checklist_attendance"] == c.MISSED and early["checklist_purchase_plan"] == c.PENDING


# -- meetings ---------------------------------------------------------------------------

def meeting(ident, kind, at):
    return c.MeetingFact(ident, kind, at)


def test_the_morning_meeting_by_0830_late_after_and_missed_without_one():
    meetings = (meeting("a", "morning", local(2026, 11, 3, 8, 20)), meeting("b", "morning", local(2026, 11, 4, 8, 45)),
                meeting("c", "morning", local(2026, 11, 6, 8, 30, )), meeting("w", "weekly", local(2026, 11, 5, 8, 20)))
    row = c.morning_meeting_row(facts(meetings=meetings), NOW)
    assert [cell(row, d).state for d in (3, 4, 5, 6)] == [c.KEPT, c.LATE, c.MISSED, c.KEPT]
    assert cell(row, 4).notes[0].params == {"at": "08:45"}
    assert cell(c.morning_meeting_row(facts(), local(2026, 11, 5, 10)), 5).state == c.PENDING
    late_site = facts(meetings=meetings, settings={"morning_meeting_end": "08:50"})
    assert cell(c.morning_meeting_row(late_site, NOW), 4).state == c.KEPT


def test_the_weekly_meeting_on_its_weekday():
    meetings = (meeting("w1", "weekly", local(2026, 11, 9, 9)), meeting("w2", "weekly", local(2026, 11, 18, 9)))
    row = c.weekly_meeting_row(facts(meetings=meetings), NOW)
    assert cell(row, 10).state == c.KEPT and cell(row, 18).state == c.LATE and cell(row, 25).state == c.MISSED
    assert cell(row, 18).notes[0].params == {"date": "2026-11-18"}
    assert cell(row, 30).state == c.PENDING
