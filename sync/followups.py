"""Follow-ups (跟进): the state machine, derived follow-ups, and ``followup.update``.

A follow-up's status, owner and notes are not overwritten by whichever edit arrives last;
they are recomputed from every edit ever received, ordered by corrected time:

* status changes replay through the state machine from ``open``; a change that does not
  fit the state at its time is kept in the history but has no effect (a conflict);
* the owner is the latest assignment by time; the loser of two concurrent assignments is
  a conflict;
* notes are appended, never replaced.

So phones that edit the same follow-up offline converge, whatever order their edits
arrive in.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sync import messages as m
from sync import rules
from sync.context import Context
from sync.context import derived_id
from sync.errors import reject
from sync.handlers import handler
from sync.schemas import FollowUpUpdateSchema

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
                  detail: dict[str, Any] | None = None) -> dict[str, Any]:
    """Create (or bring back) a follow-up with its owner and clock; returns the record.

    ``start`` is the corrected time of the event that calls for it: its clock runs from
    then, however late the phone synced (``received_at`` shows how late).
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
    post = rules.post_for(site.settings, source_type=source_type, category=category)
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
    _event(ctx, record, "created", value={"assignee_id": assignee, "post": post},
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
    _event(ctx, followup, "linked", value={"type": source_type, "id": source_id},
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


def _event(ctx: Context, followup: dict[str, Any], kind: str, *, ident: str, at: datetime,
           value: Any = None, note: str | None = None, system: bool = False,
           base_version: int | None = None) -> dict[str, Any]:
    event = {
        "id": ident, "followup_id": followup["id"], "kind": kind, "at": at,
        "received_at": ctx.entry.received_at, "user_id": None if system else ctx.actor.id,
        "device_id": None if system else ctx.entry.device_id,
        "mutation_id": None if system else ctx.mutation.id, "value": value, "note": note, "effective": True,
        "base_version": base_version, "version_after": (followup.get("version") or 0) + 1,
    }
    ctx.store.add("followup_event", event)
    return event


# -- followup.update -------------------------------------------------------------------

@handler("followup.update", "followup", FollowUpUpdateSchema)
def update(ctx: Context, data: dict[str, Any]) -> None:
    """A status change, a note and/or a new owner from a phone, based on ``base_version``."""
    followup = ctx.store.get("followup", ctx.entity_id, for_update=True)
    if (followup is None or followup.get("deleted_at") is not None
            or followup["site_id"] not in ctx.actor.site_ids):
        raise reject("entity_id", m.FOLLOWUP_NOT_FOUND, code="not_found")
    if data["base_version"] > followup["version"]:
        raise reject("base_version", m.BASE_VERSION_AHEAD)
    if data.get("assignee_id"):
        person = ctx.store.user(data["assignee_id"])
        if person is None or not person.active or followup["site_id"] not in person.site_ids:
            raise reject("assignee_id", m.ASSIGNEE_INVALID)

    base = data["base_version"]
    events = ctx.store.find("followup_event", followup_id=followup["id"])
    added = 0
    if data.get("note"):
        _event(ctx, followup, "note", ident=derived_id("event", ctx.mutation.id, "note"),
               at=ctx.at, note=data["note"], base_version=base)
        followup["note_count"] = followup.get("note_count", 0) + 1
        added += 1
    if data.get("status"):
        mine = _event(ctx, followup, "status", ident=derived_id("event", ctx.mutation.id, "status"),
                      at=ctx.at, value=data["status"], base_version=base)
        _settle_status(ctx, followup, [e for e in events if e["kind"] == "status"], mine)
        added += 1
    if data.get("assignee_id"):
        mine = _event(ctx, followup, "assign", ident=derived_id("event", ctx.mutation.id, "assign"),
                      at=ctx.at, value=data["assignee_id"], base_version=base)
        _settle_owner(ctx, followup, [e for e in events if e["kind"] == "assign"], mine)
        added += 1
    followup["event_count"] = followup.get("event_count", 0) + added
    ctx.store.put("followup", followup)


def _settle_status(ctx: Context, followup: dict[str, Any], earlier: list[dict[str, Any]],
                   mine: dict[str, Any]) -> None:
    """Replay every status change with the new one; record what lost its effect."""
    before = {e["id"]: e.get("effective", True) for e in earlier}
    status, effective = replay(earlier + [mine])
    by_id = {e["id"]: e for e in earlier + [mine]}
    for ident, now_effective in effective.items():
        event = by_id[ident]
        if event.get("effective", True) != now_effective:
            event["effective"] = now_effective
            ctx.store.put("followup_event", event)
    if not effective[mine["id"]]:
        ctx.conflict(entity_type="followup", entity_id=followup["id"], site_id=followup["site_id"],
                     field="status", kept=status, lost=mine["value"], reason=m.CONFLICT_STATUS_SKIPPED,
                     loser_mutation_id=ctx.mutation.id, winner_mutation_id=None)
    for ident, was in before.items():
        if was and not effective[ident]:
            lost = by_id[ident]
            ctx.conflict(entity_type="followup", entity_id=followup["id"], site_id=followup["site_id"],
                         field="status", kept=status, lost=lost["value"],
                         reason=m.CONFLICT_STATUS_SKIPPED, loser_mutation_id=lost["mutation_id"],
                         winner_mutation_id=ctx.mutation.id)
    ordered = sorted((e for e in by_id.values() if effective[e["id"]]), key=event_order)
    followup["status"] = status
    followup["resolved_at"] = _last_into(ordered, RESOLVED) if status in (RESOLVED, CLOSED) else None
    followup["closed_at"] = _last_into(ordered, CLOSED) if status == CLOSED else None


def _last_into(ordered: list[dict[str, Any]], target: str) -> datetime | None:
    times = [e["at"] for e in ordered if e["value"] == target]
    return times[-1] if times else None


def _settle_owner(ctx: Context, followup: dict[str, Any], earlier: list[dict[str, Any]],
                  mine: dict[str, Any]) -> None:
    """The latest assignment by time wins; a concurrent one it overrides is a conflict."""
    ordered = sorted(earlier + [mine], key=event_order)
    winner = ordered[-1]
    followup["assignee_id"] = winner["value"]
    if winner["id"] != mine["id"]:
        if winner["value"] != mine["value"]:
            ctx.conflict(entity_type="followup", entity_id=followup["id"], site_id=followup["site_id"],
                         field="assignee_id", kept=winner["value"], lost=mine["value"],
                         reason=m.CONFLICT_LATER_WINS, loser_mutation_id=ctx.mutation.id,
                         winner_mutation_id=winner["mutation_id"])
        return
    for previous in ordered[:-1]:
        # An earlier assignment from another phone that this one had not seen is overridden.
        if (previous.get("user_id") is not None and previous["value"] != mine["value"]
                and previous.get("device_id") != mine["device_id"]
                and (mine["base_version"] or 0) < (previous.get("version_after") or 0)):
            ctx.conflict(entity_type="followup", entity_id=followup["id"], site_id=followup["site_id"],
                         field="assignee_id", kept=mine["value"], lost=previous["value"],
                         reason=m.CONFLICT_LATER_WINS, loser_mutation_id=previous["mutation_id"],
                         winner_mutation_id=ctx.mutation.id)
