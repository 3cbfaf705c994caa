"""The SQLAlchemy store keeps the same store contract as the memory store, on both databases."""
import pytest

from app.api.store import SqlStore
from app.extensions import db
from sync.testing import StoreContract
from tests.integration.sync.worlds import load_world


class TestSqlStore(StoreContract):
    @pytest.fixture(autouse=True)
    def _context(self, app):
        with app.app_context():
            yield
            db.session.rollback()
            db.session.remove()

    def make_store(self, world):
        load_world(world)
        return SqlStore(db.session)
