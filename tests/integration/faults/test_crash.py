"""A server killed with ``kill -9`` in the middle of a push keeps all of it or none of it.

The app runs as a real gunicorn process on a real database file (or PostgreSQL). A large
push of a manager's day is sent and the server is killed while it works: at chosen
points inside the transaction, just after the commit, and at random moments. After a
restart every mutation is either applied with its journal row or absent with nothing of
it, and once the phone pushes again (it never got an answer) the database equals a clean
delivery of the same push, row for row.
"""
import os
import random
import time
from dataclasses import dataclass

import pytest

from tests.integration.faults.harness import Background
from tests.integration.faults.harness import Database
from tests.integration.faults.harness import Server
from tests.integration.faults.harness import build_world
from tests.integration.faults.harness import difference
from tests.integration.faults.harness import journaled
from tests.integration.faults.harness import new_database
from tests.integration.faults.harness import push
from tests.integration.faults.harness import sign_in
from tests.integration.faults.harness import snapshot
from tests.integration.faults.workload import Recorder
from tests.integration.faults.workload import field_day

pytestmark = pytest.mark.slow

PUSH_SIZE = 300
USER = "manager1"


@dataclass
class Stage:
    template: Database
    device_id: str
    mutations: list
    before: dict  # the template: nothing of the push
    clean: dict  # after one clean delivery
    results: list  # the clean delivery's answer
    statements: int  # SQL statements the clean delivery took
    seconds: float  # how long the clean delivery took

    def request(self) -> dict:
        """The push as the phone sends it again: the same mutations, its clock read anew."""
        return Recorder(None, self.device_id).request(self.mutations)

    @property
    def ids(self) -> list[str]:
        return [m["id"] for m in self.mutations]


@pytest.fixture(scope="module")
def stage(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("crash")
    template = new_database(tmp, "crash_template")
    world = build_world(template, tmp / "photos")
    recorder = Recorder(world.users[USER])
    mutations = field_day(recorder, world, PUSH_SIZE, trouble=True)
    before = snapshot(template)

    clean = template.clone("crash_clean")
    (tmp / "clean").mkdir()
    with Server(clean, tmp / "clean") as server:
        token = sign_in(server.port, USER, recorder.device_id)
        started = time.monotonic()
        status, body, headers = push(server.port, token, recorder.request(mutations))
        seconds = time.monotonic() - started
    assert status == 200, body
    assert {r["status"] for r in body["results"]} == {"applied", "deferred", "rejected"}
    staged = Stage(template, recorder.device_id, mutations, before, snapshot(clean),
                   body["results"], int(headers["X-Test-Statements"]), seconds)
    assert staged.statements > 100, "the push should be long enough to be killed inside"
    yield staged
    clean.drop()
    template.drop()


def assert_all_or_nothing(stage: Stage, database: Database, context: str) -> bool:
    """Nothing of the push, or all of it as a clean delivery left it; whether it was all."""
    count = journaled(database, stage.ids)
    assert count in (0, len(stage.ids)), f"{context}: {count} of {len(stage.ids)} journaled"
    committed = count == len(stage.ids)
    expected = stage.clean if committed else stage.before
    assert difference(snapshot(database), expected) == {}, f"{context}: committed={committed}"
    return committed


def push_again(stage: Stage, database: Database, workdir, committed: bool, context: str) -> None:
    """The phone, restarted server, same outbox: one effect in all, and the same answers."""
    with Server(database, workdir) as server:
        token = sign_in(server.port, USER, stage.device_id)
        status, body, _ = push(server.port, token, stage.request())
    assert status == 200, f"{context}: {body}"
    if not committed:
        assert body["results"] == stage.results, context
    else:
        for first, again in zip(stage.results, body["results"], strict=True):
            assert again["id"] == first["id"]
            assert again.get("entity_id") == first.get("entity_id"), context
            assert (again["status"], again["first_status"]) == ("duplicate", first["status"]), context
            if first["status"] == "rejected":
                assert again["errors"] == first["errors"], context
    assert difference(snapshot(database), stage.clean) == {}, f"{context}: after the retry"


@pytest.mark.parametrize("point", ["statement:1/3", "statement:2/3", "before_commit", "after_commit"])
def test_killed_at_a_known_point(stage, tmp_path, point):
    """Killed inside the transaction nothing is left; killed after the commit all of it is,
    and the phone, which saw no answer, gets ``duplicate`` for everything when it retries."""
    pause_at = point
    if point.startswith("statement:"):
        num, den = point.split(":")[1].split("/")
        pause_at = f"statement:{stage.statements * int(num) // int(den)}"
    database = stage.template.clone("crash_point")
    server = Server(database, tmp_path, pause_at=pause_at).start()
    try:
        token = sign_in(server.port, USER, stage.device_id)
        pushing = Background(server.port, token, stage.request())
        assert server.wait_paused(), f"the push never reached {pause_at}"
        server.kill()
    finally:
        server.stop()
    assert not isinstance(pushing.join(), tuple), "the phone should have had no answer"

    committed = assert_all_or_nothing(stage, database, point)
    assert committed == (point == "after_commit")
    push_again(stage, database, tmp_path, committed, point)
    database.drop()


def kill_and_retry(stage, workdir, context, *, pause_at=None, kill_after=None) -> bool:
    """Start a server, push, kill it (at ``pause_at`` or after ``kill_after`` seconds),
    check all-or-nothing, restart and push again; whether the push had been committed."""
    database = stage.template.clone("crash_random")
    faults = {"pause_at": pause_at} if pause_at else {}
    server = Server(database, workdir, **faults).start()
    try:
        token = sign_in(server.port, USER, stage.device_id)
        pushing = Background(server.port, token, stage.request())
        if pause_at:
            assert server.wait_paused(), f"{context}: the push never reached {pause_at}"
        else:
            time.sleep(kill_after)
        server.kill()
    finally:
        server.stop()
    answer = pushing.join()
    committed = assert_all_or_nothing(stage, database, context)
    if isinstance(answer, tuple):
        assert committed, f"{context}: answered but not committed"
    push_again(stage, database, workdir, committed, context)
    database.drop()
    return committed


def test_killed_at_random_points(stage, tmp_path):
    """Wherever the kill lands, the invariants hold (the seed is in every failure message).

    Two kills at random SQL statements of the push (one in each half of its work) and one
    at a random moment of wall time, which may also fall after the answer.
    """
    seed = int(os.environ.get("FAULT_SEED") or time.time_ns() % 1_000_000)
    rng = random.Random(seed)
    outcomes = []
    for half in (0, 1):
        low, high = 1 + half * stage.statements // 2, (half + 1) * stage.statements // 2
        statement = rng.randint(low, high)
        workdir = tmp_path / f"statement-{statement}"
        workdir.mkdir()
        outcomes.append(kill_and_retry(stage, workdir, f"seed={seed} statement={statement}",
                                       pause_at=f"statement:{statement}"))
    kill_after = rng.uniform(0.05, stage.seconds * 1.2)
    workdir = tmp_path / "moment"
    workdir.mkdir()
    outcomes.append(kill_and_retry(stage, workdir, f"seed={seed} kill_after={kill_after:.3f}s",
                                   kill_after=kill_after))
    print(f"random kills (seed {seed}): committed before the kill = {outcomes}")
