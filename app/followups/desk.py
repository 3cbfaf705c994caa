"""Follow-up actions from the desk, carried out by the sync engine like a phone's edits.

Each desk action becomes one or two ``followup.update`` mutations of the pseudo-device
``desktop:<user id>`` and goes through ``sync.reconcile.apply_batch``: journaled, checked
by ``sync.followup_policy``, merged in time order with whatever the phones send, and
pulled by the phones like any other change. So the desk cannot do anything a phone with
the same person signed in could not, and its history reads the same way.
"""
from __future__ import annotations

from datetime import datetime
from datetime import timedelta

from flask_babel import gettext
from sqlalchemy import select

from app.api.store import SqlStore
from app.extensions import db
from app.models import FollowUp
from app.models import SyncDevice
from app.models import new_id
from app.models import utcnow
from app.scoping import visible_site_ids
from sync import followup_policy as policy
from sync import messages as m
from sync.envelope import REJECTED
from sync.envelope import SyncRequest
from sync.reconcile import apply_batch

DESK_PREFIX = "desktop:"


class Refused(Exception):
    """The action was not carried out; ``message`` says why in the user's language."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def desk_device(user_id: str) -> str:
    return DESK_PREFIX + user_id


def is_desk_device(device_id: str | None) -> bool:
    return bool(device_id) and device_id.startswith(DESK_PREFIX)


def _edits(action: str, *, note, assignee_id, due_at) -> list[dict]:
    if action == policy.START:
        edits = [{"status": "in_progress"}]
    elif action == policy.RESOLVE:
        edits = [{"status": "resolved"}]
    elif action == policy.VERIFY:
        edits = [{"status": "closed"}]
    elif action == policy.CLOSE:
        edits = [{"status": "resolved"}, {"status": "closed"}]
    elif action == policy.REOPEN:
        edits = [{"status": "open"}]
    elif action == policy.ASSIGN:
        if not assignee_id:
            raise Refused(gettext("Choose the person to assign it to."), "assignee_id")
        edits = [{"assignee_id": assignee_id}]
    elif action == policy.DUE:
        if due_at is None:
            raise Refused(gettext("Give the new due time."), "due_at")
        edits = [{"due_at": due_at.isoformat()}]
    elif action == policy.NOTE:
        if not note:
            raise Refused(gettext("Write the note first."), "note")
        return [{"note": note}]
    else:
        raise Refused(gettext("Unknown action."))
    if note:
        edits[-1]["note"] = note
    return edits


def perform(actor, followup_id: str, action: str, *, note: str | None = None,
            assignee_id: str | None = None, due_at: datetime | None = None) -> list[str]:
    """Carry out one desk action as ``actor`` and commit; the ids of the mutations written.

    :raises Refused: not found at the actor's sites, not allowed, not possible in the
        current status, or rejected by the engine; nothing is written then
    """
    followup = db.session.get(FollowUp, followup_id) if isinstance(followup_id, str) else None
    if followup is None or followup.deleted_at is not None or followup.site_id not in visible_site_ids(actor):
        raise Refused(gettext(m.FOLLOWUP_NOT_FOUND))
    if action not in policy.ACTIONS:
        raise Refused(gettext("Unknown action."))
    if followup.status not in policy.STEPS[action][0]:
        raise Refused(gettext(m.POLICY_STEP))
    note = (note or "").strip() or None
    edits = _edits(action, note=note, assignee_id=assignee_id, due_at=due_at)

    now = utcnow()
    device = desk_device(actor.id)
    last = db.session.scalar(select(SyncDevice.last_seq).where(SyncDevice.device_id == device)) or 0
    mutations = []
    for n, data in enumerate(edits):
        mutations.append({
            "id": new_id(), "seq": last + n + 1, "type": "followup.update", "entity_id": followup.id,
            "user_id": actor.id, "at": (now + timedelta(milliseconds=n)).isoformat(),
            "data": {"base_version": followup.version, **data}})
    request = SyncRequest(user_id=actor.id, device_id=device, client_time=now, mutations=mutations)
    results = apply_batch(request, SqlStore(db.session), now, new_id)
    refused = next((r for r in results if r.status == REJECTED), None)
    if refused is not None:
        db.session.rollback()
        field, messages = next(iter((refused.errors or {"": [m.POLICY_STEP]}).items()))
        raise Refused(gettext(messages[0]), field or None)
    db.session.commit()
    return [mutation["id"] for mutation in mutations]
