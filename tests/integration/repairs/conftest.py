"""Repair orders made the way the desk and phones make them, and desks to review them."""
from datetime import datetime
from datetime import timedelta
from datetime import timezone

import pytest

from tests.integration.admin.conftest import Desk
from tests.integration.sync.conftest import SyncPhone
from tests.integration.sync.helpers import stamp


@pytest.fixture()
def desk_for(app, world):
    from tests.conftest import Auth

    def make(username):
        client = app.test_client()
        return Desk(client, Auth(client), username)
    return make


def request_data(world, **extra):
    data = {"site_id": world.site1, "description": "3-2-501 厨房水龙头漏水", "urgency": "normal",
            "channel": "phone", "unit": "3-2-501", "owner_name": "李女士", "owner_phone": "13912345678"}
    data.update(extra)
    return data


@pytest.fixture()
def take(client, world):
    """``take(username="cs1", at=None, **data)``: a repair request pushed from that person's phone."""
    phones = {}

    def make(username="cs1", at=None, **data):
        phone = phones.setdefault(username, SyncPhone(client, username))
        mutation = phone.mutation("repair.create", request_data(world, **data),
                                  at=at or datetime.now(timezone.utc) - timedelta(minutes=10))
        response = phone.push([mutation])
        assert response.json["results"][0]["status"] == "applied", response.json
        return mutation["entity_id"]
    return make


def work_data(repair_id, materials=(), **extra):
    now = datetime.now(timezone.utc)
    data = {"repair_id": repair_id, "started_at": stamp(now - timedelta(minutes=50)),
            "finished_at": stamp(now - timedelta(minutes=10)), "work_done": "更换水龙头阀芯",
            "materials": list(materials), "before_photo_ids": [], "after_photo_ids": []}
    data.update(extra)
    return data
