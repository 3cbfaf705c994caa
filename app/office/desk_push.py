"""Desk actions carried out by the sync engine, as a phone's records would be.

The desk is the pseudo-device ``desktop:<user id>``: what a person does at the desk is
journaled, checked by the same rules and pulled by the phones like anything they record,
so the desk can do nothing a phone with the same person signed in could not.
"""
from __future__ import annotations

from datetime import datetime
from datetime import timedelta

from flask_babel import gettext
from sqlalchemy import select

from app.extensions import db
from app.models import SyncDevice
from app.models import new_id
from app.models import utcnow
from sync import messages as m
from sync.envelope import REJECTED
from sync.envelope import SyncRequest
from sync.reconcile import apply_batch

DESK_PREFIX = "desktop:"


class Refused(Exception):
    """The action was not carried out; ``message`` says why in the user's language."""

    def __init__(self, message: str, field: str | None = None, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors = errors or ({field or "": [message]})


def desk_device(user_id: str) -> str:
    return DESK_PREFIX + user_id


def is_desk_device(device_id: str | None) -> bool:
    return bool(device_id) and device_id.startswith(DESK_PREFIX)


def submit(actor, records: list[tuple[str, str, dict]], now: datetime | None = None) -> list[str]:
    """Apply ``(type, entity_id, data)`` records as ``actor`` in one push and commit; the
    mutation ids written. All or nothing: the first rejection undoes the push.

    :raises Refused: the engine rejected one; its first message, translated, and its field
    """
    from app.api.store import SqlStore  # the API package imports the pages that import this module

    now = now or utcnow()
    device = desk_device(actor.id)
    last = db.session.scalar(select(SyncDevice.last_seq).where(SyncDevice.device_id == device)) or 0
    mutations = [{"id": new_id(), "seq": last + n + 1, "type": type_, "entity_id": entity_id,
                  "user_id": actor.id, "at": (now + timedelta(milliseconds=n)).isoformat(), "data": data}
                 for n, (type_, entity_id, data) in enumerate(records)]
    request = SyncRequest(user_id=actor.id, device_id=device, client_time=now, mutations=mutations)
    results = apply_batch(request, SqlStore(db.session), now, new_id)
    refused = next((r for r in results if r.status == REJECTED), None)
    if refused is not None:
        db.session.rollback()
        errors = {name: [gettext(text) for text in texts]
                  for name, texts in (refused.errors or {"": [m.POLICY_STEP]}).items()}
        field, messages = next(iter(errors.items()))
        raise Refused(messages[0], field or None, errors)
    if any(r.status not in ("applied", "duplicate") for r in results):
        # Deferred: it names something the server does not hold; the desk does not wait.
        db.session.rollback()
        raise Refused(gettext(m.NOT_AN_ID))
    db.session.commit()
    return [mutation["id"] for mutation in mutations]
