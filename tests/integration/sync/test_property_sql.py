"""The delivery property again, smaller, through the SQLAlchemy store and a real database."""
import uuid

from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from sqlalchemy import select

from app.api.store import KIND_MODELS
from app.api.store import SqlStore
from app.api.store import _as_dict
from app.extensions import db
from app.models import JournalRow
from sync.reconcile import apply_batch
from sync.testing import sample_world
from tests.integration.sync.worlds import load_world
from tests.unit.sync.histories import canonical
from tests.unit.sync.histories import deliver_clean
from tests.unit.sync.histories import deliver_messy
from tests.unit.sync.histories import histories
from tests.unit.sync.histories import losers_are_recorded
from tests.unit.sync.histories import schedules
from tests.unit.sync.histories import seed_followups

WORLD = sample_world()


def commit_each_request(request, now):
    """One transaction per request, as the endpoint does it."""
    results = apply_batch(request, SqlStore(db.session), now, lambda: str(uuid.uuid4()))
    db.session.commit()
    return results


def empty_database():
    db.session.remove()
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


def fresh_database():
    empty_database()
    load_world(WORLD)
    seed_followups(SqlStore(db.session), WORLD)
    db.session.commit()


def snapshot():
    db.session.expire_all()
    state = {kind: {row.id: _as_dict(row) for row in db.session.scalars(select(model))}
             for kind, model in KIND_MODELS.items()}
    journal = {row.mutation_id: row.status for row in db.session.scalars(select(JournalRow))}
    return state, journal


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(history=histories(WORLD, max_episodes=2, phones=3), steps=schedules(phones=3, max_steps=6))
def test_messy_delivery_through_sql_ends_like_a_clean_one(app, history, steps):
    with app.app_context():
        try:
            fresh_database()
            deliver_clean(None, history, run=commit_each_request)
            clean_state, clean_journal = snapshot()

            fresh_database()
            deliver_messy(None, history, steps, run=commit_each_request)
            messy_state, messy_journal = snapshot()
        finally:
            empty_database()

    assert canonical(messy_state) == canonical(clean_state)
    assert set(messy_journal) == history.mutation_ids()
    assert messy_journal == clean_journal
    assert losers_are_recorded(messy_state) == []
