"""Rounds made the way phones make them (pushed to /api/v1/sync), and a reviewer's browser.

Times are relative to now and in the past, so that the server keeps them as sent (a time
in the future would be clamped). Each phone has its own test client: a phone's requests
drop the session cookie, which would sign the desk out.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from datetime import timezone

import pytest

from tests.browser.images import png
from tests.integration.admin.conftest import Desk
from tests.integration.sync.conftest import SyncPhone
from tests.integration.sync.helpers import uid


def ago(**kw) -> datetime:
    return datetime.now(timezone.utc) - timedelta(**kw)


@dataclass
class Stop:
    checkpoint_id: str
    minutes: float  # after the start
    method: str = "qr"
    accuracy_m: float | None = 8


class FieldPhone(SyncPhone):
    """A guard's or manager's phone that walks rounds and uploads finding photos."""

    def __init__(self, app, username: str, clock_offset: timedelta = timedelta(0)):
        super().__init__(app.test_client(), username)
        self.clock_offset = clock_offset  # how far the phone's clock is behind (slow)

    def photo(self) -> str:
        ident = uid()
        response = self.put(f"/api/v1/photos/{ident}", data=png(160, 120, (200, 150, 40)), content_type="image/png")
        assert response.status_code in (200, 201), response.get_data(as_text=True)
        return ident

    def walk(self, site_id: str, started: datetime, route_id: str | None = None, stops=(), findings=(),
             end_minutes: float | None = None, synced_at: datetime | None = None) -> str:
        """One round, pushed in one request; ``findings`` are dicts of ``patrol.finding`` data
        (plus ``minutes``); returns the patrol id."""
        slow = self.clock_offset
        start = self.mutation("patrol.start", {"site_id": site_id, "route_id": route_id}, at=started - slow)
        pid = start["entity_id"]
        mutations = [start]
        for stop in stops:
            location = ({"lat": 31.2, "lng": 121.5, "accuracy_m": stop.accuracy_m}
                        if stop.accuracy_m is not None else None)
            mutations.append(self.mutation("patrol.checkpoint", {
                "patrol_id": pid, "checkpoint_id": stop.checkpoint_id, "method": stop.method, "location": location},
                at=started + timedelta(minutes=stop.minutes) - slow))
        for finding in findings:
            data = {"patrol_id": pid, "category": "cleaning", "severity": "low", "description": "垃圾未清",
                    "handled_on_spot": False, "photo_ids": []}
            data.update({k: v for k, v in finding.items() if k != "minutes"})
            mutations.append(self.mutation("patrol.finding", data,
                                           at=started + timedelta(minutes=finding.get("minutes", 1)) - slow))
        if end_minutes is not None:
            mutations.append(self.mutation("patrol.end", {}, entity_id=pid,
                                           at=started + timedelta(minutes=end_minutes) - slow))
        response = self.push(mutations, client_time=datetime.now(timezone.utc) - slow)
        assert response.status_code == 200, response.json
        assert {r["status"] for r in response.json["results"]} == {"applied"}, response.json["results"]
        return pid

    def starts(self, site_id: str, times: list[datetime], route_id: str | None = None) -> list[str]:
        """Many rounds begun (and never ended) in one push: a cheap long list."""
        mutations = [self.mutation("patrol.start", {"site_id": site_id, "route_id": route_id}, at=t) for t in times]
        response = self.push(mutations)
        assert {r["status"] for r in response.json["results"]} == {"applied"}
        return [m["entity_id"] for m in mutations]


@pytest.fixture()
def phone(app, world):
    """``phone(username, clock_offset=timedelta(0))``: a signed-in field phone."""
    return lambda username, **kw: FieldPhone(app, username, **kw)


@pytest.fixture()
def desk_for(client, auth, world):
    """``desk_for(username)``: that person's browser, signed in."""
    return lambda username: Desk(client, auth, username)
