"""The same push sent at the same moment over two connections has one effect.

A phone's background sync and its "sync now" button can fire together, so the server
sees one outbox twice at once. Here gunicorn runs two worker processes on one database
(a SQLite file or PostgreSQL), two real HTTP connections wait at a barrier and send the
same push together, round after round. Every mutation must get one first answer and one
``duplicate``, and the database must equal that of a server that got each push once.
"""
import threading

import pytest

from tests.integration.faults.harness import HTTP
from tests.integration.faults.harness import Server
from tests.integration.faults.harness import build_world
from tests.integration.faults.harness import difference
from tests.integration.faults.harness import new_database
from tests.integration.faults.harness import push
from tests.integration.faults.harness import sign_in
from tests.integration.faults.harness import snapshot
from tests.integration.faults.workload import Recorder
from tests.integration.faults.workload import patrol_scene
from tests.integration.faults.workload import stock_scene
from tests.integration.faults.workload import visit_scene

pytestmark = pytest.mark.slow

ROUNDS = 6


def a_round(rec: Recorder, world, n: int) -> list[dict]:
    """A push with follow-ups to derive: visits, a patrol with a missed stop and an open
    finding, a stock check with a difference, and a check-out before its check-in."""
    check_in, check_out = visit_scene(rec, world.site1, n)
    return ([check_out] + visit_scene(rec, world.site1, n + 100)
            + patrol_scene(rec, world.site1, world.route1, world.checkpoints1, n)
            + stock_scene(rec, world.site1, world.store1, world.items1, [10, 20, 30], n)
            + [check_in])


def together(port: int, token: str, payload: dict) -> list:
    """Send ``payload`` over two connections released by one barrier; both answers."""
    barrier = threading.Barrier(2)
    answers = [None, None]

    def send(index):
        client = HTTP(port)
        client.conn.connect()  # connected before the barrier, so both requests leave at once
        try:
            barrier.wait()
            answers[index] = client.request("POST", "/api/v1/sync", payload,
                                            {"Authorization": f"Bearer {token}"})
        finally:
            client.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return answers


def test_two_connections_one_effect(tmp_path):
    template = new_database(tmp_path, "race_template")
    world = build_world(template, tmp_path / "photos")
    raced, clean = template.clone("race_raced"), template.clone("race_clean")
    (tmp_path / "raced").mkdir()
    (tmp_path / "clean").mkdir()
    rec = Recorder(world.users["manager1"])
    try:
        with Server(raced, tmp_path / "raced", workers=2) as racing, \
                Server(clean, tmp_path / "clean") as single:
            race_token = sign_in(racing.port, "manager1", rec.device_id)
            clean_token = sign_in(single.port, "manager1", rec.device_id)
            workers = []
            for n in range(ROUNDS):
                mutations = a_round(rec, world, n)
                payload = rec.request(mutations)
                status, once, _ = push(single.port, clean_token, payload)
                assert status == 200
                (status_a, first, head_a), (status_b, second, head_b) = together(
                    racing.port, race_token, payload)
                assert (status_a, status_b) == (200, 200), (first, second)
                workers.append(head_a["X-Test-Worker"] != head_b["X-Test-Worker"])
                for expected, a, b in zip(once["results"], first["results"], second["results"], strict=True):
                    pair = sorted([a, b], key=lambda r: r["status"] == "duplicate")
                    assert pair[0]["status"] == expected["status"], (n, a, b)
                    assert pair[1]["status"] == "duplicate", (n, a, b)
                    assert pair[1]["first_status"] in (expected["status"], "applied"), (n, a, b)
                    assert a.get("entity_id") == b.get("entity_id") == expected.get("entity_id")
            assert any(workers), "the two connections never reached two worker processes"
        assert difference(snapshot(raced), snapshot(clean)) == {}
    finally:
        for database in (raced, clean, template):
            database.drop()
