"""What the people of the demo do about their follow-ups, recorded on their phones.

Just before a phone syncs, its owner works on the follow-ups the server holds for them
(read from the database as it stands then, so escalations and reassignments count):
most are started and resolved within their clock, some late, a few stay stuck and climb
the escalation chain. A manager also closes resolved ones after checking,
and hands escalated ones back to the post with a deadline, or leaves them to the quality
department. Each step is a ``followup.update`` as a phone sends it, based on the version
the server has, timed in the person's working hours and after everything already on the
follow-up's history, and allowed by ``sync.followup_policy`` (a refused one would stop the
seed: the history has no rejected records).
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy import select

from app import demo_texts as t
from app.api.store import SqlStore
from app.extensions import db
from app.models import Complaint
from app.models import FollowUp
from app.models import FollowUpEvent
from sync import rules
from sync.complaint_clocks import required_method
from sync.complaints import may_handle
from sync.followup_policy import QUALITY_LEVEL
from sync.followups import ACTIVE
from sync.followups import IN_PROGRESS
from sync.followups import OPEN
from sync.followups import RESOLVED

SEED = 20261129
ARRIVAL_LAG = timedelta(minutes=10)  # a follow-up reaches the owner's phone with its next pull


@dataclass
class Step:
    at: datetime
    status: str | None
    note: str | None


class Work:
    def __init__(self, history):
        self.h = history
        self.rng = random.Random(SEED)
        self.plans: dict[tuple[str, str], list[Step]] = {}
        self.forced: dict[str, str] = {}  # follow-up id -> fate, for the story's fixed cases
        self.notes: dict[str, tuple[str, str]] = {}  # follow-up id -> (started, done) notes
        self.decided: set[str] = set()  # follow-ups a manager has decided about (close, hand back)
        self.touched: dict[str, datetime] = {}  # steps recorded but not yet synced, by follow-up

    def before_push(self, phone, moment: datetime) -> None:
        """Record what the phone's owner did about their follow-ups since the last sync."""
        if phone.holding:
            return  # what this phone recorded stays on it (see demo_story QUIET)
        if phone.post == "manager":
            self.review(phone, moment)
        mine = self.assigned(phone.user.id, moment)
        if phone.post == "manager":
            mine += self.collective(phone.site.id, phone.user.id, moment)
        for followup in mine:
            if (phone.post == "manager" and followup.escalation_level and followup.post != rules.MANAGER
                    and followup.assignee_id == phone.user.id):
                continue  # escalated to the manager: decided in ``review``
            key = (followup.id, phone.user.id)
            if key not in self.plans:
                self.plans[key] = self.plan(phone, followup)
            self.plans[key] = self.carry_out(phone, followup, self.plans[key], moment)

    def assigned(self, user_id: str, moment: datetime) -> list[FollowUp]:
        return list(db.session.scalars(
            select(FollowUp).where(FollowUp.assignee_id == user_id, FollowUp.status.in_(ACTIVE),
                                   FollowUp.deleted_at.is_(None),
                                   # a repair order's follow-up is resolved by its sign-off (demo_story)
                                   FollowUp.source_type != "repair",
                                   FollowUp.received_at <= moment - ARRIVAL_LAG)
            .order_by(FollowUp.opened_at, FollowUp.title)))

    def collective(self, site_id: str, manager_id: str, moment: datetime) -> list[FollowUp]:
        """Collective complaints of the site: the manager works on them whoever holds them."""
        rows = db.session.scalars(
            select(FollowUp).where(FollowUp.site_id == site_id, FollowUp.source_type == "complaint",
                                   FollowUp.status.in_(ACTIVE), FollowUp.deleted_at.is_(None),
                                   FollowUp.assignee_id != manager_id,
                                   FollowUp.received_at <= moment - ARRIVAL_LAG)
            .order_by(FollowUp.opened_at, FollowUp.title))
        return [f for f in rows if (f.detail or {}).get("collective")]

    # -- one person's follow-up ----------------------------------------------------------------
    def plan(self, phone, followup: FollowUp, start: datetime | None = None,
             fate: str | None = None) -> list[Step]:
        """The steps this person will take on this follow-up (their times, their notes).

        ``prompt`` resolves it before it falls due when there is time to, ``late`` after,
        ``stuck`` only notes why it waits (and the sweep escalates it).
        """
        rng = self.rng
        kind = handling_kind(followup)
        begin = self.in_hours(phone, start or followup.received_at + timedelta(minutes=rng.uniform(10, 40)))
        started, done = self.notes.get(followup.id) or rng.choice(t.HANDLING.get(kind) or t.HANDLING["other"])
        if kind == "no_patrol":
            return [Step(begin, None, started), Step(begin + timedelta(minutes=2), RESOLVED, done)]
        fate = fate or self.forced.get(followup.id) or self.fate(followup, kind)
        if fate == "stuck":
            return [Step(begin, None, t.STUCK_NOTES.get(followup.category, t.DEFAULT_STUCK_NOTE))]
        if fate == "late":
            end = max(begin, followup.due_at) + timedelta(hours=rng.uniform(2, 30))
        else:
            minutes = rng.uniform(25, 150)
            left = (followup.due_at - begin) / timedelta(minutes=1)
            if left > 20:
                minutes = min(minutes, left * rng.uniform(0.4, 0.9))
            end = begin + timedelta(minutes=max(minutes, 8))
        return [Step(begin, IN_PROGRESS, started), Step(self.in_hours(phone, end), RESOLVED, done)]

    def fate(self, followup: FollowUp, kind: str) -> str:
        if kind == "complaint_collective":
            return "late"
        weights = ([85, 10, 5] if followup.severity == "high" or kind.startswith("complaint")
                   else [82, 9, 9])
        return self.rng.choices(["prompt", "late", "stuck"], weights=weights)[0]

    def carry_out(self, phone, followup: FollowUp, steps: list[Step], moment: datetime) -> list[Step]:
        """Record the steps due before ``moment``; the rest wait for a later sync."""
        status = followup.status
        left = []
        for step in steps:
            at = max(step.at, self.last_event(followup.id) + timedelta(minutes=self.rng.uniform(1, 4)))
            if at >= moment:
                left.append(Step(at, step.status, step.note))
                continue
            if step.status == IN_PROGRESS and status != OPEN or step.status == RESOLVED and status not in ACTIVE:
                continue
            if step.status == IN_PROGRESS and followup.assignee_id != phone.user.id:
                step = Step(at, None, step.note)  # a manager on someone else's: a note, not a start
            self.update(phone, followup, at, status=step.status, note=step.note)
            status = step.status or status
        return left

    def update(self, phone, followup: FollowUp, at: datetime, **fields) -> None:
        if followup.source_type == "complaint" and fields.get("status") in (IN_PROGRESS, RESOLVED) \
                and may_handle(phone.user) and self.answer(phone, followup, at, fields):
            return
        data = {"base_version": followup.version, **{k: v for k, v in fields.items() if v is not None}}
        self.h.record(phone, at, "followup.update", data, entity_id=followup.id)
        self.touched[followup.id] = at

    def answer(self, phone, followup: FollowUp, at: datetime, fields: dict) -> bool:
        """A complaint is worked by contacting and answering its owner (``complaint.reply``):
        the start of the work is the contact, its end the reply, which resolves the
        follow-up itself. Whether the step was taken this way."""
        complaint = db.session.get(Complaint, followup.source_id)
        if complaint is None or complaint.merged_into:
            return False
        contact = fields["status"] == IN_PROGRESS
        method = required_method({"kind": complaint.kind, "collective": complaint.collective,
                                  "channel": complaint.channel})
        data = {"complaint_id": complaint.id, "stage": "contact" if contact else "reply",
                "method": method or "phone", "said": fields.get("note") or t.DEFAULT_STUCK_NOTE}
        if not contact:
            data.update(satisfaction="satisfied", owner_opinion=t.OWNER_OPINION)
        self.h.record(phone, at, "complaint.reply", data)
        self.touched[followup.id] = at
        return not contact  # a contact also starts the work; a reply is the whole step

    def last_event(self, followup_id: str) -> datetime:
        stored = db.session.scalar(select(func.max(FollowUpEvent.at)).where(FollowUpEvent.followup_id == followup_id))
        waiting = self.touched.get(followup_id)
        return max(moment for moment in (stored, waiting) if moment is not None)

    def in_hours(self, phone, moment: datetime) -> datetime:
        """``moment``, or the start of the person's next working day if they are off then."""
        start, end = phone.hours
        day = self.h.local_day(moment)
        if moment < self.h.at(day, start):
            return self.h.at(day, start, self.rng.uniform(5, 40))
        if moment > self.h.at(day, end, -15):
            return self.h.at(day + timedelta(days=1), start, self.rng.uniform(5, 40))
        return moment

    # -- the manager ---------------------------------------------------------------------------
    def review(self, phone, moment: datetime) -> None:
        """Close what was resolved and checked; hand escalated follow-ups back, or leave them."""
        site_id = phone.site.id
        for followup in db.session.scalars(
                select(FollowUp).where(FollowUp.site_id == site_id, FollowUp.status == RESOLVED,
                                       FollowUp.deleted_at.is_(None),
                                       FollowUp.escalation_level < QUALITY_LEVEL,  # 品质部 closes those
                                       FollowUp.resolved_at <= moment - timedelta(hours=3))
                .order_by(FollowUp.resolved_at, FollowUp.title)):
            if followup.id in self.decided:
                continue
            self.decided.add(followup.id)
            at = max(followup.resolved_at + timedelta(minutes=5),
                     moment - timedelta(minutes=self.rng.uniform(5, 40)))
            if self.rng.random() < 0.5 and at < moment:
                notes = t.COMPLAINT_CLOSE_NOTES if followup.source_type == "complaint" else t.CLOSE_NOTES
                self.update(phone, followup, at, status="closed", note=self.rng.choice(notes))
        for followup in self.assigned(phone.user.id, moment):
            if not followup.escalation_level or followup.post == rules.MANAGER or followup.id in self.decided:
                continue
            self.decided.add(followup.id)
            if self.forced.get(followup.id) == "stuck" or self.rng.random() < 0.4:
                continue  # left with the manager: the next sweep takes it to the quality department
            owner = rules.owner_for(followup.post, SqlStore(db.session).site_users(site_id))
            if owner is None or owner == phone.user.id:
                continue
            at = max(self.last_event(followup.id) + timedelta(minutes=2),
                     moment - timedelta(minutes=self.rng.uniform(10, 50)))
            if at >= moment:
                continue
            self.update(phone, followup, at, assignee_id=owner, note=t.PUSH_BACK_NOTE)
            person = next(p for p in self.h.phones.values() if p.user.id == owner)
            self.plans[(followup.id, owner)] = self.plan(
                person, followup, start=moment + timedelta(minutes=self.rng.uniform(15, 60)), fate="prompt")


def handling_kind(followup: FollowUp) -> str:
    """Which notes fit: by where the follow-up came from, else by its category."""
    if followup.source_type == "no_patrol":
        return "no_patrol"
    if followup.source_type == "complaint":
        detail = followup.detail or {}
        if detail.get("collective"):
            return "complaint_collective"
        if detail.get("repeat_of"):
            return "complaint_repeat"
        if detail.get("kind") == "invalid":
            return "complaint_invalid"
        return "complaint"
    return followup.category
