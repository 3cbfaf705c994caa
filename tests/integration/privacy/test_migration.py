"""Migration 0007 on a database that already holds visitors' numbers in plain text: it
encrypts them, keys the journal's content hashes so that a retry is still a duplicate,
and its downgrade gives the plain text back."""
import os
from datetime import datetime

import sqlalchemy as sa
from alembic.script import ScriptDirectory

from app.privacy import journal
from sync.envelope import content_hash
from tests.conftest import make_config
from tests.integration.test_migrations import fresh_url  # noqa: F401  (the fixture)

PHONE, ID_NUMBER, OTHER = "+86 138 1234 5678", "11010119900107123X", "13598765432"
NOW = datetime(2026, 11, 27, 8, 0, 0)
IDS = {name: f"00000000-0000-4000-8000-{n:012d}" for n, name in enumerate(
    ("company", "site", "user", "visit", "watch", "check_in", "patrol", "entity", "patrol_entity"))}
CHECK_IN = {"id": IDS["check_in"], "seq": 1, "type": "visit.check_in", "entity_id": IDS["visit"],
            "user_id": IDS["user"], "at": "2026-11-27T16:00:00.000+08:00",
            "data": {"site_id": IDS["site"], "visitor_name": "赵六", "purpose": "visit", "party_size": 1,
                     "phone": PHONE, "id_number": ID_NUMBER}}
PATROL = {"id": IDS["patrol"], "seq": 2, "type": "patrol.start", "entity_id": IDS["patrol_entity"],
          "user_id": IDS["user"], "at": "2026-11-27T16:01:00.000+08:00", "data": {"site_id": IDS["site"]}}
REUSE = {**CHECK_IN, "data": {**CHECK_IN["data"], "phone": OTHER}}


def migrations_dir(app):
    return os.path.join(app.root_path, "..", "migrations")


def before_0007(app) -> str:
    """The revision 0007 follows, whichever it is once the branches are merged."""
    return ScriptDirectory(migrations_dir(app)).get_revision("0007").down_revision


def plain_rows(conn):
    """A company, a site, a guard, a visit and a watch entry with numbers, and their journal."""
    meta = sa.MetaData()
    meta.reflect(conn, only=("companies", "sites", "users", "visits", "watch_entries", "sync_journal"))
    t = meta.tables
    synced = {"version": 1, "updated_at": NOW}
    conn.execute(t["companies"].insert(), {"id": IDS["company"], "name": "测试物业"})
    conn.execute(t["sites"].insert(), {"id": IDS["site"], "company_id": IDS["company"], "name": "翠湖花园",
                                       "code": "S1", "timezone": "Asia/Shanghai", "settings": {}, **synced})
    conn.execute(t["users"].insert(), {"id": IDS["user"], "company_id": IDS["company"], "username": "guard1",
                                       "display_name": "guard1", "password_hash": "x", "role": "guard",
                                       "post": "security", "is_team_lead": False, "active": True, **synced})
    conn.execute(t["visits"].insert(), {
        "id": IDS["visit"], "site_id": IDS["site"], "user_id": IDS["user"], "mutation_id": IDS["check_in"],
        "received_at": NOW, "visitor_name": "赵六", "purpose": "visit", "party_size": 1, "phone": PHONE,
        "id_number": ID_NUMBER, "checked_in_at": NOW, "checked_in_at_phone": NOW, **synced})
    conn.execute(t["watch_entries"].insert(), {"id": IDS["watch"], "site_id": IDS["site"], "name": "某人",
                                               "phone": OTHER, "id_number": ID_NUMBER.lower(), "reason": "尾随",
                                               "active": True, **synced})
    journaled = {"device_id": "device-0001", "user_id": IDS["user"], "received_at": NOW, "clock_offset_ms": 0,
                 "status": "applied", "duplicates": 0}
    conn.execute(t["sync_journal"].insert(), [
        {**journaled, "mutation_id": IDS["check_in"], "type": "visit.check_in", "entity_id": IDS["visit"],
         "raw": CHECK_IN, "content_hash": content_hash(CHECK_IN),
         "reuses": [{"received_at": NOW.isoformat(), "content_hash": content_hash(REUSE), "raw": REUSE}]},
        {**journaled, "mutation_id": IDS["patrol"], "type": "patrol.start", "entity_id": IDS["patrol_entity"],
         "raw": PATROL, "content_hash": content_hash(PATROL), "reuses": []},
    ])


def dump(conn) -> str:
    return " ".join(str(v) for table in ("visits", "watch_entries", "sync_journal")
                    for row in conn.execute(sa.text(f"SELECT * FROM {table}")) for v in row)


def test_plain_numbers_are_encrypted_and_a_retry_is_still_a_duplicate(fresh_url):  # noqa: F811
    from flask_migrate import downgrade
    from flask_migrate import upgrade

    from app import create_app
    from app.api.store import SqlStore
    from app.extensions import db
    from app.models import JournalRow
    from app.models import Visit
    from app.models import WatchEntry
    from app.privacy import numbers
    from sync.envelope import SyncRequest
    from sync.reconcile import apply_batch

    app = create_app(make_config(SQLALCHEMY_DATABASE_URI=fresh_url))
    with app.app_context():
        upgrade(directory=migrations_dir(app), revision=before_0007(app))
        with db.engine.begin() as conn:
            plain_rows(conn)
            assert "1234 5678" in dump(conn)
        upgrade(directory=migrations_dir(app))

        with db.engine.connect() as conn:
            text = dump(conn)
            has_numbers = dict(conn.execute(sa.text("SELECT mutation_id, has_numbers FROM sync_journal")).all())
        for secret in ("1234 5678", "12345678", ID_NUMBER, ID_NUMBER.lower(), OTHER, "199003071"):
            assert secret not in text
        assert {k: bool(v) for k, v in has_numbers.items()} == {IDS["check_in"]: True, IDS["patrol"]: False}

        visit = db.session.get(Visit, IDS["visit"])
        assert (visit.phone, visit.id_number, visit.phone_tail) == (PHONE, ID_NUMBER, "5678")
        assert (visit.phone_mac, visit.id_mac) == (numbers.phone_mac(PHONE), numbers.id_mac(ID_NUMBER))
        watch = db.session.get(WatchEntry, IDS["watch"])
        assert watch.phone == OTHER and watch.id_mac == visit.id_mac
        row = db.session.get(JournalRow, IDS["check_in"])
        assert row.raw == CHECK_IN and row.reuses[0]["raw"] == REUSE
        assert row.content_hash == journal.fingerprint(CHECK_IN) != content_hash(CHECK_IN)
        assert row.reuses[0]["content_hash"] == journal.fingerprint(REUSE)
        patrol = db.session.get(JournalRow, IDS["patrol"])
        assert patrol.content_hash == content_hash(PATROL)

        # The phone that lost the answer sends the check-in again, after the upgrade.
        request = SyncRequest(user_id=IDS["user"], device_id="device-0001", client_time=datetime.now().astimezone(),
                              mutations=[CHECK_IN, PATROL])
        results = apply_batch(request, SqlStore(db.session), datetime.now().astimezone(), lambda: "unused")
        assert [r.status for r in results] == ["duplicate", "duplicate"]
        db.session.commit()

        # Downgrading gives the plain numbers and the plain content hashes back.
        downgrade(directory=migrations_dir(app), revision=before_0007(app))
        with db.engine.connect() as conn:
            visit_row = conn.execute(sa.text("SELECT phone, id_number FROM visits")).one()
            assert tuple(visit_row) == (PHONE, ID_NUMBER)
            hashes = dict(conn.execute(sa.text("SELECT mutation_id, content_hash FROM sync_journal")).all())
            assert hashes == {IDS["check_in"]: content_hash(CHECK_IN), IDS["patrol"]: content_hash(PATROL)}
            assert "1234 5678" in dump(conn)
        db.session.remove()
        db.engine.dispose()

