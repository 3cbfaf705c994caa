"""A signed-in phone with an outbox, for the sync tests."""
import pytest

from tests.factories import Phone
from tests.integration.sync.helpers import Outbox


class SyncPhone(Phone):
    """A phone that signs in and pushes its outbox to /api/v1/sync."""

    def __init__(self, client, username: str):
        super().__init__(client)
        response = self.sign_in(username)
        assert response.status_code == 200, response.json
        self.outbox = Outbox(self.user["id"], self.device_id)

    def push(self, mutations=(), **kw):
        return self.post("/api/v1/sync", json=self.outbox.request(mutations, **kw))

    def mutation(self, *args, **kw):
        return self.outbox.mutation(*args, **kw)


@pytest.fixture()
def phone_for(client):
    def make(username: str) -> SyncPhone:
        return SyncPhone(client, username)
    return make


@pytest.fixture()
def guard(world, phone_for):
    return phone_for("guard1")
