"""Follow-ups (跟进): the state machine, and follow-ups derived from records.

Edits from phones (``followup.update``) are in ``followup_updates.py``.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sync import rules
from sync.context import Context
from sync.context import derived_id

OPEN, IN_PROGRESS, RESOLVED, CLOSED = "open", "in_progress", "resolved", "closed"
ACTIVE = (OPEN, IN_PROGRESS)
TRANSITIONS: dict[str, frozenset[str]] = {
    OPEN: frozenset({IN_PROGRESS, RESOLVED}),
    IN_PROGRESS: frozenset({OPEN, RESOLVED}),
    RESOLVED: frozenset({CLOSED, OPEN, IN_PROGRESS}),  # back to open = reopen
    CLOSED: frozenset({OPEN}),  # reopen
}


def can_move(current: str, target: str) -> bool:
    """Whether ``current -> target`` is a step of the state machine (staying put always is)."""
    return current == target or target in TRANSITIONS.get(current, frozenset())


def replay(changes: list[dict[str, Any]], start: str = OPEN) -> tuple[str, dict[str, bool]]:
    """Run status changes in (time, mutation, id) order; the final status and which took effect.

    :param changes: status events, each with ``id``, ``at``, ``mutation_id`` and ``value``
    """
    status = start
    effective: dict[str, bool] = {}
    for change in sorted(changes, key=event_order):
        target = change["value"]
        effective[change["id"]] = can_move(status, target)
        if effective[change["id"]]:
            status = target
    return status, effective


def event_order(event: dict[str, Any]) -> tuple:
    return (event["at"], event.get("mutation_id") or "", event["id"])


# -- derived follow-ups ----------------------------------------------------------------

def open_followup(ctx: Context, *, ident: str, site: Any, source_type: str, source_id: str,
                  category: str, severity: str | None, clock: str, title: str,
                  start: datetime, checkpoint_id: str | None = None,
                  detail: dict[str, Any] | None = None, post: str | None = None) -> dict[str, Any]:
    """Create (or bring back) a follow-up with its owner and clock; returns the record.

    ``start`` is the corrected time of the event that calls for it: its clock runs from
    then, however late the phone synced (``received_at`` shows how late). ``post``, when
    given, overrides the site's assignment rules (a decision only the manager takes).
    """
    existing = ctx.store.get("followup", ident)
    if existing is not None:
        # The same follow-up, now called for by another record (a later recount, a late
        # checkpoint visit): it follows that record, whichever of them arrived first.
        existing.update(deleted_at=None, source_id=source_id, detail=detail or {}, title=title[:200],
                        sources=[{"type": source_type, "id": source_id}], opened_at=start,
                        due_at=rules.due_at(site.settings, clock, start))
        ctx.store.put("followup", existing)
        event = ctx.store.get("followup_event", derived_id("event", ident, "created"))
        if event is not None and event["at"] != start:
            event["at"] = start
            ctx.store.put("followup_event", event)
        return existing
    post = post or rules.post_for(site.settings, source_type=source_type, category=category)
    assignee = rules.owner_for(post, ctx.store.site_users(site.id))
    record = {
        "id": ident, "site_id": site.id, "source_type": source_type, "source_id": source_id,
        "source_user_id": ctx.actor.id, "created_by": ctx.actor.id, "checkpoint_id": checkpoint_id,
        "category": category, "severity": severity, "clock": clock, "title": title[:200],
        "detail": detail or {}, "status": OPEN, "assignee_id": assignee, "post": post,
        "opened_at": start, "received_at": ctx.entry.received_at,
        "due_at": rules.due_at(site.settings, clock, start), "resolved_at": None,
        "closed_at": None, "escalation_level": 0, "event_count": 1, "note_count": 0,
        "sources": [{"type": source_type, "id": source_id}], "deleted_at": None,
    }
    ctx.store.add("followup", record)
    # The first owner is where the assignments start, not one of them: a phone's
    # reassignment wins over it whatever the clocks say.
    add_event(ctx, record, "created", value={"assignee_id": assignee, "post": post},
           ident=derived_id("event", ident, "created"), at=start, system=True)
    return record


def find_open_for_place(ctx: Context, site_id: str, checkpoint_id: str | None,
                        category: str) -> dict[str, Any] | None:
    """An open follow-up for the same site, checkpoint and category (to link, not duplicate)."""
    if checkpoint_id is None:
        return None
    rows = [r for r in ctx.store.find("followup", site_id=site_id, checkpoint_id=checkpoint_id,
                                      category=category, deleted_at=None)
            if r["status"] in ACTIVE]
    return min(rows, key=lambda r: (r["opened_at"], r["id"])) if rows else None


def link(ctx: Context, followup: dict[str, Any], source_type: str, source_id: str) -> None:
    """Attach another source (a second finding at the same place) to an open follow-up."""
    sources = list(followup.get("sources") or [])
    if {"type": source_type, "id": source_id} not in sources:
        sources.append({"type": source_type, "id": source_id})
    followup["sources"] = sources
    followup["event_count"] = followup.get("event_count", 0) + 1
    ctx.store.put("followup", followup)
    add_event(ctx, followup, "linked", value={"type": source_type, "id": source_id},
           ident=derived_id("event", followup["id"], "linked", source_id), at=ctx.at)


def withdraw(ctx: Context, ident: str) -> None:
    """Drop a derived follow-up that no longer applies (a recount within tolerance).

    Only while nobody has acted on it: once worked on, it stays and says why in a note.
    """
    record = ctx.store.get("followup", ident)
    if record is None or record.get("deleted_at") is not None:
        return
    if record["status"] == OPEN and record.get("event_count", 0) <= 1:
        record["deleted_at"] = ctx.now
        ctx.store.put("followup", record)


def add_event(ctx: Context, followup: dict[str, Any], kind: str, *, ident: str, at: datetime,
              value: Any = None, note: str | None = None, system: bool = False,
              base_version: int | None = None) -> dict[str, Any]:
    """Append one entry to a follow-up's history (``system`` entries name no person)."""
    event = {
        "id": ident, "followup_id": followup["id"], "kind": kind, "at": at,
        "received_at": ctx.entry.received_at, "user_id": None if system else ctx.actor.id,
        "device_id": None if system else ctx.entry.device_id,
        "mutation_id": None if system else ctx.mutation.id, "value": value, "note": note,
        "effective": True,
        "base_version": base_version, "version_after": (followup.get("version") or 0) + 1,
    }
    ctx.store.add("followup_event", event)
    return event
