"""Migration 0008 fills ``search_text`` for the visits already stored, so the search finds
visitors recorded before it; its downgrade leaves the visits as they were."""
import sqlalchemy as sa

from app.models.gate import visit_search_text
from tests.conftest import make_config
from tests.integration.privacy.test_migration import IDS
from tests.integration.privacy.test_migration import migrations_dir
from tests.integration.privacy.test_migration import plain_rows
from tests.integration.test_migrations import fresh_url  # noqa: F401  (the fixture)


def test_visits_stored_before_get_their_search_text(fresh_url):  # noqa: F811
    from flask_migrate import downgrade
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    app = create_app(make_config(SQLALCHEMY_DATABASE_URI=fresh_url))
    with app.app_context():
        upgrade(directory=migrations_dir(app), revision="0007")
        with db.engine.begin() as conn:
            plain_rows(conn)
            conn.execute(sa.text("UPDATE visits SET plate = :plate, unit = :unit, host_name = :host"),
                         {"plate": "粤b·12345", "unit": "3-1203", "host": "Lin"})
        upgrade(directory=migrations_dir(app), revision="0008")
        with db.engine.connect() as conn:
            stored = conn.execute(sa.text("SELECT search_text FROM visits WHERE id = :id"), {"id": IDS["visit"]}).scalar()
            indexes = {ix["name"] for ix in sa.inspect(conn).get_indexes("visits")}
        assert stored == visit_search_text("赵六", "3-1203", "Lin", "粤b·12345")
        assert "ix_visits_site_text" in indexes and "ix_visits_site_in" not in indexes

        downgrade(directory=migrations_dir(app), revision="0007")
        with db.engine.connect() as conn:
            columns = {c["name"] for c in sa.inspect(conn).get_columns("visits")}
            indexes = {ix["name"] for ix in sa.inspect(conn).get_indexes("visits")}
            assert conn.execute(sa.text("SELECT plate FROM visits")).scalar() == "粤b·12345"
        assert "search_text" not in columns and "ix_visits_site_in" in indexes
        db.session.remove()
        db.engine.dispose()
