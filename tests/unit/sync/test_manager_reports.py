"""Daily reports (日清) and weekly summaries (周总结): when each falls due on the site's
clock, kept or late at the edge, in two zones."""
from datetime import date
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from sync import manager_reports as rules

CST = ZoneInfo("Asia/Shanghai")
URUMQI = ZoneInfo("Asia/Urumqi")


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "Asia/Urumqi"])
@pytest.mark.parametrize("kind, period, wall, expected", [
    ("daily", date(2026, 12, 3), datetime(2026, 12, 3, 23, 59, 59), "kept"),
    ("daily", date(2026, 12, 3), datetime(2026, 12, 4, 0, 0), "late"),
    ("daily", date(2026, 12, 3), datetime(2026, 12, 3, 8, 0), "kept"),
    ("weekly", date(2026, 11, 30), datetime(2026, 12, 6, 23, 59), "kept"),
    ("weekly", date(2026, 11, 30), datetime(2026, 12, 7, 0, 0), "late"),
    ("weekly", date(2026, 11, 30), datetime(2026, 11, 30, 9, 0), "kept"),
])
def test_kept_until_the_end_of_the_period_on_the_sites_clock(zone, kind, period, wall, expected):
    submitted = wall.replace(tzinfo=ZoneInfo(zone))
    assert rules.report_state(kind, period, submitted, zone, {}) == expected


def test_the_same_moment_is_kept_in_urumqi_and_late_in_shanghai():
    """00:30 in Shanghai is 22:30 the evening before in Urumqi."""
    moment = datetime(2026, 12, 4, 0, 30, tzinfo=CST)
    assert rules.report_state("daily", date(2026, 12, 3), moment, "Asia/Shanghai") == "late"
    assert rules.report_state("daily", date(2026, 12, 3), moment, "Asia/Urumqi") == "kept"


def test_the_due_time_is_aware_and_a_site_may_move_the_daily_one():
    assert rules.due_at("daily", date(2026, 12, 3), "Asia/Urumqi") == datetime(2026, 12, 4, 0, 0, tzinfo=URUMQI)
    settings = {"daily_report_by": "20:00"}
    assert rules.due_at("daily", date(2026, 12, 3), "Asia/Shanghai", settings) == datetime(2026, 12, 3, 20, 0, tzinfo=CST)
    assert rules.report_state("daily", date(2026, 12, 3), datetime(2026, 12, 3, 20, 0, tzinfo=CST),
                              "Asia/Shanghai", settings) == "late"
    # a week named by any of its days falls due at the end of its Sunday
    assert rules.due_at("weekly", date(2026, 12, 2), "Asia/Shanghai") == datetime(2026, 12, 7, tzinfo=CST)


@pytest.mark.parametrize("kind, period, today, problem", [
    ("daily", date(2026, 12, 4), date(2026, 12, 4), None),
    ("daily", date(2026, 12, 5), date(2026, 12, 4), "future"),
    ("weekly", date(2026, 11, 30), date(2026, 12, 4), None),
    ("weekly", date(2026, 12, 1), date(2026, 12, 4), "not_monday"),
    ("weekly", date(2026, 12, 7), date(2026, 12, 4), "future"),
])
def test_a_period_must_have_begun_and_a_week_is_named_by_its_monday(kind, period, today, problem):
    assert rules.period_problem(kind, period, today) == problem


def test_the_earliest_report_of_a_period_counts():
    rows = [
        {"id": "b", "user_id": "u", "kind": "daily", "period": "2026-12-03",
         "submitted_at": datetime(2026, 12, 3, 21, 0, tzinfo=CST)},
        {"id": "a", "user_id": "u", "kind": "daily", "period": "2026-12-03",
         "submitted_at": datetime(2026, 12, 3, 18, 0, tzinfo=CST)},
        {"id": "c", "user_id": "u", "kind": "weekly", "period": "2026-11-30",
         "submitted_at": datetime(2026, 12, 3, 18, 0, tzinfo=CST), "deleted_at": None},
    ]
    counted = rules.counted(rows)
    assert counted[("u", "daily", "2026-12-03")]["id"] == "a"
    assert set(counted) == {("u", "daily", "2026-12-03"), ("u", "weekly", "2026-11-30")}


def test_a_months_weeks_are_those_whose_sunday_falls_in_it():
    assert rules.month_weeks(2026, 11) == [date(2026, 10, 26), date(2026, 11, 2), date(2026, 11, 9),
                                           date(2026, 11, 16), date(2026, 11, 23)]
    assert len(rules.month_days(2028, 2)) == 29


@pytest.mark.parametrize("role, lead, may", [
    ("manager", False, True), ("supervisor", False, True), ("admin", False, True),
    ("staff", True, True), ("staff", False, False), ("clerk", False, False), ("post", False, False),
])
def test_who_writes_reports(role, lead, may):
    assert rules.may_write(role, lead) is may
