"""Conflicts in words: the record, the field, the value kept and the value lost as a person
reads them (a status in Chinese, a name for a person, a quantity with its unit), why, and
who sent the two mutations from which phone and when.

A page of conflicts is described with one query per kind of thing it names (journal rows,
people, follow-ups, counts, visits), never one per conflict.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from decimal import InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import defer

from app.extensions import db
from app.models import Attendance
from app.models import Conflict
from app.models import FollowUp
from app.models import Item
from app.models import JournalRow
from app.models import StockCount
from app.models import User
from app.models import Visit
from app.review import labels
from app.review import links
from app.review.phones import DESKTOP_PREFIX

RESTORABLE = {("followup", "status"), ("followup", "assignee_id"), ("stock_count", "counted_qty")}


@dataclass
class Sender:
    """One side of a conflict: the mutation as the journal keeps it."""

    mutation_id: str
    name: str
    device_id: str
    from_desk: bool
    at: datetime | None  # when it happened (corrected time)
    received_at: datetime | None


@dataclass
class Described:
    conflict: Conflict
    kind: str
    record: str
    url: str | None
    field: str
    kept: str
    lost: str
    reason: str
    winner: Sender | None
    loser: Sender | None
    reviewer: str | None
    restorable: bool


def quantity(value, unit: str = "") -> str:
    """``"12.000"`` -> ``12 个``: no trailing zeros, the item's unit after it."""
    try:
        number = Decimal(str(value)).normalize()
    except (InvalidOperation, ValueError):
        return str(value)
    return f"{number:f} {unit}".strip()


def _time(value) -> datetime | None:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


class Context:
    """Everything a page of conflicts names, loaded in a few queries."""

    def __init__(self, conflicts: list[Conflict]):
        ids = {c.winner_mutation_id for c in conflicts} | {c.loser_mutation_id for c in conflicts}
        ids.discard(None)
        # Not the bodies: they may hold a visitor's numbers, sealed, and are not shown.
        self.journal = {r.mutation_id: r for r in db.session.scalars(
            select(JournalRow).where(JournalRow.mutation_id.in_(ids))
            .options(defer(JournalRow.raw, raiseload=True), defer(JournalRow.reuses, raiseload=True)))} if ids else {}
        people = {r.user_id for r in self.journal.values()} | {c.reviewed_by for c in conflicts}
        for c in conflicts:
            if c.field == "assignee_id":
                people |= {c.kept, c.lost}
        marks = [c.entity_id for c in conflicts if c.entity_type == "attendance"]
        if marks:  # whose sign-in it was: the conflict names the row, the row the person
            people |= set(db.session.scalars(select(Attendance.user_id).where(Attendance.id.in_(marks))))
        people = {p for p in people if isinstance(p, str)}
        self.people = {u.id: u.display_name for u in db.session.scalars(
            select(User).where(User.id.in_(people)))} if people else {}
        by_type: dict[str, set] = {}
        for c in conflicts:
            by_type.setdefault(c.entity_type, set()).add(c.entity_id)
        self.followups = self._load(FollowUp, by_type.get("followup"))
        self.visits = self._load(Visit, by_type.get("visit"))
        self.attendance = self._load(Attendance, by_type.get("attendance"))
        self.counts = {}
        if by_type.get("stock_count"):
            for count, item in db.session.execute(
                    select(StockCount, Item).join(Item, Item.id == StockCount.item_id)
                    .where(StockCount.id.in_(by_type["stock_count"]))):
                self.counts[count.id] = (count, item)

    @staticmethod
    def _load(model, ids) -> dict:
        if not ids:
            return {}
        return {row.id: row for row in db.session.scalars(select(model).where(model.id.in_(ids)))}

    def sender(self, mutation_id: str | None) -> Sender | None:
        row = self.journal.get(mutation_id) if mutation_id else None
        if row is None:
            return None
        return Sender(mutation_id=row.mutation_id, name=self.people.get(row.user_id, "—"),
                      device_id=row.device_id, from_desk=row.device_id.startswith(DESKTOP_PREFIX),
                      at=row.at_corrected, received_at=row.received_at)

    def record(self, c: Conflict) -> tuple[str, str | None]:
        if c.entity_type == "followup":
            followup = self.followups.get(c.entity_id)
            return (followup.title or _("(no title)")) if followup else "—", links.followup(c.entity_id)
        if c.entity_type == "stock_count":
            count, item = self.counts.get(c.entity_id, (None, None))
            if count is None:
                return "—", None
            return item.name, links.stock_check(count.check_id)
        if c.entity_type == "visit":
            visit = self.visits.get(c.entity_id)
            return (visit.visitor_name if visit else "—"), links.visit(c.entity_id)
        if c.entity_type == "attendance":
            mark = self.attendance.get(c.entity_id)
            if mark is None:
                return "—", None
            return (f"{self.people.get(mark.user_id, '—')} · {mark.day}",
                    links.worklog(mark.site_id, mark.user_id, mark.day))
        return c.entity_id[:8], None

    def value(self, c: Conflict, value, tz: str) -> str:
        if value is None:
            return "—"
        if c.field == "status":
            return labels.label(labels.FOLLOWUP_STATUSES, value)
        if c.field == "assignee_id":
            return self.people.get(value, _("someone no longer listed"))
        if c.field == "counted_qty":
            _count, item = self.counts.get(c.entity_id, (None, None))
            return quantity(value, item.unit if item else "")
        if c.field.endswith("_at"):
            from app.templating import local_time
            when = _time(value)
            return local_time(when, tz) if when else str(value)
        return str(value)

    def describe(self, c: Conflict, tz: str) -> Described:
        record, url = self.record(c)
        return Described(
            conflict=c, kind=labels.label(labels.ENTITY_TYPES, c.entity_type), record=record, url=url,
            field=labels.label(labels.FIELDS, c.field), kept=self.value(c, c.kept, tz),
            lost=self.value(c, c.lost, tz), reason=_(c.reason) if c.reason else "—",
            winner=self.sender(c.winner_mutation_id), loser=self.sender(c.loser_mutation_id),
            reviewer=self.people.get(c.reviewed_by) if c.reviewed_by else None,
            restorable=(c.entity_type, c.field) in RESTORABLE)


def describe_all(conflicts: list[Conflict], tz_of) -> list[Described]:
    context = Context(conflicts)
    return [context.describe(c, tz_of(c.site_id)) for c in conflicts]
