"""Writers without a common lock, and a cursor that never skips what commits late (PostgreSQL)."""
import threading

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import ChangeLog
from app.models import Checkpoint
from tests.integration.sync.helpers import check_in
from tests.integration.sync.test_api_pull import by_type
from tests.integration.sync.test_api_pull import pull_all


def postgres_only(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite has one writer at a time; the PostgreSQL leg runs this")


def open_write(app, checkpoint_id):
    """A second connection renames a checkpoint of site 1 and keeps its transaction open."""
    with app.app_context():
        session = Session(db.engine)
    checkpoint = session.get(Checkpoint, checkpoint_id)
    checkpoint.name = "迟到的改名"
    session.flush()
    return session


def test_a_row_committed_late_is_not_skipped_by_a_cursor(app, guard, world):
    postgres_only(app)
    _, cursor, _ = pull_all(guard)
    late = open_write(app, world.checkpoints1[0])  # takes its seq first, commits last
    try:
        with app.app_context():
            db.session.get(Checkpoint, world.checkpoints1[1]).name = "先提交的改名"
            db.session.commit()
        early, cursor, _ = pull_all(guard, cursor=cursor)
        assert world.checkpoints1[0] not in by_type(early).get("checkpoint", {})
        late.commit()
    finally:
        late.close()
    rest, _, _ = pull_all(guard, cursor=cursor)
    seen = {**by_type(early).get("checkpoint", {}), **by_type(rest).get("checkpoint", {})}
    assert seen[world.checkpoints1[0]]["data"]["name"] == "迟到的改名"
    assert seen[world.checkpoints1[1]]["data"]["name"] == "先提交的改名"


def test_a_push_of_another_site_does_not_wait_for_an_open_one(app, phone_for, world):
    postgres_only(app)
    other = phone_for("guard2")
    held = open_write(app, world.checkpoints1[0])
    done = threading.Event()
    answers = []

    def push():
        with app.test_client() as client:
            body = other.outbox.request([check_in(other.outbox, world.site2)])
            answers.append(client.post("/api/v1/sync", json=body, headers=other.headers()))
        done.set()

    thread = threading.Thread(target=push)
    thread.start()
    try:
        assert done.wait(60), "site 2's push waited for site 1's open transaction"
    finally:
        held.rollback()
        held.close()
        thread.join(60)
    assert answers[0].status_code == 200
    assert answers[0].json["results"][0]["status"] == "applied"


def test_eight_writers_and_a_reader_lose_no_row(app, phone_for, world):
    postgres_only(app)
    reader = phone_for("guard1")  # a phone of its own: it pulls guard1's visits
    _, cursor, _ = pull_all(reader)
    writers = [phone_for(name) for name in ("guard1", "lead1") for _ in range(4)]
    sent, mine, errors, stop = [], [], [], threading.Event()

    def write(phone):
        try:
            with app.test_client() as client:
                for _ in range(5):
                    visits = [check_in(phone.outbox, world.site1) for _ in range(4)]
                    sent.extend(v["entity_id"] for v in visits)
                    if phone.user["username"] == "guard1":
                        mine.extend(v["entity_id"] for v in visits)
                    response = client.post("/api/v1/sync", json=phone.outbox.request(visits),
                                           headers=phone.headers())
                    assert response.status_code == 200, response.json
        except Exception as err:  # noqa: BLE001 (reported below)
            errors.append(err)

    seen = set()

    def read():
        nonlocal cursor
        with app.test_client() as client:
            while not stop.is_set():
                body = client.post("/api/v1/sync", json=reader.outbox.request([], cursor=cursor),
                                   headers=reader.headers()).json
                cursor = body["cursor"]
                seen.update(c["id"] for c in body["changes"])

    threads = [threading.Thread(target=write, args=(p,)) for p in writers]
    reading = threading.Thread(target=read)
    reading.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    stop.set()
    reading.join(60)
    assert not errors, errors
    rest, _, _ = pull_all(reader, cursor=cursor)
    seen.update(c["id"] for c in rest)
    with app.app_context():
        logged = set(db.session.scalars(select(ChangeLog.entity_id).where(ChangeLog.entity_type == "visit")))
    assert set(sent) <= logged
    # every visit of guard1's other phones reached the reader, pulled while they were written
    assert mine and set(mine) <= seen
