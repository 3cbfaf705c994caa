"""Stock checks made the way phones make them (through /api/v1/sync), and desks to review them."""
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from datetime import timezone

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from app.models import StockCount
from tests.integration.admin.conftest import Desk
from tests.integration.sync.conftest import SyncPhone


@dataclass
class Check:
    id: str
    counts: dict = field(default_factory=dict)  # item id -> standing count id


class Keeper:
    """A store keeper's phone: starts a check, counts items, finishes it."""

    def __init__(self, client, username="store1"):
        self.phone = SyncPhone(client, username)

    def push(self, mutations):
        response = self.phone.push(mutations)
        assert response.status_code == 200, response.json
        assert all(r["status"] == "applied" for r in response.json["results"]), response.json
        return response

    def check(self, site_id, store_id, counts, *, finish=True, at=None, **extra) -> Check:
        """``counts``: ``[(item_id, counted, defective, note), ...]`` (defective and note optional)."""
        at = at or datetime.now(timezone.utc) - timedelta(minutes=30)
        start = self.phone.mutation("stock.check_start", {"site_id": site_id, "store_id": store_id}, at=at)
        mutations = [start]
        made = Check(start["entity_id"])
        for n, (item_id, counted, *rest) in enumerate(counts, start=1):
            data = {"check_id": start["entity_id"], "item_id": item_id, "counted_qty": counted}
            if rest and rest[0] is not None:
                data["defective_qty"] = rest[0]
            if len(rest) > 1:
                data["note"] = rest[1]
            mutation = self.phone.mutation("stock.count", data, at=at + timedelta(minutes=n))
            made.counts[item_id] = mutation["entity_id"]
            mutations.append(mutation)
        if finish:
            mutations.append(self.phone.mutation("stock.check_finish", entity_id=start["entity_id"],
                                                 at=at + timedelta(minutes=len(counts) + 1)))
        self.push(mutations)
        return made

    def recount(self, check: Check, item_id, counted, at=None) -> str:
        at = at or datetime.now(timezone.utc) - timedelta(minutes=1)
        mutation = self.phone.mutation("stock.count", {"check_id": check.id, "item_id": item_id,
                                                       "counted_qty": counted}, at=at)
        self.push([mutation])
        check.counts[item_id] = mutation["entity_id"]
        return mutation["entity_id"]

    def finish(self, check: Check):
        self.push([self.phone.mutation("stock.check_finish", entity_id=check.id)])


@pytest.fixture()
def keeper(client, world):
    return Keeper(client)


@pytest.fixture()
def desk_for(app, world):
    """``desk_for("manager1")``: a browser of its own, signed in as that person."""
    from tests.conftest import Auth

    def make(username):
        client = app.test_client()
        return Desk(client, Auth(client), username)
    return make


@pytest.fixture()
def count_row(app):
    def read(count_id):
        with app.app_context():
            row = db.session.get(StockCount, count_id)
            db.session.expunge(row)
            return row
    return read


@pytest.fixture()
def rows(app):
    """``rows(Model)``: how many rows the table has."""
    def counter(model, **filters):
        with app.app_context():
            stmt = select(func.count()).select_from(model)
            for key, value in filters.items():
                stmt = stmt.where(getattr(model, key) == value)
            return db.session.scalar(stmt)
    return counter
