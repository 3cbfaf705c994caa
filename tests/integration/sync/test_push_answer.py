"""A push's answer: no echo of what the phone just sent, and gzip when the phone takes it."""
import gzip
import json
from datetime import datetime
from datetime import timedelta
from datetime import timezone

from app.extensions import db
from app.models import Visit
from tests.integration.sync.helpers import check_in
from tests.integration.sync.test_api_pull import by_type
from tests.integration.sync.test_api_pull import pull_all


def test_an_up_to_date_phone_gets_none_of_its_own_visits_back(guard, world):
    _, cursor, _ = pull_all(guard)
    visits = [check_in(guard.outbox, world.site1, visitor_name=f"访客{i}", phone="13812345678",
                       id_number="110101199001061234") for i in range(50)]
    body = guard.push(visits, cursor=cursor).json
    assert [r["status"] for r in body["results"]] == ["applied"] * 50
    assert body["changes"] == []
    assert int(body["cursor"]) > int(cursor)
    # Nothing is lost by it: the same user's other phone, pulling from the old cursor, gets them.
    other, _, _ = pull_all(guard, cursor=cursor)
    assert set(by_type(other)["visit"]) == {v["entity_id"] for v in visits}
    assert all("*" in c["data"]["id_number"] for c in other if c["type"] == "visit")


def test_what_the_server_derived_still_comes_back(phone_for, world):
    manager = phone_for("manager1")
    _, cursor, _ = pull_all(manager)
    patrol = manager.mutation("patrol.start", {"site_id": world.site1})
    finding = manager.mutation("patrol.finding", {
        "patrol_id": patrol["entity_id"], "category": "repair", "severity": "medium",
        "description": "水管漏水", "handled_on_spot": False, "photo_ids": []})
    body = manager.push([patrol, finding], cursor=cursor).json
    kinds = by_type(body["changes"])
    assert set(kinds) == {"followup"}
    (followup,) = kinds["followup"].values()
    assert followup["data"]["source_type"] == "finding"
    assert followup["data"]["source_id"] == finding["entity_id"]


def test_a_follow_up_the_phone_updates_comes_back_with_its_new_version(phone_for, world):
    manager = phone_for("manager1")
    patrol = manager.mutation("patrol.start", {"site_id": world.site1})
    finding = manager.mutation("patrol.finding", {
        "patrol_id": patrol["entity_id"], "category": "repair", "severity": "medium",
        "description": "灯不亮", "handled_on_spot": False, "photo_ids": []})
    first = manager.push([patrol, finding]).json
    (followup,) = by_type(first["changes"])["followup"].values()
    note = manager.mutation("followup.update", {"base_version": followup["version"], "note": "已联系维修"},
                            entity_id=followup["id"])
    body = manager.push([note], cursor=first["cursor"]).json
    assert body["results"][0]["status"] == "applied"
    (again,) = by_type(body["changes"])["followup"].values()
    assert again["version"] > followup["version"]
    assert again["data"]["notes"][-1]["text"] == "已联系维修"


def test_a_first_sync_gets_everything_including_what_it_pushed(guard, world):
    visit = check_in(guard.outbox, world.site1)
    body = guard.push([visit]).json
    assert visit["entity_id"] in by_type(body["changes"])["visit"]


def test_a_record_the_server_decided_otherwise_comes_back(phone_for, world):
    guard, guard2 = phone_for("guard1"), phone_for("guard1")  # one guard, two phones
    visit = check_in(guard.outbox, world.site1)
    _, cursor, _ = pull_all(guard)
    guard.push([visit], cursor=cursor)
    now = datetime.now(timezone.utc)
    late = guard.mutation("visit.check_out", {}, entity_id=visit["entity_id"], at=now)
    cursor = guard.push([late], cursor=cursor).json["cursor"]
    _, cursor2, _ = pull_all(guard2)
    # guard2 saw the visitor leave earlier: the earlier time stands and guard2 is told so
    early = guard2.mutation("visit.check_out", {}, entity_id=visit["entity_id"],
                            at=now - timedelta(minutes=5))
    body = guard2.push([early], cursor=cursor2).json
    assert body["results"][0]["conflict"]["field"] == "checked_out_at"
    changed = by_type(body["changes"])["visit"][visit["entity_id"]]
    assert changed["data"]["checked_out_at"].startswith(
        (now - timedelta(minutes=5)).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M"))


def test_a_large_answer_is_gzipped_when_the_phone_accepts_it(guard, world):
    request = guard.outbox.request([], cursor=None)
    plain = guard.client.post("/api/v1/sync", json=request, headers=guard.headers())
    packed = guard.client.post("/api/v1/sync", json=request,
                               headers={**guard.headers(), "Accept-Encoding": "gzip, deflate, br"})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    unpacked = json.loads(gzip.decompress(packed.data))
    assert len(packed.data) < len(plain.data) / 3
    assert unpacked["changes"] == plain.json["changes"]


def test_a_small_answer_goes_as_it_is(guard, world):
    _, cursor, _ = pull_all(guard)
    response = guard.client.post("/api/v1/sync", json=guard.outbox.request([], cursor=cursor),
                                 headers={**guard.headers(), "Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in response.headers
    assert response.json["changes"] == []


def test_gzip_refused_by_the_phone_is_not_sent(guard, world):
    response = guard.client.post("/api/v1/sync", json=guard.outbox.request([]),
                                 headers={**guard.headers(), "Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in response.headers
    assert response.json["changes"]


def test_an_unknown_entity_id_case_is_still_left_out(guard, world):
    _, cursor, _ = pull_all(guard)
    visit = check_in(guard.outbox, world.site1)
    visit["entity_id"] = visit["entity_id"].upper()
    body = guard.push([visit], cursor=cursor).json
    assert body["results"][0]["status"] == "applied"
    assert body["changes"] == []


def minimal_push(phone, mutations, cursor):
    request = phone.outbox.request(mutations, cursor=cursor)
    return request, phone.client.post("/api/v1/sync", json=request, headers={
        **phone.headers(), "Prefer": "return=minimal", "Accept-Encoding": "gzip"})


def test_a_minimal_answer_lists_only_what_was_not_applied_as_sent(guard, world):
    _, cursor, _ = pull_all(guard)
    good = check_in(guard.outbox, world.site1)
    bad = check_in(guard.outbox, world.site1, party_size=0)
    _, response = minimal_push(guard, [good, bad], cursor)
    assert response.headers["Preference-Applied"] == "return=minimal"
    body = json.loads(gzip.decompress(response.data)) if response.headers.get("Content-Encoding") \
        else response.json
    assert body["results_minimal"] is True
    assert [(r["id"], r["status"]) for r in body["results"]] == [(bad["id"], "rejected")]
    # a repeat is a duplicate, which is not "applied as sent": it is listed
    _, again = minimal_push(guard, [good], body["cursor"])
    assert [(r["id"], r["status"]) for r in again.json["results"]] == [(good["id"], "duplicate")]


def test_without_the_preference_every_result_is_listed(guard, world):
    visit = check_in(guard.outbox, world.site1)
    response = guard.push([visit])
    assert "Preference-Applied" not in response.headers
    assert "results_minimal" not in response.json
    assert [r["id"] for r in response.json["results"]] == [visit["id"]]


def test_an_up_to_date_phones_answer_is_under_5_percent_of_its_push(guard, world):
    _, cursor, _ = pull_all(guard)
    visits = [check_in(guard.outbox, world.site1, visitor_name=f"访客{i}", unit="3-2-801",
                       phone="13812345678") for i in range(200)]
    request, response = minimal_push(guard, visits, cursor)
    sent = len(json.dumps(request, ensure_ascii=False).encode())
    body = json.loads(gzip.decompress(response.data)) if response.headers.get("Content-Encoding") \
        else response.json
    assert body["results"] == [] and body["changes"] == []
    assert len(response.data) <= 0.05 * sent, (len(response.data), sent)


def test_a_change_by_someone_else_to_the_same_record_still_comes_back(app, guard, world):
    """The office corrects a visit; the phone, not yet told, checks the visitor out. Its own
    write is not echoed, but the correction must still reach it."""
    visit = check_in(guard.outbox, world.site1, host_name="李四")
    cursor = guard.push([visit], cursor=pull_all(guard)[1]).json["cursor"]
    with app.app_context():
        db.session.get(Visit, visit["entity_id"]).host_name = "李思"
        db.session.commit()
    leave = guard.mutation("visit.check_out", {}, entity_id=visit["entity_id"])
    body = guard.push([leave], cursor=cursor).json
    assert body["results"][0]["status"] == "applied" and "conflict" not in body["results"][0]
    changed = by_type(body["changes"])["visit"][visit["entity_id"]]
    assert changed["data"]["host_name"] == "李思" and changed["data"]["checked_out_at"]


def test_a_push_sent_again_after_a_lost_answer_gets_none_of_its_own_records_back(guard, world):
    """The phone never saw the first answer, so it pushes the batch again with its old
    cursor: everything is a duplicate, and the records it made are not sent back."""
    _, cursor, _ = pull_all(guard)
    visits = [check_in(guard.outbox, world.site1, visitor_name=f"访客{i}") for i in range(20)]
    assert guard.push(visits, cursor=cursor).status_code == 200  # the answer "is lost"
    again = guard.push(visits, cursor=cursor).json
    assert [r["status"] for r in again["results"]] == ["duplicate"] * 20
    assert again["changes"] == [] and int(again["cursor"]) > int(cursor)


def test_a_record_changed_since_it_was_made_still_comes_back_to_a_repeat(app, guard, phone_for, world):
    _, cursor, _ = pull_all(guard)
    kept, changed = check_in(guard.outbox, world.site1), check_in(guard.outbox, world.site1, host_name="李四")
    guard.push([kept, changed], cursor=cursor)
    lead = phone_for("lead1")
    assert lead.push([lead.mutation("visit.check_out", {}, entity_id=changed["entity_id"])]).json[
        "results"][0]["status"] == "applied"
    again = guard.push([kept, changed], cursor=cursor).json
    assert [r["status"] for r in again["results"]] == ["duplicate", "duplicate"]
    visits = by_type(again["changes"])["visit"]
    assert set(visits) == {changed["entity_id"]} and visits[changed["entity_id"]]["data"]["checked_out_at"]


def test_a_repeated_check_out_does_not_hide_a_visit_someone_else_made(app, phone_for, world):
    """The check-out is this phone's, the visit another phone's: the visit's creation is not
    the lead's to be spared, whatever the lead's phone shows of it."""
    from app.api.echoes import held_repeats
    from app.models import ChangeLog
    from sync.envelope import Result

    gate, lead = phone_for("guard1"), phone_for("lead1")
    visit = check_in(gate.outbox, world.site1)
    gate.push([visit])
    leave = lead.mutation("visit.check_out", {}, entity_id=visit["entity_id"])
    lead.push([leave])
    again = lead.push([leave]).json["results"][0]
    assert again["status"] == "duplicate" and again["first_status"] == "applied"
    mine = check_in(gate.outbox, world.site1)
    gate.push([mine])
    with app.app_context():
        made = {row.entity_id: row.seq for row in db.session.query(ChangeLog).filter(ChangeLog.version == 1)}
        repeated = [Result(leave["id"], "duplicate", entity_id=visit["entity_id"], extra={"first_status": "applied"}),
                    Result(mine["id"], "duplicate", entity_id=mine["entity_id"], extra={"first_status": "applied"})]
        held = held_repeats(repeated, [leave, mine], 0)
    assert made[visit["entity_id"]] not in held and made[mine["entity_id"]] in held
