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
    posts = set(db.session.scalars(select(User.post).where(User.post.is_not(None))))
    assert posts >= {"security", "customer_service", "repair", "cleaning", "store"}
