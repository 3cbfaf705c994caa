"""Phones that sync and desks that read, for the privacy tests."""
import pytest

from tests import factories
from tests.integration.sync.conftest import SyncPhone


@pytest.fixture()
def phone_for(client):
    def make(username: str) -> SyncPhone:
        return SyncPhone(client, username)
    return make


class Desk:
    """A browser at the desk, signed in as one person, with its own cookies."""

    def __init__(self, app, username):
        self.client = factories.desk_client(app, username)
        self.token = factories.csrf_from(self.client.get("/", follow_redirects=True))

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
def desk_for(app):
    """``desk_for("supervisor1")``: a desk signed in as that person."""
    return lambda username: Desk(app, username)
