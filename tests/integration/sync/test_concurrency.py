"""Exactly once under concurrency: two connections push at the same moment.

Each thread makes its own requests through the app, so each has its own session and its
own database connection; a barrier releases them together.
"""
import threading

from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from app.models import ChangeLog
from app.models import FollowUp
from app.models import FollowUpEvent
from app.models import JournalRow
from app.models import Visit
from tests.integration.sync.helpers import check_in


def at_once(app, *calls):
    """Run each call in its own thread, released together; return their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)
    errors = []

    def run(index, call):
        try:
            client = app.test_client()
            barrier.wait(timeout=10)
            results[index] = call(client)
        except Exception as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def post_as(phone, body):
    def call(client):
        return client.post("/api/v1/sync", json=body, headers=phone.headers())
    return call


def test_the_same_push_twice_at_once_has_one_effect(app, guard, world):
    mutations = [check_in(guard.outbox, world.site1) for _ in range(40)]
    body = guard.outbox.request(mutations)
    first, second = at_once(app, post_as(guard, body), post_as(guard, body))
    assert first.status_code == second.status_code == 200, (first.json, second.json)
    statuses = sorted({r["status"] for r in first.json["results"]} | {r["status"] for r in second.json["results"]})
    assert statuses == ["applied", "duplicate"]
    for one, other in zip(first.json["results"], second.json["results"]):
        assert {one["status"], other["status"]} == {"applied", "duplicate"}
        assert one["entity_id"] == other["entity_id"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Visit)) == 40
        assert db.session.scalar(select(func.count()).select_from(JournalRow)) == 40
        assert db.session.scalar(select(func.count()).select_from(ChangeLog)
                                 .where(ChangeLog.entity_type == "visit")) == 40


def test_two_edits_of_one_follow_up_at_once_lose_nothing(app, phone_for, world):
    """Two phones change the same follow-up at the same moment: both edits and both versions count."""
    manager = phone_for("manager1")
    patrol = manager.mutation("patrol.start", {"site_id": world.site1})
    finding = manager.mutation("patrol.finding", {
        "patrol_id": patrol["entity_id"], "category": "repair", "severity": "high",
        "description": "水管漏水", "handled_on_spot": False})
    manager.push([patrol, finding])
    with app.app_context():
        followup = db.session.scalar(select(FollowUp))
        followup_id, version = followup.id, followup.version

    repair, cs = phone_for("repair1"), phone_for("manager1")
    edit_repair = repair.mutation("followup.update", {"base_version": version, "status": "in_progress",
                                                      "note": "已到场"}, entity_id=followup_id)
    edit_cs = cs.mutation("followup.update", {"base_version": version, "note": "已通知业主"},
                          entity_id=followup_id)
    one, two = at_once(app, post_as(repair, repair.outbox.request([edit_repair])),
                       post_as(cs, cs.outbox.request([edit_cs])))
    assert one.json["results"][0]["status"] == two.json["results"][0]["status"] == "applied"
    with app.app_context():
        followup = db.session.get(FollowUp, followup_id)
        assert followup.status == "in_progress" and followup.note_count == 2
        assert followup.version == version + 2
        notes = db.session.scalars(select(FollowUpEvent.note).where(
            FollowUpEvent.followup_id == followup_id, FollowUpEvent.kind == "note")).all()
        assert sorted(notes) == ["已到场", "已通知业主"]
        versions = db.session.scalars(select(ChangeLog.version).where(
            ChangeLog.entity_id == followup_id).order_by(ChangeLog.seq)).all()
        assert versions == sorted(versions) and len(set(versions)) == len(versions)
