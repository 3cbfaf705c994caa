"""Repair requests and orders (报修 → 《维修任务单》).

An owner's request taken at the desk or by phone becomes a repair order with a follow-up
on the repair post, due by the order's urgency (the site's clocks ``repair_urgent``,
``repair_normal``, ``repair_low``), so the sweep's escalation and the follow-up desk
apply to it as to any other follow-up. The repair worker records each visit
(``repair.work``: times, work done, materials issued from the site's store, photos before
and after) and the owner's sign-off (``repair.signoff``). Every material issued is a
stock movement out of the store with the order's number as its reference document
(出入库手续齐全), so the item's book quantity drops by exactly what was used.

A visit is a record of its own, not an edit of the order: two workers' visits, or one
worker's two visits, add up in any order of arrival. The sign-off is one per order; the
later by corrected time stands and the other is a conflict.
"""
from __future__ import annotations

from datetime import datetime
from datetime import timezone
from typing import Any
from zoneinfo import ZoneInfo

from sync import messages as m
from sync.context import Context
from sync.context import derived_id
from sync.errors import Deferred
from sync.errors import reject
from sync.followups import open_followup
from sync.handlers import handler
from sync.photos import name_photos
from sync.photos import named
from sync.schemas import RepairCreateSchema
from sync.schemas import RepairSignoffSchema
from sync.schemas import RepairWorkSchema

REPAIR_POST = "repair"
SEVERITY = {"urgent": "high", "normal": "medium", "low": "low"}
# Who records work besides the repair staff: they stand in for them.
STAND_INS = ("manager", "supervisor", "admin")
OPEN, WORKED, SIGNED_OFF = "open", "worked", "signed_off"
FIELDS = ("description", "urgency", "channel", "unit", "owner_name", "owner_phone")


def followup_id(repair_id: str) -> str:
    """The follow-up a repair order opens (derived, so any order of arrival names it)."""
    return derived_id("followup", "repair", repair_id)


def clock_for(urgency: str) -> str:
    """The site clock a repair of this urgency runs on."""
    return f"repair_{urgency}"


def order_number(repair_id: str, requested_at: datetime, tz: str) -> str:
    """``WX-<yyyymmdd>-<8 hex>`` (维修任务单号): the site's date and the order's id.

    The reference document of every stock movement the order's materials make.
    """
    try:
        zone = ZoneInfo(tz)
    except Exception:  # an unknown zone name: the date in UTC is still a date
        zone = timezone.utc
    day = requested_at.astimezone(zone).strftime("%Y%m%d")
    return f"WX-{day}-{repair_id.replace('-', '')[:8].upper()}"


def status_of(order: dict[str, Any]) -> str:
    """``signed_off`` once the owner signed, ``worked`` once a visit was recorded, else ``open``."""
    if order.get("signed_off_at") is not None:
        return SIGNED_OFF
    return WORKED if order.get("work_count") else OPEN


def _create_related(entity_id: str, data: dict[str, Any]) -> list[tuple[str, str]]:
    return [("followup", followup_id(entity_id)), *named(data)]


@handler("repair.create", "repair", RepairCreateSchema, related=_create_related)
def create(ctx: Context, data: dict[str, Any]) -> None:
    """A repair request taken down: the order, and its follow-up on the repair post."""
    site = ctx.require_site(data["site_id"])
    ctx.ensure_new("repair")
    urgency = data["urgency"]
    number = order_number(ctx.entity_id, ctx.at, site.timezone)
    followup = open_followup(
        ctx, ident=followup_id(ctx.entity_id), site=site, source_type="repair",
        source_id=ctx.entity_id, category="repair", severity=SEVERITY[urgency],
        clock=clock_for(urgency), title=data["description"], start=ctx.at,
        detail={"number": number, "urgency": urgency, "channel": data["channel"],
                "unit": data.get("unit")},
    )
    record = {field: data.get(field) for field in FIELDS}
    record.update(ctx.stamp())
    record.update(
        id=ctx.entity_id, site_id=site.id, number=number, photo_ids=data["photo_ids"],
        requested_at=ctx.at, requested_at_phone=ctx.at_phone, due_at=followup["due_at"],
        followup_id=followup["id"], status=OPEN, work_count=0, worked_at=None,
        signed_off_at=None, signed_off_at_phone=None, satisfaction=None, opinion=None,
        signed_by=None, signature_photo_id=None, signoff_user_id=None, signoff_mutation_id=None,
        approved_at=None, approved_by=None,
    )
    ctx.store.add("repair", record)
    name_photos(ctx, data["photo_ids"], site_id=site.id, record_type="repair", record_id=ctx.entity_id)


def _order(ctx: Context, repair_id: str, field_name: str) -> tuple[dict[str, Any], Any]:
    """The order and its site, if it has arrived (else the mutation waits for it)."""
    order = ctx.store.get("repair", repair_id, for_update=True)
    if order is None or order.get("deleted_at") is not None:
        raise Deferred(repair_id)
    site = ctx.require_site(order["site_id"], field_name)
    return order, site


def may_work(ctx: Context, order: dict[str, Any]) -> bool:
    """The repair staff of the order's site, the follow-up's owner, or a manager and above."""
    actor = ctx.actor
    if actor.role in STAND_INS or actor.post == REPAIR_POST:
        return True
    followup = ctx.store.get("followup", order["followup_id"]) if order.get("followup_id") else None
    return followup is not None and followup.get("assignee_id") == actor.id


def _work_related(entity_id: str, data: dict[str, Any]) -> list[tuple[str, str]]:
    wanted: list[tuple[str, str]] = []
    if isinstance(data.get("repair_id"), str):
        wanted += [("repair", data["repair_id"].lower()), ("followup", followup_id(data["repair_id"].lower()))]
    for key in ("before_photo_ids", "after_photo_ids"):
        ids = data.get(key)
        if isinstance(ids, list):
            wanted += [("photo", i.lower()) for i in ids if isinstance(i, str)]
    return wanted


@handler("repair.work", "repair_work", RepairWorkSchema, related=_work_related)
def work(ctx: Context, data: dict[str, Any]) -> None:
    """One visit: the work and its times; each material a stock movement out of the store."""
    order, site = _order(ctx, data["repair_id"], "repair_id")
    if not may_work(ctx, order):
        raise reject("repair_id", m.NOT_A_REPAIR_WORKER, code="forbidden")
    items = []
    for index, material in enumerate(data["materials"]):
        item = ctx.store.reference("item", material["item_id"])
        if item is None or item["site_id"] != site.id or not item.get("active", True):
            raise reject(f"materials.{index}.item_id", m.UNKNOWN_REPAIR_ITEM)
        items.append((item, material["quantity"]))
    ctx.ensure_new("repair_work")
    # The phone's clock stamped the times of the work: correct them as the mutation's own.
    offset = ctx.at - ctx.at_phone
    started, finished = data["started_at"] + offset, data["finished_at"] + offset
    issued_at = min(finished, ctx.at)
    materials = []
    for item, quantity in items:
        movement_id = derived_id("movement", "repair_work", ctx.entity_id, item["id"])
        ctx.store.add("stock_movement", {
            "id": movement_id, "site_id": site.id, "item_id": item["id"], "direction": "out",
            "quantity": quantity, "occurred_at": issued_at, "reference": order["number"],
            "note": (order.get("description") or "")[:255] or None, "user_id": ctx.actor.id,
            "created_at": ctx.now,
        })
        materials.append({"item_id": item["id"], "quantity": str(quantity), "movement_id": movement_id})
    ctx.store.add("repair_work", {
        "id": ctx.entity_id, "repair_id": order["id"], "site_id": site.id,
        "started_at": started, "started_at_phone": data["started_at"],
        "finished_at": finished, "finished_at_phone": data["finished_at"],
        "work_done": data["work_done"], "materials": materials,
        "before_photo_ids": data["before_photo_ids"], "after_photo_ids": data["after_photo_ids"],
        "recorded_at": ctx.at, "recorded_at_phone": ctx.at_phone, **ctx.stamp(),
    })
    works = ctx.store.find("repair_work", repair_id=order["id"])
    order["work_count"] = len(works)
    order["worked_at"] = max(w["finished_at"] for w in works)
    order["status"] = status_of(order)
    ctx.store.put("repair", order)
    name_photos(ctx, data["before_photo_ids"] + data["after_photo_ids"], site_id=site.id,
                record_type="repair_work", record_id=ctx.entity_id)


def _signoff_related(entity_id: str, data: dict[str, Any]) -> list[tuple[str, str]]:
    wanted = [("repair", entity_id)]
    if isinstance(data.get("signature_photo_id"), str):
        wanted.append(("photo", data["signature_photo_id"].lower()))
    return wanted


@handler("repair.signoff", "repair", RepairSignoffSchema, related=_signoff_related)
def signoff(ctx: Context, data: dict[str, Any]) -> None:
    """The owner's opinion and signature; the later sign-off by corrected time stands."""
    order, site = _order(ctx, ctx.entity_id, "entity_id")
    mine = {"satisfaction": data["satisfaction"], "opinion": data.get("opinion"),
            "signed_by": data.get("signed_by"), "signature_photo_id": data.get("signature_photo_id")}
    earlier = order.get("signed_off_at")
    if earlier is not None:
        later = ctx.at > earlier or (ctx.at == earlier and ctx.mutation.id > (order["signoff_mutation_id"] or ""))
        kept, lost = (mine, _signoff_of(order)) if later else (_signoff_of(order), mine)
        ctx.conflict(entity_type="repair", entity_id=order["id"], site_id=site.id, field="signoff",
                     kept=kept, lost=lost, reason=m.CONFLICT_SIGNOFF,
                     loser_mutation_id=order["signoff_mutation_id"] if later else ctx.mutation.id,
                     winner_mutation_id=ctx.mutation.id if later else order["signoff_mutation_id"])
        if not later:
            return
    order.update(mine, signed_off_at=ctx.at, signed_off_at_phone=ctx.at_phone,
                 signoff_user_id=ctx.actor.id, signoff_mutation_id=ctx.mutation.id)
    order["status"] = status_of(order)
    ctx.store.put("repair", order)
    if data.get("signature_photo_id"):
        name_photos(ctx, [data["signature_photo_id"]], site_id=site.id, record_type="repair",
                    record_id=order["id"])


def _signoff_of(order: dict[str, Any]) -> dict[str, Any]:
    return {key: order.get(key) for key in ("satisfaction", "opinion", "signed_by", "signature_photo_id")}
