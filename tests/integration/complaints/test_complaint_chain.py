"""A complaint nobody answers climbs the instruction's chain through ``flask followups
sweep``, driven by a given "now": the assistant who took it, then the customer-service
supervisor, the service-centre manager and the quality department, each step an
``escalate`` event saying who and when."""
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Complaint
from app.models import FollowUp
from app.models import FollowUpEvent
from tests.integration.followups.conftest import local
from tests.integration.followups.conftest import sweep
from tests.integration.followups.conftest import today
from tests.integration.sync.conftest import SyncPhone


def escalations(ident) -> int:
    return len(db.session.scalars(select(FollowUpEvent).where(FollowUpEvent.followup_id == ident,
                                                              FollowUpEvent.kind == "escalate")).all())


def test_an_unanswered_complaint_climbs_assistant_supervisor_manager_quality(app, world, client, ctx):
    taken = local(today() - timedelta(days=1), 9, 0)
    phone = SyncPhone(client, "clerk1")
    mutation = phone.mutation("complaint.create", {
        "site_id": world.site1, "kind": "valid", "channel": "hotline", "description": "电梯困人，没人来",
        "unit": "2-2-202"}, at=taken)
    assert phone.push([mutation]).json["results"][0]["status"] == "applied"
    ident = db.session.get(Complaint, mutation["entity_id"]).followup_id
    followup = db.session.get(FollowUp, ident)
    assert followup.assignee_id == world.users["clerk1"] and followup.due_at == taken + timedelta(hours=2)
    holders = []
    now = taken + timedelta(hours=2, minutes=5)
    for _ in range(4):
        db.session.remove()
        assert sweep(app, now, "--site", "S1").exit_code == 0
        followup = db.session.get(FollowUp, ident)
        holders.append((followup.escalation_level, followup.assignee_id))
        now = followup.due_at + timedelta(minutes=5)
    assert holders == [(0, world.users["cs1"]), (1, world.users["manager1"]), (2, world.users["supervisor1"]),
                       (2, world.users["supervisor1"])]
    steps = db.session.scalars(select(FollowUpEvent).where(FollowUpEvent.followup_id == ident,
                                                           FollowUpEvent.kind == "escalate")
                               .order_by(FollowUpEvent.at)).all()
    assert [(s.value["from_user_id"], s.value["to_user_id"]) for s in steps] == [
        (world.users["clerk1"], world.users["cs1"]), (world.users["cs1"], world.users["manager1"]),
        (world.users["manager1"], world.users["supervisor1"])]
    assert "升级至客服主管" in steps[0].note and "升级至服务中心经理" in steps[1].note
    assert steps[0].at < steps[1].at < steps[2].at


def test_a_contacted_complaint_is_not_escalated_before_its_reply_is_due(app, world, client, ctx):
    taken = local(today() - timedelta(days=1), 9, 0)
    phone = SyncPhone(client, "clerk1")
    create = phone.mutation("complaint.create", {
        "site_id": world.site1, "kind": "valid", "channel": "phone", "description": "楼道漏水"}, at=taken)
    contact = phone.mutation("complaint.reply", {
        "complaint_id": create["entity_id"], "stage": "contact", "method": "phone", "said": "已联系，下午上门"},
        at=taken + timedelta(minutes=30))
    assert [r["status"] for r in phone.push([create, contact]).json["results"]] == ["applied", "applied"]
    ident = db.session.get(Complaint, create["entity_id"]).followup_id
    # The contact clock stopped in time; the same-day reply is due at midnight.
    db.session.remove()
    sweep(app, taken + timedelta(hours=3), "--site", "S1")
    assert escalations(ident) == 0
    db.session.remove()
    sweep(app, local(today(), 0, 5), "--site", "S1")
    assert escalations(ident) == 1 and db.session.get(FollowUp, ident).assignee_id == world.users["cs1"]
