"""The hostile-input corpus of ``bench/hostile.py`` over real HTTP on this run's database."""
import os

from bench import hostile
from tests.integration.faults import harness


def test_hostile_corpus_over_http(tmp_path):
    database = harness.new_database(tmp_path, "hostile")
    label = "PostgreSQL" if os.environ.get("TEST_DATABASE_URL") else "SQLite"
    tally = hostile.run(database, tmp_path, label)
    print(tally.line())
    assert tally.misses == []
    assert tally.server_errors == 0 and tally.rows_by_refused == 0
    assert tally.mutations > 300 and tally.good_applied == tally.mutations
    assert tally.envelope == tally.envelope_ok == 10
