"""The answer lost after the commit: the phone never hears it and pushes the same outbox again.

The server has already applied everything; the retry must change nothing and answer every
mutation as the first time did (``duplicate`` with the first ``entity_id``; a rejected one
rejected again, with the same messages).
"""
from app.extensions import db
from app.models import JournalRow
from tests.integration.faults.harness import Database
from tests.integration.faults.harness import difference
from tests.integration.faults.harness import snapshot
from tests.integration.faults.workload import field_day


def database(app) -> Database:
    return Database(app.config["SQLALCHEMY_DATABASE_URI"])


def assert_same_answers(first: list[dict], again: list[dict]) -> None:
    for one, two in zip(first, again, strict=True):
        assert two["id"] == one["id"]
        assert two.get("entity_id") == one.get("entity_id")
        assert two["status"] == "duplicate"
        assert two["first_status"] == one["status"]
        if one["status"] == "rejected":
            assert (two["errors"], two.get("code")) == (one["errors"], one.get("code"))


def test_the_retry_of_a_push_whose_answer_was_lost_changes_nothing(app, manager, world):
    mutations = field_day(manager.recorder, world, 120, trouble=True)
    first = manager.push(mutations)  # committed; then the connection drops and the phone hears nothing
    assert {r["status"] for r in first["results"]} == {"applied", "deferred", "rejected"}
    state = snapshot(database(app))

    again = manager.push(mutations)
    assert_same_answers(first["results"], again["results"])
    assert difference(snapshot(database(app)), state) == {}
    with app.app_context():
        rows = db.session.query(JournalRow).filter(JournalRow.mutation_id.in_([m["id"] for m in mutations]))
        assert {row.duplicates for row in rows} == {1}


def test_a_retry_carrying_new_records_too(app, manager, world):
    """The outbox grew while the answer was lost: old ones are duplicates, new ones apply."""
    lost = field_day(manager.recorder, world, 30)
    first = manager.push(lost)
    newer = field_day(manager.recorder, world, 10)
    again = manager.push(lost + newer)
    assert_same_answers(first["results"], again["results"][:30])
    assert {r["status"] for r in again["results"][30:]} == {"applied"}
    third = manager.push(lost + newer)
    assert {r["status"] for r in third["results"]} == {"duplicate"}


def test_the_waiting_mutation_applies_once_its_parent_comes_whatever_the_retries(app, manager, world):
    """A check-out whose answer ('deferred') was lost and re-sent is applied once, by its check-in."""
    check_in, check_out = field_day(manager.recorder, world, 2)
    assert manager.push([check_out])["results"][0]["status"] == "deferred"
    assert manager.push([check_out])["results"][0] == {
        "id": check_out["id"], "status": "duplicate", "entity_id": check_out["entity_id"],
        "first_status": "deferred"}
    assert manager.push([check_in])["results"][0]["status"] == "applied"
    assert manager.push([check_out])["results"][0]["first_status"] == "applied"
    with app.app_context():
        row = db.session.get(JournalRow, check_out["id"])
        assert (row.status, row.duplicates) == ("applied", 2)
