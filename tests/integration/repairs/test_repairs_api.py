"""Repair orders over /api/v1/sync on both databases: taken, pulled by the repair post,
worked with materials that move the book quantity exactly, signed off; a repeated push
changes nothing; bad input is refused in Chinese and changes nothing."""
from decimal import Decimal

from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from app.models import FollowUp
from app.models import RepairOrder
from app.models import RepairWork
from app.models import StockMovement
from app.models import book_quantities
from tests.integration.repairs.conftest import work_data
from tests.integration.sync.conftest import SyncPhone


def counts(app):
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(model))
                     for model in (RepairOrder, RepairWork, StockMovement, FollowUp))


def test_a_request_opens_a_follow_up_on_the_repair_post_and_reaches_the_repair_phone(app, client, world, take):
    repair_id = take(urgency="urgent")
    with app.app_context():
        order = db.session.get(RepairOrder, repair_id)
        followup = db.session.get(FollowUp, order.followup_id)
        assert followup.assignee_id == world.users["repair1"] and followup.category == "repair"
        assert (order.due_at - order.requested_at).total_seconds() == 2 * 3600
        assert order.number.startswith("WX-")
    worker = SyncPhone(client, "repair1")
    changes = worker.push([]).json["changes"]
    pulled = [c for c in changes if c["type"] == "repair"]
    assert [c["id"] for c in pulled] == [repair_id]
    assert pulled[0]["data"]["owner_phone"] == "139****5678" and pulled[0]["data"]["status"] == "open"
    # A cleaner's phone does not get it; the other site's repair worker neither.
    for username in ("clean1", "repair2"):
        other = SyncPhone(client, username).push([]).json["changes"]
        assert not [c for c in other if c["type"] == "repair"]


def test_work_with_materials_moves_the_book_quantity_exactly_and_once(app, client, world, take):
    repair_id = take()
    bulb, tap = world.items1[0], world.items1[1]
    with app.app_context():
        before = book_quantities([bulb, tap])
    worker = SyncPhone(client, "repair1")
    worker.push([])
    work = worker.mutation("repair.work", work_data(repair_id, [{"item_id": bulb, "quantity": "2"},
                                                                {"item_id": tap, "quantity": 1.5}]))
    sign = worker.mutation("repair.signoff", {"satisfaction": "satisfied", "opinion": "很满意", "signed_by": "李女士"},
                           entity_id=repair_id)
    first = worker.push([work, sign])
    assert [r["status"] for r in first.json["results"]] == ["applied", "applied"], first.json
    # The item's new book quantity comes back in the same answer.
    items = {c["id"]: c["data"]["book_qty"] for c in first.json["changes"] if c["type"] == "item"}
    assert items[bulb] == float(before[bulb] - 2) and items[tap] == float(before[tap] - Decimal("1.5"))
    again = worker.push([work, sign])
    assert [r["status"] for r in again.json["results"]] == ["duplicate", "duplicate"]
    with app.app_context():
        after = book_quantities([bulb, tap])
        assert after[bulb] == before[bulb] - 2 and after[tap] == before[tap] - Decimal("1.5")
        order = db.session.get(RepairOrder, repair_id)
        movements = db.session.scalars(select(StockMovement).where(StockMovement.reference == order.number)).all()
        assert sorted((m.item_id, m.direction, m.quantity) for m in movements) == sorted(
            [(bulb, "out", Decimal("2.000")), (tap, "out", Decimal("1.500"))])
        assert order.status == "signed_off" and order.satisfaction == "satisfied" and order.signed_by == "李女士"
        assert db.session.scalar(select(func.count()).select_from(RepairWork)) == 1
    # Signed off: a repair phone no longer holds it.
    fresh = SyncPhone(client, "repair1").push([]).json["changes"]
    assert not [c for c in fresh if c["type"] == "repair"]


def test_bad_input_is_refused_in_chinese_and_changes_nothing(app, client, world, take):
    repair_id = take()
    worker = SyncPhone(client, "repair1")
    before = counts(app)
    with app.app_context():
        books = book_quantities(world.items1)
    bad = [
        worker.mutation("repair.work", work_data(repair_id, [{"item_id": world.items1[0], "quantity": 0}])),
        worker.mutation("repair.work", work_data(repair_id, [{"item_id": world.items2[0], "quantity": 1}])),
        worker.mutation("repair.work", work_data(repair_id, work_done="")),
        worker.mutation("repair.signoff", {"satisfaction": "great"}, entity_id=repair_id),
        worker.mutation("repair.create", {"site_id": world.site1, "description": "灯坏了", "urgency": "asap",
                                          "channel": "phone"}),
    ]
    results = worker.push(bad).json["results"]
    assert [r["status"] for r in results] == ["rejected"] * 5
    assert results[0]["errors"] == {"materials.0.quantity": ["请填写大于 0 的材料数量。"]}
    assert results[1]["errors"] == {"materials.0.item_id": ["本小区仓库没有这种物品。"]}
    assert results[2]["errors"] == {"work_done": ["请填写维修内容。"]}
    assert results[3]["errors"] == {"satisfaction": ["请选择业主的满意程度。"]}
    assert results[4]["errors"] == {"urgency": ["请选择紧急程度（紧急、一般或不急）。"]}
    assert counts(app) == before
    with app.app_context():
        assert book_quantities(world.items1) == books


def test_a_guard_cannot_record_repair_work(app, client, world, take):
    repair_id = take()
    guard = SyncPhone(client, "guard1")
    result = guard.push([guard.mutation("repair.work", work_data(repair_id, [
        {"item_id": world.items1[0], "quantity": 1}]))]).json["results"][0]
    assert result["status"] == "rejected" and result["code"] == "forbidden"
    assert result["errors"] == {"repair_id": ["只有本小区的维修人员或经理可以登记维修。"]}


def test_an_overdue_repair_climbs_to_the_manager_with_the_sweep(app, world, take):
    """The repair's follow-up is an ordinary one: the existing sweep escalates it when late."""
    from datetime import datetime
    from datetime import timedelta
    from datetime import timezone

    from tests.integration.followups.conftest import sweep

    repair_id = take(urgency="urgent", at=datetime.now(timezone.utc) - timedelta(hours=3))
    result = sweep(app, datetime.now(timezone.utc), "--site", "S1")
    assert result.exit_code == 0, result.output
    with app.app_context():
        order = db.session.get(RepairOrder, repair_id)
        followup = db.session.get(FollowUp, order.followup_id)
        assert (followup.escalation_level, followup.assignee_id) == (1, world.users["manager1"])
