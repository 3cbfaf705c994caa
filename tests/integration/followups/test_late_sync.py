"""Late syncs are normal: a record pushed after the sweep opened its follow-up closes it,
in the push's own transaction, when it proves the work was done in time."""
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import FollowUp
from app.models import FollowUpEvent
from app.models import Site
from app.models.sweep import SweepMark
from tests.integration.followups.conftest import followups
from tests.integration.followups.conftest import local
from tests.integration.followups.conftest import sweep
from tests.integration.followups.conftest import today
from tests.integration.sync.helpers import check_in


def look_back_one_day(app):
    with app.app_context():
        for site in db.session.scalars(select(Site)):
            site.settings = {"sweep_lookback_days": 1,
                             "stock_check_day": 15 if (today() - timedelta(days=1)).day != 15 else 16}
        db.session.commit()


def test_a_patrol_synced_a_day_late_closes_the_no_patrol_follow_up(app, world, phone_for):
    """manager1 patrolled yesterday at 08:40 with no signal; the phone syncs this morning."""
    look_back_one_day(app)
    yesterday = today() - timedelta(days=1)
    assert sweep(app, local(today(), 0, 30), "--site", "S1").exit_code == 0
    with app.app_context():
        (opened,) = followups(source_type="no_patrol")
        ident, version = opened.id, opened.version

    manager = phone_for("manager1")
    assert manager.pull_followups()[ident]["data"]["status"] == "open"
    start = manager.outbox.mutation("patrol.start", {"site_id": world.site1}, at=local(yesterday, 8, 40))
    response = manager.push([start])
    assert response.json["results"][0]["status"] == "applied", response.json

    with app.app_context():
        followup = db.session.get(FollowUp, ident)
        assert followup.status == "closed" and followup.version > version
        proof = followup.detail["settled_by"]
        assert proof["type"] == "patrol" and proof["id"] == start["entity_id"]
        assert proof["at"] == local(yesterday, 8, 40).isoformat()
        assert proof["late_minutes"] >= 15 * 60  # it arrived at least the night after
        assert db.session.get(SweepMark, followup.detail["sweep_key"]).settled_at is not None
        notes = db.session.scalars(select(FollowUpEvent.note).where(
            FollowUpEvent.followup_id == ident, FollowUpEvent.kind == "note")).all()
        assert len(notes) == 1 and notes[0].startswith("巡视记录已于")
        assert f"巡视开始于 {yesterday.isoformat()} 08:40，按时完成" in notes[0]

    # the manager's phone learns it at once, note and all
    change = manager.pull_followups()[ident]
    assert change["data"]["status"] == "closed"
    assert change["data"]["notes"][0]["text"] == notes[0]


def test_a_patrol_after_the_deadline_closes_nothing(app, world, phone_for):
    look_back_one_day(app)
    assert sweep(app, local(today(), 0, 30), "--site", "S1").exit_code == 0
    manager = phone_for("manager1")
    start = manager.outbox.mutation("patrol.start", {"site_id": world.site1}, at=local(today(), 0, 20))
    assert manager.push([start]).json["results"][0]["status"] == "applied"
    with app.app_context():
        (followup,) = followups(source_type="no_patrol")
        assert followup.status == "open"


def test_a_check_out_synced_late_closes_the_open_visit_follow_up(app, world, phone_for):
    """The visitor left at 18:00 yesterday; the check-out reached the server this morning."""
    look_back_one_day(app)
    yesterday = today() - timedelta(days=1)
    guard = phone_for("guard1")
    arrival = guard.outbox.mutation("visit.check_in", {
        "site_id": world.site1, "visitor_name": "王五", "purpose": "delivery", "party_size": 1,
        "phone": "13812345678"}, at=local(yesterday, 14))
    assert guard.push([arrival]).json["results"][0]["status"] == "applied"
    assert sweep(app, local(today(), 0, 30), "--site", "S1").exit_code == 0
    with app.app_context():
        (visit,) = followups(source_type="open_visit")
        assert visit.status == "open"

    leave = guard.outbox.mutation("visit.check_out", {}, entity_id=arrival["entity_id"],
                                  at=local(yesterday, 18))
    assert guard.push([leave]).json["results"][0]["status"] == "applied"
    with app.app_context():
        visit = db.session.get(FollowUp, visit.id)
        assert visit.status == "closed"
        assert visit.detail["settled_by"]["type"] == "visit"


def test_a_person_who_reopens_a_settled_follow_up_keeps_it_open(app, world, phone_for):
    """The server closes a follow-up once; reopened by hand, the next sweep leaves it."""
    look_back_one_day(app)
    yesterday = today() - timedelta(days=1)
    assert sweep(app, local(today(), 0, 30), "--site", "S1").exit_code == 0
    manager = phone_for("manager1")
    manager.push([manager.outbox.mutation("patrol.start", {"site_id": world.site1},
                                          at=local(yesterday, 9))])
    with app.app_context():
        (followup,) = followups(source_type="no_patrol")
        assert followup.status == "closed"
        ident, version = followup.id, followup.version

    reopen = manager.outbox.mutation("followup.update", {"base_version": version, "status": "open",
                                                         "note": "补充说明"}, entity_id=ident)
    result = manager.push([reopen]).json["results"][0]
    assert result["status"] == "applied", result
    assert sweep(app, local(today(), 1, 0), "--site", "S1").exit_code == 0
    with app.app_context():
        followup = db.session.get(FollowUp, ident)
        assert followup.status == "open" and followup.closed_at is None
        statuses = db.session.scalars(select(FollowUpEvent.value).where(
            FollowUpEvent.followup_id == ident, FollowUpEvent.kind == "status")
            .order_by(FollowUpEvent.at)).all()
        assert statuses == ["resolved", "closed", "open"]


def test_a_push_with_nothing_to_settle_is_not_slowed_by_it(app, world, phone_for):
    """No sweep marks at all: the push is answered as ever and no follow-up appears."""
    guard = phone_for("guard1")
    assert guard.push([check_in(guard.outbox, world.site1)]).json["results"][0]["status"] == "applied"
    with app.app_context():
        assert followups() == []
