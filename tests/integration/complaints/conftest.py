"""What the complaint tests share: a desk signed in as someone, and complaints pushed from
a person's phone through /api/v1/sync."""
from datetime import datetime
from datetime import timedelta
from datetime import timezone

import pytest

from tests.integration.admin.conftest import Desk
from tests.integration.sync.conftest import SyncPhone


@pytest.fixture()
def desk_for(app, world):
    from tests.conftest import Auth

    def make(username):
        client = app.test_client()
        return Desk(client, Auth(client), username)
    return make


@pytest.fixture()
def lodge(client, world):
    """``lodge(username, site, **data)``: a complaint pushed from that person's phone; its id."""
    phones = {}

    def make(username="cs1", site=None, at=None, **data):
        if username not in phones:
            phones[username] = SyncPhone(client, username)
        phone = phones[username]
        body = {"site_id": site or world.site1, "kind": "valid", "description": "楼下装修噪音太大",
                "channel": "phone", "unit": "1-1-101", "owner_name": "李女士", "owner_phone": "13912345678"}
        body.update(data)
        mutation = phone.mutation("complaint.create", body,
                                  at=at or datetime.now(timezone.utc) - timedelta(minutes=10))
        response = phone.push([mutation])
        assert response.json["results"][0]["status"] == "applied", response.json
        return mutation["entity_id"]
    return make
