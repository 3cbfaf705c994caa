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


class Refused(Exception):
    """The engine refused the request; ``errors`` maps field -> translated messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


def take(actor, data: dict) -> str:
    """Record a repair request as ``actor`` and commit; the new order's id.

    :raises Refused: the engine rejected it; nothing was written
    """
    body = {key: data.get(key) for key in FIELDS if data.get(key) not in (None, "")}
    body["photo_ids"] = []
    repair_id = new_id()
    try:
        desk_push.submit(actor, [("repair.create", repair_id, body)])
    except desk_push.Refused as refused:
        raise Refused(refused.errors) from None
    return repair_id
