"""The migrations build exactly the schema the models describe, on both databases."""
import os
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tests.conftest import TMP
from tests.conftest import database_url
from tests.conftest import make_config
from tests.pg import ensure_database


@pytest.fixture()
def fresh_url():
    base = database_url()
    if base.startswith("sqlite"):
        yield f"sqlite:///{TMP}/migrations-{uuid.uuid4().hex}.db"
        return
    url = sa.engine.make_url(base).set(database=f"estate_migr_{uuid.uuid4().hex[:8]}")
    rendered = url.render_as_string(hide_password=False)
    ensure_database(rendered)
    yield rendered
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_matches_models(fresh_url):
    """Does `flask db upgrade` on an empty database give the models' schema, no more, no less?"""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    app = create_app(make_config(SQLALCHEMY_DATABASE_URI=fresh_url))
    with app.app_context():
        upgrade(directory=os.path.join(app.root_path, "..", "migrations"))
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        db.engine.dispose()


def test_seed_demo_is_idempotent(app, ctx):
    from sqlalchemy import func
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Building
    from app.models import Checkpoint
    from app.models import Item
    from app.models import StockMovement
    from app.models import Unit
    from app.models import User

    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    counts = {m.__name__: db.session.scalar(select(func.count()).select_from(m))
              for m in (Building, Unit, Checkpoint, Item, StockMovement, User)}
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0
    again = {m.__name__: db.session.scalar(select(func.count()).select_from(m))
             for m in (Building, Unit, Checkpoint, Item, StockMovement, User)}
    assert counts == again
    assert counts["Building"] >= 8 and counts["Unit"] >= 200 and counts["Checkpoint"] >= 12
    assert counts["Item"] >= 20
    for username in ("guard1", "manager1", "guard2", "manager2", "supervisor1", "admin1"):
        assert db.session.scalar(select(User).where(User.username == username)) is not None
    # Every demo sign-in is printed, once, so a newcomer can try each role.
    printed = second.output.split()
    people = db.session.scalars(select(User.username).where(User.role != "post"))
    assert sorted(u for u in people if printed.count(u) != 1) == []
    assert "error" not in second.output.lower()
    posts = set(db.session.scalars(select(User.post).where(User.post.is_not(None))))
    assert posts >= {"security", "customer_service", "repair", "cleaning", "store"}


def test_upgrade_sends_the_watch_list_to_phones_again(fresh_url):
    """Phones hold watch rows with salted hashes from before 0006: does the upgrade log every
    entry and each site's filter again, so that the next pull replaces them?"""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    app = create_app(make_config(SQLALCHEMY_DATABASE_URI=fresh_url))
    directory = os.path.join(app.root_path, "..", "migrations")
    with app.app_context():
        upgrade(directory=directory, revision="0004")
        with db.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO companies (id, name) VALUES ('c1', 'C')"))
            conn.execute(sa.text(
                "INSERT INTO sites (id, company_id, name, code, timezone, settings, version, updated_at) "
                "VALUES ('s1', 'c1', 'S', 'S1', 'Asia/Shanghai', '{}', 1, :now)"), {"now": "2026-12-01 00:00:00"})
            for ident, active in (("w1", True), ("w2", False)):
                conn.execute(sa.text(
                    "INSERT INTO watch_entries (id, site_id, phone, reason, active, version, updated_at) "
                    "VALUES (:id, 's1', '13900001111', 'r', :active, 3, :now)"),
                    {"id": ident, "active": active, "now": "2026-12-01 00:00:00"})
        upgrade(directory=directory)
        with db.engine.connect() as conn:
            logged = conn.execute(sa.text(
                "SELECT entity_type, entity_id, site_id, op FROM change_log ORDER BY seq")).all()
        assert [tuple(r) for r in logged] == [("watch", "w1", "s1", "upsert"), ("watch", "w2", "s1", "delete"),
                                              ("watch_filter", "s1", "s1", "upsert")]
        db.engine.dispose()
