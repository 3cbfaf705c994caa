"""Patrols (巡视 / 巡更): rounds, checkpoints reached, findings, missed stops."""
from __future__ import annotations

from typing import Any

from sync import messages as m
from sync import rules
from sync.context import Context
from sync.context import derived_id
from sync.errors import Deferred
from sync.errors import reject
from sync.followups import find_open_for_place
from sync.followups import link
from sync.followups import open_followup
from sync.followups import withdraw
from sync.handlers import handler
from sync.photos import name_photos
from sync.photos import named
from sync.schemas import PatrolCheckpointSchema
from sync.schemas import PatrolEndSchema
from sync.schemas import PatrolFindingSchema
from sync.schemas import PatrolStartSchema


def _own_patrol(ctx: Context, patrol_id: str) -> dict[str, Any]:
    """The patrol a mutation adds to: it must have arrived, be at the sender's site, be theirs."""
    patrol = ctx.store.get("patrol", patrol_id)
    if patrol is None:
        raise Deferred(patrol_id)
    ctx.require_site(patrol["site_id"], "patrol_id")
    if patrol["user_id"] != ctx.actor.id:
        raise reject("patrol_id", m.NOT_YOUR_PATROL)
    return patrol


def _checkpoint_at(ctx: Context, checkpoint_id: str, site_id: str) -> None:
    checkpoint = ctx.store.reference("checkpoint", checkpoint_id)
    if checkpoint is None or checkpoint["site_id"] != site_id:
        raise reject("checkpoint_id", m.UNKNOWN_CHECKPOINT)


@handler("patrol.start", "patrol", PatrolStartSchema)
def start(ctx: Context, data: dict[str, Any]) -> None:
    site = ctx.require_site(data["site_id"])
    if data.get("route_id"):
        route = ctx.store.reference("route", data["route_id"])
        if route is None or route["site_id"] != site.id:
            raise reject("route_id", m.UNKNOWN_ROUTE)
    ctx.ensure_new("patrol")
    ctx.store.add("patrol", {
        "id": ctx.entity_id, "site_id": site.id, "route_id": data.get("route_id"),
        "started_at": ctx.at, "started_at_phone": ctx.at_phone, "ended_at": None,
        "ended_at_phone": None, "ended_received_at": None, "notes": None,
        "missed_checkpoint_ids": [], **ctx.stamp(),
    })


def _missed_followup(entity_id: str, data: dict[str, Any]) -> list[tuple[str, str]]:
    patrol_id = data.get("patrol_id") if isinstance(data.get("patrol_id"), str) else entity_id
    return [("followup", derived_id("followup", "patrol", patrol_id.lower()))]


def _finding_followup(entity_id: str, data: dict[str, Any]) -> list[tuple[str, str]]:
    return [("followup", derived_id("followup", "finding", entity_id)), *named(data)]


@handler("patrol.checkpoint", "checkpoint_visit", PatrolCheckpointSchema, related=_missed_followup)
def checkpoint(ctx: Context, data: dict[str, Any]) -> None:
    """A checkpoint reached; if the round has already ended, its missed stops are redone."""
    patrol = _own_patrol(ctx, data["patrol_id"])
    _checkpoint_at(ctx, data["checkpoint_id"], patrol["site_id"])
    ctx.ensure_new("checkpoint_visit")
    location = data.get("location") or {}
    ctx.store.add("checkpoint_visit", {
        "id": ctx.entity_id, "patrol_id": patrol["id"], "site_id": patrol["site_id"],
        "checkpoint_id": data["checkpoint_id"], "method": data["method"],
        "lat": location.get("lat"), "lng": location.get("lng"),
        "accuracy_m": location.get("accuracy_m"), "visited_at": ctx.at,
        "visited_at_phone": ctx.at_phone, **ctx.stamp(),
    })
    if patrol["ended_at"] is not None:
        _settle_missed(ctx, patrol)


@handler("patrol.finding", "finding", PatrolFindingSchema, related=_finding_followup)
def finding(ctx: Context, data: dict[str, Any]) -> None:
    """A problem seen; unless handled on the spot it is followed up until done."""
    patrol = _own_patrol(ctx, data["patrol_id"])
    site = ctx.store.site(patrol["site_id"])
    if data.get("checkpoint_id"):
        _checkpoint_at(ctx, data["checkpoint_id"], site.id)
    if data.get("permit_id"):
        permit = ctx.store.reference("permit", data["permit_id"])
        if permit is None or permit["site_id"] != site.id:
            raise reject("permit_id", m.PERMIT_UNKNOWN)
    ctx.ensure_new("finding")
    followup_id = None
    if not data["handled_on_spot"]:
        existing = find_open_for_place(ctx, site.id, data.get("checkpoint_id"), data["category"])
        if existing is not None:
            link(ctx, existing, "finding", ctx.entity_id)
            followup_id = existing["id"]
        else:
            followup_id = open_followup(
                ctx, ident=derived_id("followup", "finding", ctx.entity_id), site=site,
                source_type="finding", source_id=ctx.entity_id, category=data["category"],
                severity=data["severity"], clock=data["severity"], title=data["description"],
                start=ctx.at, checkpoint_id=data.get("checkpoint_id"),
            )["id"]
    ctx.store.add("finding", {
        "id": ctx.entity_id, "patrol_id": patrol["id"], "site_id": site.id,
        "checkpoint_id": data.get("checkpoint_id"), "category": data["category"],
        "severity": data["severity"], "description": data["description"],
        "handled_on_spot": data["handled_on_spot"], "action_taken": data.get("action_taken"),
        "photo_ids": data["photo_ids"], "found_at": ctx.at, "found_at_phone": ctx.at_phone,
        "followup_id": followup_id, "permit_id": data.get("permit_id"), **ctx.stamp(),
    })
    name_photos(ctx, data["photo_ids"], site_id=site.id, record_type="finding",
                record_id=ctx.entity_id)


@handler("patrol.end", "patrol", PatrolEndSchema, related=_missed_followup)
def end(ctx: Context, data: dict[str, Any]) -> None:
    """The round is over (the latest end stands); stops not reached become a follow-up."""
    patrol = _own_patrol(ctx, ctx.entity_id)
    if patrol["ended_at"] is None or ctx.at >= patrol["ended_at"]:
        patrol.update(ended_at=ctx.at, ended_at_phone=ctx.at_phone,
                      ended_received_at=ctx.entry.received_at)
        if data.get("notes"):
            patrol["notes"] = data["notes"]
    ctx.store.put("patrol", patrol)
    _settle_missed(ctx, patrol)


def _settle_missed(ctx: Context, patrol: dict[str, Any]) -> None:
    """Work out the ended round's missed stops again from every visit that has arrived."""
    if not patrol.get("route_id"):
        return
    route = ctx.store.reference("route", patrol["route_id"])
    visits = ctx.store.find("checkpoint_visit", patrol_id=patrol["id"])
    missed = rules.missed_checkpoints(route["checkpoint_ids"], (v["checkpoint_id"] for v in visits))
    patrol["missed_checkpoint_ids"] = missed
    ctx.store.put("patrol", patrol)
    ident = derived_id("followup", "patrol", patrol["id"])
    if not missed:
        withdraw(ctx, ident)
        return
    site = ctx.store.site(patrol["site_id"])
    open_followup(
        ctx, ident=ident, site=site, source_type="patrol", source_id=patrol["id"],
        category="patrol", severity="medium", clock="missed_checkpoint",
        title=route.get("name") or "", start=patrol["ended_at"],
        detail={"missed_checkpoint_ids": missed, "route_id": route["id"]},
    )
