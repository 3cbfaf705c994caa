"""Stock spot checks (库存抽查): counts against the books as of the count's own time."""
from __future__ import annotations

from typing import Any

from sync import messages as m
from sync import rules
from sync.context import Context
from sync.context import derived_id
from sync.errors import Deferred
from sync.errors import reject
from sync.followups import open_followup
from sync.followups import withdraw
from sync.handlers import handler
from sync.schemas import EmptySchema
from sync.schemas import StockCheckStartSchema
from sync.schemas import StockCountSchema


@handler("stock.check_start", "stock_check", StockCheckStartSchema)
def check_start(ctx: Context, data: dict[str, Any]) -> None:
    site = ctx.require_site(data["site_id"])
    if data.get("store_id"):
        store = ctx.store.reference("store", data["store_id"])
        if store is None or store["site_id"] != site.id:
            raise reject("store_id", m.UNKNOWN_STORE)
    ctx.ensure_new("stock_check")
    ctx.store.add("stock_check", {
        "id": ctx.entity_id, "site_id": site.id, "store_id": data.get("store_id"),
        "started_at": ctx.at, "started_at_phone": ctx.at_phone, "finished_at": None,
        "finished_at_phone": None, "finished_received_at": None, "finished_by": None,
        **ctx.stamp(),
    })


def _count_followup(entity_id: str, data: dict[str, Any]) -> list[tuple[str, str]]:
    check_id, item_id = data.get("check_id"), data.get("item_id")
    if not isinstance(check_id, str) or not isinstance(item_id, str):
        return []
    return [("followup", derived_id("followup", kind, check_id.lower(), item_id.lower()))
            for kind in ("stock", "stock_recount")]


@handler("stock.count", "stock_count", StockCountSchema, related=_count_followup)
def count(ctx: Context, data: dict[str, Any]) -> None:
    """One item counted: compared with the ledger as of the count's corrected time."""
    check = ctx.store.get("stock_check", data["check_id"])
    if check is None:
        raise Deferred(data["check_id"])
    site = ctx.require_site(check["site_id"], "check_id")
    item = ctx.store.reference("item", data["item_id"])
    if (item is None or item["site_id"] != site.id
            or (check.get("store_id") and item["store_id"] != check["store_id"])):
        raise reject("item_id", m.UNKNOWN_ITEM)
    ctx.ensure_new("stock_count")
    book = ctx.store.book_quantity(item["id"], ctx.at)
    ctx.store.add("stock_count", {
        "id": ctx.entity_id, "check_id": check["id"], "site_id": site.id, "item_id": item["id"],
        "counted_qty": data["counted_qty"], "defective_qty": data.get("defective_qty"),
        "book_qty": book, "difference": data["counted_qty"] - book, "note": data.get("note"),
        "counted_at": ctx.at, "counted_at_phone": ctx.at_phone, "superseded": False,
        "followup_id": None, **ctx.stamp(),
    })
    _settle_item(ctx, site, check, item)


def _settle_item(ctx: Context, site: Any, check: dict[str, Any], item: dict[str, Any]) -> None:
    """The later count of an item in a check stands; a difference beyond tolerance is followed up.

    The first count is the blind one, made before the book quantity was shown. A later
    count that brings its difference back within tolerance cannot make it vanish: the
    difference goes to the manager, with both figures and the recount's reason (its
    note), to approve or send back. Counts are ordered by their own time, so the rule
    holds whichever of them reaches the server first.
    """
    counts = ctx.store.find("stock_count", check_id=check["id"], item_id=item["id"])
    ordered = sorted(counts, key=lambda c: (c["counted_at"], c["mutation_id"], c["id"]))
    standing = ordered[-1]
    mine = next(c for c in counts if c["id"] == ctx.entity_id)
    if len(ordered) > 1:
        loser = mine if mine is not standing else ordered[-2]
        if loser is mine or not loser["superseded"]:
            ctx.conflict(entity_type="stock_count", entity_id=loser["id"], site_id=site.id,
                         field="counted_qty", kept=standing["counted_qty"], lost=loser["counted_qty"],
                         reason=m.CONFLICT_SECOND_COUNT, loser_mutation_id=loser["mutation_id"],
                         winner_mutation_id=standing["mutation_id"])
    ident = derived_id("followup", "stock", check["id"], item["id"])
    approval = derived_id("followup", "stock_recount", check["id"], item["id"])
    tolerance = rules.stock_tolerance(site.settings, item)
    beyond = rules.beyond_tolerance(standing["difference"], tolerance)
    blind = ordered[0]
    cleared = blind is not standing and not beyond and rules.beyond_tolerance(blind["difference"], tolerance)
    detail = {"item_id": item["id"], "check_id": check["id"],
              "book_qty": str(standing["book_qty"]), "counted_qty": str(standing["counted_qty"]),
              "difference": str(standing["difference"]), "tolerance": str(tolerance)}
    if blind is not standing:
        detail.update(blind_qty=str(blind["counted_qty"]), blind_book_qty=str(blind["book_qty"]),
                      blind_difference=str(blind["difference"]), reason=standing.get("note"))
    if beyond:
        open_followup(
            ctx, ident=ident, site=site, source_type="stock_count", source_id=standing["id"],
            category="stock", severity="medium", clock="stock_difference",
            title=item.get("name") or "", start=standing["counted_at"], detail=detail,
        )
    else:
        withdraw(ctx, ident)
    if cleared:
        open_followup(
            ctx, ident=approval, site=site, source_type="stock_count", source_id=standing["id"],
            category="stock", severity="medium", clock="stock_difference",
            title=item.get("name") or "", start=standing["counted_at"],
            detail={**detail, "cleared_by_recount": True}, post=rules.MANAGER,
        )
    else:
        withdraw(ctx, approval)
    owner = ident if beyond else approval if cleared else None
    for row in ordered:
        row["superseded"] = row is not standing
        row["followup_id"] = owner if row is standing else None
        ctx.store.put("stock_count", row)


@handler("stock.check_finish", "stock_check", EmptySchema)
def check_finish(ctx: Context, data: dict[str, Any]) -> None:
    """The check is done (the latest finish stands); counts may still arrive after it."""
    check = ctx.store.get("stock_check", ctx.entity_id)
    if check is None:
        raise Deferred(ctx.entity_id)
    ctx.require_site(check["site_id"], "entity_id")
    if check["finished_at"] is None or ctx.at >= check["finished_at"]:
        check.update(finished_at=ctx.at, finished_at_phone=ctx.at_phone,
                     finished_received_at=ctx.entry.received_at, finished_by=ctx.actor.id)
        ctx.store.put("stock_check", check)
