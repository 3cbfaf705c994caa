"""Permits and rental households at both sites, a desk, and phones that push and pull."""
from datetime import date
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Unit
from app.models.frontdesk import DecorationPermit
from app.models.frontdesk import RentalHousehold
from tests.integration.admin.conftest import Desk
from tests.integration.sync.conftest import SyncPhone
from tests.integration.gate.conftest import SHANGHAI
from tests.integration.gate.conftest import now


def today() -> date:
    return now().astimezone(SHANGHAI).date()


def unit_id(site_id: str, code: str) -> str:
    return db.session.scalar(select(Unit.id).where(Unit.site_id == site_id, Unit.code == code))


@pytest.fixture()
def permits(app, world):
    """At site 1: an active permit of 1-1-101 covering today, a revoked one of 1-1-102 and
    one of 1-2-201 that starts next week; at site 2 an active one of its 1-1-101."""
    day = today()
    with app.app_context():
        def permit(site, code, **values):
            row = DecorationPermit(site_id=site, unit_id=unit_id(site, code), applicant_name="业主陈",
                                   applicant_phone="13811112222", contractor="美家装饰", workers=["张工", "李工"],
                                   start_date=day - timedelta(days=3), end_date=day + timedelta(days=20),
                                   deposit=2000, rules_signed=True, rules_signed_on=day - timedelta(days=4))
            for key, value in values.items():
                setattr(row, key, value)
            db.session.add(row)
            db.session.flush()
            return row.id
        made = {
            "active": permit(world.site1, "1-1-101"),
            "revoked": permit(world.site1, "1-1-102", status="revoked", closed_on=day - timedelta(days=1)),
            "later": permit(world.site1, "1-2-201", start_date=day + timedelta(days=7),
                            end_date=day + timedelta(days=30)),
            "other_site": permit(world.site2, "1-1-101", contractor="别家装饰"),
        }
        db.session.commit()
        return made


@pytest.fixture()
def households(app, world):
    """Site 1: four rental households living there (3 informed, 2 registered) and one that
    moved out uninformed: awareness 3 / 4 = 75 %. Site 2: one, informed."""
    day = today()
    with app.app_context():
        def household(site, code, informed, registered, moved_out=False, names=("王租户",)):
            row = RentalHousehold(site_id=site, unit_id=unit_id(site, code), tenant_names=list(names),
                                  tenant_count=max(1, len(names)), move_in_on=day - timedelta(days=60),
                                  informed=informed, informed_on=day if informed else None,
                                  registered=registered, registered_on=day if registered else None,
                                  moved_out_on=day - timedelta(days=1) if moved_out else None)
            db.session.add(row)
            db.session.flush()
            return row.id
        made = {
            "a": household(world.site1, "1-1-101", True, True),
            "b": household(world.site1, "1-1-102", True, True, names=("刘一", "刘二")),
            "c": household(world.site1, "1-2-201", True, False, names=("孙未登",)),
            "d": household(world.site1, "1-2-201", False, False, names=("周未知",)),
            "gone": household(world.site1, "1-1-101", False, False, moved_out=True, names=("吴已走",)),
            "other": household(world.site2, "1-1-101", True, True, names=("别处租户",)),
        }
        db.session.commit()
        return made


@pytest.fixture()
def desk_for(app, auth):
    def make(username):
        return Desk(auth.client, auth, username)
    return make


@pytest.fixture()
def puller(app, world):
    """``puller(username)``: a phone that pulls everything and returns the changes by key."""
    def make(username):
        phone = SyncPhone(app.test_client(), username)

        def changes(cursor=None):
            found = []
            for _ in range(20):
                body = phone.push(cursor=cursor).json
                found += body["changes"]
                cursor = body["cursor"]
                if not body["has_more"]:
                    return {(c["type"], c["id"]): c for c in found}
            raise AssertionError("the pull never ended")
        phone.changes = changes
        return phone
    return make
