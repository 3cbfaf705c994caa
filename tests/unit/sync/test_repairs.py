"""Repair orders: the follow-up each opens, visits that issue materials from the store,
the owner's sign-off; in any order of arrival, with a fake "now" (no sleeping)."""
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from sync import messages as m
from sync.repairs import followup_id
from sync.repairs import order_number
from sync.testing import wid
from tests.unit.sync.conftest import CST
from tests.unit.sync.conftest import NOW

AT = NOW - timedelta(hours=3)
BULB = wid("item:1:1")  # 10 in on 1 January, 3 out on 1 June: 7 in the books now
GLOVES = wid("item:1:2")


def request(world, **extra):
    data = {"site_id": world.site(1), "description": "3-2-501 厨房水龙头漏水", "urgency": "normal",
            "channel": "phone", "unit": "3-2-501", "owner_name": "李女士", "owner_phone": "13912345678"}
    data.update(extra)
    return data


def visit(repair_id, materials=(), **extra):
    data = {"repair_id": repair_id,
            "started_at": (NOW - timedelta(hours=1)).astimezone(CST).isoformat(),
            "finished_at": (NOW - timedelta(minutes=20)).astimezone(CST).isoformat(),
            "work_done": "更换水龙头阀芯", "materials": list(materials),
            "before_photo_ids": [wid("photo:before")], "after_photo_ids": [wid("photo:after")]}
    data.update(extra)
    return data


def take(device, world, **extra):
    mutation = device.m("repair.create", request(world, **extra), at=AT)
    return mutation, device.push_one(mutation)


@pytest.mark.parametrize("urgency, severity, hours", [("urgent", "high", 2), ("normal", "medium", 24),
                                                      ("low", "low", 72)])
def test_a_request_opens_a_follow_up_on_the_repair_post_due_by_its_urgency(store, world, phone,
                                                                          urgency, severity, hours):
    mutation, result = take(phone("cs1"), world, urgency=urgency)
    assert result.status == "applied"
    order = store.records["repair"][mutation["entity_id"]]
    followup = store.records["followup"][followup_id(mutation["entity_id"])]
    assert order["followup_id"] == followup["id"] and order["status"] == "open"
    assert order["number"] == order_number(mutation["entity_id"], AT, "Asia/Shanghai")
    assert followup["source_type"] == "repair" and followup["category"] == "repair"
    assert followup["post"] == "repair" and followup["assignee_id"] == world.user("repair1")
    assert followup["severity"] == severity and followup["clock"] == f"repair_{urgency}"
    assert followup["due_at"] == AT + timedelta(hours=hours) == order["due_at"]


def test_the_sites_repair_clock_is_used(store, world, phone):
    site = store.sites[world.site(1)]
    store.sites[site.id] = replace(site, settings={"clocks": {"repair_urgent": 45}})
    mutation, _ = take(phone("cs1"), world, urgency="urgent")
    assert store.records["followup"][followup_id(mutation["entity_id"])]["due_at"] == AT + timedelta(minutes=45)


def test_a_visit_issues_each_material_from_the_store_and_the_books_drop(store, world, phone):
    mutation, _ = take(phone("cs1"), world)
    repair_id = mutation["entity_id"]
    worker = phone("repair1")
    assert store.book_quantity(BULB, NOW) == 7
    work = worker.m("repair.work", visit(repair_id, [{"item_id": BULB, "quantity": "2"},
                                                      {"item_id": GLOVES, "quantity": 1.5}]),
                    at=NOW - timedelta(minutes=15))
    result = worker.push_one(work)
    assert result.status == "applied"
    assert store.book_quantity(BULB, NOW) == Decimal("5.000")
    assert store.book_quantity(GLOVES, NOW) == Decimal("5.500")
    movements = store.records["stock_movement"].values()
    order = store.records["repair"][repair_id]
    assert {(r["item_id"], r["direction"], r["quantity"], r["reference"]) for r in movements} == {
        (BULB, "out", Decimal("2.000"), order["number"]), (GLOVES, "out", Decimal("1.500"), order["number"])}
    assert order["status"] == "worked" and order["work_count"] == 1
    row = store.records["repair_work"][work["entity_id"]]
    assert row["work_done"] == "更换水龙头阀芯" and [x["item_id"] for x in row["materials"]] == [BULB, GLOVES]
    assert store.records["photo"][wid("photo:after")]["record_id"] == work["entity_id"]


def test_a_repeated_push_issues_nothing_twice(store, world, phone):
    mutation, _ = take(phone("cs1"), world)
    worker = phone("repair1")
    work = worker.m("repair.work", visit(mutation["entity_id"], [{"item_id": BULB, "quantity": 2}]))
    worker.push(work)
    again = worker.push_one(work)
    assert again.status == "duplicate"
    assert len(store.records["stock_movement"]) == 1 and store.book_quantity(BULB, NOW) == 5


def test_a_visit_that_arrives_before_its_order_waits_for_it(store, world, phone):
    desk = phone("cs1")
    create = desk.m("repair.create", request(world), at=AT)
    worker = phone("repair1")
    work = worker.m("repair.work", visit(create["entity_id"], [{"item_id": BULB, "quantity": 1}]))
    assert worker.push_one(work).status == "deferred"
    assert store.records["stock_movement"] == {}
    desk.push(create)
    assert store.records["repair"][create["entity_id"]]["status"] == "worked"
    assert store.book_quantity(BULB, NOW) == 6


@pytest.mark.parametrize("change, field, message", [
    ({"work_done": " "}, "work_done", m.WORK_DONE_REQUIRED),
    ({"materials": [{"item_id": BULB, "quantity": 0}]}, "materials.0.quantity", m.MATERIAL_QTY_INVALID),
    ({"materials": [{"item_id": BULB, "quantity": "-1"}]}, "materials.0.quantity", m.MATERIAL_QTY_INVALID),
    ({"materials": [{"item_id": BULB, "quantity": 1}, {"item_id": BULB, "quantity": 2}]}, "materials",
     m.MATERIAL_TWICE),
    ({"materials": [{"item_id": wid("item:2:1"), "quantity": 1}]}, "materials.0.item_id", m.UNKNOWN_REPAIR_ITEM),
    ({"finished_at": (NOW - timedelta(hours=2)).isoformat()}, "finished_at", m.FINISHED_BEFORE_STARTED),
    ({"started_at": "yesterday"}, "started_at", m.STARTED_AT_INVALID),
])
def test_bad_work_is_rejected_and_changes_nothing(store, world, phone, change, field, message):
    mutation, _ = take(phone("cs1"), world)
    before = store.snapshot()
    worker = phone("repair1")
    result = worker.push_one(worker.m("repair.work", visit(mutation["entity_id"], **change)))
    assert result.status == "rejected" and result.errors[field] == [message]
    assert store.snapshot() == before


def test_only_repair_staff_or_a_manager_record_work(store, world, phone):
    mutation, _ = take(phone("cs1"), world)
    guard = phone("guard1")
    result = guard.push_one(guard.m("repair.work", visit(mutation["entity_id"], [{"item_id": BULB, "quantity": 1}])))
    assert result.status == "rejected" and result.code == "forbidden"
    assert store.records["stock_movement"] == {}
    manager = phone("manager1")
    assert manager.push_one(manager.m("repair.work", visit(mutation["entity_id"]))).status == "applied"


@pytest.mark.parametrize("change, field, message", [
    ({"description": ""}, "description", m.REPAIR_DESCRIPTION_REQUIRED),
    ({"urgency": "asap"}, "urgency", m.URGENCY_INVALID),
    ({"channel": "pigeon"}, "channel", m.REPAIR_CHANNEL_INVALID),
    ({"owner_phone": "call me"}, "owner_phone", m.PHONE_INVALID),
    ({"site_id": wid("site:2")}, "site_id", m.OTHER_SITE),
])
def test_a_bad_request_is_rejected_and_opens_nothing(store, world, phone, change, field, message):
    _, result = take(phone("cs1"), world, **change)
    assert result.status == "rejected" and result.errors == {field: [message]}
    assert store.records["repair"] == {} and store.records["followup"] == {}


def test_the_owners_signoff_is_kept_and_the_later_of_two_stands(store, world, phone):
    mutation, _ = take(phone("cs1"), world)
    repair_id = mutation["entity_id"]
    worker = phone("repair1")
    late = worker.m("repair.signoff", {"satisfaction": "satisfied", "opinion": "修得很好", "signed_by": "李女士",
                                       "signature_photo_id": wid("photo:sign")},
                    entity_id=repair_id, at=NOW - timedelta(minutes=5))
    early = worker.m("repair.signoff", {"satisfaction": "basically"}, entity_id=repair_id,
                     at=NOW - timedelta(minutes=10))
    assert worker.push_one(late).status == "applied"
    result = worker.push_one(early)
    assert result.status == "applied" and result.conflict["field"] == "signoff"
    order = store.records["repair"][repair_id]
    assert order["satisfaction"] == "satisfied" and order["opinion"] == "修得很好"
    assert order["status"] == "signed_off" and order["signoff_mutation_id"] == late["id"]
    assert len(store.records["conflict"]) == 1


def test_a_signoff_before_its_order_waits_and_a_bad_one_is_refused(store, world, phone):
    desk = phone("cs1")
    create = desk.m("repair.create", request(world), at=AT)
    worker = phone("repair1")
    bad = worker.m("repair.signoff", {"satisfaction": "thrilled"}, entity_id=create["entity_id"])
    assert worker.push_one(bad).errors == {"satisfaction": [m.SATISFACTION_INVALID]}
    sign = worker.m("repair.signoff", {"satisfaction": "satisfied"}, entity_id=create["entity_id"])
    assert worker.push_one(sign).status == "deferred"
    desk.push(create)
    assert store.records["repair"][create["entity_id"]]["status"] == "signed_off"


def _state(store):
    """What the repairs leave behind, without the journal's own bookkeeping."""
    snap = store.snapshot()
    keep = ("repair", "repair_work", "stock_movement", "conflict")
    drop = ("received_at", "version", "device_id", "created_at")
    # A conflict's ``mutation_id`` is whichever arrival found it: bookkeeping, not state.
    return {kind: {i: {k: v for k, v in row.items() if k not in drop and (kind, k) != ("conflict", "mutation_id")}
                   for i, row in snap[kind].items()}
            for kind in keep}


@pytest.mark.parametrize("order", [(0, 1, 2, 3, 4), (4, 3, 2, 1, 0), (2, 0, 4, 1, 3), (3, 4, 0, 2, 1)])
def test_the_order_of_arrival_does_not_matter(world, order):
    """Two visits from two phones, two sign-offs and the request, in any order: the same
    orders, visits, movements and conflict, and the books drop by both visits' materials."""
    from sync.testing import memory_store
    from tests.unit.sync.conftest import Device

    maker = {name: Device(memory_store(world), world, name) for name in ("cs1", "repair1", "manager1")}
    desk, worker, manager = maker["cs1"], maker["repair1"], maker["manager1"]
    repair_id = wid("repair:converge")
    mutations = [
        ("cs1", desk.m("repair.create", request(world), entity_id=repair_id, at=AT)),
        ("repair1", worker.m("repair.work", visit(repair_id, [{"item_id": BULB, "quantity": 2}]),
                             entity_id=wid("work:1"), at=NOW - timedelta(minutes=40))),
        ("manager1", manager.m("repair.work", visit(repair_id, [{"item_id": BULB, "quantity": 1}]),
                               entity_id=wid("work:2"), at=NOW - timedelta(minutes=30))),
        ("repair1", worker.m("repair.signoff", {"satisfaction": "basically"}, entity_id=repair_id,
                             at=NOW - timedelta(minutes=20))),
        ("manager1", manager.m("repair.signoff", {"satisfaction": "satisfied"}, entity_id=repair_id,
                               at=NOW - timedelta(minutes=10))),
    ]

    def deliver(sequence):
        """The same mutations, from phones with the same ids, to a fresh store."""
        store = memory_store(world)
        phones = {}
        for name, device in maker.items():
            phones[name] = Device(store, world, name)
            phones[name].device_id = device.device_id
        for n in sequence:
            name, mutation = mutations[n]
            phones[name].push(mutation)
        return store

    clean = deliver(range(5))
    messy = deliver(order)
    assert _state(messy) == _state(clean)
    order_row = clean.records["repair"][wid("repair:converge")]
    assert order_row["satisfaction"] == "satisfied" and order_row["work_count"] == 2
    assert messy.book_quantity(BULB, NOW) == 4
