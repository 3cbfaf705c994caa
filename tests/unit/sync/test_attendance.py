"""Signing in and out (签到 / 签退) and work-log notes, with fixed times on the site's clock."""
from dataclasses import replace
from datetime import datetime
from datetime import timezone

import pytest

from sync import attendance_rules as rules
from sync import messages as m
from tests.unit.sync.conftest import CST

WINTER = {}  # defaults: 08:20 in, 17:30 out in winter, 18:00 in summer


def cst(y, mo, d, h, mi, s=0):
    return datetime(y, mo, d, h, mi, s, tzinfo=CST)


@pytest.mark.parametrize("at, verdict", [
    (cst(2026, 11, 26, 8, 20), "on_time"),
    (cst(2026, 11, 26, 8, 20, 59), "on_time"),
    (cst(2026, 11, 26, 8, 21), "late"),
    (cst(2026, 11, 26, 7, 2), "on_time"),
    (cst(2026, 11, 26, 13, 0), "late"),
])
def test_sign_in_by_0820(at, verdict):
    assert rules.sign_in_verdict(at, WINTER, "Asia/Shanghai") == (verdict, "08:20")


@pytest.mark.parametrize("at, verdict, after", [
    (cst(2026, 11, 26, 17, 29, 59), "early", "17:30"),   # winter
    (cst(2026, 11, 26, 17, 30), "ok", "17:30"),
    (cst(2026, 7, 15, 17, 45), "early", "18:00"),       # summer
    (cst(2026, 7, 15, 18, 0), "ok", "18:00"),
    (cst(2026, 5, 1, 17, 50), "early", "18:00"),         # May is summer by default
    (cst(2026, 10, 1, 17, 50), "ok", "17:30"),           # October is winter
])
def test_sign_out_after_by_season(at, verdict, after):
    assert rules.sign_out_verdict(at, WINTER, "Asia/Shanghai") == (verdict, after)


def test_site_settings_override_the_defaults():
    settings = {"sign_in_by": "09:00", "sign_out_after_winter": "17:00", "summer_months": [6, 7, 8]}
    assert rules.sign_in_verdict(cst(2026, 11, 26, 8, 50), settings, "Asia/Shanghai")[0] == "on_time"
    assert rules.sign_out_verdict(cst(2026, 5, 20, 17, 10), settings, "Asia/Shanghai") == ("ok", "17:00")


def test_the_site_clock_decides_not_utc_nor_the_phone():
    # 08:10 in Urumqi is 10:10 in Beijing; the same instant is on time there, late in Shanghai.
    at = datetime(2026, 11, 26, 2, 10, tzinfo=timezone.utc)
    assert rules.sign_in_verdict(at, WINTER, "Asia/Urumqi")[0] == "on_time"
    assert rules.sign_in_verdict(at, WINTER, "Asia/Shanghai")[0] == "late"
    # 23:30 UTC on the 25th is already the 26th in Shanghai
    assert rules.local_day(datetime(2026, 11, 25, 23, 30, tzinfo=timezone.utc), "Asia/Shanghai").isoformat() \
        == "2026-11-26"


def sign_in(dev, world, at, uniform=True, site=1, **kw):
    return dev.m("attendance.sign_in", {"site_id": world.site(site), "uniform": uniform}, at=at, **kw)


def sign_out(dev, world, at, site=1):
    return dev.m("attendance.sign_out", {"site_id": world.site(site)}, at=at)


def test_a_sign_in_is_kept_with_its_day_and_verdict(store, world, phone):
    manager = phone("manager1")
    late = sign_in(manager, world, cst(2026, 11, 26, 8, 21), uniform=False)
    assert manager.push_one(late).status == "applied"
    row = store.records["attendance"][late["entity_id"]]
    assert (row["action"], row["day"], row["verdict"], row["expected"], row["uniform"]) == \
        ("in", "2026-11-26", "late", "08:20", False)
    assert row["user_id"] == world.user("manager1")


def test_a_sign_in_at_another_sites_zone(store, world, phone):
    site2 = world.site(2)
    store.sites[site2] = replace(store.sites[site2], timezone="Asia/Urumqi")
    manager = phone("manager2")
    at = datetime(2026, 11, 26, 2, 10, tzinfo=timezone.utc)  # 08:10 in Urumqi
    early = sign_in(manager, world, at, site=2)
    assert manager.push_one(early).status == "applied"
    assert store.records["attendance"][early["entity_id"]]["verdict"] == "on_time"


def test_second_sign_in_of_the_day_applies_but_the_earlier_stands(store, world, phone):
    manager = phone("manager1")
    first = sign_in(manager, world, cst(2026, 11, 26, 8, 5))
    again = sign_in(manager, world, cst(2026, 11, 26, 9, 40))
    # the later one arrives first: the earlier still stands, whatever the order
    assert manager.push_one(again).status == "applied"
    result = manager.push_one(first)
    assert result.status == "applied" and result.conflict["reason"] == m.CONFLICT_SECOND_SIGN_IN
    conflicts = list(store.records["conflict"].values())
    assert len(conflicts) == 1 and conflicts[0]["entity_id"] == again["entity_id"]
    rows = list(store.records["attendance"].values())
    assert rules.counted(rows, "in")["id"] == first["entity_id"]
    # the same mutation again is a duplicate, with no second conflict
    assert manager.push_one(first).status == "duplicate"
    assert len(store.records["conflict"]) == 1


def test_the_later_sign_out_counts(store, world, phone):
    manager = phone("manager1")
    first = sign_out(manager, world, cst(2026, 11, 26, 17, 10))
    last = sign_out(manager, world, cst(2026, 11, 26, 18, 5))
    assert [r.status for r in manager.push(first, last)] == ["applied", "applied"]
    rows = list(store.records["attendance"].values())
    chosen = rules.counted(rows, "out")
    assert chosen["id"] == last["entity_id"] and chosen["verdict"] == "ok"
    assert store.records["attendance"][first["entity_id"]]["verdict"] == "early"


def test_sign_in_needs_the_uniform_answer_and_ones_own_site(store, world, phone):
    manager = phone("manager1")
    bad = manager.m("attendance.sign_in", {"site_id": world.site(1)}, at=cst(2026, 11, 26, 8, 0))
    assert manager.push_one(bad).errors == {"uniform": [m.UNIFORM_REQUIRED]}
    other = sign_in(manager, world, cst(2026, 11, 26, 8, 0), site=2)
    assert manager.push_one(other).errors == {"site_id": [m.OTHER_SITE]}


def test_a_note_is_appended_and_an_earlier_day_is_marked_added_later(store, world, phone):
    manager = phone("manager1")
    today = manager.m("worklog.note", {"site_id": world.site(1), "day": "2026-11-27", "text": "晨会：安排消防检查"},
                      at=cst(2026, 11, 27, 8, 25))
    earlier = manager.m("worklog.note", {"site_id": world.site(1), "day": "2026-11-25", "text": "补记：漏记巡视"},
                        at=cst(2026, 11, 27, 8, 26))
    assert [r.status for r in manager.push(today, earlier)] == ["applied", "applied"]
    assert store.records["worklog_note"][today["entity_id"]]["added_later"] is False
    assert store.records["worklog_note"][earlier["entity_id"]]["added_later"] is True
    # a note is never rewritten: the same entity under another mutation is refused
    again = manager.m("worklog.note", {"site_id": world.site(1), "day": "2026-11-27", "text": "改写"},
                      entity_id=today["entity_id"], at=cst(2026, 11, 27, 8, 27))
    assert manager.push_one(again).status == "rejected"
    assert store.records["worklog_note"][today["entity_id"]]["text"] == "晨会：安排消防检查"


@pytest.mark.parametrize("data, errors", [
    ({"day": "2026-11-28", "text": "明天"}, {"day": [m.WORKLOG_DAY_FUTURE]}),
    ({"day": "2026-02-30", "text": "x"}, {"day": [m.WORKLOG_DAY_INVALID]}),
    ({"day": "27/11/2026", "text": "x"}, {"day": [m.WORKLOG_DAY_INVALID]}),
    ({"day": "2026-11-27", "text": "  "}, {"text": [m.WORKLOG_NOTE_REQUIRED]}),
])
def test_bad_notes_are_refused(store, world, phone, data, errors):
    manager = phone("manager1")
    note = manager.m("worklog.note", {"site_id": world.site(1), **data}, at=cst(2026, 11, 27, 8, 25))
    result = manager.push_one(note)
    assert result.status == "rejected" and result.errors == errors


def test_a_post_phone_cannot_sign_itself_in(store, world, phone):
    post = phone("post1")
    result = post.push_one(sign_in(post, world, cst(2026, 11, 27, 8, 0)))
    assert result.status == "rejected"
