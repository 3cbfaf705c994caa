"""Fixtures for the admin pages: a signed-in admin and a way to count what was written."""
import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db


class Desk:
    """The admin's browser: signed in through the form, posting with the CSRF token."""

    def __init__(self, client, auth, username="admin1"):
        self.client = client
        self.auth = auth
        assert auth.login(username).status_code == 302
        self.token = auth.csrf("/")

    def get(self, path, **kw):
        return self.client.get(path, **kw)

    def post(self, path, data=None, **kw):
        data = dict(data or {})
        data.setdefault("csrf_token", self.token)
        return self.client.post(path, data=data, **kw)

    def text(self, path) -> str:
        with self.client.get(path) as response:
            assert response.status_code == 200, (path, response.status_code)
            return response.get_data(as_text=True)


@pytest.fixture()
def desk(client, auth, world):
    return Desk(client, auth)


@pytest.fixture()
def count(app):
    """``count(Model, **filters)``: rows in the table now."""
    def counter(model, **filters):
        with app.app_context():
            stmt = select(func.count()).select_from(model)
            for key, value in filters.items():
                stmt = stmt.where(getattr(model, key) == value)
            return db.session.scalar(stmt)
    return counter


@pytest.fixture()
def fetch(app):
    """``fetch(Model, id)``: a fresh copy of a row, read outside the request."""
    def getter(model, ident):
        with app.app_context():
            row = db.session.get(model, ident)
            if row is not None:
                db.session.expunge(row)
            return row
    return getter
