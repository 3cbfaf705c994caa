"""Real servers for the fault tests: databases to clone, gunicorn to start and kill, HTTP,
and snapshots of everything a push can write.

The database follows the rest of the suite: a SQLite file, or PostgreSQL when
``TEST_DATABASE_URL`` names one (then each database here is ``<that name>_<purpose>``).
"""
from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[3]
GUNICORN = Path(sys.executable).with_name("gunicorn")

# Tables a push never writes but signing in does.
NOT_PUSHED = {"device_tokens", "login_attempts"}
# Columns that say when the server did something, not what it did.
ARRIVAL = {"received_at", "updated_at", "applied_at", "created_at", "uploaded_at", "last_seen_at",
           "first_seen_at", "client_time", "ended_received_at", "finished_received_at",
           "checked_out_received_at"}
# Per table: columns that count deliveries or order them in time (a retry moves them).
DELIVERY = {"sync_journal": {"duplicates", "reuses"}, "change_log": {"seq", "at"}}


class Database:
    """One database: a SQLite file or a PostgreSQL database."""

    def __init__(self, url: str, path: Path | None = None):
        self.url = url
        self.path = path
        self._engine = None

    @property
    def postgres(self) -> bool:
        return self.url.startswith("postgresql")

    @property
    def engine(self):
        if self._engine is None:
            self._engine = sa.create_engine(self.url, poolclass=sa.pool.NullPool)
        return self._engine

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def clone(self, name: str) -> "Database":
        """A copy of this database as it is now (it must not be in use)."""
        self.dispose()
        if not self.postgres:
            target = self.path.with_name(f"{name}.db")
            shutil.copyfile(self.path, target)
            return Database(f"sqlite:///{target}", target)
        target = sa.engine.make_url(self.url).set(database=_pg_name(name))
        with _pg_admin(self.url) as conn:
            _pg_drop(conn, target.database)
            conn.execute(sa.text(
                f'CREATE DATABASE "{target.database}" TEMPLATE "{sa.engine.make_url(self.url).database}"'))
        return Database(target.render_as_string(hide_password=False))

    def drop(self) -> None:
        self.dispose()
        if self.postgres:
            with _pg_admin(self.url) as conn:
                _pg_drop(conn, sa.engine.make_url(self.url).database)
        elif self.path is not None:
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)


def _pg_name(name: str) -> str:
    base = sa.engine.make_url(_pg_base_url()).database
    return f"{base}_{name}"


def _pg_base_url() -> str:
    url = os.environ["TEST_DATABASE_URL"]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


class _pg_admin:
    def __init__(self, url: str):
        self.engine = sa.create_engine(sa.engine.make_url(url).set(database="postgres"),
                                       isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)

    def __enter__(self):
        self.conn = self.engine.connect()
        return self.conn

    def __exit__(self, *exc):
        self.conn.close()
        self.engine.dispose()


def _pg_drop(conn, name: str) -> None:
    conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE datname = :n AND pid <> pg_backend_pid()"), {"n": name})
    conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))


def new_database(tmp: Path, name: str) -> Database:
    """An empty database for ``name``: a file under ``tmp``, or ``<TEST db>_<name>``."""
    if not os.environ.get("TEST_DATABASE_URL"):
        path = tmp / f"{name}.db"
        return Database(f"sqlite:///{path}", path)
    url = sa.engine.make_url(_pg_base_url()).set(database=_pg_name(name))
    with _pg_admin(url) as conn:
        _pg_drop(conn, url.database)
        conn.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
    return Database(url.render_as_string(hide_password=False))


def build_world(database: Database, photo_dir: Path):
    """Create the tables and the test world (``tests.factories.make_world``) in ``database``."""
    from app import create_app
    from app.extensions import db
    from tests.factories import make_world

    app = create_app({"TESTING": True, "SECRET_KEY": "fault-test-secret", "DATA_KEY": "dGVzdC1kYXRhLWtleS10aGlydHktdHdvLWJ5dGVzISE",
                      "SQLALCHEMY_DATABASE_URI": database.url, "PHOTO_DIR": str(photo_dir)})
    with app.app_context():
        db.create_all()
        world = make_world()
        db.session.remove()
        db.engine.dispose()
    return world


# -- the server ------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn serving ``tests.integration.faults.server`` on one database."""

    def __init__(self, database: Database, workdir: Path, *, workers: int = 1, **faults: str):
        self.database = database
        self.workdir = workdir
        self.workers = workers
        self.faults = {f"FAULT_{key.upper()}": str(value) for key, value in faults.items()}
        self.marker = workdir / "paused"
        self.proc = None
        self.port = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def start(self) -> "Server":
        self.marker.unlink(missing_ok=True)
        self.port = free_port()
        env = {**os.environ, "FAULT_DATABASE_URL": self.database.url,
               "FAULT_PHOTO_DIR": str(self.workdir / "photos"), "FAULT_MARKER": str(self.marker),
               "INSTANCE_PATH": str(self.workdir / "instance"), **self.faults}
        env.pop("DATABASE_URL", None)
        self.log = (self.workdir / "server.log").open("ab")
        self.proc = subprocess.Popen(
            [str(GUNICORN), "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}",
             "--timeout", "600", "--graceful-timeout", "2", "--log-level", "warning",
             "tests.integration.faults.server:serve()"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited at start:\n{self.log_text()}")
            try:
                if HTTP(self.port).get("/api/v1/openapi.json")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"the server did not start:\n{self.log_text()}")

    def log_text(self) -> str:
        return (self.workdir / "server.log").read_text(errors="replace")[-4000:]

    def wait_paused(self, timeout: float = 120) -> bool:
        """Whether the worker reached its pause point (and is sleeping there) in time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.marker.exists():
                return True
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server died by itself:\n{self.log_text()}")
            time.sleep(0.01)
        return False

    def kill(self) -> None:
        """``kill -9`` the master and its workers at once: no cleanup, no rollback, no answer."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=30)
        self.proc = None
        self.log.close()

    def stop(self) -> None:
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
        self.kill()


class HTTP:
    """One real HTTP connection to the server."""

    def __init__(self, port: int, timeout: float = 120):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def request(self, method: str, path: str, body=None, headers=None):
        data = None if body is None else json.dumps(body).encode()
        head = {"Content-Type": "application/json", **(headers or {})}
        self.conn.request(method, path, body=data, headers=head)
        response = self.conn.getresponse()
        raw = response.read()
        payload = json.loads(raw) if raw and response.getheader("Content-Type", "").startswith(
            "application/json") else raw
        return response.status, payload, dict(response.getheaders())

    def get(self, path: str):
        return self.request("GET", path)

    def close(self):
        self.conn.close()


def sign_in(port: int, username: str, device_id: str) -> str:
    client = HTTP(port)
    try:
        status, body, _ = client.request("POST", "/api/v1/session", {
            "username": username, "password": "demo1234", "device_id": device_id})
    finally:
        client.close()
    assert status == 200, body
    return body["token"]


def push(port: int, token: str, payload: dict, timeout: float = 300):
    client = HTTP(port, timeout)
    try:
        return client.request("POST", "/api/v1/sync", payload, {"Authorization": f"Bearer {token}"})
    finally:
        client.close()


class Background:
    """A push on its own thread, to be cut off by a kill; ``outcome`` is what the phone saw."""

    def __init__(self, port: int, token: str, payload: dict):
        self.outcome = None
        self.thread = threading.Thread(target=self._run, args=(port, token, payload), daemon=True)
        self.thread.start()

    def _run(self, port, token, payload):
        try:
            self.outcome = push(port, token, payload)
        except (OSError, http.client.HTTPException) as err:
            self.outcome = err

    def join(self, timeout: float = 60):
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "the push neither finished nor failed"
        return self.outcome


# -- what a push wrote -----------------------------------------------------------------

def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return value


_KEYS = {}


def _opened(table: str, column: str, value):
    """A visitor's number as the app reads it. It is stored encrypted with a fresh nonce
    each time, so two deliveries of one push differ in ciphertext, never in what it says."""
    from app import create_app
    from app.extensions import db
    from app.privacy.columns import Sealed
    from app.privacy.columns import SealedBody
    from app.privacy.columns import SealedReuses

    model = db.metadata.tables.get(table)
    kind = model.c[column].type if model is not None and column in model.c else None
    if value is None or not isinstance(kind, (Sealed, SealedBody, SealedReuses)):
        return value
    if "app" not in _KEYS:  # the key of build_world and the fault server
        _KEYS["app"] = create_app({"SECRET_KEY": "fault-test-secret", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                                   "DATA_KEY": "dGVzdC1kYXRhLWtleS10aGlydHktdHdvLWJ5dGVzISE"})
    with _KEYS["app"].app_context():
        return kind.process_result_value(value, None)


def snapshot(database: Database) -> dict[str, list[tuple]]:
    """Every row of every table a push can write, without arrival times, sorted; visitors'
    numbers decrypted."""
    meta = sa.MetaData()
    meta.reflect(database.engine)
    out = {}
    with database.engine.connect() as conn:
        for table in meta.sorted_tables:
            if table.name in NOT_PUSHED or table.name == "alembic_version":
                continue
            skip = ARRIVAL | DELIVERY.get(table.name, set())
            columns = [c for c in table.columns if c.name not in skip]
            rows = conn.execute(sa.select(*columns)).all()
            out[table.name] = sorted((tuple((c.name, _plain(_opened(table.name, c.name, v)))
                                            for c, v in zip(columns, row)) for row in rows), key=repr)
    database.dispose()
    return out


def difference(left: dict, right: dict) -> dict[str, tuple[int, int]]:
    """Tables whose rows differ, with how many rows each side has: ``{}`` when equal."""
    return {name: (len(left.get(name, [])), len(right.get(name, [])))
            for name in sorted(set(left) | set(right)) if left.get(name) != right.get(name)}


def journaled(database: Database, mutation_ids: list[str]) -> int:
    """How many of these mutations the journal holds."""
    table = sa.table("sync_journal", sa.column("mutation_id"))
    with database.engine.connect() as conn:
        count = conn.execute(sa.select(sa.func.count()).select_from(table)
                             .where(table.c.mutation_id.in_(mutation_ids))).scalar_one()
    database.dispose()
    return count
