"""Visits made the way phones make them (through /api/v1/sync), and a signed-in desk."""
from datetime import datetime
from datetime import timezone
from zoneinfo import ZoneInfo

import pytest

from app.extensions import db
from app.models import Site
from tests.integration.admin.conftest import Desk
from tests.integration.sync.conftest import SyncPhone

SHANGHAI = ZoneInfo("Asia/Shanghai")
PHONE = "13812345678"
ID_NUMBER = "110101199001141234"


def now() -> datetime:
    return datetime.now(timezone.utc)


class Gate:
    """Two guards' phones at the gate of site 1 (and one at site 2): check-ins, check-outs
    by another guard, flags; each returns what the server answered."""

    def __init__(self, client, world):
        self.world = world
        self.guard = SyncPhone(client, "guard1")
        self.other = SyncPhone(client, "lead1")
        self.guard2 = SyncPhone(client, "guard2")

    @staticmethod
    def _applied(phone, mutation):
        response = phone.push([mutation])
        assert response.status_code == 200, response.json
        result = response.json["results"][0]
        assert result["status"] == "applied", result
        return mutation["entity_id"]

    def check_in(self, by=None, at=None, site=None, **data) -> str:
        phone = by or self.guard
        body = {"site_id": site or self.world.site1, "visitor_name": "王五", "purpose": "delivery", "party_size": 1}
        body.update(data)
        return self._applied(phone, phone.mutation("visit.check_in", body, at=at))

    def check_out(self, visit_id, by=None, at=None) -> str:
        phone = by or self.other
        return self._applied(phone, phone.mutation("visit.check_out", entity_id=visit_id, at=at))

    def flag(self, visit_id, description="反复打听业主家中情况", by=None, photo_ids=(), site=None) -> str:
        phone = by or self.guard
        data = {"site_id": site or self.world.site1, "description": description, "visit_id": visit_id,
                "photo_ids": list(photo_ids)}
        return self._applied(phone, phone.mutation("visit.flag", data))


@pytest.fixture()
def gate(client, world):
    return Gate(client, world)


@pytest.fixture()
def desk_for(app, auth):
    """``desk_for("supervisor1")``: a desk signed in as that person (one at a time)."""
    def make(username):
        return Desk(auth.client, auth, username)
    return make


@pytest.fixture()
def settings(app, world):
    """``settings(site_id, **values)``: change a site's settings as the admin page would."""
    def change(site_id, **values):
        with app.app_context():
            site = db.session.get(Site, site_id)
            site.settings = {**(site.settings or {}), **values}
            db.session.commit()
    return change


def local_day(moment: datetime):
    return moment.astimezone(SHANGHAI).date()


def hhmm(moment: datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%H:%M")

