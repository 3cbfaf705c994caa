"""The quick form of the fault run (``bench/fault_run.py``): nothing lost, doubled or misplaced.

1,000 sync requests from 20 phones over real HTTP to gunicorn (2 workers) on PostgreSQL,
with 20 % of the connections cut (half before the request is whole, half after the commit
with the answer dropped), 5 % acknowledged batches sent again, 10 % batches out of order,
and the server SIGKILLed and restarted after every 500 requests. After the phones drain,
every record they made is on the server once, on its own site, and every phone holds what
the server holds for it.

It runs in the PostgreSQL leg of ``scripts/test`` (``TEST_DATABASE_URL``), on a database
of its own, ``<test database>_faultrun``; on SQLite it is skipped (run
``python -m bench.fault_run --db sqlite`` by hand). ``FAULT_SEED`` repeats a run's
choices; ``FAULT_RUN_PORT`` puts gunicorn on that port and the proxy on the next.
"""
import os
import time

import pytest
import sqlalchemy as sa

from bench import fault_run
from tests.conftest import database_url

pytestmark = [pytest.mark.faultrun, pytest.mark.slow]


@pytest.fixture()
def run_url():
    base = database_url()
    if not base.startswith("postgresql"):
        pytest.skip("the fault run is a PostgreSQL figure: it runs in scripts/test's PostgreSQL leg "
                    "(TEST_DATABASE_URL); by hand: python -m bench.fault_run --db sqlite --requests 1000")
    url = sa.engine.make_url(base)
    url = url.set(database=f"{url.database}_faultrun")
    yield url.render_as_string(hide_password=False)
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    admin.dispose()


def test_quick_fault_run_loses_doubles_and_misplaces_nothing(run_url, tmp_path):
    seed = int(os.environ.get("FAULT_SEED") or time.time_ns() % 1_000_000)
    options = fault_run.parse_args([
        "--requests", "1000", "--phones", "20", "--kill-every", "500", "--seed", str(seed),
        "--db", run_url, "--port", os.environ.get("FAULT_RUN_PORT", "0"), "--workdir", str(tmp_path),
        "--quiet"])
    report = fault_run.run(options)
    print(report.text)
    context = f"seed {seed}\n{report.text}"
    assert report.tally["kills"] == 2, context
    assert report.tally["cut before"] > 0 and report.tally["cut after: answer dropped"] > 0, context
    assert report.tally["duplicate"] > 0 and report.tally["reorder"] > 0, context
    assert report.statuses["deferred"] > 0, f"nothing came out of order: {context}"
    assert (report.lost, report.doubled, report.wrong_site) == (0, 0, 0), context
    assert (report.rejected, report.deferred_left) == (0, 0), context
    assert report.phones_equal == 20, context
    assert report.anomalies == [], context
    assert report.ok, context
