"""``report.submit`` and ``checklist.sign`` through the engine on the memory store: who
may, which periods and months, a second report kept, a second sign-off refused.

The engine's clock is ``NOW`` (2026-11-27 08:31 in Shanghai)."""
from datetime import date
from datetime import datetime

import pytest

from sync import manager_reports as rules
from sync import messages as m
from tests.unit.sync.conftest import CST


def cst(y, mo, d, h, mi):
    return datetime(y, mo, d, h, mi, tzinfo=CST)


def report(dev, world, at=None, **data):
    body = {"site_id": world.site(1), "kind": "daily", "period": "2026-11-26", "done": "巡视全部区域", **data}
    return dev.m("report.submit", body, at=at or cst(2026, 11, 26, 21, 0))


def sign(dev, world, **data):
    body = {"site_id": world.site(1), "item": "attendance", "year": 2026, "month": 11, **data}
    return dev.m("checklist.sign", body, at=cst(2026, 11, 27, 8, 0))


def test_a_second_report_of_a_day_is_kept_and_the_earliest_counts(store, world, phone):
    manager = phone("manager1")
    late = report(manager, world, at=cst(2026, 11, 27, 0, 20), done="补交")
    first = report(manager, world, at=cst(2026, 11, 26, 21, 0))
    assert [r.status for r in manager.push(late, first)] == ["applied", "applied"]
    rows = list(store.records["manager_report"].values())
    assert {r["period"] for r in rows} == {date(2026, 11, 26)}
    counted = rules.counted(rows)
    assert counted[(world.user("manager1"), "daily", "2026-11-26")]["id"] == first["entity_id"]
    row = store.records["manager_report"][late["entity_id"]]
    assert rules.report_state(row["kind"], row["period"], row["submitted_at"], "Asia/Shanghai") == "late"


@pytest.mark.parametrize("who, data, errors", [
    ("guard1", {}, {"kind": [m.REPORT_NOT_ALLOWED]}),
    ("repair1", {}, {"kind": [m.REPORT_NOT_ALLOWED]}),
    ("manager1", {"kind": "weekly", "period": "2026-11-25"}, {"period": [m.REPORT_PERIOD_NOT_MONDAY]}),
    ("manager1", {"period": "2026-11-28"}, {"period": [m.REPORT_PERIOD_FUTURE]}),
    ("manager1", {"kind": "weekly", "period": "2026-11-30"}, {"period": [m.REPORT_PERIOD_FUTURE]}),
    ("manager1", {"period": "26/11/2026"}, {"period": [m.REPORT_PERIOD_INVALID]}),
    ("manager1", {"done": " "}, {"done": [m.REPORT_DONE_REQUIRED]}),
    ("manager1", {"site_id": None}, {"site_id": [m.SITE_REQUIRED]}),
])
def test_bad_reports_are_refused_and_nothing_is_written(store, world, phone, who, data, errors):
    dev = phone(who)
    result = dev.push_one(report(dev, world, **data))
    assert result.status == "rejected" and result.errors == errors
    assert not store.records.get("manager_report")


def test_a_team_lead_writes_a_weekly_summary(store, world, phone):
    lead = phone("lead1")
    assert lead.push_one(report(lead, world, kind="weekly", period="2026-11-23")).status == "applied"


def test_an_item_is_signed_once_per_site_and_month(store, world, phone):
    manager, supervisor = phone("manager1"), phone("supervisor")
    assert manager.push_one(sign(manager, world, note="已核对")).status == "applied"
    again = supervisor.push_one(sign(supervisor, world))
    assert again.status == "rejected" and again.errors == {"item": [m.CHECKLIST_ALREADY_SIGNED]}
    # another item, or the same item of another month, is its own sign-off
    assert manager.push_one(sign(manager, world, item="purchase_plan")).status == "applied"
    assert manager.push_one(sign(manager, world, month=10)).status == "applied"
    rows = store.records["checklist_signoff"].values()
    assert sorted((r["item"], r["month"]) for r in rows) == [("attendance", 10), ("attendance", 11),
                                                              ("purchase_plan", 11)]
    assert {r["signed_by"] for r in rows} == {world.user("manager1")}


@pytest.mark.parametrize("who, data, errors", [
    ("guard1", {}, {"item": [m.CHECKLIST_NOT_ALLOWED]}),
    ("lead1", {}, {"item": [m.CHECKLIST_NOT_ALLOWED]}),
    ("manager1", {"month": 12}, {"month": [m.CHECKLIST_MONTH_FUTURE]}),
    ("manager1", {"month": 13}, {"month": [m.CHECKLIST_MONTH_INVALID]}),
    ("manager1", {"item": "energy"}, {"item": [m.CHECKLIST_ITEM_INVALID]}),
    ("manager1", {"site_id": "SITE2"}, {"site_id": [m.OTHER_SITE]}),
])
def test_bad_signoffs_are_refused(store, world, phone, who, data, errors):
    dev = phone(who)
    data = {k: (world.site(2) if v == "SITE2" else v) for k, v in data.items()}
    result = dev.push_one(sign(dev, world, **data))
    assert result.status == "rejected" and result.errors == errors
    assert not store.records.get("checklist_signoff")
