"""POST /api/v1/sync as a phone sees it: statuses, the error shape, limits, who may push."""
import json

import pytest

from app.extensions import db
from app.models import JournalRow
from app.models import SyncDevice
from app.models import User
from app.models import Visit
from tests.integration.sync.helpers import check_in
from tests.integration.sync.helpers import uid


def assert_error_shape(response, status, code):
    assert response.status_code == status
    body = response.json
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code and body["error"]["message"]
    return body["error"]


def test_a_repeat_push_is_a_duplicate_with_the_first_entity(app, guard, world):
    mutation = check_in(guard.outbox, world.site1)
    guard.push([mutation])
    again = guard.push([mutation]).json["results"][0]
    assert again == {"id": mutation["id"], "status": "duplicate", "entity_id": mutation["entity_id"],
                     "first_status": "applied"}
    with app.app_context():
        assert db.session.query(Visit).count() == 1
        assert db.session.get(JournalRow, mutation["id"]).duplicates == 1


def test_a_reused_id_is_rejected_and_kept(app, guard, world):
    mutation = check_in(guard.outbox, world.site1)
    guard.push([mutation])
    reused = {**mutation, "data": {**mutation["data"], "visitor_name": "赵六"}}
    result = guard.push([reused]).json["results"][0]
    assert result["status"] == "rejected" and result["code"] == "mutation_id_reused"
    assert "编号" in result["errors"]["id"][0]
    with app.app_context():
        row = db.session.get(JournalRow, mutation["id"])
        assert row.reuses[0]["raw"]["data"]["visitor_name"] == "赵六"
        assert db.session.get(Visit, mutation["entity_id"]).visitor_name == "王五"


def test_another_users_mutation_is_rejected(guard, world):
    mutation = check_in(guard.outbox, world.site1)
    mutation["user_id"] = world.users["lead1"]
    result = guard.push([mutation]).json["results"][0]
    assert result["status"] == "rejected" and list(result["errors"]) == ["user_id"]


def test_another_sites_mutation_is_rejected(guard, world):
    result = guard.push([check_in(guard.outbox, world.site2)]).json["results"][0]
    assert result["status"] == "rejected"
    assert result["errors"] == {"site_id": ["您不在这个小区任职，不能提交它的记录。"]}


def test_messages_follow_the_users_language(app, guard, world):
    with app.app_context():
        db.session.get(User, world.users["guard1"]).locale = "en"
        db.session.commit()
    result = guard.push([check_in(guard.outbox, world.site1, visitor_name="")]).json["results"][0]
    assert result["errors"]["visitor_name"] == ["Please enter the visitor's name."]


def test_the_device_is_remembered_with_its_outbox_and_gaps(app, guard, world):
    guard.outbox.seq = 4
    guard.push([check_in(guard.outbox, world.site1)], pending=12)
    with app.app_context():
        device = db.session.get(SyncDevice, guard.device_id)
        assert device.pending == 12 and device.last_seq == 5 and device.gaps == [[1, 4]]
        assert device.user_id == world.users["guard1"]


def test_pending_null_counts_as_none_waiting(app, guard, world):
    """Found by schemathesis: ``"pending": null`` was a 500 (the device row's column is NOT NULL)."""
    guard.push([check_in(guard.outbox, world.site1)], pending=12)
    response = guard.push([check_in(guard.outbox, world.site1)], pending=None)
    assert response.status_code == 200
    with app.app_context():
        assert db.session.get(SyncDevice, guard.device_id).pending == 0


# -- whole-request errors: one shape everywhere ----------------------------------------

def test_not_json_is_400(guard):
    response = guard.post("/api/v1/sync", data="{not json", content_type="application/json")
    assert_error_shape(response, 400, "bad_request")


def test_a_bad_envelope_is_422_with_field_details(guard):
    response = guard.post("/api/v1/sync", json={"device_id": "x", "mutations": [{"seq": 1}]})
    error = assert_error_shape(response, 422, "validation_error")
    assert set(error["details"]) == {"device_id", "client_time", "mutations.0.id"}
    assert error["details"]["client_time"] == ["缺少手机时间（client_time）或格式不正确。"]


def test_a_bad_cursor_is_422(guard):
    response = guard.post("/api/v1/sync", json=guard.outbox.request(cursor="abc"))
    assert_error_shape(response, 422, "validation_error")


def test_over_500_mutations_is_413_and_nothing_is_written(app, guard, world):
    mutations = [check_in(guard.outbox, world.site1) for _ in range(501)]
    error = assert_error_shape(guard.push(mutations), 413, "payload_too_large")
    assert error["details"]["max_mutations"] == 500
    with app.app_context():
        assert db.session.query(JournalRow).count() == 0


def test_500_mutations_are_fine(app, guard, world):
    mutations = [check_in(guard.outbox, world.site1) for _ in range(500)]
    response = guard.push(mutations)
    assert response.status_code == 200
    assert {r["status"] for r in response.json["results"]} == {"applied"}
    with app.app_context():
        assert db.session.query(Visit).count() == 500


def test_over_2_mib_is_413(guard, world):
    mutation = check_in(guard.outbox, world.site1, note="长" * (1024 * 1024))
    body = json.dumps(guard.outbox.request([mutation]), ensure_ascii=False).encode()
    assert len(body) > 2 * 1024 * 1024
    response = guard.post("/api/v1/sync", data=body, content_type="application/json")
    assert_error_shape(response, 413, "payload_too_large")


def test_no_token_is_401(client, world):
    response = client.post("/api/v1/sync", json={"device_id": uid(), "client_time": "2026-11-27T08:00:00+08:00"})
    assert_error_shape(response, 401, "unauthorized")


def test_a_wrong_token_is_401(client, world):
    response = client.post("/api/v1/sync", json={}, headers={"Authorization": "Bearer nope"})
    assert_error_shape(response, 401, "unauthorized")


def test_a_revoked_token_is_401(guard, world):
    assert guard.delete("/api/v1/session").status_code == 204
    assert_error_shape(guard.push([check_in(guard.outbox, world.site1)]), 401, "unauthorized")


def test_a_cookie_without_csrf_is_refused(client, auth, world):
    auth.login("guard1")
    response = client.post("/api/v1/sync", json={"device_id": uid(), "client_time": "2026-11-27T08:00:00+08:00"})
    assert_error_shape(response, 400, "csrf_failed")


def test_a_cookie_with_csrf_is_still_not_a_device(client, auth, world):
    """The sync is for phones: a desktop session, even with its CSRF token, must sign in as a device."""
    auth.login("guard1")
    token = auth.csrf()
    response = client.post("/api/v1/sync", json={"device_id": uid(), "client_time": "2026-11-27T08:00:00+08:00"},
                           headers={"X-CSRFToken": token})
    assert_error_shape(response, 401, "unauthorized")


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_other_methods_are_405(guard, method):
    response = getattr(guard, method)("/api/v1/sync")
    assert_error_shape(response, 405, "method_not_allowed")


def test_a_reused_id_keeps_a_bounded_record_of_its_reuses(app, guard, world):
    """Replaying one id with ever other content must not grow its journal row without bound."""
    mutation = check_in(guard.outbox, world.site1)
    guard.push([mutation])
    for n in range(24):
        reused = {**mutation, "data": {**mutation["data"], "note": "长" * 20000 + str(n)}}
        assert guard.push([reused]).json["results"][0]["code"] == "mutation_id_reused"
    with app.app_context():
        row = db.session.get(JournalRow, mutation["id"])
        assert len(row.reuses) == 10
        assert all(r["raw"] == {"truncated": True, "bytes": r["raw"]["bytes"], "content_hash": r["content_hash"]}
                   for r in row.reuses)
        assert len(json.dumps(row.reuses)) < 10 * 1024


def test_a_sync_from_another_device_than_the_tokens_is_refused(app, guard, world, phone_for):
    """A token may not write another phone's device record (and so not across sites)."""
    other = phone_for("guard2")
    other.push([])
    with app.app_context():
        before = db.session.get(SyncDevice, other.device_id).last_seen_at
    body = guard.outbox.request([check_in(guard.outbox, world.site1)], pending=7)
    body["device_id"] = other.device_id
    response = guard.post("/api/v1/sync", json=body)
    assert_error_shape(response, 401, "device_mismatch")
    with app.app_context():
        device = db.session.get(SyncDevice, other.device_id)
        assert device.last_seen_at == before and device.pending == 0
        assert db.session.query(Visit).count() == 0
