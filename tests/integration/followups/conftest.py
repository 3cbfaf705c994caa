"""Records, a sweep from the command line, and phones, for the sweep's integration tests.

Days are the site's (Asia/Shanghai) and relative to today, so that a record a phone
pushes now can be dated in the past without the server clamping it as a future time.
"""
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import FollowUp
from app.models import Patrol
from app.models import Visit
from app.models import new_id
from tests.factories import Phone
from tests.integration.sync.helpers import Outbox

SHANGHAI = ZoneInfo("Asia/Shanghai")


def today() -> date:
    return datetime.now(SHANGHAI).date()


def local(day: date, hour: int = 0, minute: int = 0) -> datetime:
    """A wall-clock time at the site, as an aware UTC datetime."""
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI).astimezone(timezone.utc)


def sweep(app, now: datetime, *args):
    """``flask followups sweep --now …`` through the CLI runner."""
    return app.test_cli_runner().invoke(args=["followups", "sweep", "--now", now.isoformat(), *args])


def add_patrol(site_id, user_id, started_at, route_id=None, received_at=None) -> str:
    patrol = Patrol(id=new_id(), site_id=site_id, user_id=user_id, route_id=route_id,
                    started_at=started_at, started_at_phone=started_at,
                    received_at=received_at or started_at, missed_checkpoint_ids=[])
    db.session.add(patrol)
    db.session.commit()
    return patrol.id


def add_visit(site_id, user_id, checked_in_at, checked_out_at=None) -> str:
    visit = Visit(id=new_id(), site_id=site_id, user_id=user_id, visitor_name="王五", purpose="delivery",
                  party_size=1, phone="13812345678", id_number="110101199003070011",
                  checked_in_at=checked_in_at, checked_in_at_phone=checked_in_at, received_at=checked_in_at,
                  checked_out_at=checked_out_at, checked_out_at_phone=checked_out_at)
    db.session.add(visit)
    db.session.commit()
    return visit.id


def followups(**equals) -> list[FollowUp]:
    stmt = select(FollowUp).order_by(FollowUp.opened_at, FollowUp.id)
    for key, value in equals.items():
        stmt = stmt.where(getattr(FollowUp, key) == value)
    return list(db.session.scalars(stmt))


class SyncingPhone(Phone):
    """A signed-in phone with an outbox that pushes to /api/v1/sync."""

    def __init__(self, client, username: str):
        super().__init__(client)
        assert self.sign_in(username).status_code == 200
        self.outbox = Outbox(self.user["id"], self.device_id)

    def push(self, mutations=(), **kw):
        return self.post("/api/v1/sync", json=self.outbox.request(mutations, **kw))

    def pull_followups(self) -> dict:
        changes = self.push([]).json["changes"]
        return {c["id"]: c for c in changes if c["type"] == "followup"}


@pytest.fixture()
def phone_for(client, world):
    return lambda username: SyncingPhone(client, username)
