"""The engine alone: a sample world in a memory store and phones that push to it."""
import itertools
import uuid
from datetime import datetime
from datetime import timedelta
from datetime import timezone

import pytest

from sync.envelope import SyncRequest
from sync.reconcile import apply_batch
from sync.testing import memory_store
from sync.testing import sample_world

NOW = datetime(2026, 11, 27, 0, 31, 2, tzinfo=timezone.utc)
CST = timezone(timedelta(hours=8))
_counter = itertools.count()


def new_id() -> str:
    return str(uuid.uuid4())


class Device:
    """A phone: its user, its clock (``skew`` off the true time), its outbox sequence."""

    def __init__(self, store, world, username: str, skew: timedelta = timedelta(0)):
        self.store = store
        self.world = world
        self.user_id = world.user(username)
        self.device_id = f"device-{username}-{next(_counter):04d}"
        self.skew = skew
        self.seq = 0

    def m(self, type_: str, data: dict | None = None, entity_id: str | None = None,
          at: datetime | None = None, **extra) -> dict:
        """A mutation recorded at true time ``at`` (default: 10 minutes before NOW)."""
        self.seq += 1
        when = (at or NOW - timedelta(minutes=10)) + self.skew
        body = {"id": new_id(), "seq": self.seq, "type": type_, "entity_id": entity_id or new_id(),
                "user_id": self.user_id, "at": when.astimezone(CST).isoformat(timespec="milliseconds"),
                "data": data or {}}
        body.update(extra)
        return body

    def push(self, *mutations, now: datetime = NOW, pending: int = 0):
        request = SyncRequest(user_id=self.user_id, device_id=self.device_id,
                              client_time=now + self.skew, mutations=list(mutations), pending=pending)
        return apply_batch(request, self.store, now, new_id)

    def push_one(self, mutation, **kw):
        (result,) = self.push(mutation, **kw)
        return result


@pytest.fixture()
def world():
    return sample_world()


@pytest.fixture()
def store(world):
    return memory_store(world)


@pytest.fixture()
def phone(store, world):
    def make(username: str = "guard1", skew: timedelta = timedelta(0)) -> Device:
        return Device(store, world, username, skew)
    return make


@pytest.fixture()
def guard(phone):
    return phone("guard1")


def visit_data(world, **extra):
    data = {"site_id": world.site(1), "visitor_name": "王五", "purpose": "delivery", "party_size": 1}
    data.update(extra)
    return data
