"""The complaint clocks, the timely-handling rate, repeats and collective suggestions,
each on dates with a known answer (Asia/Shanghai, UTC+8)."""
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from zoneinfo import ZoneInfo

import pytest

from sync import complaint_clocks as cc

TZ = ZoneInfo("Asia/Shanghai")


def at(day, hour, minute=0):
    return datetime(2026, 11, day, hour, minute, tzinfo=TZ).astimezone(timezone.utc)


def complaint(kind="valid", channel="phone", lodged=None, **extra):
    return {"id": extra.pop("id", "c1"), "kind": kind, "channel": channel, "collective": kind == "collective",
            "lodged_at": lodged or at(10, 9), "agreed_reply_at": None, **extra}


def reply(stage, when, method="phone", ident=None):
    return {"id": ident or f"r-{stage}-{when.isoformat()}", "stage": stage, "method": method, "replied_at": when}


def names(found):
    return [(c.name, c.due) for c in found]


def test_a_valid_complaint_has_a_two_hour_contact_and_a_same_day_reply():
    found = cc.clocks(complaint(), [], {}, TZ)
    assert names(found) == [("contact", at(10, 11)), ("reply", at(11, 0))]
    assert cc.verdict(found, at(10, 10)) == cc.RUNNING
    assert cc.next_due(found) == at(10, 11)


def test_contacted_and_answered_in_time_is_timely():
    found = cc.clocks(complaint(), [reply("contact", at(10, 10)), reply("reply", at(10, 17))], {}, TZ)
    assert [c.state(at(12, 0)) for c in found] == [cc.KEPT, cc.KEPT]
    assert cc.verdict(found, at(12, 0)) == cc.KEPT


def test_a_reply_counts_as_the_contact_too():
    found = cc.clocks(complaint(), [reply("reply", at(10, 10, 30))], {}, TZ)
    assert cc.verdict(found, at(12, 0)) == cc.KEPT


def test_a_contact_after_two_hours_is_late_whatever_follows():
    found = cc.clocks(complaint(), [reply("contact", at(10, 11, 1)), reply("reply", at(10, 15))], {}, TZ)
    assert [c.state(at(12, 0)) for c in found] == [cc.LATE, cc.KEPT]
    assert cc.verdict(found, at(12, 0)) == cc.LATE


def test_an_unanswered_clock_is_late_once_it_runs_out():
    found = cc.clocks(complaint(), [reply("contact", at(10, 9, 30))], {}, TZ)
    assert cc.verdict(found, at(10, 23, 59)) == cc.RUNNING
    assert cc.verdict(found, at(11, 0, 1)) == cc.LATE


def test_the_same_day_is_the_site_s_local_day():
    # 20:00 in Shanghai is 12:00 UTC: the same day ends at 16:00 UTC, not at UTC midnight.
    found = cc.clocks(complaint(lodged=at(10, 20, 0)), [], {}, TZ)
    assert dict(names(found))["reply"] == at(11, 0)


def test_late_in_the_evening_the_reply_is_due_with_the_contact_not_at_midnight():
    found = cc.clocks(complaint(lodged=at(10, 23, 30)), [], {}, TZ)
    assert names(found) == [("contact", at(11, 1, 30)), ("reply", at(11, 1, 30))]


def test_an_agreed_reply_time_replaces_the_same_day():
    found = cc.clocks(complaint(agreed_reply_at=at(12, 10)), [reply("contact", at(10, 10))], {}, TZ)
    assert dict(names(found))["reply"] == at(12, 10)
    assert cc.next_due(found) == at(12, 10)


def test_an_invalid_complaint_is_answered_within_two_hours():
    found = cc.clocks(complaint("invalid"), [], {}, TZ)
    assert names(found) == [("reply", at(10, 11))]
    assert cc.verdict(cc.clocks(complaint("invalid"), [reply("reply", at(10, 10, 59))], {}, TZ), at(11, 0)) == cc.KEPT


def test_an_assisted_complaint_has_three_days_unless_agreed():
    assert dict(names(cc.clocks(complaint("assisted"), [], {}, TZ)))["reply"] == at(13, 9)


def test_a_collective_complaint_is_contacted_within_an_hour_and_answered_only_by_a_visit():
    found = cc.clocks(complaint("collective"), [reply("reply", at(10, 9, 30), "phone")], {}, TZ)
    assert names(found) == [("contact", at(10, 10)), ("reply", at(11, 0))]
    assert [c.stopped_at for c in found] == [at(10, 9, 30), None]
    visited = cc.clocks(complaint("collective"), [reply("reply", at(10, 9, 30), "phone"),
                                                  reply("reply", at(10, 16), "visit")], {}, TZ)
    assert cc.verdict(visited, at(12, 0)) == cc.KEPT


def test_a_written_complaint_is_answered_in_writing():
    found = cc.clocks(complaint(channel="written"), [reply("reply", at(10, 10), "phone")], {}, TZ)
    assert cc.verdict(found, at(11, 1)) == cc.LATE
    found = cc.clocks(complaint(channel="written"), [reply("reply", at(10, 10), "written")], {}, TZ)
    assert cc.verdict(found, at(11, 1)) == cc.KEPT


def test_a_developer_transfer_is_reported_back_within_twelve_hours_of_the_reply():
    base = [reply("contact", at(10, 10)), reply("reply", at(10, 15))]
    found = cc.clocks(complaint(channel="developer"), base, {}, TZ)
    assert names(found)[-1] == ("report_back", at(11, 3))
    assert cc.verdict(found, at(11, 2)) == cc.RUNNING
    assert cc.verdict(found, at(11, 3, 1)) == cc.LATE
    kept = cc.clocks(complaint(channel="developer"), [*base, reply("report_back", at(11, 2))], {}, TZ)
    assert cc.verdict(kept, at(12, 0)) == cc.KEPT
    unhandled = cc.clocks(complaint(channel="developer"), [reply("contact", at(10, 10))], {}, TZ)
    assert unhandled[-1].due is None and cc.verdict(unhandled, at(10, 12)) == cc.RUNNING


def test_site_settings_change_the_minutes():
    found = cc.clocks(complaint(), [], {"clocks": {"complaint_contact": 60}}, TZ)
    assert names(found)[0] == ("contact", at(10, 10))


def test_the_rate_of_a_generated_month_has_a_known_answer():
    """30 complaints: 1 in 10 contacted late, 1 in 15 never answered, the rest in time;
    the last two lodged just now, still running."""
    now = at(30, 20)
    verdicts = []
    expected = {"timely": 0, "late": 0, "running": 0}
    for n in range(30):
        lodged = at(1 + n % 28, 9)
        if n >= 28:
            lodged = at(30, 19)
        replies = []
        if n % 10 == 3:
            replies = [reply("contact", lodged + timedelta(hours=3)), reply("reply", lodged + timedelta(hours=5))]
            expected["late"] += 1
        elif n % 15 == 7 and n < 28:
            replies = [reply("contact", lodged + timedelta(hours=1))]
            expected["late"] += 1
        elif n < 28:
            replies = [reply("contact", lodged + timedelta(hours=1)), reply("reply", lodged + timedelta(hours=6))]
            expected["timely"] += 1
        else:
            expected["running"] += 1
        verdicts.append(cc.verdict(cc.clocks(complaint(id=f"c{n}", lodged=lodged), replies, {}, TZ), now))
    rate = cc.rate(verdicts)
    assert (rate.timely, rate.late, rate.running) == (expected["timely"], expected["late"], expected["running"])
    assert (rate.timely, rate.late, rate.running) == (23, 5, 2)
    assert rate.value == pytest.approx(23 / 28) and rate.below_line
    assert not cc.rate([cc.KEPT] * 9 + [cc.LATE]).below_line  # exactly 90 % holds the line
    assert cc.rate([]).value is None


def test_a_repeat_is_the_same_unit_and_category_within_thirty_days():
    earlier = {"unit": "3-2-501", "category": "repair", "lodged_at": at(1, 9)}
    assert cc.is_repeat(earlier, at(30, 9), "3-2-501", "repair")
    assert not cc.is_repeat(earlier, at(1, 9) + timedelta(days=30, seconds=1), "3-2-501", "repair")
    assert not cc.is_repeat(earlier, at(5, 9), "3-2-502", "repair")
    assert not cc.is_repeat(earlier, at(5, 9), "3-2-501", "cleaning")
    assert not cc.is_repeat(earlier, at(5, 9), None, None)


def households(n, hours_apart=6, category="security", start=None):
    start = start or at(10, 8)
    return [{"id": f"h{i}", "unit": f"1-1-{100 + i}", "category": category,
             "lodged_at": start + timedelta(hours=hours_apart * i)} for i in range(n)]


def test_four_households_are_not_collective_five_are():
    assert cc.collective_groups(households(4)) == []
    (group,) = cc.collective_groups(households(5))
    assert group.category == "security" and len(group.complaint_ids) == 5


def test_five_households_spread_over_more_than_48_hours_are_not_collective():
    assert cc.collective_groups(households(5, hours_apart=13)) == []  # 52 hours first to last


def test_one_household_complaining_five_times_is_not_collective():
    rows = [{"id": f"x{i}", "unit": "1-1-101", "category": "security", "lodged_at": at(10, 8 + i)} for i in range(5)]
    assert cc.collective_groups(rows) == []


def test_merged_and_already_collective_complaints_are_left_out():
    rows = households(5)
    rows[0]["merged_into"] = "event"
    assert cc.collective_groups(rows) == []
