"""``among``: ``IN`` on SQLite, one bound array on PostgreSQL, the same rows either way."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.models.base import among


@pytest.mark.parametrize("names", [["guard1"], ["guard1", "manager1", "nobody"], []])
def test_the_rows_are_those_of_in(app, world, names):
    with app.app_context():
        ids = [world.users[n] for n in names if n in world.users] + (["not-a-user"] if "nobody" in names else [])
        stmt = select(User.username).where(among(User.id, ids)).order_by(User.username)
        assert db.session.scalars(stmt).all() == sorted(n for n in names if n in world.users)
        sql = str(stmt.compile(dialect=db.engine.dialect))
        assert ("ANY" in sql) is (db.engine.dialect.name == "postgresql")


def test_a_thousand_values_are_one_array_parameter_on_postgresql(app, world):
    with app.app_context():
        stmt = select(User.id).where(among(User.id, [f"id-{n}" for n in range(1000)]))
        compiled = stmt.compile(dialect=db.engine.dialect)
        if db.engine.dialect.name == "postgresql":
            (value,) = compiled.construct_params().values()
            assert len(value) == 1000
        else:
            assert " IN (" in str(compiled)
        assert db.session.scalars(stmt).all() == []
