"""Hostile input through HTTP: no answer is a 500, a refused mutation writes nothing, and
the rest of the push still applies (one bad record never wedges a phone's outbox)."""
import json

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from app.models import JournalRow
from app.models import Visit
from tests.integration.sync.helpers import check_in
from tests.integration.sync.helpers import uid


def nested(depth):
    value = "底"
    for _ in range(depth):
        value = {"x": value}
    return value


# (name, how to spoil a visitor check-in, the status it must get)
CORPUS = [
    ("year 9999", lambda m: m.update(at="9999-12-31T23:59:59.000+08:00"), "rejected"),
    ("year 1", lambda m: m.update(at="0001-01-01T00:00:00.000+08:00"), "rejected"),
    ("seq 2^63", lambda m: m.update(seq=2**63), "rejected"),
    ("lone surrogate", lambda m: m["data"].update(visitor_name="王\ud800五"), "rejected"),
    ("NUL", lambda m: m["data"].update(visitor_name="王\x00五"), "rejected"),
    ("NUL in a key", lambda m: m["data"].update({"a\x00b": 1}), "rejected"),
    ("type of 41", lambda m: m.update(type="v" * 41), "rejected"),
    ("entity id of 65", lambda m: m.update(entity_id="e" * 65), "rejected"),
    ("huge integer in data", lambda m: m["data"].update(party_size=10**30), "rejected"),
    ("nested 50 deep", lambda m: m["data"].update(note=nested(50)), "rejected"),
    ("1 MB name", lambda m: m["data"].update(visitor_name="x" * 1_000_000), "rejected"),
    ("unknown type", lambda m: m.update(type="visit.teleport"), "rejected"),
    ("not a uuid", lambda m: m.update(entity_id="not-a-uuid"), "rejected"),
    ("another site", lambda m: m["data"].update(site_id=uid()), "rejected"),
    ("someone else", lambda m: m.update(user_id=uid()), "rejected"),
    ("emoji and rare CJK", lambda m: m["data"].update(visitor_name="𠀋𪚥😀王"), "applied"),
    ("SQL", lambda m: m["data"].update(visitor_name="x'); DROP TABLE visits;--"), "applied"),
    ("HTML", lambda m: m["data"].update(note="<script>alert(1)</script>"), "applied"),
]


@pytest.mark.parametrize("name,spoil,expected", CORPUS, ids=[c[0] for c in CORPUS])
def test_one_bad_mutation_is_refused_alone(app, guard, world, name, spoil, expected):
    bad = check_in(guard.outbox, world.site1, visitor_name="坏记录")
    spoil(bad)
    good = check_in(guard.outbox, world.site1, visitor_name="好记录")
    response = guard.push([bad, good])
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    first, second = response.json["results"]
    assert first["status"] == expected, first
    if expected == "rejected":
        assert first["errors"] and all(isinstance(v, list) and v for v in first["errors"].values())
    assert second["status"] == "applied"
    with app.app_context():
        visits = db.session.scalar(select(func.count()).select_from(Visit))
        assert visits == (2 if expected == "applied" else 1)
        assert db.session.get(JournalRow, bad["id"].lower()) is not None  # journaled all the same
    # The same push again: the same answers, nothing more written.
    again = guard.push([bad, good]).json["results"]
    assert [r["status"] for r in again] == ["duplicate", "duplicate"]


def test_a_body_nested_past_parsing_is_a_bad_request(guard, world):
    body = '{"device_id": "' + guard.device_id + '", "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = guard.post("/api/v1/sync", data=body, content_type="application/json")
    assert response.status_code == 400 and response.json["error"]["code"] == "bad_request"


@pytest.mark.parametrize("client_time", ["9999-12-31T23:59:59+08:00", "0001-01-01T00:00:00+08:00"])
def test_an_impossible_phone_clock_is_a_validation_error(guard, world, client_time):
    body = guard.outbox.request([check_in(guard.outbox, world.site1)])
    body["client_time"] = client_time
    response = guard.post("/api/v1/sync", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 422 and "client_time" in response.json["error"]["details"]
