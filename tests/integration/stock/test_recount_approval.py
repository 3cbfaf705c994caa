"""A blind count's difference cleared by a recount goes to the manager, over real sync and desk."""
from datetime import datetime
from datetime import timedelta
from datetime import timezone

from sqlalchemy import select

from app.extensions import db
from app.models import FollowUp


def recent(minutes):
    return datetime.now(timezone.utc) - timedelta(minutes=minutes)


def live_followups(app, item_id):
    with app.app_context():
        rows = db.session.scalars(select(FollowUp).where(FollowUp.deleted_at.is_(None))).all()
        return [(f.id, f.post, f.assignee_id, f.status, dict(f.detail)) for f in rows
                if (f.detail or {}).get("item_id") == item_id]


def test_the_manager_sees_both_counts_and_approves_by_closing(app, world, keeper, desk_for):
    item = world.items1[0]  # 10 on the books
    check = keeper.check(world.site1, world.store1, [(item, 7)], finish=False)
    [(difference_id, post, *_)] = live_followups(app, item)
    assert post == "store"
    recount = keeper.phone.mutation("stock.count", {"check_id": check.id, "item_id": item, "counted_qty": 10,
                                                    "note": "第一次漏数了货架下层"})
    keeper.push([recount])
    [(approval_id, post, assignee, status, detail)] = live_followups(app, item)
    assert approval_id != difference_id
    assert (post, assignee, status) == ("manager", world.users["manager1"], "open")
    assert detail["cleared_by_recount"] is True and detail["reason"] == "第一次漏数了货架下层"

    desk = desk_for("manager1")
    page = desk.text(f"/followups/{approval_id}")
    for text in ("首次清点（盲盘）", "实盘 7，差异 -3", "账面 10，实盘 10，差异 0", "复盘原因：第一次漏数了货架下层",
                 "关闭此跟进即为审批通过"):
        assert text in page, text
    assert desk.post(f"/followups/{approval_id}/act", {"action": "close", "note": "同意"}).status_code == 302
    [(_, _, _, status, _)] = live_followups(app, item)
    assert status == "closed"


def test_a_recount_that_arrives_first_still_reaches_the_manager(app, world, keeper):
    """Counts are ordered by their own time: the blind one is the earlier, whatever arrives first."""
    item = world.items1[1]
    start = keeper.phone.mutation("stock.check_start", {"site_id": world.site1, "store_id": world.store1})
    blind = keeper.phone.mutation("stock.count", {"check_id": start["entity_id"], "item_id": item, "counted_qty": 1},
                                  at=recent(40))
    again = keeper.phone.mutation("stock.count", {"check_id": start["entity_id"], "item_id": item,
                                                  "counted_qty": 20, "note": "重数"}, at=recent(20))
    keeper.push([start, again])
    assert [f[1] for f in live_followups(app, item)] == []
    keeper.push([blind])
    [(_, post, _, _, detail)] = live_followups(app, item)
    assert post == "manager" and detail["blind_qty"] == "1.000" and detail["counted_qty"] == "20.000"
