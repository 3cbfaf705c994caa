"""The office benchmark still runs: a tiny year is generated and every office page answers it.

``bench/office_data.py`` writes straight into the tables, so a model change it does not
follow breaks it here first (a NOT NULL column without a value, a foreign key, a table
name). ``bench/office_pages.py`` then reads every office page as a supervisor of all
sites and as a manager of one; each must answer 200. No timing is asserted: speed is
measured in ``bench/``, not in tests.

The data goes into a database of its own next to the test database (a file beside it on
SQLite, ``<test database>_bench`` on PostgreSQL), because the generator empties its
database and builds it with the migrations, while the other tests share theirs.
"""
import uuid

import pytest
import sqlalchemy as sa

from bench import office_data
from bench import office_pages
from tests.conftest import TMP
from tests.conftest import database_url


@pytest.fixture()
def bench_url():
    base = database_url()
    if base.startswith("sqlite"):
        yield f"sqlite:///{TMP}/bench-office-{uuid.uuid4().hex[:8]}.db"
        return
    url = sa.engine.make_url(base)
    url = url.set(database=f"{url.database}_bench")
    yield url.render_as_string(hide_password=False)
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    admin.dispose()


def test_generator_and_page_timer_run(bench_url):
    counts = office_data.generate(bench_url, scale=0.002, quiet=True)
    for table in ("visits", "patrols", "checkpoint_visits", "findings", "followups", "followup_events",
                  "stock_checks", "stock_counts", "complaints", "conflicts", "sync_devices"):
        assert counts.get(table, 0) > 0, f"no rows in {table}"

    backend = office_pages.backend_of(bench_url)
    results = office_pages.time_pages(bench_url, backend, runs=1, warmup=0, say=lambda line: None)

    timed = [r for r in results if r.ms]
    assert {r.who for r in timed} == {"supervisor", "manager"}
    assert any(r.url == "/review" for r in timed), "the dashboard was not read"
    failed = [(r.who, r.url, r.status, r.note) for r in timed if not r.ok]
    assert failed == [], f"office pages that did not answer 200: {failed}"
