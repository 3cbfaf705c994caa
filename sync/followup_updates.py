"""``followup.update``: status, notes and owner edits from phones, merged in time order.

A follow-up's status, owner and notes are not overwritten by whichever edit arrives last;
they are recomputed from every edit ever received, ordered by corrected time:

* status changes replay through the state machine from ``open``; a change that does not
  fit the state at its time is kept in the history but has no effect (a conflict);
* the owner is the latest assignment by time; an assignment that overrides one from
  another phone it had not seen is a conflict;
* notes are appended, never replaced;
* the due time, like the owner, is the latest setting by time.

Who may do each of these is ``sync.followup_policy``, the same rules the desk obeys; a
refused edit is rejected whole, and nothing of it is applied.

So phones that edit the same follow-up offline converge, whatever order their edits
arrive in.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sync import messages as m
from sync.context import Context
from sync.context import derived_id
from sync.errors import reject
from sync import followup_policy as policy
from sync.followups import CLOSED
from sync.followups import RESOLVED
from sync.followups import add_event
from sync.followups import event_order
from sync.followups import replay
from sync.handlers import handler
from sync.schemas import FollowUpUpdateSchema


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

    events = ctx.store.find("followup_event", followup_id=followup["id"])
    _check_policy(ctx, followup, data, events)

    base = data["base_version"]
    added = 0
    if data.get("note"):
        add_event(ctx, followup, "note", ident=derived_id("event", ctx.mutation.id, "note"),
               at=ctx.at, note=data["note"], base_version=base)
        followup["note_count"] = followup.get("note_count", 0) + 1
        added += 1
    if data.get("status"):
        mine = add_event(ctx, followup, "status", ident=derived_id("event", ctx.mutation.id, "status"),
                      at=ctx.at, value=data["status"], base_version=base)
        _settle_status(ctx, followup, [e for e in events if e["kind"] == "status"], mine)
        added += 1
    if data.get("assignee_id"):
        mine = add_event(ctx, followup, "assign", ident=derived_id("event", ctx.mutation.id, "assign"),
                      at=ctx.at, value=data["assignee_id"], base_version=base)
        _settle_owner(ctx, followup, [e for e in events if e["kind"] == "assign"], mine)
        added += 1
    if data.get("due_at"):
        mine = add_event(ctx, followup, "due", ident=derived_id("event", ctx.mutation.id, "due"),
                         at=ctx.at, value=data["due_at"].isoformat(), base_version=base)
        ordered = sorted([e for e in events if e["kind"] == "due"] + [mine], key=event_order)
        followup["due_at"] = datetime.fromisoformat(ordered[-1]["value"])
        added += 1
    followup["event_count"] = followup.get("event_count", 0) + added
    ctx.store.put("followup", followup)


def _check_policy(ctx: Context, followup: dict[str, Any], data: dict[str, Any],
                  events: list[dict[str, Any]]) -> None:
    """Every part of the edit must be the sender's to make; one refusal rejects it whole.

    The sender is judged on the follow-up as their phone saw it (``base_version``), not as
    it is when the edit happens to arrive: an edit made offline is allowed or refused the
    same way whatever else reached the server first, so every order of delivery ends in
    the same state.
    """
    seen = as_seen(followup, events, data["base_version"])
    assignee = ctx.store.user(seen["assignee_id"]) if seen.get("assignee_id") else None
    wanted = []
    if data.get("status"):
        wanted.append(("status", policy.status_action(seen["status"], data["status"])))
    if data.get("assignee_id"):
        wanted.append(("assignee_id", policy.ASSIGN))
    if data.get("due_at"):
        wanted.append(("due_at", policy.DUE))
    if data.get("note"):
        wanted.append(("note", policy.NOTE))
    for field_name, action in wanted:
        if action is None:
            continue
        reason = policy.refusal(ctx.actor, seen, action, assignee)
        if reason is not None:
            raise reject(field_name, reason, code="forbidden")


def as_seen(followup: dict[str, Any], events: list[dict[str, Any]], base_version: int) -> dict[str, Any]:
    """The follow-up's status, owner and level at ``base_version``, from its history."""
    unseen = [e for e in events if (e.get("version_after") or 0) > base_version]
    if not unseen:
        return followup
    seen = [e for e in events if e not in unseen]
    status, _ = replay([e for e in seen if e["kind"] == "status"])
    owners = sorted((e for e in seen if e["kind"] == "assign"), key=event_order)
    created = next((e for e in seen if e["kind"] == "created" and isinstance(e.get("value"), dict)), None)
    if owners:
        assignee = owners[-1]["value"]
    elif created is not None:
        assignee = created["value"].get("assignee_id")
    else:
        assignee = followup.get("assignee_id")
    level = followup.get("escalation_level", 0)
    for event in unseen:
        if event["kind"] == "escalate" and isinstance(event.get("value"), dict):
            level = min(level, event["value"].get("from_level", level))
    return {**followup, "status": status, "assignee_id": assignee, "escalation_level": level}


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
