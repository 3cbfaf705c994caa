"""The server's figures of ``python -m bench``: pushes and pulls through HTTP to gunicorn.

Everything here goes over real sockets to ``gunicorn`` (2 workers) serving the real app on
a fresh database, SQLite or PostgreSQL, built from ``tests.factories.make_world``. The
baseline of every speed is the **floor**: ``POST /__floor`` on the same gunicorn, which
reads and parses the same body and stores nothing (``tests/integration/faults/server.py``).

- *push of new records*: batches of 100 and 500 new ``visit.check_in`` (with phone and ID
  numbers, so sealing is paid for) from one phone, records per second as a share of the
  floor's records per second on the same batches; beside it, the same share for
  ``POST /__least``, which stores those check-ins with the least work any push must do
  (seal, MAC, three multi-row Core inserts, one commit): the ceiling of the figure here;
- *4 phones on 2 sites*: two phones on each site push at once; their records per second
  over one phone's;
- *re-push*: the same 500 again, all ``duplicate``, as a share of the first push's time;
- *SQL statements per push of 500 new visits*: counted by SQLAlchemy's
  ``after_cursor_execute`` in the worker and sent back in ``X-Test-Statements``;
- *answer bytes*: a push from an up-to-date phone (``Prefer: return=minimal``, gzip), as
  a share of the bytes pushed;
- *first pull*: a new phone of a site with 3,000 units, 60 checkpoints, 300 items and 100
  people pulls from cursor ``null`` to the end: the time of the requests and the gzip
  bytes;
- *worker memory*: the largest resident set of gunicorn's workers after all of it.
"""
from __future__ import annotations

import gzip
import http.client
import json
import os
import statistics
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from bench.report import Figure
from sync.id_numbers import resident_id
from tests.integration.faults import harness
from tests.integration.faults.workload import Recorder

BIG_SITE = {"units": 3000, "checkpoints": 60, "items": 300, "users": 100}
QUICK_SITE = {"units": 300, "checkpoints": 12, "items": 30, "users": 10}


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict
    seconds: float

    def json(self):
        raw = gzip.decompress(self.body) if self.headers.get("content-encoding") == "gzip" else self.body
        return json.loads(raw)


class Client:
    """One keep-alive connection, as a phone holds one while it syncs."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)

    def post(self, path: str, body: bytes, headers: dict | None = None) -> Answer:
        started = time.perf_counter()
        self.conn.request("POST", path, body=body, headers={"Content-Type": "application/json",
                                                             **(headers or {})})
        response = self.conn.getresponse()
        raw = response.read()
        seconds = time.perf_counter() - started
        return Answer(response.status, raw, {k.lower(): v for k, v in response.getheaders()}, seconds)

    def close(self) -> None:
        self.conn.close()


class Phone:
    """A signed-in phone that makes new check-ins and pushes them."""

    def __init__(self, port: int, username: str, user_id: str, site_id: str):
        self.device_id = str(uuid.uuid4())
        self.token = harness.sign_in(port, username, self.device_id)
        self.recorder = Recorder(user_id, self.device_id)
        self.site_id = site_id
        self.client = Client(port)
        self.cursor = None
        self.visitors = 0

    def visits(self, count: int) -> list[dict]:
        out = []
        for _ in range(count):
            self.visitors += 1
            n = self.visitors
            out.append(self.recorder.mutation("visit.check_in", {
                "site_id": self.site_id, "visitor_name": f"访客{n}", "purpose": "delivery",
                "party_size": 1, "phone": f"139{n % 100_000_000:08d}",
                "id_number": resident_id(f"1101011990{n % 10000:04d}123"), "unit": "1-1-101", "plate": "粤B12345"}))
        return out

    def body(self, mutations: list[dict]) -> bytes:
        return json.dumps(self.recorder.request(mutations, cursor=self.cursor),
                          ensure_ascii=False).encode()

    def push(self, body: bytes, *, minimal: bool = True) -> Answer:
        headers = {"Authorization": f"Bearer {self.token}", "Accept-Encoding": "gzip"}
        if minimal:
            headers["Prefer"] = "return=minimal"
        answer = self.client.post("/api/v1/sync", body, headers)
        if answer.status != 200:
            raise RuntimeError(f"push answered {answer.status}: {answer.body[:300]!r}")
        return answer

    def catch_up(self) -> None:
        """Pull to the end, so that the next push's answer holds only what it derives."""
        while True:
            body = self.push(self.body([])).json()
            self.cursor = body["cursor"]
            if not body["has_more"]:
                return


def _statuses(answer: Answer, sent: int) -> dict[str, int]:
    body = answer.json()
    counts: dict[str, int] = {}
    for result in body["results"]:
        counts[result["status"]] = counts.get(result["status"], 0) + 1
    if body.get("results_minimal") and sent > len(body["results"]):
        counts["applied"] = counts.get("applied", 0) + sent - len(body["results"])
    return counts


def _floor(phone: Phone, body: bytes) -> float:
    answer = phone.client.post("/__floor", body)
    if answer.status != 200:
        raise RuntimeError(f"the floor answered {answer.status}")
    return answer.seconds


def _least(phone: Phone, body: bytes) -> float:
    answer = phone.client.post("/__least", body)
    if answer.status != 200:
        raise RuntimeError(f"the least storage answered {answer.status}: {answer.body[:300]!r}")
    return answer.seconds


def measure(label: str, *, quick: bool, workdir: Path) -> list[Figure]:
    """Every server figure on the database ``TEST_DATABASE_URL`` names (SQLite when unset)."""
    database = harness.new_database(workdir, "bench_push")
    world = harness.build_world(database, workdir / "photos")
    big = seed_big_site(database, QUICK_SITE if quick else BIG_SITE)
    figures: list[Figure] = []
    try:
        with harness.Server(database, workdir, workers=2) as server:
            figures += push_figures(server.port, world, label, quick)
            figures += pull_figures(server.port, big, label, quick)
            figures.append(Figure("one gunicorn worker's memory after the load", worker_rss_mb(server),
                                  "MB", at_most=150, backend=label))
    finally:
        database.drop()
    return figures


def push_figures(port: int, world, label: str, quick: bool) -> list[Figure]:
    runs = 1 if quick else 3
    one = Phone(port, "guard1", world.users["guard1"], world.site1)
    one.catch_up()
    one.push(one.body(one.visits(20)))  # warm each worker's caches
    one.push(one.body(one.visits(20)))
    figures = []
    for size in (100, 500):
        pushes, floors, leasts, repushes = [], [], [], []
        for _ in range(runs):
            one.catch_up()  # as after the phone's last sync: its cursor is the server's end
            body = one.body(one.visits(size))
            floors.append(_floor(one, body))
            leasts.append(_least(one, body))
            answer = one.push(body)
            if _statuses(answer, size) != {"applied": size}:
                raise RuntimeError(f"a push of {size} new visits was not all applied: {_statuses(answer, size)}")
            pushes.append(answer.seconds)
            last_answer = answer
            if size == 500:
                # The answer lost: the phone sends the same body again, the same cursor.
                again = one.push(body)
                if _statuses(again, 500) != {"duplicate": 500}:
                    raise RuntimeError(f"a re-push was not all duplicate: {_statuses(again, 500)}")
                repushes.append(again.seconds)
        floor, push, least = statistics.median(floors), statistics.median(pushes), statistics.median(leasts)
        figures.append(Figure(f"push of {size} new visits, 1 phone, share of the HTTP floor",
                              100 * floor / push, "%", at_least=25, backend=label,
                              note=f"{size / push:,.0f} records/s; floor {size / floor:,.0f}; "
                                   f"storing them alone reaches {100 * floor / least:.1f} %"))
        figures.append(Figure(f"the least storage of those {size} (seal, MAC, 3 Core inserts), share of the floor",
                              100 * floor / least, "%", backend=label,
                              note=f"{size / least:,.0f} records/s: the ceiling of any push here"))
        if size == 500:
            repush = statistics.median(repushes)
            figures.append(Figure("SQL statements per push of 500 new visits",
                                  float(last_answer.headers.get("x-test-statements", "nan")),
                                  "statements", at_most=20, backend=label))
            figures.append(Figure("re-push of the same 500, all duplicate, share of the first push's time",
                                  repush / push, "×", at_most=1 / 3, backend=label,
                                  note=f"medians of {len(repushes)}"))

    one.catch_up()
    body = one.body(one.visits(500 if not quick else 100))
    answer = one.push(body)
    figures.append(Figure("bytes of a push's answer with an up-to-date cursor, share of the bytes pushed",
                          100 * len(answer.body) / len(body), "%", at_most=5, backend=label,
                          note=f"{len(answer.body):,} of {len(body):,} bytes"))

    figures.append(concurrency_figure(port, world, label, quick))
    one.client.close()
    return figures


def concurrency_figure(port: int, world, label: str, quick: bool) -> Figure:
    """Four phones, two per site, pushing at once, against one phone alone on the same batches."""
    batches, size = (2, 100) if quick else (6, 250)
    phones = [Phone(port, name, world.users[name], site)
              for name, site in (("guard1", world.site1), ("lead1", world.site1),
                                 ("guard2", world.site2), ("lead2", world.site2))]
    for phone in phones:
        phone.catch_up()
    alone = phones[0]
    bodies = [alone.body(alone.visits(size)) for _ in range(batches)]
    started = time.perf_counter()
    for body in bodies:
        alone.push(body)
    one_rate = batches * size / (time.perf_counter() - started)

    work = {id(p): [p.body(p.visits(size)) for _ in range(batches)] for p in phones}
    errors: list[BaseException] = []
    gate = threading.Barrier(len(phones))

    def run(phone: Phone):
        try:
            gate.wait()
            for body in work[id(phone)]:
                phone.push(body)
        except BaseException as err:  # noqa: BLE001 (reported below)
            errors.append(err)

    threads = [threading.Thread(target=run, args=(p,)) for p in phones]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    four_rate = len(phones) * batches * size / (time.perf_counter() - started)
    for phone in phones:
        phone.client.close()
    return Figure("the same with 4 phones on 2 sites, over 1 phone", four_rate / one_rate, "×",
                  at_least=1.6 if label == "PostgreSQL" else None, backend=label,
                  note=f"{four_rate:,.0f} against {one_rate:,.0f} records/s"
                  + ("; SQLite has one writer at a time" if label == "SQLite" else ""))


def pull_figures(port: int, big: dict, label: str, quick: bool) -> list[Figure]:
    """A new phone's first pull of the big site, page by page, gzip as a browser asks."""
    phone = Phone(port, big["username"], big["user_id"], big["site_id"])
    seconds, wire, changes = 0.0, 0, 0
    cursor = None
    while True:
        body = json.dumps(phone.recorder.request([], cursor=cursor)).encode()
        answer = phone.client.post("/api/v1/sync", body, {
            "Authorization": f"Bearer {phone.token}", "Accept-Encoding": "gzip"})
        seconds += answer.seconds
        wire += len(answer.body)
        page = answer.json()
        changes += len(page["changes"])
        cursor = page["cursor"]
        if not page["has_more"]:
            break
    phone.client.close()
    size = BIG_SITE if not quick else QUICK_SITE
    what = f"{size['units']:,} units, {size['checkpoints']} checkpoints, {size['items']} items, {size['users']} users"
    return [
        Figure(f"first pull of a site's reference data ({what}), time", 1000 * seconds, "ms",
               at_most=300, backend=label, note=f"{changes:,} changes"),
        Figure("first pull, bytes gzip", wire / 1000, "KB", at_most=300, backend=label),
    ]


def worker_rss_mb(server) -> float:
    """The largest resident set among gunicorn's workers (children of its master)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == server.proc.pid:
                pids.append(entry)
    sizes = []
    for entry in pids:
        for line in (entry / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return max(sizes) if sizes else None


def seed_big_site(database, size: dict) -> dict:
    """A third site of the given size, built straight in the database; who signs in to pull it."""
    from app import create_app
    from app.extensions import db
    from app.models import Building
    from app.models import Checkpoint
    from app.models import Company
    from app.models import Item
    from app.models import Route
    from app.models import Site
    from app.models import StockMovement
    from app.models import Store
    from app.models import Unit
    from app.models import utcnow
    from tests.factories import make_user

    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "DATA_KEY": os.environ.get(
        "DATA_KEY", "dGVzdC1kYXRhLWtleS10aGlydHktdHdvLWJ5dGVzISE"),
        "SQLALCHEMY_DATABASE_URI": database.url})
    with app.app_context():
        company = db.session.scalars(db.select(Company)).first()
        site = Site(company_id=company.id, name="万科城", code="BIG", timezone="Asia/Shanghai", settings={})
        db.session.add(site)
        db.session.flush()
        buildings = [Building(site_id=site.id, name=f"{b}栋", sort=b) for b in range(1, 31)]
        db.session.add_all(buildings)
        db.session.flush()
        per = size["units"] // len(buildings)
        db.session.add_all(Unit(site_id=site.id, building_id=b.id, code=f"{b.sort}-{n // 10 + 1}-{n:03d}")
                           for b in buildings for n in range(per))
        checkpoints = [Checkpoint(site_id=site.id, name=f"巡更点{i}", code=f"BIG-CP{i}")
                       for i in range(size["checkpoints"])]
        db.session.add_all(checkpoints)
        db.session.flush()
        for r in range(5):
            route = Route(site_id=site.id, name=f"路线{r}", window_start="08:40", window_end="11:30")
            route.set_checkpoints([c.id for c in checkpoints[r::5]])
            db.session.add(route)
        stores = [Store(site_id=site.id, name=f"仓库{s}") for s in (1, 2)]
        db.session.add_all(stores)
        db.session.flush()
        items = [Item(site_id=site.id, store_id=stores[i % 2].id, name=f"物料{i}", unit="个", sku=f"SKU{i:04d}")
                 for i in range(size["items"])]
        db.session.add_all(items)
        db.session.flush()
        db.session.add_all(StockMovement(site_id=site.id, item_id=item.id, direction="in", quantity=Decimal(5),
                                         occurred_at=utcnow() - timedelta(days=3), reference="RK")
                           for item in items)
        people = [make_user(company, f"big{i}", "guard" if i else "manager", [site],
                            "security" if i else None) for i in range(size["users"])]
        db.session.commit()
        found = {"site_id": site.id, "username": "big0", "user_id": people[0].id}
        db.session.remove()
        db.engine.dispose()
    return found
