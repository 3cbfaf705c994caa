"""Follow-up actions from the desk, carried out by the sync engine like a phone's edits.

Each desk action becomes one or two ``followup.update`` mutations of the desk's
pseudo-device (``app.office.desk_push``) and goes through the engine: journaled, checked
by ``sync.followup_policy``, merged in time order with whatever the phones send, and
pulled by the phones like any other change. So the desk cannot do anything a phone with
the same person signed in could not, and its history reads the same way.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext

from app.extensions import db
from app.models import FollowUp
from app.office.desk_push import Refused
from app.office.desk_push import submit
from app.scoping import visible_site_ids
from sync import followup_policy as policy
from sync import messages as m


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

    return submit(actor, [("followup.update", followup.id, {"base_version": followup.version, **data})
                          for data in edits])
