"""How long do the office pages take on a year of data, as the server sees it?

Run ``bench/office_data.py`` first (it fills the databases). This script signs in through
the real form as a supervisor of every site (``supervisor1``) and as the manager of the
largest site (``manager01``), and reads, with Flask's test client inside this process
(server time, no network):

- every GET page under ``/review``, ``/patrols``, ``/gate``, ``/stock``, ``/followups`` and
  ``/complaints`` without URL arguments, found in ``app.url_map`` (a page that does not
  exist yet is simply not there);
- ``/review/search?q=`` with a plate, a visitor's surname and a 4-digit phone tail taken
  from the data (shown as ``missing`` while that page does not exist);
- one detail page of each kind: a rule with one URL argument, given the id of the newest
  row of the table its path names, at the user's sites (skipped with a note when no table
  fits).

Each URL is read once to warm up, then ``--runs`` times; the table gives the median and
the 95th percentile (of 5 runs: the slowest), the status, and the SQL statements and SQL
time of the median run. Pages over 300 ms are flagged; ``--sql N`` prints the N slowest
statements of each flagged page, ``--explain N`` their plans (``EXPLAIN ANALYZE`` on
PostgreSQL, with the parameters they ran with). A page that crashes shows its exception.
A last table times ``count(*)`` alone, the query that ``db.paginate`` adds to every list.

    .venv/bin/python bench/office_pages.py                       # SQLite file and PostgreSQL
    .venv/bin/python bench/office_pages.py --url sqlite:////tmp/estate_bench_office.db --sql 3
    .venv/bin/python bench/office_pages.py --only '/gate' --runs 9
"""
from __future__ import annotations

import argparse
import math
import os
import re
import statistics
import sys
import time
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from pathlib import Path
from urllib.parse import quote
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask import got_request_exception  # noqa: E402

from bench.office_data import DEFAULT_PG  # noqa: E402
from bench.office_data import DEFAULT_SQLITE  # noqa: E402
from bench.office_data import PASSWORD  # noqa: E402

PREFIXES = ("/review", "/patrols", "/gate", "/stock", "/followups", "/complaints")
USERS = (("supervisor", "supervisor1"), ("manager", "manager01"))
LIMIT_MS = 300.0

# Path words that name a table, for detail pages whose argument is a bare ``<id>``.
TABLE_WORDS = {
    "visits": "visits", "visit": "visits", "gate": "visits", "visitors": "visits",
    "patrols": "patrols", "patrol": "patrols", "rounds": "patrols",
    "findings": "findings", "finding": "findings", "incidents": "incidents", "incident": "incidents",
    "checks": "stock_checks", "check": "stock_checks", "stock": "stock_checks",
    "counts": "stock_counts", "count": "stock_counts", "differences": "stock_counts",
    "followups": "followups", "followup": "followups", "complaints": "complaints",
    "complaint": "complaints", "conflicts": "conflicts", "conflict": "conflicts",
    "devices": "sync_devices", "device": "sync_devices", "phones": "sync_devices",
    "routes": "routes", "route": "routes", "plans": "routes", "plan": "routes",
    "checkpoints": "checkpoints", "checkpoint": "checkpoints", "items": "items", "item": "items",
    "stores": "stores", "store": "stores", "people": "users", "person": "users", "users": "users",
    "user": "users", "staff": "users", "log": "users", "logs": "users", "worklog": "users",
    "vehicles": "resident_vehicles", "vehicle": "resident_vehicles", "cars": "resident_vehicles",
    "watch": "watch_entries", "watchlist": "watch_entries",
}
# The newest row of a table at some sites: (key column, time column, site column or how to reach it).
PICKS = {
    "visits": ("id", "checked_in_at", "site_id"),
    "patrols": ("id", "started_at", "site_id"),
    "findings": ("id", "found_at", "site_id"),
    "incidents": ("id", "occurred_at", "site_id"),
    "stock_checks": ("id", "started_at", "site_id"),
    "stock_counts": ("id", "counted_at", "site_id"),
    "followups": ("id", "opened_at", "site_id"),
    "complaints": ("id", "lodged_at", "site_id"),
    "conflicts": ("id", "created_at", "site_id"),
    "routes": ("id", "updated_at", "site_id"),
    "checkpoints": ("id", "updated_at", "site_id"),
    "items": ("id", "updated_at", "site_id"),
    "stores": ("id", "updated_at", "site_id"),
    "resident_vehicles": ("id", "updated_at", "site_id"),
    "watch_entries": ("id", "updated_at", "site_id"),
    "sync_devices": ("device_id", "last_seen_at", None),
    "users": ("id", "updated_at", None),
}


@dataclass
class Timed:
    backend: str
    who: str
    url: str
    kind: str  # list, search, detail
    statuses: list[int] = field(default_factory=list)
    ms: list[float] = field(default_factory=list)
    sql_count: list[int] = field(default_factory=list)
    sql_ms: list[float] = field(default_factory=list)
    slowest: list[tuple[float, str, object]] = field(default_factory=list)
    plans: list[tuple[float, str, str]] = field(default_factory=list)
    note: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.ms) if self.ms else None

    @property
    def p95(self) -> float | None:
        if not self.ms:
            return None
        ordered = sorted(self.ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    @property
    def status(self) -> str:
        if self.note and not self.statuses:
            return self.note
        return "/".join(str(s) for s in sorted(set(self.statuses)))

    @property
    def ok(self) -> bool:
        return bool(self.statuses) and all(s == 200 for s in self.statuses)


class SqlClock:
    """Counts and times the statements of one request (event listeners on the engine)."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.on = False
        self.reset()

        @event.listens_for(engine, "before_cursor_execute")
        def before(conn, cursor, statement, parameters, context, executemany):
            if self.on:
                conn.info["bench_t"] = time.perf_counter()

        @event.listens_for(engine, "after_cursor_execute")
        def after(conn, cursor, statement, parameters, context, executemany):
            if self.on and "bench_t" in conn.info:
                took = (time.perf_counter() - conn.info.pop("bench_t")) * 1000
                self.count += 1
                self.ms += took
                self.statements.append((took, re.sub(r"\s+", " ", statement).strip(), parameters))

    def reset(self):
        self.count, self.ms, self.statements, self.error = 0, 0.0, [], ""


def explain(engine, statement: str, parameters) -> str:
    """The database's plan of one statement as it ran, with its real parameters.

    PostgreSQL runs it (``EXPLAIN ANALYZE``: actual rows and times per node); SQLite only
    says which indexes it would use (``EXPLAIN QUERY PLAN``).
    """
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        if engine.dialect.name == "postgresql":
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            lines = [row[0] for row in cur.fetchall()]
        else:
            cur.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            lines = [f"{'  ' * 0}{row[-1]}" for row in cur.fetchall()]
        raw.rollback()
        return "\n".join(lines)
    except Exception as exc:  # a plan that cannot be had is said, not fatal
        return f"(no plan: {type(exc).__name__}: {str(exc).splitlines()[0][:200]})"
    finally:
        raw.close()


# -- what to read ----------------------------------------------------------------------

def office_rules(app):
    """GET rules under the office prefixes: (rule, arguments), in URL order."""
    out = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()):
            continue
        if not any(rule.rule == p or rule.rule.startswith(p + "/") for p in PREFIXES):
            continue
        out.append(rule)
    return sorted(out, key=lambda r: r.rule)


def table_for(rule, arg: str) -> str | None:
    """The table whose ids a rule's argument takes: by its name (``visit_id``) or its path."""
    stem = arg[:-3] if arg.endswith("_id") else arg
    for word in (stem, stem + "s"):
        if word in TABLE_WORDS:
            return TABLE_WORDS[word]
    words = [w for w in re.split(r"[/<>._-]+", rule.rule) if w and ":" not in w and w not in rule.arguments]
    for word in reversed(words):
        if word in TABLE_WORDS:
            return TABLE_WORDS[word]
    return None


def newest(conn, table: str, site_ids: list[str]) -> str | None:
    import sqlalchemy as sa

    key, when, site_col = PICKS[table]
    if table == "sync_devices":
        stmt = (f"SELECT d.device_id FROM sync_devices d JOIN user_sites us ON us.user_id = d.user_id "
                f"WHERE us.site_id IN :sites ORDER BY d.last_seen_at DESC LIMIT 1")
    elif table == "users":
        stmt = ("SELECT u.id FROM users u JOIN user_sites us ON us.user_id = u.id "
                "WHERE us.site_id IN :sites AND u.role = 'guard' ORDER BY u.username LIMIT 1")
    else:
        stmt = f"SELECT {key} FROM {table} WHERE {site_col} IN :sites ORDER BY {when} DESC LIMIT 1"
    text = sa.text(stmt).bindparams(sa.bindparam("sites", expanding=True))
    return conn.scalar(text, {"sites": site_ids})


def search_terms(conn, site_ids: list[str]) -> dict[str, str]:
    """A plate, a surname and a phone tail of recent visitors at these sites."""
    import sqlalchemy as sa

    def one(sql):
        text = sa.text(sql).bindparams(sa.bindparam("sites", expanding=True))
        return conn.scalar(text, {"sites": site_ids})

    terms = {}
    plate = one("SELECT plate FROM visits WHERE site_id IN :sites AND plate IS NOT NULL "
                "ORDER BY checked_in_at DESC LIMIT 1")
    name = one("SELECT visitor_name FROM visits WHERE site_id IN :sites ORDER BY checked_in_at DESC LIMIT 1")
    tail = one("SELECT phone_tail FROM visits WHERE site_id IN :sites AND phone_tail IS NOT NULL "
               "ORDER BY checked_in_at DESC LIMIT 1")
    if plate:
        terms["plate"] = plate
    if name:
        terms["surname"] = name[0]
    if tail:
        terms["phone tail"] = tail
    return terms


def plan(app, db, username: str) -> list[tuple[str, str, str]]:
    """(url, kind, note) for one user: lists, searches, one detail page of each kind."""
    import sqlalchemy as sa

    with db.engine.connect() as conn:
        site_ids = list(conn.scalars(sa.text(
            "SELECT us.site_id FROM user_sites us JOIN users u ON u.id = us.user_id WHERE u.username = :u"),
            {"u": username}))
        out: list[tuple[str, str, str]] = []
        has_search = False
        picked: dict[str, str | None] = {}
        for rule in office_rules(app):
            if not rule.arguments:
                out.append((rule.rule, "list", ""))
                has_search |= rule.rule == "/review/search"
                continue
            if len(rule.arguments) != 1:
                out.append((rule.rule, "detail", "skipped: more than one URL argument"))
                continue
            arg = next(iter(rule.arguments))
            table = table_for(rule, arg)
            if table is None:
                out.append((rule.rule, "detail", f"skipped: no table for <{arg}>"))
                continue
            if table not in picked:
                picked[table] = newest(conn, table, site_ids)
            if picked[table] is None:
                out.append((rule.rule, "detail", f"skipped: no row in {table}"))
                continue
            url = re.sub(r"<[^>]+>", quote(picked[table], safe=""), rule.rule)
            out.append((url, "detail", ""))
        for label, term in search_terms(conn, site_ids).items():
            out.append((f"/review/search?q={quote(term)}", "search",
                        "" if has_search else "missing"))
    return out


# -- timing ------------------------------------------------------------------------------

def sign_in(app, username: str):
    from tests.factories import csrf_from

    client = app.test_client()
    token = csrf_from(client.get("/login"))
    response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    if response.status_code != 302:
        raise SystemExit(f"{username} could not sign in (HTTP {response.status_code}): "
                         "was the database made by bench/office_data.py?")
    return client


def read(client, clock: SqlClock, url: str) -> tuple[int, float, str]:
    clock.reset()
    clock.on = True
    started = time.perf_counter()
    try:
        response = client.get(url)
        status, error = response.status_code, clock.error
        response.close()
    except Exception as exc:  # a page that crashes is reported, not the end of the run
        status, error = 500, f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}"
    took = (time.perf_counter() - started) * 1000
    clock.on = False
    return status, took, error


def time_pages(url: str, backend: str, runs: int = 5, warmup: int = 1, only: str = "",
               users=USERS, say=print, plans: int = 0) -> list[Timed]:
    """Every office page for each user on the database at ``url``."""
    from app import create_app
    from app.extensions import db
    from tests.pg import psycopg_url

    from bench.office_data import DATA_KEY

    app = create_app({"SECRET_KEY": "bench", "DATA_KEY": DATA_KEY, "SQLALCHEMY_DATABASE_URI": psycopg_url(url),
                      "PROPAGATE_EXCEPTIONS": True})
    results: list[Timed] = []
    # Requests run outside any app context of ours: each gets its own, as in a server (an
    # outer one would share ``g``, and with it the signed-in user, between requests).
    with app.app_context():
        engine = db.engine
        todo = {username: plan(app, db, username) for _, username in users}
        db.session.remove()
    clock = SqlClock(engine)

    def crashed(sender, exception, **extra):
        clock.error = f"{type(exception).__name__}: {str(exception).splitlines()[0][:160]}"

    got_request_exception.connect(crashed, app)
    for who, username in users:
        client = sign_in(app, username)
        for target, kind, note in todo[username]:
            if only and only not in target:
                continue
            timed = Timed(backend, who, target, kind, note=note)
            results.append(timed)
            if note:
                continue
            for n in range(warmup + runs):
                status, took, error = read(client, clock, target)
                if error:
                    timed.note = error
                if n < warmup:
                    continue
                timed.statuses.append(status)
                timed.ms.append(took)
                timed.sql_count.append(clock.count)
                timed.sql_ms.append(clock.ms)
                if took >= max(timed.ms):
                    timed.slowest = sorted(clock.statements, key=lambda s: -s[0])
            if plans and timed.median > LIMIT_MS:
                timed.plans = [(took, text, explain(engine, text, params))
                               for took, text, params in timed.slowest[:plans]]
            say(f"  {backend:<10} {who:<10} {timed.median:>8.0f} ms  {timed.status:<4} {unquote(target)}")
    engine.dispose()
    return results


def time_counts(url: str, backend: str, runs: int = 5) -> list[tuple[str, float, int]]:
    """``count(*)`` alone, as ``db.paginate`` runs it, on the biggest tables."""
    import sqlalchemy as sa

    from tests.pg import psycopg_url

    engine = sa.create_engine(psycopg_url(url))
    out = []
    with engine.connect() as conn:
        everyone = list(conn.scalars(sa.text("SELECT id FROM sites ORDER BY code")))
        if not everyone:
            return out
        month = datetime.now(timezone.utc) - timedelta(days=30)
        week = datetime.now(timezone.utc) - timedelta(days=7)
        probes = [
            ("visits, 10 sites, all time", "visits", "1=1", everyone),
            ("visits, 10 sites, last 30 days", "visits", "checked_in_at >= :since", everyone),
            ("visits, 10 sites, last 7 days", "visits", "checked_in_at >= :week", everyone),
            ("visits, 1 site, all time", "visits", "1=1", everyone[:1]),
            ("visits, 1 site, last 30 days", "visits", "checked_in_at >= :since", everyone[:1]),
            ("checkpoint visits, all (join patrols)", "checkpoint_visits", "1=1", everyone),
            ("patrols, 10 sites, all time", "patrols", "1=1", everyone),
            ("follow-ups, 10 sites, open", "followups", "status IN ('open', 'in_progress')", everyone),
            ("follow-ups, 10 sites, all", "followups", "1=1", everyone),
            ("complaints, 10 sites, all", "complaints", "1=1", everyone),
        ]
        # What db.paginate really runs: count(*) over the list's whole statement as a
        # subquery (every column), with the soft-delete filter every list has.
        probes += [
            ("visits, 10 sites, all time, as paginate runs it", "visits", "deleted_at IS NULL", everyone,
             True),
            ("visits, 1 site, all time, as paginate runs it", "visits", "deleted_at IS NULL", everyone[:1],
             True),
            ("visits, 10 sites, 30 days, as paginate runs it", "visits",
             "deleted_at IS NULL AND checked_in_at >= :since", everyone, True),
        ]
        for label, table, where, sites, *whole in probes:
            inner = f"FROM {table} WHERE site_id IN :sites AND {where}"
            text = (f"SELECT count(*) FROM (SELECT * {inner}) AS listed" if whole
                    else f"SELECT count(*) {inner}")
            sql = sa.text(text).bindparams(sa.bindparam("sites", expanding=True))
            params = {"sites": sites}
            if ":since" in where:
                params["since"] = month.replace(tzinfo=None)
            if ":week" in where:
                params["week"] = week.replace(tzinfo=None)
            times, rows = [], 0
            for n in range(runs + 1):
                started = time.perf_counter()
                rows = conn.scalar(sql, params)
                if n:
                    times.append((time.perf_counter() - started) * 1000)
            out.append((label, statistics.median(times), rows))
    engine.dispose()
    return out


# -- output ------------------------------------------------------------------------------

def report(results: list[Timed], counts: dict[str, list], sql: int, sql_width: int = 400) -> int:
    over = 0
    print()
    print(f"{'backend':<11}{'user':<11}{'median ms':>10}{'p95 ms':>9}{'SQL':>6}{'SQL ms':>9}  {'status':<8}"
          f"{'':<5}url")
    for r in results:
        if not r.ms:
            print(f"{r.backend:<11}{r.who:<11}{'—':>10}{'—':>9}{'':>6}{'':>9}  {r.status:<8}{'':<5}"
                  f"{unquote(r.url)}")
            continue
        slow = r.median > LIMIT_MS
        over += slow
        median_sql = r.sql_ms[r.ms.index(sorted(r.ms)[len(r.ms) // 2])]
        flag = "SLOW" if slow else ""
        note = f"  [{r.note}]" if r.note else ""
        statements = statistics.median(r.sql_count)
        print(f"{r.backend:<11}{r.who:<11}{r.median:>10.0f}{r.p95:>9.0f}{statements:>6.0f}"
              f"{median_sql:>9.0f}  {r.status:<8}{flag:<5}{unquote(r.url)}{note}")
    for backend, rows in counts.items():
        if not rows:
            continue
        print(f"\ncount(*) alone (what db.paginate adds to a list) on {backend}:")
        for label, ms, n in rows:
            print(f"{ms:>9.1f} ms {n:>10,} rows  {label}" + ("  SLOW" if ms > LIMIT_MS else ""))
    if sql:
        for r in results:
            if r.ms and r.median > LIMIT_MS:
                print(f"\nslowest statements of {unquote(r.url)} ({r.backend}, {r.who}, slowest run):")
                for took, text, _params in r.slowest[:sql]:
                    print(f"{took:>9.1f} ms  {text[:sql_width]}")
    for r in results:
        for took, text, plan_text in r.plans:
            print(f"\nplan of a {took:.0f} ms statement of {unquote(r.url)} ({r.backend}, {r.who}):\n{text}\n"
                  + "\n".join("    " + line for line in plan_text.splitlines()))
    bad = [r for r in results if r.ms and not r.ok]
    print(f"\npages over {LIMIT_MS:.0f} ms (median): {over}; pages not answering 200: {len(bad)}")
    return 0


def backend_of(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def reachable(url: str) -> str | None:
    """Why ``url`` cannot be timed (no database, no data), or ``None``."""
    import sqlalchemy as sa

    from tests.pg import psycopg_url

    if url.startswith("sqlite"):
        path = sa.engine.make_url(url).database
        if not path or not os.path.exists(path):
            return f"no file {path}: run bench/office_data.py --url {url}"
    engine = sa.create_engine(psycopg_url(url))
    try:
        with engine.connect() as conn:
            n = conn.scalar(sa.text("SELECT count(*) FROM users WHERE username = 'supervisor1'"))
        return None if n else "no data: run bench/office_data.py first"
    except sa.exc.SQLAlchemyError as exc:
        return f"cannot read it ({type(exc).__name__}): run bench/office_data.py --url {url}"
    finally:
        engine.dispose()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", action="append",
                        help=f"database to time (repeatable); default {DEFAULT_SQLITE} and {DEFAULT_PG}")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", default="", help="only URLs containing this text")
    parser.add_argument("--sql", type=int, default=0, help="the N slowest statements of each slow page")
    parser.add_argument("--explain", type=int, default=0,
                        help="plans (EXPLAIN ANALYZE on PostgreSQL) of the N slowest statements "
                             "of each slow page")
    parser.add_argument("--full-sql", action="store_true", help="print whole statements, not 400 characters")
    parser.add_argument("--no-counts", action="store_true", help="leave out the count(*) table")
    args = parser.parse_args(argv)
    urls = args.url or [DEFAULT_SQLITE, os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG)]
    results: list[Timed] = []
    counts: dict[str, list] = {}
    for url in urls:
        backend = backend_of(url)
        why = reachable(url)
        if why:
            print(f"{backend}: skipped, {why}")
            continue
        print(f"{backend}: {url}", flush=True)
        results += time_pages(url, backend, runs=args.runs, only=args.only, plans=args.explain,
                              say=lambda line: print(line, flush=True))
        if not args.no_counts:
            counts[backend] = time_counts(url, backend, runs=args.runs)
    return report(results, counts, args.sql, sql_width=100_000 if args.full_sql else 400)


if __name__ == "__main__":
    sys.exit(main())
