"""Builders for sync requests as a phone makes them."""
import uuid
from datetime import datetime
from datetime import timedelta
from datetime import timezone

CST = timezone(timedelta(hours=8))


def uid() -> str:
    return str(uuid.uuid4())


def stamp(dt: datetime | None = None) -> str:
    """A phone's ISO 8601 time with its +08:00 offset and milliseconds."""
    dt = (dt or datetime.now(timezone.utc)).astimezone(CST)
    return dt.isoformat(timespec="milliseconds")


class Outbox:
    """Makes mutations for one phone: ids, increasing ``seq``, the recording user."""

    def __init__(self, user_id: str, device_id: str | None = None):
        self.user_id = user_id
        self.device_id = device_id or uid()
        self.seq = 0

    def mutation(self, type_: str, data: dict | None = None, entity_id: str | None = None,
                 at: datetime | None = None, **extra) -> dict:
        self.seq += 1
        body = {"id": uid(), "seq": self.seq, "type": type_, "entity_id": entity_id or uid(),
                "user_id": self.user_id, "at": stamp(at), "data": data or {}}
        body.update(extra)
        return body

    def request(self, mutations=(), cursor=None, pending=0, client_time: datetime | None = None):
        return {"device_id": self.device_id, "client_time": stamp(client_time), "cursor": cursor,
                "pending": pending, "mutations": list(mutations)}


def check_in(outbox: Outbox, site_id: str, **data) -> dict:
    body = {"site_id": site_id, "visitor_name": "王五", "purpose": "delivery", "party_size": 1}
    body.update(data)
    return outbox.mutation("visit.check_in", body)
