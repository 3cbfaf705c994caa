"""A repair request taken at the desk, made by the sync engine like a phone's.

The desk writes one ``repair.create`` mutation of the pseudo-device ``desktop:<user id>``
and hands it to ``sync.reconcile.apply_batch``: it is journaled, checked by the same
schema and rules as a phone's (``sync.repairs``), opens the same follow-up on the repair
post, and reaches the repair worker's phone by the same pull. The view only translates
what the engine refused.
"""
from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import select

from app.api.store import SqlStore
from app.extensions import db
from app.followups.desk import desk_device
from app.models import SyncDevice
from app.models import new_id
from app.models import utcnow
from sync.envelope import REJECTED
from sync.envelope import SyncRequest
from sync.reconcile import apply_batch

FIELDS = ("site_id", "description", "urgency", "channel", "unit", "owner_name", "owner_phone")


class Refused(Exception):
    """The engine refused the request; ``errors`` maps field -> translated messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


def take(actor, data: dict) -> str:
    """Record a repair request as ``actor`` and commit; the new order's id.

    :raises Refused: the engine rejected it; nothing was written
    """
    now = utcnow()
    device = desk_device(actor.id)
    last = db.session.scalar(select(SyncDevice.last_seq).where(SyncDevice.device_id == device)) or 0
    body = {key: data.get(key) for key in FIELDS if data.get(key) not in (None, "")}
    body["photo_ids"] = []
    repair_id = new_id()
    mutation = {"id": new_id(), "seq": last + 1, "type": "repair.create", "entity_id": repair_id,
                "user_id": actor.id, "at": now.isoformat(), "data": body}
    request = SyncRequest(user_id=actor.id, device_id=device, client_time=now, mutations=[mutation])
    (result,) = apply_batch(request, SqlStore(db.session), now, new_id)
    if result.status == REJECTED:
        db.session.rollback()
        raise Refused({field: [gettext(message) for message in messages]
                       for field, messages in (result.errors or {}).items()})
    db.session.commit()
    return repair_id
