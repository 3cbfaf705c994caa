"""The follow-up of a stock difference after the manager's decision.

A recount asks the person who counted to count again: the follow-up goes back to them,
open, with the reason as a note and a fresh clock. An approval settles the difference:
its follow-up is closed with a note naming the adjustment, so nobody is escalated for it.

A live follow-up is changed through the follow-up desk (``app.followups.desk.perform``),
so the change is a journaled ``followup.update`` under the same policy as a phone's. The
desk cannot create a follow-up, so a difference that had none (within tolerance) or whose
follow-up was withdrawn gets one here, in the shape ``app/followups/actions.py`` writes,
with the id the sync gives a stock difference (``stock``, check, item) so the recount
that comes back from the phone finds it.

``perform`` commits: the caller's writes must be flushed before and be all that is left
to do, so that a refusal (its rollback) leaves nothing behind.
"""
from __future__ import annotations

from datetime import datetime
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.followups import desk
from app.models import FollowUp
from app.models import FollowUpEvent
from app.models import Item
from app.models import Site
from app.models import StockCheck
from app.models import StockCount
from sync import followup_policy as policy
from sync import rules
from sync.context import derived_id
from sync.followups import ACTIVE
from sync.followups import CLOSED
from sync.followups import IN_PROGRESS
from sync.followups import OPEN
from sync.followups import RESOLVED
from sync.followups import replay

CLOCK = "stock_difference"


def followup_id(count: StockCount) -> str:
    """The id the sync gives the follow-up of this item's difference in this check."""
    return count.followup_id or derived_id("followup", "stock", count.check_id, count.item_id)


def ask_recount(count: StockCount, check: StockCheck, user, reason: str, now: datetime) -> str:
    """The follow-up, open again with a fresh clock, assigned to the counter, the reason
    as a note; returns its id. A follow-up in progress stays in progress (only its worker
    may put it back), with the note, owner and clock."""
    ident = followup_id(count)
    site = db.session.get(Site, count.site_id)
    due = rules.due_at({"clocks": site.setting("clocks")}, CLOCK, now)
    live = db.session.get(FollowUp, ident)
    if live is None or live.deleted_at is not None:
        _open_here(ident, count, site, user, reason, due, now)
        db.session.flush()
        return ident
    steps = []
    if live.status in (RESOLVED, CLOSED):
        steps.append((policy.REOPEN, {"note": reason}))
    if live.assignee_id != count.user_id:
        steps.append((policy.ASSIGN, {"assignee_id": count.user_id, "note": None if steps else reason}))
    if not steps:
        steps.append((policy.NOTE, {"note": reason}))
    steps.append((policy.DUE, {"due_at": due}))
    db.session.flush()
    for action, options in steps:
        desk.perform(user, ident, action, **options)
    return ident


def close_approved(count: StockCount, user, note: str) -> None:
    """Close the difference's follow-up (if it is still being worked) with ``note``."""
    live = db.session.get(FollowUp, count.followup_id) if count.followup_id else None
    db.session.flush()
    if live is not None and live.deleted_at is None and live.status in ACTIVE:
        desk.perform(user, live.id, policy.CLOSE, note=note)


def _open_here(ident: str, count: StockCount, site: Site, user, reason: str, due: datetime,
               now: datetime) -> FollowUp:
    """A new follow-up (or a withdrawn one brought back) for the counter, with its history."""
    followup = FollowUp.lock(ident)
    events = []
    if followup is None:
        followup = _new(ident, count, site, user, now)
        events.append(_event(followup, count, "created", now, user=None,
                             value={"assignee_id": count.user_id, "post": followup.post}))
    else:
        followup.deleted_at = None  # withdrawn by a count within tolerance; called for again
    after = (followup.version or 0) + 1
    events.append(_event(followup, count, "note", now, user=user, note=reason, after=after,
                         value={"recount": count.id}))
    if followup.assignee_id != count.user_id:
        events.append(_event(followup, count, "assign", now, user=user, value=count.user_id, after=after))
        followup.assignee_id = count.user_id
    if followup.status != OPEN:
        events += _move(followup, count, user, now, after, [OPEN])
    followup.due_at = due
    followup.event_count = (followup.event_count or 0) + len([e for e in events if e.kind != "created"])
    followup.note_count = (followup.note_count or 0) + 1
    db.session.add_all(events)
    return followup


def _move(followup: FollowUp, count: StockCount, user, now: datetime, after: int, targets) -> list:
    """Status steps (a millisecond apart, so replay keeps their order) replayed with the
    earlier ones as the engine does; the follow-up's status and times follow."""
    earlier = [{"id": e.id, "at": e.at, "mutation_id": e.mutation_id, "value": e.value}
               for e in db.session.scalars(select(FollowUpEvent).where(
                   FollowUpEvent.followup_id == followup.id, FollowUpEvent.kind == "status",
                   FollowUpEvent.effective.is_(True)))]
    steps = [_event(followup, count, "status", now + timedelta(milliseconds=n), user=user, value=target,
                    after=after, suffix=target)
             for n, target in enumerate(targets)]
    status, effective = replay([*earlier, *({"id": s.id, "at": s.at, "mutation_id": None, "value": s.value}
                                            for s in steps)])
    for step in steps:
        step.effective = effective[step.id]
    followup.status = status
    followup.resolved_at = now if status in (RESOLVED, CLOSED) else None
    followup.closed_at = now if status == CLOSED else None
    return steps


def _new(ident: str, count: StockCount, site: Site, user, now: datetime) -> FollowUp:
    """A follow-up for a difference that had none (within tolerance), in the sync's shape."""
    item = db.session.get(Item, count.item_id)
    followup = FollowUp(
        id=ident, site_id=count.site_id, source_type="stock_count", source_id=count.id,
        source_user_id=count.user_id, created_by=user.id, checkpoint_id=None, category="stock",
        severity="medium", clock=CLOCK, title=(item.name if item else "")[:200],
        detail={"item_id": count.item_id, "check_id": count.check_id, "book_qty": str(count.book_qty),
                "counted_qty": str(count.counted_qty), "difference": str(count.difference),
                "tolerance": str(_tolerance(site, item))},
        status=OPEN, assignee_id=count.user_id,
        post=rules.post_for(site.settings or {}, source_type="stock_count", category="stock"),
        opened_at=now, received_at=now, due_at=None, escalation_level=0, event_count=1, note_count=0,
        sources=[{"type": "stock_count", "id": count.id}])
    db.session.add(followup)
    db.session.flush()
    return followup


def _tolerance(site: Site, item: Item | None) -> Decimal:
    if item is None:
        return Decimal(0)
    return rules.stock_tolerance({"stock_tolerance": site.setting("stock_tolerance")},
                                 {"id": item.id, "tolerance": item.tolerance})


def _event(followup: FollowUp, count: StockCount, kind: str, now: datetime, *, user, value=None,
           note: str | None = None, after: int | None = None, suffix: str = "") -> FollowUpEvent:
    # The created event has the id the sync gives it, so a later recount finds it.
    ident = (derived_id("event", followup.id, "created") if kind == "created"
             else derived_id("event", followup.id, "decision", count.id, kind, suffix))
    return FollowUpEvent(
        id=ident, followup_id=followup.id,
        kind=kind, at=now, received_at=now, user_id=user.id if user is not None else None,
        value=value, note=note, effective=True, version_after=after or followup.version or 1)
