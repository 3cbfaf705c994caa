"""Every mutation type through HTTP and the SQL store: patrols, stock, flags, follow-up edits."""
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.models import CheckpointVisit
from app.models import Conflict
from app.models import Finding
from app.models import FollowUp
from app.models import Incident
from app.models import Patrol
from app.models import Photo
from app.models import StockCheck
from app.models import StockCount
from app.models import StockMovement
from app.models import utcnow
from tests.integration.sync.helpers import check_in
from tests.integration.sync.helpers import uid


def statuses(response):
    assert response.status_code == 200, response.json
    return [r["status"] for r in response.json["results"]]


def test_a_patrol_round_with_a_missed_stop_and_a_finding(app, phone_for, world):
    guard = phone_for("guard1")
    start = guard.mutation("patrol.start", {"site_id": world.site1, "route_id": world.route1})
    pid = start["entity_id"]
    visits = [guard.mutation("patrol.checkpoint", {"patrol_id": pid, "checkpoint_id": cp, "method": "qr",
                                                   "location": {"lat": 31.2, "lng": 121.5, "accuracy_m": 9}})
              for cp in world.checkpoints1[:2]]
    finding = guard.mutation("patrol.finding", {"patrol_id": pid, "category": "cleaning", "severity": "low",
                                                "description": "垃圾未清", "handled_on_spot": False,
                                                "checkpoint_id": world.checkpoints1[0]})
    end = guard.mutation("patrol.end", {"notes": "正常"}, entity_id=pid)
    # out of order: the end and the finding before the start
    assert statuses(guard.push([end, finding, visits[1], start, visits[0]])) == ["applied"] * 5
    with app.app_context():
        patrol = db.session.get(Patrol, pid)
        assert patrol.ended_at is not None and patrol.notes == "正常"
        assert patrol.missed_checkpoint_ids == [world.checkpoints1[2]]
        assert db.session.get(CheckpointVisit, visits[0]["entity_id"]).lat == 31.2
        followups = {f.category: f for f in db.session.scalars(select(FollowUp))}
        assert followups["patrol"].detail["missed_checkpoint_ids"] == [world.checkpoints1[2]]
        assert followups["cleaning"].assignee_id == world.users["clean1"]
        assert db.session.get(Finding, finding["entity_id"]).followup_id == followups["cleaning"].id


def test_a_count_is_compared_with_the_books_as_of_its_own_time(app, phone_for, world):
    """Items went out after the count but before it synced: the count is still right."""
    keeper = phone_for("store1")
    counted_at = utcnow() - timedelta(hours=3)
    with app.app_context():
        db.session.add(StockMovement(site_id=world.site1, item_id=world.items1[0], direction="out",
                                     quantity=Decimal(4), occurred_at=utcnow() - timedelta(hours=1),
                                     reference="CK-1"))
        db.session.commit()
    check = keeper.mutation("stock.check_start", {"site_id": world.site1, "store_id": world.store1},
                            at=counted_at - timedelta(minutes=5))
    right = keeper.mutation("stock.count", {"check_id": check["entity_id"], "item_id": world.items1[0],
                                            "counted_qty": 10}, at=counted_at)
    short = keeper.mutation("stock.count", {"check_id": check["entity_id"], "item_id": world.items1[1],
                                            "counted_qty": "18.5", "defective_qty": 2}, at=counted_at)
    finish = keeper.mutation("stock.check_finish", entity_id=check["entity_id"])
    assert statuses(keeper.push([check, right, short, finish])) == ["applied"] * 4
    with app.app_context():
        first = db.session.get(StockCount, right["entity_id"])
        assert first.book_qty == 10 and first.difference == 0 and first.followup_id is None
        second = db.session.get(StockCount, short["entity_id"])
        assert second.difference == Decimal("-1.5") and second.defective_qty == 2
        followup = db.session.get(FollowUp, second.followup_id)
        assert followup.assignee_id == world.users["store1"]
        assert followup.due_at == followup.opened_at + timedelta(hours=72)
        assert db.session.get(StockCheck, check["entity_id"]).finished_at is not None


def test_a_flagged_person_with_photos(app, guard, world):
    visit = check_in(guard.outbox, world.site1)
    photos = [uid()]
    flag = guard.mutation("visit.flag", {"site_id": world.site1, "description": "尾随进入",
                                         "visit_id": visit["entity_id"], "photo_ids": photos})
    assert statuses(guard.push([flag, visit])) == ["applied", "applied"]
    with app.app_context():
        incident = db.session.get(Incident, flag["entity_id"])
        followup = db.session.get(FollowUp, incident.followup_id)
        assert followup.assignee_id == world.users["lead1"]
        assert followup.due_at - followup.opened_at == timedelta(hours=2)
        assert db.session.get(Photo, photos[0]).uploaded is False


def test_a_losing_edit_is_answered_with_its_conflict_in_words(app, phone_for, world):
    manager, cs = phone_for("manager1"), phone_for("cs1")
    patrol = manager.mutation("patrol.start", {"site_id": world.site1})
    finding = manager.mutation("patrol.finding", {"patrol_id": patrol["entity_id"], "category": "other",
                                                  "severity": "low", "description": "路面积水",
                                                  "handled_on_spot": False})
    manager.push([patrol, finding])
    with app.app_context():
        followup = db.session.scalar(select(FollowUp))
        ident, version = followup.id, followup.version
    now = datetime.now(timezone.utc)
    later = manager.mutation("followup.update", {"base_version": version, "assignee_id": world.users["repair1"]},
                             entity_id=ident, at=now - timedelta(minutes=1))
    earlier = cs.mutation("followup.update", {"base_version": version, "assignee_id": world.users["clean1"]},
                          entity_id=ident, at=now - timedelta(minutes=20))
    manager.push([later])
    result = cs.push([earlier]).json["results"][0]
    assert result["status"] == "applied"
    assert result["conflict"]["field"] == "assignee_id"
    assert result["conflict"]["reason"] == "保留了时间较晚的修改。"
    with app.app_context():
        assert db.session.get(FollowUp, ident).assignee_id == world.users["repair1"]
        conflict = db.session.scalar(select(Conflict))
        assert conflict.loser_mutation_id == earlier["id"] and conflict.kept == world.users["repair1"]


def test_a_skewed_phone_is_corrected_and_flagged(app, guard, world):
    """A phone 10 minutes fast: its times are moved back, and the journal says it was off."""
    fast = timedelta(minutes=10)
    true_time = utcnow() - timedelta(minutes=30)
    mutation = guard.mutation("patrol.start", {"site_id": world.site1}, at=true_time + fast)
    response = guard.post("/api/v1/sync", json=guard.outbox.request([mutation], client_time=utcnow() + fast))
    assert response.json["results"][0]["status"] == "applied"
    with app.app_context():
        patrol = db.session.get(Patrol, mutation["entity_id"])
        assert abs(patrol.started_at - true_time) < timedelta(seconds=5)
        assert patrol.started_at_phone - patrol.started_at > timedelta(minutes=9)
        assert patrol.clock_flag == "skewed"
