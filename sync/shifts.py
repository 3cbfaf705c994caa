"""Shifts on a gate post's shared phone (交接班): who may record on it, and when.

A post's phone records in the name of the person on shift. ``shift.start`` opens the
window (the PIN was checked on the phone), ``shift.end`` closes it with the hand-over;
``sync.reconcile`` accepts a mutation in a person's name from a post's phone only inside
a window of theirs on that same phone (``covers``). Windows are compared in the phone's
own clock, in which both ends and every record were stamped.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sync import messages as m
from sync.context import Context
from sync.errors import Deferred
from sync.errors import reject
from sync.handlers import handler
from sync.schemas import ShiftEndSchema
from sync.schemas import ShiftStartSchema


def covers(shifts: list[dict[str, Any]], at_phone: datetime) -> bool:
    """Whether one of a person's shifts on a phone was open at the phone's time ``at_phone``."""
    return any(s["started_at_phone"] <= at_phone and (s["ended_at_phone"] is None or at_phone <= s["ended_at_phone"])
               for s in shifts if s.get("deleted_at") is None)


@handler("shift.start", "shift", ShiftStartSchema)
def start(ctx: Context, data: dict[str, Any]) -> None:
    site = ctx.require_site(data["site_id"])
    ctx.ensure_new("shift")
    ctx.store.add("shift", {
        "id": ctx.entity_id, "site_id": site.id, "post_id": ctx.entry.user_id,
        "started_at": ctx.at, "started_at_phone": ctx.at_phone, "ended_at": None, "ended_at_phone": None,
        "ended_received_at": None, "handover_note": None, "inside_count": None, **ctx.stamp(),
    })


@handler("shift.end", "shift", ShiftEndSchema)
def end(ctx: Context, data: dict[str, Any]) -> None:
    """The hand-over; a second end of one shift keeps the earlier time and the later note."""
    shift = ctx.store.get("shift", ctx.entity_id)
    if shift is None:
        raise Deferred(ctx.entity_id)
    if shift["user_id"] != ctx.actor.id or shift["device_id"] != ctx.entry.device_id:
        raise reject("entity_id", m.SHIFT_NOT_YOURS)
    if shift["ended_at_phone"] is None or ctx.at_phone < shift["ended_at_phone"]:
        shift.update(ended_at=ctx.at, ended_at_phone=ctx.at_phone, ended_received_at=ctx.entry.received_at)
    shift.update(handover_note=data.get("handover_note"), inside_count=data.get("inside_count"))
    ctx.store.put("shift", shift)
