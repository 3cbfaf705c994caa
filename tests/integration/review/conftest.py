"""Phones that really sync, and a desk signed in as a reviewer, for the review pages.

Each phone and each desk has its own test client: a phone drops the session cookie
before every request, which would sign a shared desk out.
"""
from datetime import datetime
from datetime import timedelta
from datetime import timezone

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import FollowUp
from tests.conftest import Auth
from tests.integration.admin.conftest import Desk
from tests.integration.sync.conftest import SyncPhone


def ago(**delta) -> datetime:
    return datetime.now(timezone.utc) - timedelta(**delta)


class ReviewPhone(SyncPhone):
    def push_ok(self, mutations=(), **kw) -> list[dict]:
        """Push and insist that every mutation was applied; the results."""
        response = self.push(mutations, **kw)
        assert response.status_code == 200, response.get_data(as_text=True)
        results = response.json["results"]
        assert all(r["status"] == "applied" for r in results), results
        return results


@pytest.fixture()
def phone_for(app, world):
    return lambda username: ReviewPhone(app.test_client(), username)


@pytest.fixture()
def desk_for(app, world):
    def make(username: str) -> Desk:
        client = app.test_client()
        return Desk(client, Auth(client), username)
    return make


def followup_version(app, ident: str) -> int:
    with app.app_context():
        return db.session.scalar(select(FollowUp.version).where(FollowUp.id == ident))
