"""Fixtures shared by every tier.

The database is SQLite unless ``TEST_DATABASE_URL`` names another (PostgreSQL in CI's
second leg); the schema is made once per run and every test starts from empty tables.
"""
import os
import tempfile

# Before the app is imported: Argon2id at the test profile's cost (app/passwords.py), here
# and in every server the tests start. tests/integration/auth/test_passwords.py checks the
# standard profile in an interpreter without it.
os.environ.setdefault("ESTATE_PASSWORD_PROFILE", "test")

import pytest  # noqa: E402

from tests import factories  # noqa: E402
from tests.figures import FIGURES  # noqa: E402
from tests.pg import ensure_database  # noqa: E402
from tests.pg import psycopg_url  # noqa: E402

TMP = tempfile.mkdtemp(prefix="estate-tests-")


def database_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{TMP}/test.db"
    url = psycopg_url(url)
    ensure_database(url)
    return url


def make_config(**extra) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATA_KEY": "dGVzdC1kYXRhLWtleS10aGlydHktdHdvLWJ5dGVzISE",
        "SQLALCHEMY_DATABASE_URI": database_url(),
        "PHOTO_DIR": os.path.join(TMP, "photos"),
        "PHOTO_STORE": "disk",  # whatever the environment says; the S3 tests pick their bucket
        "SERVER_NAME": None,
    }
    config.update(extra)
    return config


def pytest_terminal_summary(terminalreporter):
    """The figures tests measured (``tests/figures.py``), after the run."""
    if FIGURES:
        terminalreporter.section("figures")
        for line in FIGURES:
            terminalreporter.line(line)


@pytest.fixture(scope="session")
def app():
    from app import create_app
    from app.extensions import db

    app = create_app(make_config())
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _empty_tables(request):
    """Every test that uses the app starts with empty tables."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    yield
    from app.extensions import db

    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture()
def ctx(app):
    with app.app_context():
        yield
        from app.extensions import db
        db.session.remove()


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def world(app):
    """Two sites with a person on every role and post, a route, a store with items."""
    with app.app_context():
        return factories.make_world()


class Auth:
    """Signs in through the real form, CSRF token and all."""

    def __init__(self, client):
        self.client = client

    def login(self, username: str, password: str = factories.PASSWORD):
        token = factories.csrf_from(self.client.get("/login"))
        return self.client.post("/login", data={"username": username, "password": password,
                                                "csrf_token": token})

    def csrf(self, path: str = "/") -> str:
        return factories.csrf_from(self.client.get(path, follow_redirects=True))

    def logout(self):
        return self.client.post("/logout", data={"csrf_token": self.csrf()})


@pytest.fixture()
def auth(client):
    return Auth(client)


@pytest.fixture()
def api(client):
    """A phone: signs in through /api/v1/session and sends its bearer token."""
    return factories.Phone(client)
