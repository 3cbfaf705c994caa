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
    # the later count matches the books, the earlier (blind) one did not: whichever
    # arrived first, the difference is not followed up but goes to the manager to approve
    live = [f for f in store.records["followup"].values() if not f.get("deleted_at")]
    assert [(f["post"], f["detail"]["blind_qty"], f["detail"]["counted_qty"]) for f in live] == \
        [("manager", "5.000", "7.000")]


def test_a_recount_that_clears_the_difference_goes_to_the_manager_with_both_figures(store, world, phone):
    """The blind count cannot be quietly undone: the difference's follow-up gives way to
    one for the manager, holding the blind count, the recount and its reason."""
    keeper = phone("store1")
    check = wid("check:1")
    blind = count(keeper, check, 5, at=NOW - timedelta(minutes=40))
    keeper.push(begin(keeper, world, check), blind)
    (difference,) = store.records["followup"].values()
    assert difference["deleted_at"] is None and difference["assignee_id"] == world.user("store1")
    recount = count(keeper, check, 7, at=NOW - timedelta(minutes=20), note="第一次漏数了货架下层")
    keeper.push(recount)
    assert store.records["followup"][difference["id"]]["deleted_at"] is not None
    (approval,) = [f for f in store.records["followup"].values() if not f.get("deleted_at")]
    assert approval["post"] == "manager" and approval["assignee_id"] == world.user("manager1")
    assert approval["status"] == "open" and approval["source_id"] == recount["entity_id"]
    assert approval["detail"].items() >= {"blind_qty": "5.000", "counted_qty": "7.000", "book_qty": "7",
                                       "blind_difference": "-2.000", "difference": "0.000",
                                       "reason": "第一次漏数了货架下层", "cleared_by_recount": True}.items()
    rows = store.records["stock_count"]
    assert rows[recount["entity_id"]]["followup_id"] == approval["id"]
    assert rows[blind["entity_id"]]["superseded"] is True
    assert len(store.records["conflict"]) == 1


def test_a_third_count_back_beyond_tolerance_takes_the_approval_back(store, world, phone):
    keeper = phone("store1")
    check = wid("check:1")
    keeper.push(begin(keeper, world, check), count(keeper, check, 5, at=NOW - timedelta(minutes=40)),
                count(keeper, check, 7, at=NOW - timedelta(minutes=30), note="重数"))
    keeper.push(count(keeper, check, 4, at=NOW - timedelta(minutes=20), note="再数"))
    (live,) = [f for f in store.records["followup"].values() if not f.get("deleted_at")]
    assert live["post"] != "manager" and live["detail"]["counted_qty"] == "4.000"
    assert live["detail"]["blind_qty"] == "5.000"


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
