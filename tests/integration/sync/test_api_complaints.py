"""Complaints over HTTP: stored with their follow-up, refused in Chinese, masked in pulls."""
from datetime import datetime
from datetime import timedelta
from datetime import timezone

from app.extensions import db
from app.models import Complaint
from app.models import FollowUp
from app.models import JournalRow


def complaint(phone, site_id, **data):
    body = {"site_id": site_id, "kind": "valid", "description": "楼下装修噪音太大",
            "channel": "phone", "unit": "3-2-501", "owner_name": "李女士",
            "owner_phone": "13912345678"}
    body.update(data)
    return phone.mutation("complaint.create", body)


def test_a_complaint_is_stored_with_its_two_hour_follow_up(app, phone_for, world):
    cs = phone_for("cs1")
    at = datetime.now(timezone.utc) - timedelta(minutes=20)
    mutation = cs.mutation("complaint.create", {
        "site_id": world.site1, "kind": "valid", "description": "电梯停运", "channel": "written"},
        at=at)
    response = cs.push([mutation])
    assert response.status_code == 200, response.json
    assert response.json["results"] == [{"id": mutation["id"], "status": "applied",
                                         "entity_id": mutation["entity_id"]}]
    with app.app_context():
        row = db.session.get(Complaint, mutation["entity_id"])
        followup = db.session.get(FollowUp, row.followup_id)
        assert followup.source_type == "complaint" and followup.category == "complaint"
        # Taken by the supervisor on the phone: handled first by the site's assistant (clerk1).
        assert followup.assignee_id == world.users["clerk1"] and followup.clock == "complaint_contact"
        # Due at the first of its clocks, the 2-hour contact (the same-day reply is never
        # due before it, even late in the evening).
        assert followup.due_at == followup.opened_at + timedelta(hours=2)
        assert "written_reply" in followup.detail["required"]
    pulled = [c for c in response.json["changes"] if c["type"] == "followup"]
    assert pulled and pulled[0]["data"]["source_id"] == mutation["entity_id"]


def test_a_collective_complaint_reaches_the_manager(app, phone_for, world):
    cs = phone_for("cs1")
    mutation = complaint(cs, world.site1, kind="collective", households=12)
    assert cs.push([mutation]).json["results"][0]["status"] == "applied"
    with app.app_context():
        row = db.session.get(Complaint, mutation["entity_id"])
        followup = db.session.get(FollowUp, row.followup_id)
        assert row.collective is True
        assert followup.assignee_id == world.users["manager1"] and followup.severity == "high"
        assert followup.due_at - followup.opened_at == timedelta(minutes=60)


def test_too_few_households_for_a_collective_complaint_is_refused_in_chinese(app, phone_for, world):
    cs = phone_for("cs1")
    mutation = complaint(cs, world.site1, kind="collective", households=3, channel="fax")
    result = cs.push([mutation]).json["results"][0]
    assert result["status"] == "rejected"
    assert result["errors"] == {"channel": ["请选择投诉方式。"]}
    mutation = complaint(cs, world.site1, kind="collective", households=3)
    result = cs.push([mutation]).json["results"][0]
    assert result["errors"] == {"households": ["集体投诉是指五户或五户以上业户针对同一事件提出的投诉。"]}
    with app.app_context():
        assert db.session.get(JournalRow, mutation["id"]).status == "rejected"
        assert db.session.get(Complaint, mutation["entity_id"]) is None
        assert db.session.query(FollowUp).count() == 0


def test_the_same_complaint_sent_twice_is_a_duplicate(app, phone_for, world):
    cs = phone_for("cs1")
    mutation = complaint(cs, world.site1)
    assert cs.push([mutation]).json["results"][0]["status"] == "applied"
    assert cs.push([mutation]).json["results"][0]["status"] == "duplicate"
    with app.app_context():
        assert db.session.query(Complaint).count() == 1
        assert db.session.query(FollowUp).count() == 1


def test_the_pull_carries_the_owners_phone_masked(phone_for, world):
    cs = phone_for("cs1")
    body = cs.push([complaint(cs, world.site1)]).json
    pulled = [c for c in body["changes"] if c["type"] == "complaint"]
    assert pulled and pulled[0]["data"]["owner_phone"] == "139****5678"
    assert pulled[0]["data"]["kind"] == "valid" and pulled[0]["data"]["photos"]["named"] == 0
    assert "13912345678" not in str(body)


def test_another_sites_ids_are_refused(app, phone_for, world):
    cs2 = phone_for("cs2")
    theirs = complaint(cs2, world.site2)
    assert cs2.push([theirs]).json["results"][0]["status"] == "applied"
    cs = phone_for("cs1")
    for mutation, field in ((complaint(cs, world.site2), "site_id"),
                            (complaint(cs, world.site1, repeat_of=theirs["entity_id"]), "repeat_of")):
        result = cs.push([mutation]).json["results"][0]
        assert result["status"] == "rejected" and list(result["errors"]) == [field]
        with app.app_context():
            assert db.session.get(Complaint, mutation["entity_id"]) is None
    assert "其他小区" in str(result["errors"]["repeat_of"])
