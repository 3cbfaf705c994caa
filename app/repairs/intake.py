"""A repair request taken at the desk, made by the sync engine like a phone's.

The desk writes one ``repair.create`` mutation of its pseudo-device
(``app.office.desk_push``): it is journaled, checked by the same
schema and rules as a phone's (``sync.repairs``), opens the same follow-up on the repair
post, and reaches the repair worker's phone by the same pull. The view only translates
what the engine refused.
"""
from __future__ import annotations

from app.models import new_id
from app.office import desk_push

FIELDS = ("site_id", "description", "urgency", "channel", "unit", "owner_name", "owner_phone")


def take(actor, data: dict) -> str:
    """Record a repair request as ``actor`` and commit; the new order's id.

    :raises app.office.desk_push.Refused: the engine rejected it (``errors``: field ->
        translated messages); nothing was written
    """
    body = {key: data.get(key) for key in FIELDS if data.get(key) not in (None, "")}
    body["photo_ids"] = []
    repair_id = new_id()
    desk_push.submit(actor, [("repair.create", repair_id, body)])
    return repair_id
