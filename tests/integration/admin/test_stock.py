"""Stores, items and stock movements: books per item, paperwork required, never below zero."""
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from app.models import Item
from app.models import StockMovement
from app.models import Store
from app.models import book_quantities

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(dt: datetime) -> str:
    """The value a datetime-local input sends, in the site's zone."""
    return dt.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")


def book(app, item_id) -> Decimal:
    with app.app_context():
        return book_quantities([item_id])[item_id]


def movement(item_id, **changes):
    data = {"item_id": item_id, "direction": "in", "quantity": "5", "reference": "RK-2026-001",
            "occurred_at": local(datetime.now(timezone.utc) - timedelta(hours=1)), "note": ""}
    data.update(changes)
    return data


def test_store_page_shows_book_quantities(desk, world):
    text = desk.text(f"/admin/stores/{world.store1}")
    assert "灯泡" in text
    assert "<strong>10</strong>" in text and "<strong>30</strong>" in text
    assert "小区默认（0）" in text


def test_create_and_rename_store(app, desk, count, fetch, world):
    assert desk.post("/admin/stores/new", {"site_id": world.site2, "name": "二号库"}).status_code == 302
    assert count(Store, site_id=world.site2) == 2
    assert desk.post(f"/admin/stores/{world.store1}/edit", {"name": "一号库"}).status_code == 302
    assert fetch(Store, world.store1).name == "一号库"
    assert desk.post(f"/admin/stores/{world.store1}/edit", {"name": "库" * 10_000}).status_code == 422
    assert fetch(Store, world.store1).name == "一号库"


def test_create_and_edit_item(app, desk, count, fetch, world):
    response = desk.post("/admin/items/new", {"store_id": world.store1, "name": "电工胶布", "unit": "卷",
                                              "sku": "WJ-100", "tolerance": "0.5", "active": "y"})
    assert response.status_code == 302
    assert count(Item, store_id=world.store1, site_id=world.site1, sku="WJ-100") == 1
    item_id = world.items1[0]
    response = desk.post(f"/admin/items/{item_id}/edit", {"name": "LED灯泡", "unit": "个", "sku": "",
                                                          "tolerance": ""})
    assert response.status_code == 302
    item = fetch(Item, item_id)
    assert (item.name, item.sku, item.tolerance, item.active) == ("LED灯泡", None, None, False)


@pytest.mark.parametrize("changes, message", [
    ({"store_id": "elsewhere"}, "不是有效的选择"),
    ({"name": ""}, "此项为必填项"),
    ({"unit": "个" * 17}, "最多 16 个字符"),
    ({"tolerance": "-1"}, "请填写 0 到"),
    ({"tolerance": "abc"}, "不是有效的小数"),
    ({"tolerance": "Infinity"}, "请输入数字"),
    ({"sku": "WJ-1"}, "该值已被使用"),
])
def test_bad_item_is_refused(app, desk, count, world, changes, message):
    with app.app_context():
        from app.extensions import db
        db.session.get(Item, world.items1[0]).sku = "WJ-1"
        db.session.commit()
    data = {"store_id": world.store1, "name": "电工胶布", "unit": "卷"}
    data.update(changes)
    before = count(Item)
    response = desk.post("/admin/items/new", data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(Item) == before


def test_store_of_another_site_can_be_chosen_only_if_visible(desk, count, world):
    """Both sites are the admin's; the item lands in the store's own site."""
    assert desk.post("/admin/items/new", {"store_id": world.store2, "name": "扫帚", "unit": "把"}).status_code == 302
    assert count(Item, store_id=world.store2, site_id=world.site2, name="扫帚") == 1


def test_receipt_and_issue_change_the_book(app, desk, count, world):
    item = world.items1[0]  # 10 in the books
    assert desk.post(f"/admin/stores/{world.store1}/movements", movement(item, quantity="2.5")).status_code == 302
    assert book(app, item) == Decimal("12.5")
    response = desk.post(f"/admin/stores/{world.store1}/movements",
                         movement(item, direction="out", quantity="12.5", reference="CK-9"))
    assert response.status_code == 302
    assert book(app, item) == 0
    assert count(StockMovement, item_id=item, reference="CK-9", user_id=world.users["admin1"]) == 1


def test_time_is_read_and_shown_in_the_site_zone(app, desk, world):
    item = world.items1[1]
    response = desk.post(f"/admin/stores/{world.store1}/movements",
                         movement(item, occurred_at="2026-01-05T08:30", reference="RK-TZ"))
    assert response.status_code == 302
    with app.app_context():
        from app.extensions import db
        row = db.session.scalar(db.select(StockMovement).where(StockMovement.reference == "RK-TZ"))
        assert row.occurred_at == datetime(2026, 1, 5, 0, 30, tzinfo=timezone.utc)
    assert "2026-01-05 08:30" in desk.text(f"/admin/stores/{world.store1}/movements?item={item}")


@pytest.mark.parametrize("changes, message", [
    ({"direction": "out", "quantity": "10.001"}, "该时间账面只有 10 个"),
    ({"reference": ""}, "此项为必填项"),
    ({"reference": "单" * 61}, "最多 60 个字符"),
    ({"quantity": "0"}, "请填写 0.001 到"),
    ({"quantity": "-3"}, "请填写 0.001 到"),
    ({"quantity": "1.0001"}, "最多 3 位小数"),
    ({"quantity": "NaN"}, "请输入数字"),
    ({"quantity": "1e20"}, "请填写 0.001 到"),
    ({"quantity": "many"}, "不是有效的小数"),
    ({"direction": "sideways"}, "不是有效的选择"),
    ({"occurred_at": "yesterday"}, "不是有效的日期与时间值"),
    ({"occurred_at": local(datetime.now(timezone.utc) + timedelta(days=1))}, "出入库时间不能晚于现在"),
    ({"item_id": "nothing"}, "不是有效的选择"),
    ({"note": "注" * 10_000}, "最多 255 个字符"),
])
def test_bad_movement_is_refused_and_nothing_written(app, desk, count, world, changes, message):
    item = world.items1[0]
    before = count(StockMovement)
    data = movement(item)
    data.update(changes)
    response = desk.post(f"/admin/stores/{world.store1}/movements", data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(StockMovement) == before
    assert book(app, item) == 10


def test_backdated_issue_cannot_make_a_later_book_negative(app, desk, count, world):
    """10 received ten days ago; 8 issued yesterday. Issuing 5 three days ago would leave -3 after yesterday."""
    item = world.items1[0]
    now = datetime.now(timezone.utc)
    assert desk.post(f"/admin/stores/{world.store1}/movements",
                     movement(item, direction="out", quantity="8", occurred_at=local(now - timedelta(days=1)),
                              reference="CK-1")).status_code == 302
    before = count(StockMovement)
    response = desk.post(f"/admin/stores/{world.store1}/movements",
                         movement(item, direction="out", quantity="5", occurred_at=local(now - timedelta(days=3)),
                                  reference="CK-2"))
    assert response.status_code == 422
    assert "该时间账面只有 2 个" in response.get_data(as_text=True)
    assert count(StockMovement) == before
    # an issue before the first receipt is refused too
    response = desk.post(f"/admin/stores/{world.store1}/movements",
                         movement(item, direction="out", quantity="1", occurred_at=local(now - timedelta(days=30)),
                                  reference="CK-3"))
    assert response.status_code == 422
    assert count(StockMovement) == before


def test_item_of_another_store_is_not_a_choice(desk, count, world):
    before = count(StockMovement)
    response = desk.post(f"/admin/stores/{world.store1}/movements", movement(world.items2[0]))
    assert response.status_code == 422
    assert count(StockMovement) == before


def test_movement_list_filters_by_item_and_404s_for_other_stores_items(desk, world):
    text = desk.text(f"/admin/stores/{world.store1}/movements?item={world.items1[1]}")
    assert "RK-S1-2" in text and "RK-S1-1" not in text
    assert "当前账面数量：20 个" in text
    assert desk.get(f"/admin/stores/{world.store1}/movements?item={world.items2[0]}").status_code == 404
