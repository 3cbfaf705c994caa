"""The fault run: phones sync over real HTTP while the network and the server fail; then
every record is counted.

    .venv/bin/python -m bench.fault_run                      # the full run: 10,000 requests
    .venv/bin/python -m bench.fault_run --requests 1000      # the quick form (CI runs it)
    .venv/bin/python -m bench.fault_run --db postgresql://postgres@127.0.0.1:5432/estate_fault_run \\
        --requests 10000 --phones 20 --kill-every 500 --seed 1 --port 5520
    .venv/bin/python -m bench.fault_run --db sqlite --requests 1000   # a SQLite file, for a local look

What it does:

- It empties the database (``--db``; ``sqlite`` means a file in a temporary directory),
  builds the schema with the migrations, and seeds the test world
  (``tests.factories.make_world``: two sites with a route, a store and people), with more
  guards so that each site has half of the phones.
- It starts gunicorn (2 worker processes, ``wsgi:app``) on that database, and in front of
  it a small TCP proxy that forwards a request whole and drops the server's answer.
- Each phone (a thread) signs in through ``POST /api/v1/session`` with its own device id
  and records what its role does: guards register visitors (check-in and check-out, with
  phone and ID numbers) and walk patrol rounds (checkpoints, one missed, a finding handled
  on the spot and one that is not), leads the same, managers also count stock, store keepers
  count stock (one item off the books per check). The scenes are those of
  ``tests/integration/faults/workload.py``. Its outbox keeps a mutation until the server
  has answered for it, as ``static/js/lib/outbox.js`` does: ``applied``, ``duplicate``
  and ``deferred`` leave it, ``rejected`` goes to "needs attention"; no answer leaves it
  for the next push. It pulls with its cursor and keeps what the pull says, as
  ``static/js/lib/refdata.js`` does.
- Faults, decided per request by a seeded random generator: 10 % of the connections are
  cut before the request is whole (headers and part of the body sent, then the socket
  closed), 10 % go through the proxy, which lets the server commit and drops its answer;
  either way the phone sends the same batch again (same mutation ids). 5 % of the requests
  send an already acknowledged batch again (every answer must be ``duplicate``), 10 % send
  a random part of the outbox in a random order (a check-out before its check-in comes back
  ``deferred`` and is applied when its visit arrives). Every ``--kill-every`` requests
  gunicorn's master and workers get SIGKILL at once, wherever they are, and it is started
  again (phones wait for ``/healthz``, as they back off).
- After ``--requests`` requests the faults stop and every phone drains its outbox, then
  pulls until the server has no more. Then, straight from the database: every record the
  phones made is there exactly once, on its phone's site and user (``lost``, ``doubled``,
  ``on the wrong site``), with what the server derives from it (check-outs, patrol ends
  with the one missed stop, follow-ups of open findings, of missed stops and of stock
  differences); every mutation is journaled ``applied`` (none left ``deferred``, none
  ``rejected``); no conflict was recorded (the workload has none, so one would be a
  second effect of one record). And each phone's state equals what the server holds for
  it: a pull from cursor ``null`` to the end, and its own records in the tables. The
  records a phone made are held in its own store as the app holds them (a push's answer
  does not echo them), so for those only their presence is compared.

It prints a table and exits 1 unless lost, doubled and wrong site are 0, nothing was
rejected or answered 5xx, and every phone equals the server.
"""
from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.integration.faults.workload import Recorder  # noqa: E402
from tests.integration.faults.workload import patrol_scene  # noqa: E402
from tests.integration.faults.workload import stock_scene  # noqa: E402
from tests.integration.faults.workload import uid  # noqa: E402
from tests.integration.faults.workload import visit_scene  # noqa: E402

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/estate_fault_run"
SECRET_KEY = "fault-run-secret"
DATA_KEY = "dGVzdC1kYXRhLWtleS10aGlydHktdHdvLWJ5dGVzISE"
PASSWORD = "demo1234"

CUT_BEFORE = 0.10
CUT_AFTER = 0.10
DUPLICATE = 0.05
REORDER = 0.10
BATCH_SIZE = 100  # the phone's own (static/js/lib/sync.js)
BOOKS = [10, 20, 30]  # the book quantities of each site's three items (make_world)

# What each role records, with weights.
SCENES = {
    "guard": {"visit": 7, "patrol": 3},
    "lead": {"visit": 4, "patrol": 6},
    "manager": {"visit": 3, "patrol": 4, "stock": 3},
    "store": {"stock": 1},
}


# -- the database ----------------------------------------------------------------------

@dataclass
class SiteRefs:
    id: str
    route: str
    checkpoints: list[str]
    store: str
    items: list[str]


@dataclass
class PhoneSpec:
    username: str
    role: str  # a key of SCENES
    site: SiteRefs


def database_url(db: str, workdir: Path) -> str:
    """``sqlite`` as a file in ``workdir``; any other URL as it is."""
    if db == "sqlite":
        return f"sqlite:///{workdir / 'fault_run.db'}"
    return db


def prepare_database(url: str, workdir: Path, phones: int) -> list[PhoneSpec]:
    """Empty the database, migrate it, seed the world; the phones' people, half per site."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.models import Company
    from app.models import Site
    from bench.office_data import fresh_database
    from tests.factories import make_user
    from tests.factories import make_world

    url = fresh_database(url)
    app = create_app({"SECRET_KEY": SECRET_KEY, "DATA_KEY": DATA_KEY, "SQLALCHEMY_DATABASE_URI": url,
                      "PHOTO_DIR": str(workdir / "photos")})
    specs: list[PhoneSpec] = []
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        world = make_world()
        company = db.session.get(Company, world.company_id)
        sites = {1: SiteRefs(world.site1, world.route1, world.checkpoints1, world.store1, world.items1),
                 2: SiteRefs(world.site2, world.route2, world.checkpoints2, world.store2, world.items2)}
        per_site = [phones // 2 + phones % 2, phones // 2]
        for n, count in zip((1, 2), per_site):
            people = [(f"manager{n}", "manager"), (f"lead{n}", "lead"), (f"store{n}", "store"),
                      (f"guard{n}", "guard")]
            extra = 0
            while len(people) < count:
                extra += 1
                name = f"guard{n}x{extra:02d}"
                make_user(company, name, "guard", [db.session.get(Site, sites[n].id)], "security")
                people.append((name, "guard"))
            specs += [PhoneSpec(name, role, sites[n]) for name, role in people[:count]]
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return specs


# -- the server ------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """``gunicorn wsgi:app`` with 2 workers on one port, in a process group of its own.

    ``--preload``: the master imports the app once and forks the workers, so a restart
    after a kill takes one import instead of two at once (the app opens no connection
    before a request, so nothing is shared across the fork).
    """

    def __init__(self, url: str, port: int, workdir: Path, workers: int = 2):
        self.url, self.port, self.workdir, self.workers = url, port, workdir, workers
        self.proc: subprocess.Popen | None = None
        self.log_path = workdir / "gunicorn.log"

    def start(self, timeout: float = 60) -> None:
        env = {**os.environ, "DATABASE_URL": self.url, "SECRET_KEY": SECRET_KEY, "DATA_KEY": DATA_KEY,
               "PHOTO_DIR": str(self.workdir / "photos"), "INSTANCE_PATH": str(self.workdir / "instance")}
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--workers", str(self.workers), "--preload",
                 "--bind", f"127.0.0.1:{self.port}", "--timeout", "120", "--graceful-timeout", "2",
                 "--log-level", "warning", "--access-logfile", str(self.workdir / "access.log"),
                 "--access-logformat", "%(m)s %(U)s %(s)s %(D)s %(B)s", "wsgi:app"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start:\n{self.log_tail()}")
            if self.healthy():
                return
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"gunicorn did not answer /healthz in {timeout:.0f} s:\n{self.log_tail()}")

    def healthy(self) -> bool:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            conn.request("GET", "/healthz")
            return conn.getresponse().status == 200
        except (OSError, http.client.HTTPException):
            return False
        finally:
            conn.close()

    def kill(self) -> None:
        """SIGKILL to the master and every worker at once: no cleanup, no answer."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=30)
        self.proc = None

    def stop(self) -> None:
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=15)
            self.proc = None
        except (ProcessLookupError, subprocess.TimeoutExpired):
            self.kill()

    def log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""


class AnswerDropper:
    """A TCP proxy that forwards a request to the server whole and drops the answer.

    The server writes its first byte only once the request's transaction has committed
    (or failed): the proxy waits for that byte, notes the status line, and closes the
    phone's connection instead of passing the answer on. ``outcome(port)`` tells the phone
    (by its local port) what its lost answer was: ``200``, another status, or ``None`` when
    the server died without answering.
    """

    def __init__(self, port: int, upstream: int):
        self.port, self.upstream = port, upstream
        self.outcomes: dict[int, int | None] = {}
        self.lock = threading.Lock()
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.port = self.sock.getsockname()[1]
        self.sock.listen(64)
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self.closed = True
        self.sock.close()

    def outcome(self, port: int, wait: float = 5) -> tuple[bool, int | None]:
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            with self.lock:
                if port in self.outcomes:
                    return True, self.outcomes.pop(port)
            time.sleep(0.005)
        return False, None

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, address = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client, address[1]), daemon=True).start()

    def _serve(self, client: socket.socket, port: int) -> None:
        status = None
        try:
            upstream = socket.create_connection(("127.0.0.1", self.upstream), timeout=300)
        except OSError:
            self._done(port, None, client)
            return
        threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()
        try:
            first = upstream.recv(65536)
            if first:
                parts = first.split(b"\r\n", 1)[0].split()
                status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else -1
        except OSError:
            status = None
        finally:
            self._done(port, status, client)
            try:
                upstream.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            upstream.close()

    def _done(self, port: int, status, client: socket.socket) -> None:
        with self.lock:
            self.outcomes[port] = status
        try:  # shutdown, not only close: the pump thread still reads from this socket
            client.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        client.close()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        """The phone's bytes to the server; when the phone hangs up, so does the proxy."""
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                target.sendall(data)
        except OSError:
            pass
        try:
            target.shutdown(socket.SHUT_WR)
        except OSError:
            pass


# -- the run ---------------------------------------------------------------------------

@dataclass
class Options:
    requests: int = 10_000
    phones: int = 20
    db: str = DEFAULT_PG
    kill_every: int = 500
    seed: int = 1
    port: int = 0
    workdir: Path | None = None
    quiet: bool = False


class Run:
    """What the phones share: the request budget, the server's state, the tallies."""

    def __init__(self, options: Options, server: Gunicorn, proxy: AnswerDropper):
        self.options = options
        self.server = server
        self.proxy = proxy
        self.lock = threading.Condition()
        self.sent = 0  # requests of the fault phase that reached the server's socket
        self.up = threading.Event()
        self.up.set()
        self.faults = True
        self.tally: Counter = Counter()
        self.statuses: Counter = Counter()
        self.http_errors: Counter = Counter()
        self.anomalies: list[str] = []
        self.scene_numbers = itertools.count(1)
        self.started = time.monotonic()

    def ticket(self) -> bool:
        """Count one request of the fault phase; ``False`` once the budget is spent."""
        with self.lock:
            if not self.faults:
                self.tally["drain requests"] += 1
                return True
            if self.sent >= self.options.requests:
                return False
            self.sent += 1
            self.lock.notify_all()
            if not self.options.quiet and self.sent % 1000 == 0:
                print(f"  {self.sent:>6} requests, {time.monotonic() - self.started:6.0f} s", file=sys.stderr,
                      flush=True)
            return True

    def count(self, key: str, n: int = 1) -> None:
        with self.lock:
            self.tally[key] += n

    def anomaly(self, text: str) -> None:
        with self.lock:
            self.anomalies.append(text)

    def killer(self) -> None:
        """SIGKILL the server after every ``kill_every`` requests, and start it again."""
        every = self.options.kill_every
        if every <= 0:
            return
        for mark in range(every, self.options.requests + 1, every):
            with self.lock:
                while self.sent < mark and self.faults:
                    self.lock.wait(1)
                if self.sent < mark:
                    return
            self.up.clear()
            self.server.kill()
            self.count("kills")
            self.server.start()
            self.up.set()


class Disconnected(Exception):
    """The phone heard no answer."""


class FieldPhone:
    """One phone: its user, its outbox, its cursor and what it holds."""

    def __init__(self, run: Run, spec: PhoneSpec, rng: random.Random, start: datetime, step: timedelta):
        self.run = run
        self.spec = spec
        self.rng = rng
        self.device_id = uid()
        self.token = None
        self.user_id = None
        self.rec: Recorder | None = None
        self.start, self.step = start, step
        self.outbox: dict[str, dict] = {}  # mutation id -> mutation, in seq order
        self.made: list[dict] = []
        self.acked: list[list[dict]] = []  # batches the server answered
        self.retry: list[dict] | None = None
        self.attention: list[tuple[dict, dict]] = []
        self.heard: dict[str, dict] = {}  # mutation id -> the first answer the phone heard
        self.cursor = None
        self.has_more = False
        self.state: dict[tuple[str, str], tuple[int, dict]] = {}

    # recording

    def sign_in(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.run.server.port, timeout=60)
        try:
            conn.request("POST", "/api/v1/session", json.dumps({
                "username": self.spec.username, "password": PASSWORD, "device_id": self.device_id}),
                {"Content-Type": "application/json"})
            response = conn.getresponse()
            body = json.loads(response.read())
        finally:
            conn.close()
        if response.status != 200:
            raise RuntimeError(f"{self.spec.username} could not sign in: {response.status} {body}")
        self.token = body["token"]
        self.user_id = body["user"]["id"]
        self.rec = Recorder(self.user_id, self.device_id, start=self.start, step=self.step)

    def record_scene(self) -> None:
        site = self.spec.site
        kinds = SCENES[self.spec.role]
        kind = self.rng.choices(list(kinds), weights=list(kinds.values()))[0]
        n = next(self.run.scene_numbers)
        if kind == "visit":
            mutations = visit_scene(self.rec, site.id, n)
        elif kind == "patrol":
            mutations = patrol_scene(self.rec, site.id, site.route, site.checkpoints, n)
        else:
            mutations = stock_scene(self.rec, site.id, site.store, site.items, BOOKS, n)
        for mutation in mutations:
            self.outbox[mutation["id"]] = mutation
            self.made.append(mutation)

    # one request

    def envelope(self, batch: list[dict], cursor) -> bytes:
        pending = max(0, len(self.outbox) - sum(1 for m in batch if m["id"] in self.outbox))
        return json.dumps(self.rec.request(batch, cursor=cursor, pending=pending)).encode()

    def headers(self, body: bytes) -> dict:
        return {"Content-Type": "application/json", "Authorization": f"Bearer {self.token}",
                "Content-Length": str(len(body))}

    def send(self, body: bytes, cut: str | None, kind: str) -> tuple[int, dict] | None:
        """Send one request; ``None`` when the fault phase's budget is spent.

        Raises ``Disconnected`` when the phone hears no answer.
        """
        port = self.run.proxy.port if cut == "after" else self.run.server.port
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        try:
            try:
                conn.connect()
            except OSError as err:
                self.run.count("refused (server down)")
                raise Disconnected("refused") from err
            if not self.run.ticket():
                return None
            if self.run.faults:
                self.run.count(kind)
            if cut == "before":
                self._cut_before(conn.sock, body)
                raise Disconnected("cut before")
            local = conn.sock.getsockname()[1]
            try:
                conn.request("POST", "/api/v1/sync", body, self.headers(body))
                response = conn.getresponse()
                raw = response.read()
            except (OSError, http.client.HTTPException) as err:
                if cut == "after":
                    known, status = self.run.proxy.outcome(local)
                    self.run.count("cut after: answer dropped" if status is not None
                                   else "cut after: server killed first")
                    if status is not None:
                        self.run.count(f"cut after: dropped answer was {status}")
                    raise Disconnected("cut after") from err
                self.run.count("in flight at a kill" if self.run.faults else "drain: in flight at a kill")
                raise Disconnected(type(err).__name__) from err
            if cut == "after":
                self.run.anomaly("the proxy passed an answer on")
            try:
                payload = json.loads(raw)
            except ValueError:
                payload = {"raw": raw[:200].decode(errors="replace")}
            return response.status, payload
        finally:
            conn.close()

    def _cut_before(self, sock: socket.socket, body: bytes) -> None:
        """Headers and part of the body, then the socket closed: the request never completes."""
        head = "".join(f"{k}: {v}\r\n" for k, v in self.headers(body).items())
        request = (f"POST /api/v1/sync HTTP/1.1\r\nHost: 127.0.0.1\r\n{head}\r\n").encode()
        keep = self.rng.randrange(0, len(body))
        try:
            sock.sendall(request + body[:keep])
        except OSError:
            pass
        self.run.count("cut before")

    # the phone's side of an answer

    def take(self, batch: list[dict], kind: str, payload: dict) -> None:
        """Acknowledge as ``outbox.js`` does, and check the answers as the contract words them:
        one per mutation in request order, and a mutation heard of before is a ``duplicate``
        naming the same entity (anything else would be a second effect)."""
        results = payload.get("results") or []
        if [r.get("id") for r in results] != [m["id"] for m in batch]:
            self.run.anomaly(f"{self.spec.username}: answers do not match the batch ({kind})")
        by_id = {r.get("id"): r for r in results}
        for mutation in batch:
            result = by_id.get(mutation["id"])
            if result is None:
                continue
            status = result.get("status")
            with self.run.lock:
                self.run.statuses[status] += 1
            if status not in ("applied", "duplicate", "deferred", "rejected"):
                self.run.anomaly(f"{self.spec.username}: status {status!r}")
            heard = self.heard.get(mutation["id"])
            if heard is None:
                self.heard[mutation["id"]] = result
            elif status != "duplicate":
                self.run.anomaly(f"{self.spec.username}: {mutation['type']} answered {status!r} after "
                                 f"{heard.get('status')!r} ({kind})")
            elif result.get("entity_id") != heard.get("entity_id"):
                self.run.anomaly(f"{self.spec.username}: {mutation['type']} named another entity "
                                 f"when repeated")
            rejected = status == "rejected" or (status == "duplicate"
                                                and result.get("first_status") == "rejected")
            if mutation["id"] in self.outbox:
                del self.outbox[mutation["id"]]
                if rejected:
                    self.attention.append((mutation, result))
        self.apply(payload.get("changes") or [])
        self.cursor = payload.get("cursor", self.cursor)
        self.has_more = bool(payload.get("has_more"))
        if batch and kind != "duplicate":
            self.acked.append(batch)

    def own_keys(self) -> set[tuple[str, str]]:
        """The records this phone made, which it holds as ``outbox.js`` does: in its own store,
        written when recorded. A push's answer does not echo them (docs/sync.md), so its
        pulled state lacks them or holds an older copy, and the app shows the phone's own."""
        from sync.handlers import HANDLERS

        return {(HANDLERS[m["type"]].kind, m["entity_id"]) for m in self.made}

    def apply(self, changes: list[dict]) -> None:
        for change in changes:
            key = (change["type"], change["id"])
            if change["op"] == "delete":
                self.state.pop(key, None)
            else:
                self.state[key] = (change["version"], change["data"])

    # choosing what to send

    def next_batch(self, faults: bool) -> tuple[str, list[dict]]:
        if self.retry is not None:
            self.retry = [m for m in self.retry if m["id"] in self.outbox] or None
        roll = self.rng.random() if faults else 1.0
        if roll < DUPLICATE and self.acked:
            return "duplicate", list(self.rng.choice(self.acked))
        if roll < DUPLICATE + REORDER:
            while len(self.outbox) < 8:
                self.record_scene()
            pending = list(self.outbox.values())
            batch = self.rng.sample(pending, self.rng.randint(2, min(len(pending), BATCH_SIZE)))
            self.rng.shuffle(batch)
            return "reorder", batch
        if self.retry is not None:
            return "retry", self.retry
        if self.outbox:
            return "normal", list(self.outbox.values())[:BATCH_SIZE]
        return "pull", []

    def one(self, faults: bool) -> bool:
        """One request, as the phone's sync does; ``False`` once the budget is spent."""
        kind, batch = self.next_batch(faults)
        cut = None
        if faults:
            roll = self.rng.random()
            cut = "before" if roll < CUT_BEFORE else "after" if roll < CUT_BEFORE + CUT_AFTER else None
        self.run.up.wait()
        body = self.envelope(batch, self.cursor)
        try:
            answer = self.send(body, cut, kind)
        except Disconnected:
            if kind != "duplicate" and batch:
                self.retry = batch
            if not self.run.up.is_set() or not faults:
                time.sleep(0.1)
            return True
        if answer is None:
            return False
        status, payload = answer
        if status != 200:
            with self.run.lock:
                self.run.http_errors[status] += 1
            self.run.anomaly(f"{self.spec.username}: HTTP {status} {json.dumps(payload)[:300]}")
            if kind != "duplicate" and batch:
                self.retry = batch
            time.sleep(0.1)
            return True
        self.take(batch, kind, payload)
        if kind in ("retry", "reorder", "normal") and self.retry is not None:
            self.retry = [m for m in self.retry if m["id"] in self.outbox] or None
        return True

    def work(self) -> None:
        """The fault phase: record, push, pull, until the run's budget is spent."""
        try:
            while True:
                if self.rng.random() < 0.6:
                    self.record_scene()
                if not self.one(faults=True):
                    return
        except Exception as err:  # noqa: BLE001 - a crashed phone is a finding, not a hang
            self.run.anomaly(f"{self.spec.username}: the phone failed: {err!r}")
            raise

    def drain(self) -> None:
        """No more faults and no new records: push until the outbox is empty, pull to the end."""
        try:
            for _ in range(10_000):
                if self.retry is None and not self.outbox and not self.has_more:
                    return
                self.one(faults=False)
            self.run.anomaly(f"{self.spec.username}: the outbox did not drain")
        except Exception as err:  # noqa: BLE001
            self.run.anomaly(f"{self.spec.username}: the phone failed while draining: {err!r}")
            raise

    def pull_to_end(self) -> None:
        self.has_more = True
        self.drain()

    def server_view(self) -> dict[tuple[str, str], tuple[int, dict]]:
        """What the server holds for this phone: a pull from cursor ``null`` to the end."""
        state: dict[tuple[str, str], tuple[int, dict]] = {}
        cursor = None
        for _ in range(1000):
            conn = http.client.HTTPConnection("127.0.0.1", self.run.server.port, timeout=300)
            body = self.envelope([], cursor)
            try:
                conn.request("POST", "/api/v1/sync", body, self.headers(body))
                response = conn.getresponse()
                payload = json.loads(response.read())
            finally:
                conn.close()
            if response.status != 200:
                raise RuntimeError(f"the final pull answered {response.status}: {payload}")
            for change in payload["changes"]:
                key = (change["type"], change["id"])
                if change["op"] == "delete":
                    state.pop(key, None)
                else:
                    state[key] = (change["version"], change["data"])
            cursor = payload["cursor"]
            if not payload["has_more"]:
                return state
        raise RuntimeError("the final pull never ended")


# -- the count -------------------------------------------------------------------------

@dataclass
class Line:
    what: str
    made: int = 0
    found: int = 0
    lost: int = 0
    doubled: int = 0
    wrong_site: int = 0


@dataclass
class Report:
    options: Options
    backend: str
    tally: Counter
    statuses: Counter
    http_errors: Counter
    anomalies: list[str]
    lines: list[Line]
    mutations: int
    records: int
    rejected: int
    deferred_left: int
    phones_equal: int
    phone_notes: list[str]
    elapsed: float
    server_errors_logged: int
    phases: dict = field(default_factory=dict)
    text: str = ""

    @property
    def lost(self) -> int:
        return sum(line.lost for line in self.lines)

    @property
    def doubled(self) -> int:
        return sum(line.doubled for line in self.lines)

    @property
    def wrong_site(self) -> int:
        return sum(line.wrong_site for line in self.lines)

    @property
    def ok(self) -> bool:
        five = sum(n for status, n in self.http_errors.items() if status >= 500)
        return (self.lost == self.doubled == self.wrong_site == self.rejected == five == 0
                and self.phones_equal == self.options.phones and not self.anomalies)


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def count_records(url: str, phones: list[FieldPhone]) -> tuple[list[Line], int, int]:
    """Every record the phones made, as the database holds it; (lines, rejected, deferred left)."""
    import sqlalchemy as sa

    from app.models import CheckpointVisit
    from app.models import Conflict
    from app.models import Finding
    from app.models import FollowUp
    from app.models import JournalRow
    from app.models import Patrol
    from app.models import StockCheck
    from app.models import StockCount
    from app.models import Visit
    from sync.context import derived_id
    from tests.pg import psycopg_url

    engine = sa.create_engine(psycopg_url(url), poolclass=sa.pool.NullPool)

    def rows(model, *columns):
        table = model.__table__
        with engine.connect() as conn:
            return conn.execute(sa.select(*(table.c[c] for c in columns))).all()

    owner = {}  # entity id -> (user id, site id) of the phone that made it
    made = defaultdict(list)  # mutation type -> mutations
    mutation_ids = set()
    for phone in phones:
        for m in phone.made:
            made[m["type"]].append(m)
            mutation_ids.add(m["id"])
            owner.setdefault(m["entity_id"], (phone.user_id, phone.spec.site.id))

    def created(what, mutation_type, model, *extra):
        """Rows made by one create mutation each: lost, doubled (the same id twice, or a row
        no phone made), on another site or user than its phone's."""
        wanted = {m["entity_id"] for m in made[mutation_type]}
        found = rows(model, "id", "site_id", "user_id", *extra)
        by_id = Counter(r.id for r in found)
        line = Line(what, made=len(wanted), found=sum(1 for r in found if r.id in wanted))
        line.lost = len(wanted - set(by_id))
        line.doubled = sum(n - 1 for n in by_id.values()) + sum(1 for i in by_id if i not in wanted)
        line.wrong_site = sum(1 for r in found if r.id in owner and (r.user_id, r.site_id) != owner[r.id])
        return line, {r.id: r for r in found}

    def closed(what, mutations, rows_by_id, column) -> Line:
        """Mutations that close a record (check-out, end, finish): its column is set."""
        done = sum(1 for m in mutations if getattr(rows_by_id.get(m["entity_id"]), column, None) is not None)
        return Line(what, made=len(mutations), found=done, lost=len(mutations) - done)

    lines = []
    visit_line, visits = created("visits (check-in)", "visit.check_in", Visit, "checked_out_at")
    lines.append(visit_line)
    lines.append(closed("visit check-outs", made["visit.check_out"], visits, "checked_out_at"))

    patrol_line, patrols = created("patrols", "patrol.start", Patrol, "ended_at", "missed_checkpoint_ids",
                                   "route_id")
    lines.append(patrol_line)
    cp_line, cp_visits = created("checkpoint visits", "patrol.checkpoint", CheckpointVisit, "patrol_id",
                                 "checkpoint_id")
    pairs = Counter((r.patrol_id, r.checkpoint_id) for r in cp_visits.values())
    cp_line.doubled += sum(n - 1 for n in pairs.values())
    lines.append(cp_line)
    recorded = defaultdict(set)
    for m in made["patrol.checkpoint"]:
        recorded[m["data"]["patrol_id"]].add(m["data"]["checkpoint_id"])
    route_stops = {}
    for phone in phones:
        route_stops[phone.spec.site.route] = phone.spec.site.checkpoints
    ends = made["patrol.end"]
    ended_ok = 0
    for m in ends:
        row = patrols.get(m["entity_id"])
        if row is not None and row.ended_at is not None:
            expected = [c for c in route_stops[row.route_id] if c not in recorded[row.id]]
            if list(_json(row.missed_checkpoint_ids) or []) == expected:
                ended_ok += 1
    lines.append(Line("patrol ends (missed stops as walked)", made=len(ends), found=ended_ok,
                      lost=len(ends) - ended_ok))

    finding_line, findings = created("findings", "patrol.finding", Finding, "followup_id", "handled_on_spot")
    lines.append(finding_line)
    check_line, checks = created("stock checks", "stock.check_start", StockCheck, "finished_at")
    lines.append(check_line)
    lines.append(closed("stock check finishes", made["stock.check_finish"], checks, "finished_at"))
    count_line, counts = created("stock counts", "stock.count", StockCount, "check_id", "item_id",
                                 "superseded", "followup_id", "book_qty", "counted_qty")
    per_item = Counter((r.check_id, r.item_id) for r in counts.values())
    count_line.doubled += (sum(n - 1 for n in per_item.values())
                           + sum(1 for r in counts.values() if r.superseded))
    lines.append(count_line)

    followups = rows(FollowUp, "id", "site_id", "source_type", "source_id", "sources", "deleted_at", "detail")
    live = {f.id: f for f in followups if f.deleted_at is None}
    in_sources = Counter()
    for f in live.values():
        for source in _json(f.sources) or []:
            in_sources[(source.get("type"), source.get("id"))] += 1

    def derived(what, sources: list[tuple[tuple[str, str], str | None]], site_of) -> Line:
        """Follow-ups derived from records: each source in exactly one live follow-up, the
        one its record names, on the record's site."""
        line = Line(what, made=len(sources))
        for key, followup_id in sources:
            linked = in_sources[key]
            row = live.get(followup_id) if followup_id else None
            if row is not None and linked == 1 and key in [(s.get("type"), s.get("id"))
                                                          for s in _json(row.sources) or []]:
                line.found += 1
                if row.site_id != site_of(key[1]):
                    line.wrong_site += 1
            elif linked > 1:
                line.doubled += 1
            else:
                line.lost += 1
        return line

    open_findings = [m for m in made["patrol.finding"] if not m["data"]["handled_on_spot"]]
    lines.append(derived(
        "follow-ups of open findings",
        [(("finding", m["entity_id"]), getattr(findings.get(m["entity_id"]), "followup_id", None))
         for m in open_findings], lambda i: owner[i][1]))
    handled = [m for m in made["patrol.finding"] if m["data"]["handled_on_spot"]]
    wrongly = sum(1 for m in handled if in_sources[("finding", m["entity_id"])]
                  or getattr(findings.get(m["entity_id"]), "followup_id", None))
    if wrongly:
        lines.append(Line("follow-ups of findings handled on the spot", doubled=wrongly))

    lines.append(derived(
        "follow-ups of missed stops",
        [(("patrol", m["entity_id"]), derived_id("followup", "patrol", m["entity_id"].lower()))
         for m in made["patrol.end"]], lambda i: owner[i][1]))

    books = {}
    for phone in phones:
        books.update(dict(zip(phone.spec.site.items, BOOKS)))
    off = [m for m in made["stock.count"] if m["data"]["counted_qty"] != books[m["data"]["item_id"]]]
    stock_line = derived(
        "follow-ups of stock differences",
        [(("stock_count", m["entity_id"]), getattr(counts.get(m["entity_id"]), "followup_id", None))
         for m in off], lambda i: owner[i][1])
    # and each count compared with the books as of its time (the items' stock came in 10 days ago)
    wrong_books = sum(1 for m in made["stock.count"] if m["entity_id"] in counts
                      and counts[m["entity_id"]].book_qty != books[m["data"]["item_id"]])
    stock_line.lost += wrong_books
    lines.append(stock_line)

    journal = rows(JournalRow, "mutation_id", "status", "user_id")
    by_status = Counter(r.status for r in journal if r.mutation_id in mutation_ids)
    journal_line = Line("mutations in the journal", made=len(mutation_ids),
                        found=by_status["applied"],
                        lost=len(mutation_ids) - by_status["applied"],
                        doubled=sum(1 for r in journal if r.mutation_id not in mutation_ids))
    users = {m["id"]: owner[m["entity_id"]][0] for ms in made.values() for m in ms}
    journal_line.wrong_site = sum(1 for r in journal
                                  if r.mutation_id in users and r.user_id != users[r.mutation_id])
    lines.append(journal_line)

    conflicts = rows(Conflict, "id", "entity_type")
    lines.append(Line("conflicts (a second effect of one record)", doubled=len(conflicts)))
    engine.dispose()
    return lines, by_status["rejected"], by_status["deferred"]


def compare_phone(phone: FieldPhone, url: str) -> list[str]:
    """Where the phone's state differs from the server's: a full pull, and its own records."""
    import sqlalchemy as sa

    from app.models import Finding
    from app.models import Patrol
    from app.models import StockCheck
    from app.models import Visit
    from tests.pg import psycopg_url

    notes = []
    server = phone.server_view()
    own = phone.own_keys()
    if {k: v for k, v in phone.state.items() if k not in own} != {k: v for k, v in server.items() if k not in own}:
        missing = [k for k in server if k not in phone.state and k not in own]
        extra = [k for k in phone.state if k not in server]
        stale = [k for k in server if k in phone.state and k not in own and phone.state[k] != server[k]]
        notes.append(f"{phone.spec.username}: {len(missing)} missing, {len(extra)} extra, {len(stale)} stale "
                     f"(e.g. {(missing + extra + stale)[:3]})")
    engine = sa.create_engine(psycopg_url(url), poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        for sync_type, model in (("visit", Visit), ("patrol", Patrol), ("stock_check", StockCheck),
                                 ("finding", Finding)):
            table = model.__table__
            ids = set(conn.scalars(sa.select(table.c.id).where(table.c.user_id == phone.user_id)))
            held = {i for (t, i) in set(phone.state) | own if t == sync_type}
            if ids != held:
                notes.append(f"{phone.spec.username}: {sync_type}: {len(ids - held)} on the server only, "
                             f"{len(held - ids)} on the phone only")
    engine.dispose()
    return notes


# -- the whole run ---------------------------------------------------------------------

def run(options: Options) -> Report:
    started = time.monotonic()
    own_dir = options.workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="estate-fault-run-")) if own_dir else Path(options.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    url = database_url(options.db, workdir)
    backend = "SQLite" if url.startswith("sqlite") else "PostgreSQL"
    say = (lambda *a: None) if options.quiet else (lambda *a: print(*a, file=sys.stderr, flush=True))
    say(f"fault run: {options.requests} requests, {options.phones} phones, {backend}, seed {options.seed}")
    specs = prepare_database(url, workdir, options.phones)
    port = options.port or free_port()
    server = Gunicorn(url, port, workdir)
    server.start()
    proxy = AnswerDropper(options.port + 1 if options.port else 0, port)
    state = Run(options, server, proxy)
    phases = {}
    try:
        now = datetime.now(timezone.utc)
        # Times a few seconds apart, all within the last six hours, however long the run.
        per_phone = max(1, options.requests // max(1, options.phones)) * 8  # mutations, generously
        step = timedelta(seconds=min(7.0, max(0.2, 5 * 3600 / per_phone)))
        phones = [FieldPhone(state, spec, random.Random(options.seed * 1000 + index),
                             now - timedelta(hours=6), step) for index, spec in enumerate(specs)]
        _together([phone.sign_in for phone in phones])
        phases["set-up"] = time.monotonic() - started
        state.started = time.monotonic()
        killer = threading.Thread(target=state.killer, daemon=True)
        killer.start()
        _together([phone.work for phone in phones])
        with state.lock:
            state.faults = False
            state.lock.notify_all()
        killer.join()
        state.up.wait()
        phases["faults"] = time.monotonic() - state.started
        say(f"  faults over after {phases['faults']:.0f} s; draining")
        mark = time.monotonic()
        _together([phone.drain for phone in phones])
        _together([phone.pull_to_end for phone in phones])
        phases["drain"] = time.monotonic() - mark
        say(f"  drained in {phases['drain']:.0f} s; counting")
        mark = time.monotonic()
        lines, rejected, deferred_left = count_records(url, phones)
        differences: dict[int, list[str]] = {}
        _together([lambda i=i, p=p: differences.__setitem__(i, compare_phone(p, url))
                   for i, p in enumerate(phones)])
        notes = [note for i in sorted(differences) for note in differences[i]]
        equal = sum(1 for i in range(len(phones)) if i in differences and not differences[i])
        for phone in phones:
            for mutation, result in phone.attention:
                notes.append(f"{phone.spec.username}: needs attention: {mutation['type']} {result}")
        phases["count"] = time.monotonic() - mark
    finally:
        server.stop()
        proxy.close()
    log = server.log_path.read_text(errors="replace") if server.log_path.exists() else ""
    report = Report(
        options=options, backend=backend, tally=state.tally, statuses=state.statuses,
        http_errors=state.http_errors, anomalies=state.anomalies, lines=lines,
        mutations=sum(len(p.made) for p in phones),
        records=sum(line.made for line in lines if line.what in RECORD_LINES),
        rejected=rejected, deferred_left=deferred_left, phones_equal=equal, phone_notes=notes,
        elapsed=time.monotonic() - started, server_errors_logged=log.count("Traceback"), phases=phases)
    report.text = render(report, state.sent)
    if own_dir:
        shutil.rmtree(workdir, ignore_errors=True)
    return report


RECORD_LINES = {"visits (check-in)", "patrols", "checkpoint visits", "findings", "stock checks",
                "stock counts"}


def _together(targets) -> None:
    threads = [threading.Thread(target=t, daemon=True) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def render(report: Report, sent: int) -> str:
    t = report.tally
    minutes, seconds = divmod(round(report.elapsed), 60)
    dropped = t["cut after: answer dropped"]
    dropped_200 = t["cut after: dropped answer was 200"]
    rows = [
        ("requests sent (faults on)", f"{sent:,}"),
        ("  cut before the request was whole", f"{t['cut before']:,}"),
        ("  cut after the commit (answer dropped)",
         f"{dropped + t['cut after: server killed first']:,} ({dropped_200:,} answers of 200 dropped, "
         f"{t['cut after: server killed first']:,} killed before answering)"),
        ("  duplicates (an acknowledged batch again)", f"{t['duplicate']:,}"),
        ("  reordered (part of the outbox, shuffled)", f"{t['reorder']:,}"),
        ("  retries of a batch that had no answer", f"{t['retry']:,}"),
        ("server SIGKILLed and restarted", f"{t['kills']:,} (every {report.options.kill_every})"),
        ("  requests in flight at a kill", f"{t['in flight at a kill']:,}"),
        ("requests to drain and pull to the end", f"{t['drain requests']:,}"),
        ("answers: applied / duplicate / deferred / rejected",
         " / ".join(f"{report.statuses[s]:,}" for s in ("applied", "duplicate", "deferred", "rejected"))),
        ("HTTP errors", ", ".join(f"{s}: {n}" for s, n in sorted(report.http_errors.items())) or "none"),
        ("mutations made", f"{report.mutations:,}"),
        ("records created", f"{report.records:,}"),
        ("**lost**", f"{report.lost:,}"),
        ("**doubled**", f"{report.doubled:,}"),
        ("**on the wrong site**", f"{report.wrong_site:,}"),
        ("rejected / still deferred", f"{report.rejected:,} / {report.deferred_left:,}"),
        ("**phones equal to the server**", f"{report.phones_equal}/{report.options.phones}"),
        ("elapsed", f"{minutes} min {seconds:02d} s ("
                    + ", ".join(f"{name} {secs:.0f} s" for name, secs in report.phases.items()) + ")"),
    ]
    width = max(len(a) for a, _ in rows)
    out = [f"Fault run on {report.backend} (gunicorn, 2 workers): {report.options.phones} phones, "
           f"seed {report.options.seed}", "",
           f"| {'':<{width}} | |", f"| {'-' * width} | ---: |"]
    out += [f"| {a:<{width}} | {b} |" for a, b in rows]
    out += ["", "| record | made | on the server | lost | doubled | wrong site |",
            "| --- | ---: | ---: | ---: | ---: | ---: |"]
    out += [f"| {line.what} | {line.made:,} | {line.found:,} | {line.lost:,} | {line.doubled:,} | "
            f"{line.wrong_site:,} |" for line in report.lines]
    if report.server_errors_logged:
        out.append(f"\nThe server logged {report.server_errors_logged} tracebacks.")
    for note in (report.anomalies[:20] + report.phone_notes[:20]):
        out.append(f"! {note}")
    out.append("")
    out.append("PASS: nothing lost, doubled or misplaced; every phone equals the server." if report.ok
               else "FAIL")
    return "\n".join(out)


def parse_args(argv=None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000, help="sync requests with faults (10000)")
    parser.add_argument("--phones", type=int, default=20, help="simulated phones, half per site (20)")
    parser.add_argument("--db", default=os.environ.get("FAULT_RUN_DATABASE_URL", DEFAULT_PG),
                        help=f"postgresql://… (emptied first) or 'sqlite' ({DEFAULT_PG})")
    parser.add_argument("--kill-every", type=int, default=500,
                        help="SIGKILL the server every N requests (500)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--port", type=int, default=0,
                        help="gunicorn's port; the proxy takes the next one (default: free ports)")
    parser.add_argument("--workdir", type=Path, help="keep the server's log and files here")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)
    if args.phones < 2:
        parser.error("--phones must be at least 2 (one per site)")
    return Options(requests=args.requests, phones=args.phones, db=args.db, kill_every=args.kill_every,
                   seed=args.seed, port=args.port, workdir=args.workdir, quiet=args.quiet)


def main(argv=None) -> int:
    report = run(parse_args(argv))
    print(report.text)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
