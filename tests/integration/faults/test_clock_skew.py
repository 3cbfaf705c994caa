"""A phone a day fast or a day slow: its times are corrected, kept as it said them, flagged,
and nothing the server stores or sends lies in the future."""
from datetime import datetime
from datetime import timedelta
from datetime import timezone

import pytest

from app.extensions import db
from app.models import Finding
from app.models import FollowUp
from app.models import JournalRow
from app.models import Patrol
from app.models import StockCount
from app.models import SyncDevice
from app.models import Visit
from sync.clocks import SKEW_LIMIT

DAY = timedelta(days=1)
SLACK = timedelta(seconds=5)  # the time a request takes in the test, with room to spare


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.mark.parametrize("skew", [DAY, -DAY], ids=["a day fast", "a day slow"])
def test_a_phone_a_day_off(app, manager, world, skew):
    rec = manager.recorder
    happened = datetime.now(timezone.utc) - timedelta(minutes=40)  # the real time of the first deed
    rec.clock = happened + skew - rec.step  # the phone's clock, off by ``skew``
    visit = rec.mutation("visit.check_in", {"site_id": world.site1, "visitor_name": "李四",
                                            "purpose": "visit", "party_size": 2})
    patrol = rec.mutation("patrol.start", {"site_id": world.site1, "route_id": world.route1})
    finding = rec.mutation("patrol.finding", {
        "patrol_id": patrol["entity_id"], "category": "fire", "severity": "high",
        "description": "消防通道堵塞", "handled_on_spot": False})
    check = rec.mutation("stock.check_start", {"site_id": world.site1, "store_id": world.store1})
    count = rec.mutation("stock.count", {"check_id": check["entity_id"], "item_id": world.items1[0],
                                         "counted_qty": 3})
    mutations = [visit, patrol, finding, check, count]

    sent = datetime.now(timezone.utc)
    body = manager.push(mutations, client_time=sent + skew)
    answered = datetime.now(timezone.utc)
    assert [r["status"] for r in body["results"]] == ["applied"] * 5

    real = {m["id"]: utc(m["at"]) - skew for m in mutations}  # when each deed really happened
    with app.app_context():
        rows = [(db.session.get(Visit, visit["entity_id"]), "checked_in_at", visit),
                (db.session.get(Patrol, patrol["entity_id"]), "started_at", patrol),
                (db.session.get(Finding, finding["entity_id"]), "found_at", finding),
                (db.session.get(StockCount, count["entity_id"]), "counted_at", count)]
        for row, column, mutation in rows:
            corrected, phone = getattr(row, column), getattr(row, f"{column}_phone")
            assert abs(corrected - real[mutation["id"]]) <= SLACK, column
            assert phone == utc(mutation["at"]), f"{column}: the phone's own time is kept"
            assert row.clock_flag == "skewed", column
            assert corrected <= answered
        for mutation in mutations:
            entry = db.session.get(JournalRow, mutation["id"])
            assert entry.clock_flag == "skewed"
            assert abs(entry.clock_offset_ms + skew / timedelta(milliseconds=1)) <= SLACK / timedelta(milliseconds=1)
        followup = db.session.get(Finding, finding["entity_id"]).followup_id
        followup = db.session.get(FollowUp, followup)
        assert abs(followup.opened_at - real[finding["id"]]) <= SLACK
        assert abs(followup.due_at - (real[finding["id"]] + timedelta(hours=2))) <= SLACK  # high: 2 h
        device = db.session.get(SyncDevice, manager.device_id)
        assert abs(device.clock_offset_ms + skew / timedelta(milliseconds=1)) <= SLACK / timedelta(milliseconds=1)
        stored = [getattr(row, column) for row, column, _ in rows] + [followup.opened_at]
        assert max(stored) <= answered, "nothing recorded lies in the future"

    pulled = {(c["type"], c["id"]): c["data"] for c in body["changes"]}
    assert abs(utc(pulled[("visit", visit["entity_id"])]["checked_in_at"]) - real[visit["id"]]) <= SLACK
    assert abs(utc(pulled[("patrol", patrol["entity_id"])]["started_at"]) - real[patrol["id"]]) <= SLACK
    for change in body["changes"]:
        for key, value in change.get("data", {}).items():
            if key.endswith("_at") and key != "due_at" and isinstance(value, str):
                assert utc(value) <= answered + SLACK, (change["type"], key)


def test_a_right_clock_with_a_deed_in_the_future_is_clamped_and_flagged(app, manager, world):
    """A time still ahead after correction (a typo, a broken clock app) becomes the arrival."""
    rec = manager.recorder
    rec.clock = datetime.now(timezone.utc) + timedelta(hours=3)
    visit = rec.mutation("visit.check_in", {"site_id": world.site1, "visitor_name": "王五",
                                            "purpose": "delivery", "party_size": 1})
    before = datetime.now(timezone.utc)
    body = manager.push([visit])
    after = datetime.now(timezone.utc)
    assert body["results"][0]["status"] == "applied"
    with app.app_context():
        row = db.session.get(Visit, visit["entity_id"])
        assert before - SLACK <= row.checked_in_at <= after
        assert row.checked_in_at_phone == utc(visit["at"])
        assert row.clock_flag == "future"


def test_a_few_minutes_off_is_not_flagged(app, manager, world):
    """Within five minutes a phone's clock is corrected but not called wrong."""
    rec = manager.recorder
    skew = SKEW_LIMIT - timedelta(minutes=1)
    rec.clock = datetime.now(timezone.utc) - timedelta(minutes=30) + skew
    visit = rec.mutation("visit.check_in", {"site_id": world.site1, "visitor_name": "赵六",
                                            "purpose": "visit", "party_size": 1})
    manager.push([visit], client_time=datetime.now(timezone.utc) + skew)
    with app.app_context():
        row = db.session.get(Visit, visit["entity_id"])
        assert row.clock_flag is None
        assert abs(row.checked_in_at - (utc(visit["at"]) - skew)) <= SLACK
