"""Gate duty: visitors in and out (外来人员登记) and flagged persons (可疑人员)."""
from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sync import messages as m
from sync import rules
from sync.context import Context
from sync.context import derived_id
from sync.errors import Deferred
from sync.errors import reject
from sync.followups import open_followup
from sync.handlers import handler
from sync.photos import name_photos
from sync.photos import named
from sync.schemas import EmptySchema
from sync.schemas import VisitCheckInSchema
from sync.schemas import VisitFlagSchema

VISIT_FIELDS = ("visitor_name", "purpose", "party_size", "phone", "id_kind", "id_number", "unit",
                "host_name", "plate", "note", "permit_id")


@handler("visit.check_in", "visit", VisitCheckInSchema)
def check_in(ctx: Context, data: dict[str, Any]) -> None:
    """Register a visitor; the visit is open until its check-out, whichever arrives first."""
    site = ctx.require_site(data["site_id"])
    ctx.ensure_new("visit")
    record = {field: data.get(field) for field in VISIT_FIELDS}
    if data.get("permit_id"):
        record["unit"] = _permit_unit(ctx, site, data)
    record.update(ctx.stamp())
    record.update(
        id=ctx.entity_id, site_id=data["site_id"], checked_in_at=ctx.at,
        checked_in_at_phone=ctx.at_phone, checked_out_at=None, checked_out_at_phone=None,
        checked_out_by=None, checked_out_received_at=None, checked_out_mutation_id=None,
    )
    ctx.store.add("visit", record)


def _permit_unit(ctx: Context, site, data: dict[str, Any]) -> str:
    """A decoration worker's permit: of this site, for the unit visited, valid that day.

    Permits are the desk's, not a phone's, so one that is unknown is refused rather than
    waited for. The visit's unit is the permit's (filled in when the guard left it blank).
    """
    permit = ctx.store.reference("permit", data["permit_id"])
    if permit is None or permit["site_id"] != site.id:
        raise reject("permit_id", m.PERMIT_UNKNOWN)
    if data["purpose"] != "decoration":
        raise reject("permit_id", m.PERMIT_NOT_DECORATION)
    unit = data.get("unit")
    if unit and unit.strip().upper() != (permit["unit_code"] or "").upper():
        raise reject("permit_id", m.PERMIT_OTHER_UNIT)
    if not rules.permit_active_on(permit, ctx.at.astimezone(ZoneInfo(site.timezone)).date()):
        raise reject("permit_id", m.PERMIT_NOT_ACTIVE)
    return permit["unit_code"]


@handler("visit.check_out", "visit", EmptySchema)
def check_out(ctx: Context, data: dict[str, Any]) -> None:
    """The visitor left. Two check-outs of one visit: the earlier time stands."""
    visit = ctx.store.get("visit", ctx.entity_id)
    if visit is None:
        raise Deferred(ctx.entity_id)
    ctx.require_site(visit["site_id"], "entity_id")
    previous = visit.get("checked_out_at")
    if previous is not None:
        theirs = visit["checked_out_mutation_id"]
        earlier_is_mine = (ctx.at, ctx.mutation.id) < (previous, theirs)
        winner, loser = (ctx.mutation.id, theirs) if earlier_is_mine else (theirs, ctx.mutation.id)
        ctx.conflict(entity_type="visit", entity_id=visit["id"], site_id=visit["site_id"],
                     field="checked_out_at", kept=min(previous, ctx.at), lost=max(previous, ctx.at),
                     reason=m.CONFLICT_CHECKOUT, loser_mutation_id=loser, winner_mutation_id=winner)
        if not earlier_is_mine:
            return
    visit.update(checked_out_at=ctx.at, checked_out_at_phone=ctx.at_phone,
                 checked_out_by=ctx.actor.id, checked_out_received_at=ctx.entry.received_at,
                 checked_out_mutation_id=ctx.mutation.id)
    ctx.store.put("visit", visit)


@handler("visit.flag", "incident", VisitFlagSchema,
         related=lambda entity_id, data: [("followup", derived_id("followup", "incident", entity_id)),
                                          *named(data)])
def flag(ctx: Context, data: dict[str, Any]) -> None:
    """A suspicious person reported at the gate: an incident and a 2-hour follow-up."""
    site = ctx.require_site(data["site_id"])
    if data.get("visit_id"):
        visit = ctx.store.get("visit", data["visit_id"])
        if visit is None:
            raise Deferred(data["visit_id"])
        if visit["site_id"] != site.id:
            raise reject("visit_id", m.VISIT_OTHER_SITE)
    ctx.ensure_new("incident")
    followup = open_followup(
        ctx, ident=derived_id("followup", "incident", ctx.entity_id), site=site,
        source_type="incident", source_id=ctx.entity_id, category="security", severity="high",
        clock="flagged_person", title=data["description"], start=ctx.at,
    )
    ctx.store.add("incident", {
        "id": ctx.entity_id, "site_id": site.id, "visit_id": data.get("visit_id"),
        "description": data["description"], "photo_ids": data["photo_ids"],
        "occurred_at": ctx.at, "occurred_at_phone": ctx.at_phone, "followup_id": followup["id"],
        **ctx.stamp(),
    })
    name_photos(ctx, data["photo_ids"], site_id=site.id, record_type="incident",
                record_id=ctx.entity_id)
