"""The simplest whole trip: a guard's visit check-in and check-out over HTTP."""
from app.extensions import db
from app.models import JournalRow
from app.models import Visit
from tests.integration.sync.helpers import check_in


def test_check_in_is_applied_and_stored(app, guard, world):
    """Does a visit pushed by a guard's phone land in the database, journaled?"""
    mutation = check_in(guard.outbox, world.site1, phone="13812345678", id_number="110101199001141234")
    response = guard.push([mutation])
    assert response.status_code == 200, response.json
    body = response.json
    assert body["results"] == [{"id": mutation["id"], "status": "applied",
                                "entity_id": mutation["entity_id"]}]
    assert body["server_time"].endswith("Z")
    assert body["has_more"] is False
    with app.app_context():
        visit = db.session.get(Visit, mutation["entity_id"])
        assert visit.visitor_name == "王五"
        assert visit.phone == "13812345678"
        row = db.session.get(JournalRow, mutation["id"])
        assert row.status == "applied" and row.raw["data"]["site_id"] == world.site1


def test_check_out_before_check_in_is_deferred_then_applied(app, guard, world):
    """Does a check-out that arrives first wait, and apply when the check-in comes?"""
    first = check_in(guard.outbox, world.site1)
    out = guard.mutation("visit.check_out", entity_id=first["entity_id"])
    response = guard.push([out])
    assert response.json["results"][0]["status"] == "deferred"
    assert response.json["results"][0]["waiting_for"] == first["entity_id"]
    response = guard.push([first])
    assert response.json["results"][0]["status"] == "applied"
    with app.app_context():
        visit = db.session.get(Visit, first["entity_id"])
        assert visit.checked_out_at is not None
        assert db.session.get(JournalRow, out["id"]).status == "applied"


def test_visit_change_carries_masked_numbers_only(guard, world):
    mutation = check_in(guard.outbox, world.site1, phone="13812345678", id_number="110101199001141234")
    body = guard.push([mutation]).json
    visits = [c for c in body["changes"] if c["type"] == "visit"]
    assert visits and visits[0]["data"]["phone"] == "138****5678"
    assert visits[0]["data"]["id_number"] == "110101********1234"
    assert "13812345678" not in str(body)


def test_rejected_check_in_says_why_in_chinese(app, guard, world):
    """Does a guard read, in Chinese, which field to fix, and is the mutation still journaled?"""
    mutation = check_in(guard.outbox, world.site1, visitor_name="  ", party_size=0)
    result = guard.push([mutation]).json["results"][0]
    assert result["status"] == "rejected"
    assert result["errors"]["visitor_name"] == ["请填写访客姓名。"]
    assert "party_size" in result["errors"]
    with app.app_context():
        assert db.session.get(JournalRow, mutation["id"]).status == "rejected"
        assert db.session.get(Visit, mutation["entity_id"]) is None


def test_a_mistyped_id_number_is_refused_and_the_kind_is_kept(app, guard, world):
    """A wrong GB 11643 check character is refused in Chinese and stores nothing; the
    document the guard chose comes back in the pull and is stored with the visit."""
    typo = check_in(guard.outbox, world.site1, id_kind="resident", id_number="110101199001141235")
    result = guard.push([typo]).json["results"][0]
    assert result["status"] == "rejected"
    assert result["errors"]["id_number"] == ["证件号码最后一位与前面的数字对不上：请对照证件逐位核对。"]
    assert "110101199001141235" not in str(result)
    mended = check_in(guard.outbox, world.site1, id_kind="resident", id_number="110101199001141234")
    none = check_in(guard.outbox, world.site1, id_kind="none")
    body = guard.push([mended, none]).json
    assert [r["status"] for r in body["results"]] == ["applied", "applied"]
    kinds = {c["id"]: c["data"]["id_kind"] for c in body["changes"] if c["type"] == "visit"}
    assert kinds == {mended["entity_id"]: "resident", none["entity_id"]: "none"}
    with app.app_context():
        assert db.session.get(Visit, typo["entity_id"]) is None
        assert db.session.get(Visit, none["entity_id"]).id_kind == "none"
        assert db.session.get(Visit, none["entity_id"]).id_number is None
