"""``flask --app wsgi backup``: an online copy of a SQLite database that restores.

The copy is taken from a SQLite file of its own (on either leg of the suite): the
command's PostgreSQL answer is the ``pg_dump`` to run, checked without a server.
"""
import os
import sqlite3
import stat
import threading
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app import create_app
from app.extensions import db
from tests import factories
from tests.conftest import make_config
from tests.integration.sync.conftest import SyncPhone
from tests.integration.sync.helpers import check_in


@pytest.fixture()
def sqlite_app(tmp_path):
    """An app on its own SQLite file, with the test world in it."""
    app = create_app(make_config(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'estate.db'}"))
    with app.app_context():
        db.create_all()
        app.world = factories.make_world()
    yield app
    with app.app_context():
        db.engine.dispose()


class Writer(threading.Thread):
    """Another connection that keeps writing to the database until stopped."""

    def __init__(self, path: Path):
        super().__init__(daemon=True)
        self.path, self.stop, self.written, self.error = path, threading.Event(), 0, None

    def run(self):
        conn = sqlite3.connect(self.path, timeout=30)
        try:
            while not self.stop.is_set():
                with conn:
                    conn.execute("INSERT INTO login_attempts (id, username, address, at) "
                                 "VALUES (?, 'writer', '192.0.2.1', CURRENT_TIMESTAMP)", (str(uuid.uuid4()),))
                self.written += 1
        except sqlite3.Error as err:  # pragma: no cover - the assertion below says what
            self.error = err
        finally:
            conn.close()


def attempts(conn) -> int:
    return conn.execute("SELECT count(*) FROM login_attempts").fetchone()[0]


def test_a_backup_taken_while_the_app_writes_restores(sqlite_app, tmp_path):
    """Can a new app run on the backup and find everything written before it began?"""
    from app.models import Site
    from app.models import User
    from app.models import Visit

    # A guard's phone records a visitor.
    phone = SyncPhone(sqlite_app.test_client(), "guard1")
    visit = check_in(phone.outbox, sqlite_app.world.site1, visitor_name="赵备份")
    assert phone.push([visit]).json["results"][0]["status"] == "applied"
    source = Path(sqlite_app.config["SQLALCHEMY_DATABASE_URI"][len("sqlite:///"):])

    # Back up while another connection writes.
    writer = Writer(source)
    writer.start()
    while writer.written < 20 and writer.is_alive():
        time.sleep(0.01)
    target = tmp_path / "backups" / "copy.db"
    target.parent.mkdir()
    result = sqlite_app.test_cli_runner().invoke(args=["backup", "--to", str(target)])
    while writer.written < 40 and writer.is_alive():
        time.sleep(0.01)
    writer.stop.set()
    writer.join()
    assert writer.error is None, writer.error
    assert result.exit_code == 0, result.output
    assert f"backed up to {target}" in result.output and "data_key" in result.output

    # Owner-only, whole, and holding what was written before it began.
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        copied = attempts(copy)
    with sqlite3.connect(source) as live:
        assert 20 <= copied <= attempts(live)

    # Restore: a new app pointed at the backup file finds everything.
    restored = create_app(make_config(SQLALCHEMY_DATABASE_URI=f"sqlite:///{target}"))
    with restored.app_context():
        assert sorted(db.session.scalars(select(Site.name))) == ["翠湖花园", "金桂苑"]
        assert db.session.scalar(select(func.count(User.id))) == len(sqlite_app.world.users)
        assert db.session.get(Visit, visit["entity_id"]).visitor_name == "赵备份"
        db.engine.dispose()
    client = restored.test_client()
    assert factories.Phone(client).sign_in("guard1").status_code == 200


def test_the_default_is_a_dated_owner_only_file_in_instance_backups(sqlite_app, tmp_path, monkeypatch):
    from app import config

    monkeypatch.setattr(config, "INSTANCE", tmp_path / "instance")
    runner = sqlite_app.test_cli_runner()
    result = runner.invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    [made] = (tmp_path / "instance" / "backups").iterdir()
    assert made.name.startswith("estate-") and made.suffix == ".db" and len(made.stem) == len("estate-20261127-083102")
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    assert stat.S_IMODE(made.parent.stat().st_mode) == 0o700

    # A file that exists already is never overwritten.
    again = runner.invoke(args=["backup", "--to", str(made)])
    assert again.exit_code != 0 and "exists already" in again.output


def test_postgresql_is_told_the_pg_dump_to_run():
    app = create_app(make_config(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://estate:s3cret@db.example:5433/estate"))
    result = app.test_cli_runner().invoke(args=["backup"])
    assert result.exit_code == 1
    assert "pg_dump -Fc -h db.example -p 5433 -U estate -f estate-" in result.output
    assert "pg_restore" in result.output and "s3cret" not in result.output
