"""Decisions on stock differences over HTTP: an approval writes exactly one adjusting movement
and phones pull the new book quantity; a recount goes back to the person who counted; every
refusal is a 4xx in words and changes nothing."""
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import FollowUp
from app.models import FollowUpEvent
from app.models import Item
from app.models import StockCount
from app.models import StockMovement
from app.models import book_quantities
from tests.integration.stock.conftest import Keeper

TABLES = ("stock_movements", "stock_counts", "followups", "followup_events", "items", "change_log")


def snapshot(app) -> dict:
    with app.app_context():
        out = {}
        with db.engine.connect() as conn:
            for name in TABLES:
                table = db.metadata.tables[name]
                out[name] = sorted(tuple(str(v) for v in row) for row in conn.execute(select(table)))
        return out


def books(app, item_id) -> Decimal:
    with app.app_context():
        return book_quantities([item_id])[item_id]


@pytest.fixture()
def counted(world, keeper):
    """A finished check of site 1: 灯泡 short by 2, 水龙头 agreeing, 手套 over by 3."""
    it = world.items1
    return keeper.check(world.site1, world.store1, [(it[0], 8, 1), (it[1], 20), (it[2], 33)])


@pytest.mark.parametrize("index, direction, quantity, after", [(0, "out", 2, 8), (2, "in", 3, 33)])
def test_approval_adjusts_the_books_by_one_movement(app, world, counted, desk_for, rows, count_row,
                                                    index, direction, quantity, after):
    item = world.items1[index]
    count_id = counted.counts[item]
    movements = rows(StockMovement)
    response = desk_for("manager1").post(f"/stock/counts/{count_id}/approve", {"note": "已核实"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/stock/checks/{counted.id}#count-{count_id}")
    assert rows(StockMovement) == movements + 1
    row = count_row(count_id)
    assert row.review == "approved" and row.review_note == "已核实"
    assert row.reviewed_by == world.users["manager1"] and row.reviewed_at is not None
    with app.app_context():
        movement = db.session.get(StockMovement, row.adjustment_id)
        assert (movement.direction, movement.quantity, movement.item_id) == (direction, Decimal(quantity), item)
        assert re.fullmatch(r"PD-\d{8}-[0-9A-F]{8}", movement.reference)
        assert movement.user_id == world.users["manager1"] and movement.site_id == world.site1
        assert "翠湖花园仓库" in movement.note and "盘点调整" in movement.note
    assert books(app, item) == after
    with app.app_context():
        followup = db.session.get(FollowUp, row.followup_id)
        assert followup.status == "closed" and followup.resolved_at is not None
        note = db.session.scalar(select(FollowUpEvent).where(FollowUpEvent.followup_id == followup.id,
                                                             FollowUpEvent.kind == "note"))
        assert movement.reference in note.note and "已核实" in note.note
        assert note.user_id == world.users["manager1"]
    page = desk_for("manager1").text(f"/stock/checks/{counted.id}")
    assert movement.reference in page and "已批准" in page and "已核实" in page


def test_the_phone_pulls_the_new_book_quantity(app, world, counted, keeper, desk_for):
    item = world.items1[0]
    first = keeper.phone.push().json
    while first["has_more"]:
        first = keeper.phone.push(cursor=first["cursor"]).json
    with app.app_context():
        version = db.session.get(Item, item).version
    assert desk_for("supervisor1").post(f"/stock/counts/{counted.counts[item]}/approve").status_code == 302
    pulled = keeper.phone.push(cursor=first["cursor"]).json
    changes = [c for c in pulled["changes"] if c["type"] == "item" and c["id"] == item]
    assert len(changes) == 1
    assert changes[0]["data"]["book_qty"] == 8 and changes[0]["version"] == version + 1
    # The other items did not change and are not pulled again.
    assert not [c for c in pulled["changes"] if c["type"] == "item" and c["id"] != item]


def test_the_check_page_shows_a_difference_before_and_after(app, world, counted, desk_for):
    desk = desk_for("manager1")
    count_id = counted.counts[world.items1[0]]
    before = desk.text(f"/stock/checks/{counted.id}")
    line = before[before.index(f'id="count-{count_id}"'):]
    line = line[:line.index("</tr>")]
    assert "diff-short" in line and ">-2<" in line and "/stock/counts/" in line
    with app.app_context():
        followup_id = db.session.get(StockCount, count_id).followup_id
    assert f'href="/followups/{followup_id}"' in line
    assert "批准并调整账面" in line and "退回重盘" in line
    desk.post(f"/stock/counts/{count_id}/approve")
    after = desk.text(f"/stock/checks/{counted.id}")
    line = after[after.index(f'id="count-{count_id}"'):]
    line = line[:line.index("</tr>")]
    assert "批准并调整账面" not in line and "已批准" in line and "PD-" in line


@pytest.mark.parametrize("username", ["manager1", "supervisor1", "admin1"])
def test_who_may_approve(world, counted, desk_for, rows, username):
    assert desk_for(username).post(f"/stock/counts/{counted.counts[world.items1[0]]}/approve").status_code == 302
    assert rows(StockCount, review="approved") == 1


@pytest.mark.parametrize("username, status", [
    ("store1", 403), ("cs1", 403), ("lead1", 403), ("guard1", 403), ("manager2", 404),
])
@pytest.mark.parametrize("action", ["approve", "recount"])
def test_others_may_not_decide(app, world, counted, desk_for, username, status, action):
    before = snapshot(app)
    response = desk_for(username).post(f"/stock/counts/{counted.counts[world.items1[0]]}/{action}",
                                       {"reason": "再数", "note": "x"})
    assert response.status_code == status
    assert snapshot(app) == before


def test_the_check_of_another_site_is_not_found(world, counted, desk_for):
    assert desk_for("manager2").get(f"/stock/checks/{counted.id}").status_code == 404
    assert desk_for("manager1").get(f"/stock/checks/{counted.id}").status_code == 200


def _approved_twice(world, counted, desk, keeper):
    count_id = counted.counts[world.items1[0]]
    assert desk.post(f"/stock/counts/{count_id}/approve").status_code == 302
    return count_id, "approve", {}


def _superseded(world, counted, desk, keeper):
    old = counted.counts[world.items1[0]]
    keeper.recount(counted, world.items1[0], 9)
    return old, "approve", {}


def _zero(world, counted, desk, keeper):
    return counted.counts[world.items1[1]], "approve", {}


def _zero_recount(world, counted, desk, keeper):
    return counted.counts[world.items1[1]], "recount", {"reason": "再数"}


def _unfinished(world, counted, desk, keeper):
    check = keeper.check(world.site1, world.store1, [(world.items1[0], 7)], finish=False)
    return check.counts[world.items1[0]], "approve", {}


def _unfinished_recount(world, counted, desk, keeper):
    check = keeper.check(world.site1, world.store1, [(world.items1[0], 7)], finish=False)
    return check.counts[world.items1[0]], "recount", {"reason": "再数"}


def _no_reason(world, counted, desk, keeper):
    return counted.counts[world.items1[0]], "recount", {"reason": "   "}


def _recount_twice(world, counted, desk, keeper):
    count_id = counted.counts[world.items1[0]]
    assert desk.post(f"/stock/counts/{count_id}/recount", {"reason": "再数"}).status_code == 302
    return count_id, "recount", {"reason": "再数一次"}


def _approve_after_recount(world, counted, desk, keeper):
    count_id = counted.counts[world.items1[0]]
    assert desk.post(f"/stock/counts/{count_id}/recount", {"reason": "再数"}).status_code == 302
    return count_id, "approve", {}


def _recount_after_approve(world, counted, desk, keeper):
    count_id = counted.counts[world.items1[0]]
    assert desk.post(f"/stock/counts/{count_id}/approve").status_code == 302
    return count_id, "recount", {"reason": "再数"}


def _note_too_long(world, counted, desk, keeper):
    return counted.counts[world.items1[0]], "approve", {"note": "长" * 256}


@pytest.mark.parametrize("setup, status, message", [
    (_approved_twice, 409, "该差异已批准，账面已调整。"),
    (_superseded, 409, "该记录已被同一物资的后一次盘点取代"),
    (_zero, 409, "该盘点与账面相符，无需审批。"),
    (_zero_recount, 409, "该盘点与账面相符，无需审批。"),
    (_unfinished, 409, "该次抽查尚未完成"),
    (_unfinished_recount, 409, "该次抽查尚未完成"),
    (_no_reason, 422, "请填写需要重盘的原因。"),
    (_recount_twice, 409, "该物资已退回重盘"),
    (_approve_after_recount, 409, "该物资已退回重盘"),
    (_recount_after_approve, 409, "该差异已批准，账面已调整。"),
    (_note_too_long, 422, "备注太长"),
])
def test_refusals_say_why_and_change_nothing(app, world, counted, keeper, desk_for, setup, status, message):
    desk = desk_for("manager1")
    count_id, action, form = setup(world, counted, desk, keeper)
    before = snapshot(app)
    response = desk.post(f"/stock/counts/{count_id}/{action}", form)
    assert response.status_code == status
    body = response.get_data(as_text=True)
    assert message in body and 'role="alert"' in body
    assert snapshot(app) == before


def test_an_issue_that_would_make_the_books_negative_is_refused(app, world, counted, desk_for):
    """Counted 8 of 10, then all 10 issued: approving the -2 would leave -2 in the books."""
    from datetime import timedelta

    from app.models import utcnow
    item = world.items1[0]
    with app.app_context():
        db.session.add(StockMovement(site_id=world.site1, item_id=item, direction="out", quantity=Decimal(10),
                                     occurred_at=utcnow() - timedelta(minutes=1), reference="CK-1"))
        db.session.commit()
    before = snapshot(app)
    response = desk_for("manager1").post(f"/stock/counts/{counted.counts[item]}/approve")
    assert response.status_code == 409 and "账面现仅有 0 个" in response.get_data(as_text=True)
    assert snapshot(app) == before


def test_the_csrf_token_is_required(app, world, counted, desk_for):
    desk = desk_for("manager1")
    before = snapshot(app)
    response = desk.client.post(f"/stock/counts/{counted.counts[world.items1[0]]}/approve", data={})
    assert response.status_code == 400
    assert snapshot(app) == before


def test_a_recount_goes_back_to_the_person_who_counted(app, world, counted, keeper, desk_for, count_row):
    item = world.items1[0]
    count_id = counted.counts[item]
    with app.app_context():
        followup = db.session.get(FollowUp, count_row(count_id).followup_id)
        followup_id, version = followup.id, followup.version
    # The store keeper had already resolved it on the phone.
    resolve = keeper.phone.mutation("followup.update", {"base_version": version, "status": "resolved"},
                                    entity_id=followup_id)
    keeper.push([resolve])
    first = keeper.phone.push().json
    while first["has_more"]:
        first = keeper.phone.push(cursor=first["cursor"]).json
    response = desk_for("manager1").post(f"/stock/counts/{count_id}/recount", {"reason": "与上月出库单不符，请复盘"})
    assert response.status_code == 302
    row = count_row(count_id)
    assert row.review == "recount" and row.review_note == "与上月出库单不符，请复盘"
    assert row.reviewed_by == world.users["manager1"] and row.adjustment_id is None
    assert books(app, item) == 10
    with app.app_context():
        followup = db.session.get(FollowUp, followup_id)
        assert followup.status == "open" and followup.assignee_id == world.users["store1"]
        assert followup.resolved_at is None
        events = list(db.session.scalars(select(FollowUpEvent).where(
            FollowUpEvent.followup_id == followup_id, FollowUpEvent.user_id == world.users["manager1"])))
        # Through the follow-up desk: journaled edits of the manager's desk, a fresh clock.
        assert sorted(e.kind for e in events) == ["due", "note", "status"]
        assert {e.device_id for e in events} == {f"desktop:{world.users['manager1']}"}
        assert followup.due_at > followup.opened_at + timedelta(hours=1)
    pulled = keeper.phone.push(cursor=first["cursor"]).json
    change = next(c for c in pulled["changes"] if c["type"] == "followup" and c["id"] == followup_id)
    assert change["data"]["status"] == "open" and change["data"]["assignee_id"] == world.users["store1"]
    assert change["data"]["notes"][-1]["text"] == "与上月出库单不符，请复盘"
    # The phone counts again: the new count stands, the old one is shown under it, and the
    # new one can be approved.
    new = keeper.recount(counted, item, 9)
    page = desk_for("manager1").text(f"/stock/checks/{counted.id}")
    assert page.index(f'id="count-{new}"') < page.index("此前的盘点，已被取代")
    assert "与上月出库单不符，请复盘" in page
    assert count_row(count_id).superseded is True
    with app.app_context():
        assert db.session.get(FollowUp, followup_id).source_id == new
    assert desk_for("manager1").post(f"/stock/counts/{new}/approve").status_code == 302
    assert books(app, item) == 9


def test_a_follow_up_with_the_quality_department_is_not_reopened_by_a_manager(app, world, counted, desk_for,
                                                                              count_row):
    """Escalated to level 2, only a supervisor or an admin may reopen it: the desk refuses the
    manager and the whole decision is undone; the supervisor may."""
    count_id = counted.counts[world.items1[0]]
    with app.app_context():
        followup = db.session.get(FollowUp, count_row(count_id).followup_id)
        followup.escalation_level, followup.status = 2, "closed"
        db.session.commit()
    before = snapshot(app)
    response = desk_for("manager1").post(f"/stock/counts/{count_id}/recount", {"reason": "请复盘"})
    assert response.status_code == 409 and 'role="alert"' in response.get_data(as_text=True)
    assert snapshot(app) == before and count_row(count_id).review is None
    assert desk_for("supervisor1").post(f"/stock/counts/{count_id}/recount", {"reason": "请复盘"}).status_code == 302
    assert count_row(count_id).review == "recount"


def test_a_recount_within_tolerance_opens_a_follow_up_for_the_counter(app, world, keeper, desk_for, count_row):
    item = world.items1[0]
    with app.app_context():
        db.session.get(Item, item).tolerance = Decimal(5)
        db.session.commit()
    check = keeper.check(world.site1, world.store1, [(item, 8)])
    count_id = check.counts[item]
    assert count_row(count_id).followup_id is None
    assert desk_for("supervisor1").post(f"/stock/counts/{count_id}/recount", {"reason": "请复盘"}).status_code == 302
    with app.app_context():
        followup = db.session.get(FollowUp, count_row(count_id).followup_id)
        assert followup.status == "open" and followup.assignee_id == world.users["store1"]
        assert followup.category == "stock" and followup.source_id == count_id
        assert followup.created_by == world.users["supervisor1"]
        assert followup.due_at is not None
    # The phone's recount finds the same follow-up rather than making another.
    keeper.recount(check, item, 12)
    with app.app_context():
        assert db.session.query(FollowUp).count() == 1
