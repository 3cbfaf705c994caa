"""Carry out the sweep's actions on follow-up rows, each with its history.

Every change is an ordinary ORM write of ``FollowUp`` (so its version rises and phones
pull it) plus ``FollowUpEvent`` rows, in the same shape the sync engine writes them, so a
phone's later edit replays the server's changes with its own. Each action checks again,
under the row's lock, that what the plan saw still holds; event ids are derived from the
follow-up and the step, so no step can be recorded twice.
"""
from __future__ import annotations

from collections import Counter
from datetime import datetime
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext
from sqlalchemy import select

from app.extensions import db
from app.models import Conflict
from app.models import FollowUp
from app.models import FollowUpEvent
from app.models.sweep import SweepMark
from sync import messages as m
from sync import sweep
from sync.context import derived_id
from sync.followups import CLOSED
from sync.followups import RESOLVED
from sync.followups import event_order
from sync.followups import replay

# The close follows the resolve by a millisecond so that replaying by time keeps the order.
STEP = timedelta(milliseconds=1)


def render(message: sweep.Message) -> str:
    """A message in the company's language (Chinese first), whoever's request this is."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return gettext(message.msgid, **message.params)


def carry_out(actions: list[sweep.Action], now: datetime) -> Counter:
    """Apply the actions in order; counts of what took effect, by ``settled``/``escalated``/kind."""
    done: Counter = Counter()
    for action in actions:
        if isinstance(action, sweep.Settle):
            done["settled"] += settle(action, now)
        elif isinstance(action, sweep.Open):
            done[action.kind] += open_followup(action, now)
        elif isinstance(action, sweep.Escalate):
            done["escalated"] += escalate(action, now)
    return done


def open_followup(action: sweep.Open, now: datetime) -> bool:
    """A new follow-up, its ``created`` event and its mark; nothing if the key is marked."""
    if db.session.get(SweepMark, action.key) is not None:
        return False
    followup = FollowUp(
        id=action.followup_id, site_id=action.site_id, source_type=action.source_type,
        source_id=action.source_id, source_user_id=action.source_user_id, created_by=None,
        checkpoint_id=None, category=action.category, severity=action.severity, clock=action.clock,
        title=render(action.title)[:200], detail=action.detail, status="open",
        assignee_id=action.assignee_id, post=action.post, opened_at=action.opened_at,
        received_at=now, due_at=action.due_at, escalation_level=action.escalation_level,
        event_count=1, note_count=0, sources=[{"type": action.source_type, "id": action.source_id}])
    db.session.add(followup)
    db.session.flush()
    db.session.add_all([
        FollowUpEvent(id=derived_id("event", followup.id, "created"), followup_id=followup.id,
                      kind="created", at=action.opened_at, received_at=now,
                      value={"assignee_id": action.assignee_id, "post": action.post},
                      effective=True, version_after=followup.version),
        SweepMark(key=action.key, kind=action.kind, site_id=action.site_id,
                  subject_id=action.subject_id, period=action.period, since=action.since,
                  deadline=action.opened_at, followup_id=followup.id, created_at=now),
    ])
    return True


def escalate(action: sweep.Escalate, now: datetime) -> bool:
    """One step up the chain: an ``escalate`` event saying why, and the new owner's ``assign``."""
    followup = FollowUp.lock(action.followup_id)
    if (followup is None or followup.deleted_at is not None or followup.status not in sweep.ACTIVE
            or followup.escalation_level != action.from_level
            or followup.assignee_id != action.from_user_id
            or followup.due_at is None or followup.due_at >= now):
        return False
    after = followup.version + 1
    db.session.add_all([
        FollowUpEvent(id=derived_id("event", followup.id, "escalate", str(action.to_level)),
                      followup_id=followup.id, kind="escalate", at=now, received_at=now,
                      value={"from_level": action.from_level, "to_level": action.to_level,
                             "from_user_id": action.from_user_id, "to_user_id": action.to_user_id,
                             "due_at": action.due_at.isoformat(), "msgid": action.reason.msgid,
                             "params": action.reason.params},
                      note=render(action.reason), effective=True, version_after=after),
        FollowUpEvent(id=derived_id("event", followup.id, "escalate", str(action.to_level), "assign"),
                      followup_id=followup.id, kind="assign", at=now, received_at=now,
                      value=action.to_user_id, effective=True, version_after=after),
    ])
    followup.assignee_id = action.to_user_id
    followup.escalation_level = action.to_level
    followup.due_at = action.due_at
    followup.event_count = (followup.event_count or 0) + 2
    return True


def settle(action: sweep.Settle, now: datetime) -> bool:
    """Close a follow-up the records now prove unnecessary, with a note saying so.

    The mark is settled even when the follow-up was closed or removed meanwhile, so that a
    person who reopens it later is not overruled.
    """
    mark = db.session.get(SweepMark, action.key)
    if mark is None or mark.settled_at is not None:
        return False
    followup = FollowUp.lock(action.followup_id)
    mark.settled_at = now
    if followup is None or followup.deleted_at is not None or followup.status == CLOSED:
        return False
    earlier = list(db.session.scalars(select(FollowUpEvent).where(
        FollowUpEvent.followup_id == followup.id, FollowUpEvent.kind == "status")))
    after = followup.version + 1
    note = FollowUpEvent(
        id=derived_id("event", followup.id, "settled"), followup_id=followup.id, kind="note",
        at=now, received_at=now, note=render(action.note),
        value={"msgid": action.note.msgid, "params": action.note.params, "proof": action.proof},
        effective=True, version_after=after)
    steps = [FollowUpEvent(id=derived_id("event", followup.id, "settled", target), followup_id=followup.id,
                           kind="status", at=now + STEP * n, received_at=now, value=target,
                           effective=True, version_after=after)
             for n, target in enumerate((RESOLVED, CLOSED))]
    db.session.add_all([note, *steps])
    _replay_status(followup, earlier, steps)
    followup.detail = {**(followup.detail or {}), "settled_by": action.proof}
    followup.note_count = (followup.note_count or 0) + 1
    followup.event_count = (followup.event_count or 0) + 3
    return True


def _replay_status(followup: FollowUp, earlier: list[FollowUpEvent], added: list[FollowUpEvent]) -> None:
    """The status from every status event, as the engine works it out; a change that loses
    its effect because of the server's steps is kept as a conflict for review."""
    events = {e.id: e for e in [*earlier, *added]}
    status, effective = replay([{"id": e.id, "at": e.at, "mutation_id": e.mutation_id, "value": e.value}
                                for e in events.values()])
    for ident, now_effective in effective.items():
        event = events[ident]
        if event.effective and not now_effective and event in earlier:
            db.session.add(Conflict(
                id=derived_id("conflict", "sweep", event.id), site_id=followup.site_id,
                entity_type="followup", entity_id=followup.id, field="status", kept=status,
                lost=event.value, reason=m.CONFLICT_STATUS_SKIPPED,
                loser_mutation_id=event.mutation_id, winner_mutation_id=None, mutation_id=None))
        event.effective = now_effective
    ordered = sorted((e for e in events.values() if effective[e.id]),
                     key=lambda e: event_order({"id": e.id, "at": e.at, "mutation_id": e.mutation_id}))
    followup.status = status
    followup.resolved_at = _last_into(ordered, RESOLVED) if status in (RESOLVED, CLOSED) else None
    followup.closed_at = _last_into(ordered, CLOSED) if status == CLOSED else None


def _last_into(ordered: list[FollowUpEvent], target: str) -> datetime | None:
    times = [e.at for e in ordered if e.value == target]
    return times[-1] if times else None
