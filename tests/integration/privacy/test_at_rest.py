"""Visitors' numbers at rest: after a real sync, no table holds an ID or phone number in plain
text (asked in SQL, under the models' column types), yet the visit, search, the watch list
and the journal's replay of waiting mutations all still work with them."""
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import JournalRow
from app.models import Visit
from app.models import WatchEntry
from app.privacy import keys
from app.privacy import numbers
from tests.integration.sync.helpers import check_in

PHONE, TYPED_PHONE = "13812345678", "+86 138-1234-5678"
ID_NUMBER = "11010119900107123X"
OTHER_PHONE = "13598765432"


def plain_copies(*needles) -> dict[str, int]:
    """Rows of each table whose text holds any of ``needles``, read with plain SQL."""
    found = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            for row in conn.execute(sa.text(f'SELECT * FROM "{table.name}"')):
                text = " ".join(str(value) for value in row)
                if any(needle in text for needle in needles):
                    found[table.name] = found.get(table.name, 0) + 1
    return found


def test_a_synced_visit_keeps_its_numbers_only_as_ciphertext(app, world, phone_for):
    guard = phone_for("guard1")
    mutation = check_in(guard.outbox, world.site1, visitor_name="赵六", phone=TYPED_PHONE, id_number=ID_NUMBER)
    assert guard.push([mutation]).json["results"][0]["status"] == "applied"
    # The same id again with the same body is a retry (the keyed fingerprint matched) ...
    assert guard.push([mutation]).json["results"][0]["status"] == "duplicate"
    # ... and with another number it is a reuse, whose body the journal keeps too.
    reused = {**mutation, "data": {**mutation["data"], "phone": OTHER_PHONE}}
    assert guard.push([reused]).json["results"][0]["code"] == "mutation_id_reused"

    with app.app_context():
        assert plain_copies(PHONE, "1234 5678", "1234-5678", ID_NUMBER, "199003071", OTHER_PHONE) == {}
        stored = db.session.execute(sa.text("SELECT phone, id_number, phone_tail FROM visits")).one()
        assert keys.is_encrypted(stored.phone) and keys.is_encrypted(stored.id_number)
        assert stored.phone_tail == "5678"
        visit = db.session.get(Visit, mutation["entity_id"])
        assert (visit.phone, visit.id_number) == (TYPED_PHONE, ID_NUMBER)  # as the guard typed them
        assert visit.phone_mac == numbers.phone_mac(PHONE) and visit.id_mac == numbers.id_mac(ID_NUMBER.lower())
        row = db.session.get(JournalRow, mutation["id"])
        assert row.raw["data"]["phone"] == TYPED_PHONE and row.raw["data"]["id_number"] == ID_NUMBER
        assert row.reuses[0]["raw"]["data"]["phone"] == OTHER_PHONE
        assert row.has_numbers and row.duplicates == 1


def test_a_check_out_that_waited_for_its_check_in_applies_with_the_numbers_intact(app, world, phone_for):
    """The check-out arrives first and waits in the journal; the check-in with the numbers
    comes from another phone later and the waiting check-out is replayed from the journal."""
    gate, lead = phone_for("guard1"), phone_for("lead1")
    visit = check_in(gate.outbox, world.site1, phone=PHONE, id_number=ID_NUMBER)
    out = lead.mutation("visit.check_out", entity_id=visit["entity_id"])
    assert lead.push([out]).json["results"][0]["status"] == "deferred"
    assert gate.push([visit]).json["results"][0]["status"] == "applied"
    with app.app_context():
        row = db.session.get(Visit, visit["entity_id"])
        assert row.checked_out_mutation_id == out["id"] and row.checked_out_at is not None
        assert (row.phone, row.id_number) == (PHONE, ID_NUMBER)
        assert db.session.get(JournalRow, out["id"]).status == "applied"
        assert plain_copies(PHONE, ID_NUMBER) == {}


def test_a_waiting_body_with_numbers_is_read_back_whole(app, world):
    """What the engine re-reads of a deferred row is the body as the phone sent it."""
    from app.api.store import SqlStore
    from sync.testing import T0
    from sync.envelope import JournalEntry

    raw = {"id": "m-1", "type": "visit.check_in", "entity_id": "e-1",
           "data": {"phone": PHONE, "id_number": ID_NUMBER, "visitor_name": "赵六", "n": [1, {"phone": 2}]}}
    with app.app_context():
        store = SqlStore(db.session)
        entry = JournalEntry(mutation_id="m-1", device_id="device-0001", user_id=world.users["guard1"], raw=raw,
                             content_hash=store.fingerprint(raw), received_at=T0, client_time=T0,
                             clock_offset_ms=0, status="deferred", waiting_for="parent-1")
        store.claim([entry])
        db.session.commit()
        assert plain_copies(PHONE, ID_NUMBER) == {}
        [again] = SqlStore(db.session).waiting_for(["parent-1"])
        assert again.raw == raw and again.content_hash == store.fingerprint(dict(raw))
        db.session.rollback()


@pytest.fixture()
def visits(app, world, phone_for):
    guard = phone_for("guard1")
    mine = check_in(guard.outbox, world.site1, visitor_name="赵六", phone=TYPED_PHONE, id_number=ID_NUMBER)
    other = check_in(guard.outbox, world.site1, visitor_name="钱七", phone=OTHER_PHONE)
    assert {r["status"] for r in guard.push([mine, other]).json["results"]} == {"applied"}
    return {"赵六": mine["entity_id"], "钱七": other["entity_id"]}


@pytest.mark.parametrize("q, found", [
    (PHONE, {"赵六"}),
    ("138 1234 5678", {"赵六"}),
    ("+8613812345678", {"赵六"}),
    (ID_NUMBER, {"赵六"}),
    (ID_NUMBER.lower(), {"赵六"}),
    ("5678", {"赵六"}),                # the last four digits of the phone
    ("5432", {"钱七"}),
    ("1381234567", set()),             # part of a number is not the number
    ("110101199003", set()),
    ("13800000000", set()),
])
def test_search_finds_a_visitor_by_a_whole_number_or_the_last_four_digits(visits, desk_for, q, found):
    body = desk_for("supervisor1").text(f"/review/search?q={q.replace('+', '%2B')}")
    assert {name for name in visits if name in body} == found
    listed = desk_for("manager1").text(f"/gate/visits?q={q.replace('+', '%2B')}")
    assert {name for name in visits if f"<strong>{name}</strong>" in listed} == found
    if "赵六" in found:  # shown masked (the box repeats what was typed, nothing more)
        assert "****5678" in body and "138****5678" in listed


def test_the_watch_list_matches_by_id_number_and_phone_through_the_macs(app, world, visits, desk_for):
    with app.app_context():
        db.session.add(WatchEntry(site_id=world.site1, name="某人", id_number=ID_NUMBER.lower(), reason="尾随"))
        db.session.add(WatchEntry(site_id=world.site1, name="另一人", phone="135 9876 5432", reason="推销"))
        db.session.commit()
        stored = db.session.execute(sa.text("SELECT phone, id_number FROM watch_entries")).all()
        assert all(v is None or keys.is_encrypted(v) for row in stored for v in row)
        assert plain_copies(ID_NUMBER, ID_NUMBER.lower(), OTHER_PHONE, "9876 5432") == {}
    desk = desk_for("manager1")
    listed = desk.text("/gate/visits?status=watch")
    assert "<strong>赵六</strong>" in listed and "<strong>钱七</strong>" in listed
    page = desk.text(f"/gate/visits/{visits['赵六']}")
    assert '<span class="chip">身份证号</span></td><td>某人</td>' in page
    page = desk.text(f"/gate/visits/{visits['钱七']}")
    assert '<span class="chip">手机号</span></td><td>另一人</td>' in page


def test_the_pull_sends_the_numbers_masked(app, world, phone_for):
    guard = phone_for("guard1")
    guard.push([check_in(guard.outbox, world.site1, phone=PHONE, id_number=ID_NUMBER)])
    again = phone_for("guard1")  # a new device: a first sync gets everything
    changes = again.push([]).json["changes"]
    [visit] = [c["data"] for c in changes if c["type"] == "visit"]
    assert visit["phone"] == "138****5678" and visit["id_number"] == "110101********123X"


def test_an_old_visit_still_shows_when_the_number_is_not_ciphertext(app, world, phone_for, desk_for):
    """A row written around the column type (before migration 0007 ran) is shown, masked."""
    guard = phone_for("guard1")
    mutation = check_in(guard.outbox, world.site1, visitor_name="旧访客")
    guard.push([mutation])
    with app.app_context():
        db.session.execute(sa.text("UPDATE visits SET phone = :p"), {"p": PHONE})
        db.session.commit()
    body = desk_for("manager1").text(f"/gate/visits/{mutation['entity_id']}")
    assert "138****5678" in body and PHONE not in body


def test_a_number_too_short_to_be_a_phone_has_no_tail_and_no_mac(app, world, phone_for):
    guard = phone_for("guard1")
    guard.push([check_in(guard.outbox, world.site1, phone="12345")])
    with app.app_context():
        row = db.session.scalars(sa.select(Visit)).one()
        assert row.phone == "12345" and row.phone_tail is None and row.phone_mac is None


def test_a_reuse_without_numbers_keeps_the_row_marked_for_the_purge(app, world, phone_for):
    """A repeat is answered without reading the stored body; rewriting the row for a reuse
    must still know that the body holds numbers, or the retention purge would pass it by."""
    guard = phone_for("guard1")
    mutation = check_in(guard.outbox, world.site1, visitor_name="赵六", phone=TYPED_PHONE, id_number=ID_NUMBER)
    assert guard.push([mutation]).json["results"][0]["status"] == "applied"
    bare = {**mutation, "data": {k: v for k, v in mutation["data"].items() if k not in ("phone", "id_number")}}
    assert guard.push([bare]).json["results"][0]["code"] == "mutation_id_reused"
    with app.app_context():
        row = db.session.get(JournalRow, mutation["id"])
        assert row.raw["data"]["phone"] == TYPED_PHONE and len(row.reuses) == 1
        assert row.has_numbers
