"""A phone that was offline all day pushes the whole day at once: two patrol rounds, two
stock checks, many visits. Each record arrives after its parent in the same request, and
every one of them must apply, on SQLite and on PostgreSQL (which enforces foreign keys
on every insert, so rows must reach it parents first)."""
from app.extensions import db
from app.models import CheckpointVisit
from app.models import Finding
from app.models import Patrol
from app.models import StockCount
from tests.integration.faults.workload import patrol_scene
from tests.integration.faults.workload import stock_scene
from tests.integration.faults.workload import visit_scene


def test_two_rounds_and_two_checks_in_one_push(app, manager, world):
    rec = manager.recorder
    mutations = []
    for n in range(2):
        mutations += visit_scene(rec, world.site1, n)
        mutations += patrol_scene(rec, world.site1, world.route1, world.checkpoints1, n)
        mutations += stock_scene(rec, world.site1, world.store1, world.items1, [10, 20, 30], n)
    body = manager.push(mutations)
    assert [r["status"] for r in body["results"]] == ["applied"] * len(mutations)
    with app.app_context():
        assert db.session.query(Patrol).count() == 2
        assert db.session.query(CheckpointVisit).count() == 2 * (len(world.checkpoints1) - 1)
        assert db.session.query(Finding).count() == 4
        assert db.session.query(StockCount).count() == 2 * len(world.items1)
