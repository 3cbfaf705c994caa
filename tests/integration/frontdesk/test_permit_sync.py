"""Permits on the phones and in the sync: the pull carries active permits only, without
the deposit or the applicant; a decoration worker's visit and a patrol's finding may
name one, and the server checks it."""
from datetime import timedelta

import pytest

from app.extensions import db
from app.models import Finding
from app.models import Visit
from app.models.frontdesk import DecorationPermit
from tests.integration.frontdesk.conftest import today
from tests.integration.gate.conftest import now


def test_a_guard_pulls_the_active_permits_of_the_site_only_without_deposit_or_applicant(permits, puller):
    changes = puller("guard1").changes()
    got = {ident for (kind, ident), c in changes.items() if kind == "permit" and c["op"] == "upsert"}
    assert got == {permits["active"], permits["later"]}
    assert changes[("permit", permits["revoked"])]["op"] == "delete"  # gone rows: a first sync's deletes
    data = changes[("permit", permits["active"])]["data"]
    assert data["unit_code"] == "1-1-101" and data["contractor"] == "美家装饰"
    assert data["workers"] == ["张工", "李工"] and data["worker_count"] == 2
    assert data["start_date"] == (today() - timedelta(days=3)).isoformat()
    assert data["hours_start"] == "08:00" and data["status"] == "active"
    text = str(changes[("permit", permits["active"])])
    for secret in ("deposit", "2000", "applicant", "业主陈", "13811112222", "rules"):
        assert secret not in text, secret


def test_a_revoked_permit_leaves_the_phones(app, permits, puller):
    phone = puller("guard1")
    phone.changes()
    cursor = phone.push().json["cursor"]
    with app.app_context():
        db.session.get(DecorationPermit, permits["active"]).status = "finished"
        db.session.commit()
    later = phone.changes(cursor)
    assert later[("permit", permits["active"])]["op"] == "delete"


@pytest.mark.parametrize("username", ["repair1", "clean1", "cs1"])
def test_people_who_keep_no_gate_and_walk_no_patrol_get_no_permits(permits, puller, username):
    assert not [k for k in puller(username).changes() if k[0] == "permit"]


def test_the_revoked_permit_is_never_sent_whole(permits, puller):
    assert "data" not in puller("guard1").changes()[("permit", permits["revoked"])]


def check_in(phone, world, **data):
    body = {"site_id": world.site1, "visitor_name": "张工", "purpose": "decoration", "party_size": 1}
    body.update(data)
    mutation = phone.mutation("visit.check_in", body)
    return mutation, phone.push([mutation]).json["results"][0]


def test_a_decoration_worker_visit_names_the_units_permit(app, world, permits, puller):
    guard = puller("guard1")
    mutation, result = check_in(guard, world, unit="1-1-101", permit_id=permits["active"])
    assert result["status"] == "applied", result
    with app.app_context():
        assert db.session.get(Visit, mutation["entity_id"]).permit_id == permits["active"]


def test_a_blank_unit_is_filled_from_the_permit(app, world, permits, puller):
    mutation, result = check_in(puller("guard1"), world, permit_id=permits["active"])
    assert result["status"] == "applied", result
    with app.app_context():
        assert db.session.get(Visit, mutation["entity_id"]).unit == "1-1-101"


@pytest.mark.parametrize("case, data, message", [
    ("revoked", {"unit": "1-1-102", "permit": "revoked"}, "这张装修许可证在来访当天无效。"),
    ("not started", {"unit": "1-2-201", "permit": "later"}, "这张装修许可证在来访当天无效。"),
    ("other unit", {"unit": "1-1-102", "permit": "active"}, "这张装修许可证不是所访房号的。"),
    ("other site", {"unit": "1-1-101", "permit": "other_site"}, "本小区没有这张装修许可证。"),
    ("not decoration", {"unit": "1-1-101", "permit": "active", "purpose": "delivery"},
     "只有装修来访才关联装修许可证。"),
])
def test_a_visit_naming_a_permit_that_does_not_fit_is_rejected_in_words(app, world, permits, puller,
                                                                          case, data, message):
    extra = {"purpose": data["purpose"]} if "purpose" in data else {}
    mutation, result = check_in(puller("guard1"), world, unit=data["unit"], permit_id=permits[data["permit"]],
                                **extra)
    assert result["status"] == "rejected", result
    assert result["errors"] == {"permit_id": [message]}
    with app.app_context():
        assert db.session.get(Visit, mutation["entity_id"]) is None


def test_a_permit_revoked_after_an_offline_visit_still_covered_that_day(app, world, permits, puller):
    """A visit made yesterday offline, synced after today's revocation, was within the permit."""
    with app.app_context():
        row = db.session.get(DecorationPermit, permits["active"])
        row.status, row.closed_on = "revoked", today()
        db.session.commit()
    guard = puller("guard1")
    body = {"site_id": world.site1, "visitor_name": "张工", "purpose": "decoration", "party_size": 1,
            "unit": "1-1-101", "permit_id": permits["active"]}
    mutation = guard.mutation("visit.check_in", body, at=now() - timedelta(days=1))
    assert guard.push([mutation]).json["results"][0]["status"] == "applied"


def start_patrol(phone, world):
    patrol = phone.mutation("patrol.start", {"site_id": world.site1})
    return patrol


def test_a_finding_against_a_permit_shows_on_the_permits_page(app, world, permits, puller, desk_for):
    manager = puller("manager1")
    patrol = start_patrol(manager, world)
    finding = manager.mutation("patrol.finding", {
        "patrol_id": patrol["entity_id"], "category": "other", "severity": "medium",
        "description": "装修噪音超时施工", "handled_on_spot": True, "action_taken": "已劝停",
        "permit_id": permits["active"]})
    results = manager.push([patrol, finding]).json["results"]
    assert [r["status"] for r in results] == ["applied", "applied"], results
    with app.app_context():
        assert db.session.get(Finding, finding["entity_id"]).permit_id == permits["active"]
    page = desk_for("cs1").text(f"/decoration/permits/{permits['active']}")
    assert "装修噪音超时施工" in page and "已劝停" in page


def test_a_finding_naming_another_sites_permit_is_rejected(app, world, permits, puller):
    manager = puller("manager1")
    patrol = start_patrol(manager, world)
    finding = manager.mutation("patrol.finding", {
        "patrol_id": patrol["entity_id"], "category": "other", "severity": "low",
        "description": "x", "handled_on_spot": True, "permit_id": permits["other_site"]})
    results = manager.push([patrol, finding]).json["results"]
    assert results[1]["status"] == "rejected"
    assert results[1]["errors"] == {"permit_id": ["本小区没有这张装修许可证。"]}


def test_a_gate_posts_shared_phone_pulls_the_sites_active_permits(app, world, permits, desk_for):
    """The gate's phone belongs to the post: it holds the permits the guards on shift check."""
    from tests.integration.gate.test_post_phones import PostPhone
    from tests.integration.gate.test_post_phones import register_code

    code = register_code(desk_for("admin1"), world.users["post1"])
    phone = PostPhone(app.test_client())
    assert phone.register(code).status_code == 200
    body = phone.push([]).json
    got = {c["id"] for c in body["changes"] if c["type"] == "permit" and c["op"] == "upsert"}
    assert got == {permits["active"], permits["later"]}
