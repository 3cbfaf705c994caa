"""The monthly checklist: each item's due time on the site's clock, and kept / late /
missed / pending at the edge."""
from datetime import date
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from sync import monthly_checklist as checklist

CST = ZoneInfo("Asia/Shanghai")
URUMQI = ZoneInfo("Asia/Urumqi")


def test_the_items_are_the_contract():
    assert checklist.ITEMS == ("attendance", "quality_records", "purchase_plan", "complaint_summary",
                               "material_feedback")


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "Asia/Urumqi"])
@pytest.mark.parametrize("item, year, month, due_wall", [
    ("attendance", 2026, 12, datetime(2026, 12, 6)),
    ("quality_records", 2026, 12, datetime(2026, 12, 27)),
    ("purchase_plan", 2026, 12, datetime(2026, 12, 27)),
    ("complaint_summary", 2026, 12, datetime(2027, 1, 1)),
    ("material_feedback", 2027, 2, datetime(2027, 3, 1)),
    ("complaint_summary", 2028, 2, datetime(2028, 3, 1)),
])
def test_due_at_the_end_of_the_day_in_the_sites_zone(zone, item, year, month, due_wall):
    due = checklist.due_at(item, year, month, zone, {})
    assert due == due_wall.replace(tzinfo=ZoneInfo(zone)) and due.tzinfo is not None


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "Asia/Urumqi"])
@pytest.mark.parametrize("wall, expected", [
    (datetime(2026, 12, 5, 23, 59), "kept"),
    (datetime(2026, 12, 6, 0, 0), "late"),
])
def test_attendance_signed_on_the_5th_is_kept_and_on_the_6th_late(zone, wall, expected):
    tz = ZoneInfo(zone)
    due = checklist.due_at("attendance", 2026, 12, zone)
    assert checklist.state(wall.replace(tzinfo=tz), due, datetime(2026, 12, 20, tzinfo=tz)) == expected


def test_the_same_moment_in_two_zones():
    """00:30 on the 6th in Shanghai is still the 5th in Urumqi."""
    moment = datetime(2026, 12, 6, 0, 30, tzinfo=CST)
    assert checklist.state(moment, checklist.due_at("attendance", 2026, 12, "Asia/Shanghai"), moment) == "late"
    assert checklist.state(moment, checklist.due_at("attendance", 2026, 12, "Asia/Urumqi"), moment) == "kept"


def test_februarys_month_end():
    due = checklist.due_at("material_feedback", 2027, 2, "Asia/Urumqi")
    assert checklist.state(datetime(2027, 2, 28, 23, 59, tzinfo=URUMQI), due, due) == "kept"
    assert checklist.state(datetime(2027, 3, 1, 0, 0, tzinfo=URUMQI), due, due) == "late"


@pytest.mark.parametrize("now, expected", [
    (datetime(2026, 12, 26, 23, 59, 59), "pending"),
    (datetime(2026, 12, 27, 0, 0), "missed"),
])
def test_unsigned_is_pending_until_due_then_missed(now, expected):
    due = checklist.due_at("quality_records", 2026, 12, "Asia/Shanghai")
    assert checklist.state(None, due, now.replace(tzinfo=CST)) == expected


def test_settings_move_the_days_and_a_day_past_the_months_end_is_its_last():
    settings = {"attendance_review_day": 3, "quality_review_day": 30}
    assert checklist.due_day("attendance", 2026, 12, settings) == date(2026, 12, 3)
    assert checklist.due_day("purchase_plan", 2027, 2, settings) == date(2027, 2, 28)
    with pytest.raises(ValueError):
        checklist.due_day("energy", 2026, 12)


@pytest.mark.parametrize("item, month, covered", [
    ("attendance", (2026, 12), (2026, 11)), ("attendance", (2027, 1), (2026, 12)),
    ("complaint_summary", (2026, 12), (2026, 12)),
])
def test_attendance_is_the_previous_months(item, month, covered):
    assert checklist.covers(item, *month) == covered


@pytest.mark.parametrize("year, month, problem", [
    (2026, 12, None), (2026, 11, None), (2027, 1, "future"), (2026, 13, "invalid"), ("2026", 12, "invalid"),
])
def test_which_months_may_be_signed(year, month, problem):
    assert checklist.month_problem(year, month, date(2026, 12, 4)) == problem
