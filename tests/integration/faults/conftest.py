"""A manager's phone over the in-process client, for the fault tests that need no subprocess."""
import pytest

from tests.factories import Phone
from tests.integration.faults.workload import Recorder


class FieldPhone(Phone):
    """Signs in, records with a ``Recorder`` and pushes its outbox."""

    def __init__(self, client, username: str):
        super().__init__(client)
        response = self.sign_in(username)
        assert response.status_code == 200, response.json
        self.recorder = Recorder(self.user["id"], self.device_id)

    def push(self, mutations, **kw):
        response = self.post("/api/v1/sync", json=self.recorder.request(mutations, **kw))
        assert response.status_code == 200, response.json
        return response.json


@pytest.fixture()
def manager(client, world):
    return FieldPhone(client, "manager1")
