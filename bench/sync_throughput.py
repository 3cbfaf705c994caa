"""How fast does ``POST /api/v1/sync`` apply a phone's outbox, and at what cost in SQL?

Pushes of 100 and 500 mutations (a manager's mix of visits, patrols with findings and
stock counts, see ``tests/integration/faults/workload.py``) go through the real app
(Flask's test client, the whole request: token, envelope, engine, commit, pull) against a
real database file on SQLite and a real PostgreSQL. For each push it measures the time,
counts COMMITs (a push must be one transaction) and SQL statements, and prints a table.

    .venv/bin/python bench/sync_throughput.py                  # SQLite and PostgreSQL
    .venv/bin/python bench/sync_throughput.py --runs 5 --top 12
    .venv/bin/python bench/sync_throughput.py --pg postgresql://postgres@127.0.0.1:5432/estate_bench

``--top N`` also lists the statements that run most often in a 500 push: one that runs
about once per mutation of some type is a query a batch could replace.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/estate_bench"
SIZES = (100, 500)


@dataclass
class Tally:
    """What the database saw during one request."""

    statements: int = 0
    commits: int = 0
    rollbacks: int = 0
    texts: Counter = field(default_factory=Counter)
    on: bool = False


@dataclass
class Run:
    backend: str
    size: int
    seconds: float
    statements: int
    commits: int
    statuses: Counter
    texts: Counter
    error: str | None = None


def shape(statement: str) -> str:
    """A statement without its literals and list lengths, to count it by kind."""
    text = re.sub(r"\s+", " ", statement).strip()
    text = re.sub(r"(%\(\w+\)s|\?|\$\d+)(::\w+(\(\d+\))?)?(, (%\(\w+\)s|\?|\$\d+)(::\w+(\(\d+\))?)?)+", "…", text)
    text = re.sub(r"\(__\[POSTCOMPILE_\w+\]\)", "(…)", text)
    return text[:150]


def listen(engine, tally: Tally) -> None:
    from sqlalchemy import event

    @event.listens_for(engine, "before_cursor_execute")
    def statement(conn, cursor, text, parameters, context, executemany):
        if tally.on:
            tally.statements += 1
            tally.texts[shape(text)] += 1

    @event.listens_for(engine, "commit")
    def commit(conn):
        if tally.on:
            tally.commits += 1

    @event.listens_for(engine, "rollback")
    def rollback(conn):
        if tally.on:
            tally.rollbacks += 1


def database_url(backend: str, pg_url: str, tmp: Path) -> str:
    from tests.pg import ensure_database
    from tests.pg import psycopg_url

    if backend == "sqlite":
        return f"sqlite:///{tmp / 'bench.db'}"
    url = psycopg_url(pg_url)
    ensure_database(url)
    return url


def pg_answers(url: str) -> bool:
    import psycopg

    try:
        psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()
        return True
    except psycopg.Error:
        return False


def bench_backend(backend: str, url: str, tmp: Path, runs: int, one_patrol: bool) -> list[Run]:
    from app import create_app
    from app.extensions import db
    from tests.factories import Phone
    from tests.factories import make_world
    from tests.integration.faults.workload import Recorder
    from tests.integration.faults.workload import field_day

    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                      "PHOTO_DIR": str(tmp / "photos")})
    tally = Tally()
    out = []
    with app.app_context():
        db.drop_all()
        db.create_all()
        world = make_world()
        listen(db.engine, tally)
        phone = Phone(app.test_client())
        assert phone.sign_in("manager1").status_code == 200
        recorder = Recorder(phone.user["id"], phone.device_id)
        push(phone, recorder, field_day(recorder, world, 20), tally)  # warm the caches
        for size in SIZES:
            for _ in range(runs):
                mutations = field_day(recorder, world, size)
                if one_patrol:
                    mutations = only_first_patrol(mutations)
                out.append(push(phone, recorder, mutations, tally, backend=backend))
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    return out


def only_first_patrol(mutations: list[dict]) -> list[dict]:
    """The mix with a single patrol round (for the PostgreSQL flush-order issue)."""
    starts = [m["entity_id"] for m in mutations if m["type"] == "patrol.start"]
    later = set(starts[1:])
    return [m for m in mutations if m["entity_id"] not in later and m["data"].get("patrol_id") not in later]


def push(phone, recorder, mutations, tally: Tally, backend: str = "") -> Run:
    payload = recorder.request(mutations)
    tally.statements = tally.commits = tally.rollbacks = 0
    tally.texts = Counter()
    tally.on = True
    started = time.perf_counter()
    response = phone.post("/api/v1/sync", json=payload)
    seconds = time.perf_counter() - started
    tally.on = False
    error = None
    if response.status_code != 200:
        error = f"HTTP {response.status_code} {response.json['error']['code']}"
        statuses = Counter()
    else:
        statuses = Counter(r["status"] for r in response.json["results"])
    return Run(backend, len(mutations), seconds, tally.statements, tally.commits, statuses,
               tally.texts, error)


def report(runs: list[Run], top: int) -> None:
    print()
    print(f"{'backend':<11}{'push':>6}{'runs':>6}{'median s':>10}{'records/s':>11}{'COMMITs':>9}"
          f"{'SQL stmts':>11}{'stmts/mut':>11}  results")
    groups: dict[tuple[str, int], list[Run]] = {}
    for run in runs:
        groups.setdefault((run.backend, run.size), []).append(run)
    for (backend, size), group in groups.items():
        failed = [r for r in group if r.error]
        if failed:
            print(f"{backend:<11}{size:>6}{len(group):>6}  FAILED: {failed[0].error}")
            continue
        seconds = statistics.median(r.seconds for r in group)
        statements = statistics.median(r.statements for r in group)
        commits = sorted({r.commits for r in group})
        statuses = sum((r.statuses for r in group), Counter())
        print(f"{backend:<11}{size:>6}{len(group):>6}{seconds:>10.3f}{size / seconds:>11.0f}"
              f"{'/'.join(map(str, commits)):>9}{statements:>11.0f}{statements / size:>11.2f}  "
              + ", ".join(f"{k} {v // len(group)}" for k, v in sorted(statuses.items())))
    one_tx = all(r.commits == 1 for r in runs if not r.error)
    print(f"\nevery push one transaction (exactly one COMMIT): {'yes' if one_tx else 'NO'}")
    if top:
        for backend in dict.fromkeys(r.backend for r in runs):
            biggest = [r for r in runs if r.backend == backend and r.size == max(SIZES) and not r.error]
            if not biggest:
                continue
            run = biggest[0]
            print(f"\nmost frequent statements in one {run.size}-mutation push on {backend}:")
            for text, count in run.texts.most_common(top):
                print(f"{count:>6}  {text}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="pushes per size and backend")
    parser.add_argument("--pg", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG),
                        help="PostgreSQL URL (its database is dropped and recreated)")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--top", type=int, default=0, help="list the N most frequent statements")
    parser.add_argument("--one-patrol-per-push", action="store_true",
                        help="keep only the first patrol round of each push")
    args = parser.parse_args(argv)

    backends = [b for b in ("sqlite", "postgresql") if args.only in (None, b)]
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="estate-bench-") as tmp:
        for backend in backends:
            if backend == "postgresql" and not pg_answers(args.pg):
                print(f"PostgreSQL does not answer at {args.pg}: skipped.")
                continue
            url = database_url(backend, args.pg, Path(tmp))
            print(f"{backend}: {args.runs} pushes of each of {', '.join(map(str, SIZES))} mutations…",
                  flush=True)
            runs += bench_backend(backend, url, Path(tmp), args.runs, args.one_patrol_per_push)
    report(runs, args.top)
    return 0 if all(r.commits == 1 for r in runs if not r.error) else 1


if __name__ == "__main__":
    sys.exit(main())
