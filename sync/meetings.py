"""Morning meetings (晨会) and weekly meetings (周例会).

``meeting.record`` makes one ``meeting`` row: the site, the kind, when it started (the
mutation's corrected time), its chair (the sender), the people who attended — each an
active person of the site — who was missing and why, today's assignments, the summary of
yesterday (of the week, for a weekly meeting) and notes. Only managers, supervisors,
admins and team leads chair one (``meeting_rules.may_record``). Nothing edits a meeting
once recorded: a correction is a new record. Whether it was on time is not stored: it is
``meeting_rules.timeliness`` of ``started_at`` against the site's settings, read when shown.
"""
from __future__ import annotations

from typing import Any

from sync import meeting_rules as rules
from sync import messages as m
from sync.context import Context
from sync.errors import reject
from sync.handlers import handler
from sync.schemas import MeetingRecordSchema
from sync.store import POST_ROLE


@handler("meeting.record", "meeting", MeetingRecordSchema)
def record(ctx: Context, data: dict[str, Any]) -> None:
    """A meeting held at one site, chaired by the sender, with its attendees."""
    site = ctx.require_site(data["site_id"])
    if not rules.may_record(ctx.actor.role, ctx.actor.is_team_lead):
        raise reject("kind", m.MEETING_NOT_ALLOWED)
    attendees = list(dict.fromkeys(data["attendee_ids"]))  # ticked twice is attended once
    for person_id in attendees:
        person = ctx.store.user(person_id)
        if person is None or not person.active or person.role == POST_ROLE or site.id not in person.site_ids:
            raise reject("attendee_ids", m.MEETING_ATTENDEE_INVALID)
    ctx.ensure_new("meeting")
    ctx.store.add("meeting", {
        "id": ctx.entity_id, "site_id": site.id, "kind": data["kind"], "started_at": ctx.at,
        "started_at_phone": ctx.at_phone, "chaired_by": ctx.actor.id, "attendee_ids": attendees,
        "absent_note": data.get("absent_note"), "assignments": data.get("assignments"),
        "yesterday_summary": data.get("yesterday_summary"), "notes": data.get("notes"), **ctx.stamp(),
    })
