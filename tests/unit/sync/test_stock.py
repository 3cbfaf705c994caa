"""Stock rules: books as of the count's time, tolerance, second counts, defective pieces."""
from datetime import timedelta
from decimal import Decimal

from sync import messages as m
from sync.testing import T0
from sync.testing import wid
from tests.unit.sync.conftest import NOW

ITEM = wid("item:1:1")  # 10 in on 1 January, 3 out on 1 June


def begin(device, world, check_id, at=None):
    return device.m("stock.check_start", {"site_id": world.site(1), "store_id": wid("store:1")},
                    entity_id=check_id, at=at or NOW - timedelta(hours=1))


def count(device, check_id, qty, at=None, item=ITEM, **extra):
    return device.m("stock.count", {"check_id": check_id, "item_id": item, "counted_qty": qty, **extra},
                    at=at or NOW - timedelta(minutes=30))


def test_the_book_quantity_is_the_ledger_as_of_the_counts_time(store, world, phone):
    keeper = phone("store1")
    check = wid("check:1")
    in_may = T0 + timedelta(days=140)
    may_count = count(keeper, check, 10, at=in_may)
    keeper.push(begin(keeper, world, check, at=in_may - timedelta(minutes=5)), may_count)
    row = store.records["stock_count"][may_count["entity_id"]]
    assert row["book_qty"] == 10 and row["difference"] == 0
    assert store.records["followup"] == {}


def test_a_difference_beyond_tolerance_opens_a_follow_up_for_the_store_keeper(store, world, phone):
    keeper = phone("store1")
    check = wid("check:1")
    at = NOW - timedelta(minutes=30)
    counted = count(keeper, check, 5, at=at, defective_qty=2)
    keeper.push(begin(keeper, world, check), counted)
    row = store.records["stock_count"][counted["entity_id"]]
    assert row["book_qty"] == 7 and row["difference"] == -2 and row["defective_qty"] == 2
    followup = store.records["followup"][row["followup_id"]]
    assert followup["assignee_id"] == world.user("store1") and followup["category"] == "stock"
    assert followup["due_at"] == at + timedelta(hours=72)
    assert followup["detail"]["difference"] == "-2.000"


def test_within_the_sites_tolerance_no_follow_up(store, world, phone):
    store.sites[world.site(1)] = store.sites[world.site(1)].__class__(
        id=world.site(1), settings={"stock_tolerance": {"default": 2}})
    keeper = phone("store1")
    check = wid("check:1")
    keeper.push(begin(keeper, world, check), count(keeper, check, 5))
    assert store.records["followup"] == {}


def test_a_second_count_the_later_stands_whatever_the_arrival(store, world, phone):
    keeper = phone("store1")
    check = wid("check:1")
    early = count(keeper, check, 5, at=NOW - timedelta(minutes=40))
    late = count(keeper, check, 7, at=NOW - timedelta(minutes=20))
    keeper.push_one(begin(keeper, world, check))
    keeper.push_one(late)
    result = keeper.push_one(early)
    assert result.conflict["field"] == "counted_qty" and result.conflict["kept"] == "7.000"
    assert store.records["stock_count"][late["entity_id"]]["superseded"] is False
    assert store.records["stock_count"][early["entity_id"]]["superseded"] is True
    # the later count matches the books: no follow-up stays open for the earlier one
    assert all(f.get("deleted_at") for f in store.records["followup"].values())


def test_a_recount_within_tolerance_withdraws_the_follow_up(store, world, phone):
    keeper = phone("store1")
    check = wid("check:1")
    keeper.push(begin(keeper, world, check), count(keeper, check, 5, at=NOW - timedelta(minutes=40)))
    (followup,) = store.records["followup"].values()
    assert followup["deleted_at"] is None
    keeper.push(count(keeper, check, 7, at=NOW - timedelta(minutes=20)))
    assert store.records["followup"][followup["id"]]["deleted_at"] is not None
    assert len(store.records["conflict"]) == 1


def test_an_item_of_another_store_is_refused(store, world, phone):
    keeper = phone("store1")
    check = wid("check:1")
    keeper.push_one(begin(keeper, world, check))
    result = keeper.push_one(count(keeper, check, 1, item=wid("item:2:1")))
    assert result.errors == {"item_id": [m.UNKNOWN_ITEM]}


def test_counts_wait_for_their_check_and_finish_keeps_the_latest(store, world, phone):
    keeper = phone("store1")
    check = wid("check:1")
    counted = count(keeper, check, 7)
    finish = keeper.m("stock.check_finish", entity_id=check, at=NOW - timedelta(minutes=10))
    assert [r.status for r in keeper.push(counted, finish)] == ["deferred", "deferred"]
    keeper.push_one(begin(keeper, world, check))
    assert store.records["stock_count"][counted["entity_id"]]["difference"] == Decimal(0)
    assert store.records["stock_check"][check]["finished_at"] == NOW - timedelta(minutes=10)
