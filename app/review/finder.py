"""One search box over the records of the user's sites, grouped by kind.

Every group reads its newest ``CAP + 1`` matches at most and shows the first ``LIMIT``: a
count of every match would read a year of visits for a common surname. Visitors are
searched over the last ``VISIT_DAYS`` days.
Typed text is matched as text (``%`` and ``_`` escaped). Visitors are matched as the gate
list matches them (``app.gate.queries.search``): plates without separators, as the gate's
phones compare them (``粤B·12345`` = ``粤b 12345``), four digits also against the last four
of a visitor's phone, which the page shows masked, and a whole phone or ID number by the
numbers' lookup MACs (the numbers themselves are stored encrypted, see ``app.privacy``).
"""
from __future__ import annotations

import re
from datetime import timedelta
from dataclasses import dataclass
from dataclasses import field

from sqlalchemy import or_
from sqlalchemy import select

from app.extensions import db
from app.models import Complaint
from app.models import Finding
from app.models import FollowUp
from app.models import FollowUpEvent
from app.models import Unit
from app.models import Visit
from app.models import utcnow
from app.gate import queries as gate_queries

LIMIT = 10
CAP = 100
VISIT_DAYS = 90
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
KINDS = ("visits", "findings", "followups", "complaints", "units")


def long_enough(q: str) -> bool:
    """Two characters, or one Chinese character (a surname, a building): fewer finds everything."""
    return len(q) >= 2 or bool(q and CJK.match(q))


@dataclass
class Group:
    kind: str
    count: int
    rows: list = field(default_factory=list)
    capped: bool = False  # more than ``CAP`` matches: ``count`` is ``CAP``


def _like(column, q: str):
    return column.contains(q, autoescape=True)


def _group(kind: str, stmt, order) -> Group:
    """The first rows and the number of matches up to ``CAP``, in one statement: reading
    ``CAP + 1`` rows is one scan where the first rows and then a count were two."""
    rows = list(db.session.execute(stmt.order_by(*order).limit(CAP + 1)))
    return Group(kind, min(len(rows), CAP), rows[:LIMIT], capped=len(rows) > CAP)


def visits(q: str, site_ids: list[str], since=None) -> Group:
    """Ids first, from ``ix_visits_site_text`` alone (PostgreSQL cannot test a row's columns
    in an index before it reads the row, so a search for whole rows would read months of
    them); then the rows shown."""
    stmt = select(Visit.id).where(Visit.site_id.in_(site_ids), Visit.deleted_at.is_(None), gate_queries.search(q))
    if since is not None:
        stmt = stmt.where(Visit.checked_in_at >= since)
    group = _group("visits", stmt, (Visit.checked_in_at.desc(), Visit.id.desc()))
    ids = [row.id for row in group.rows]
    found = {v.id: v for v in db.session.scalars(select(Visit).where(Visit.id.in_(ids)))} if ids else {}
    group.rows = [(found[i],) for i in ids if i in found]
    return group


def findings(q: str, site_ids: list[str]) -> Group:
    stmt = select(Finding).where(Finding.site_id.in_(site_ids), Finding.deleted_at.is_(None),
                                 or_(_like(Finding.description, q), _like(Finding.action_taken, q)))
    return _group("findings", stmt, (Finding.found_at.desc(), Finding.id))


def followups(q: str, site_ids: list[str]) -> Group:
    in_notes = (FollowUpEvent.followup_id == FollowUp.id, FollowUpEvent.kind == "note",
                _like(FollowUpEvent.note, q))
    # The first note that matches, to show why a follow-up whose title does not was found.
    note = (select(FollowUpEvent.note).where(*in_notes).order_by(FollowUpEvent.at, FollowUpEvent.id)
            .limit(1).correlate(FollowUp).scalar_subquery())
    stmt = select(FollowUp, note.label("note")).where(
        FollowUp.site_id.in_(site_ids), FollowUp.deleted_at.is_(None),
        or_(_like(FollowUp.title, q), FollowUp.id.in_(select(FollowUpEvent.followup_id).where(
            FollowUpEvent.kind == "note", _like(FollowUpEvent.note, q)))))
    return _group("followups", stmt, (FollowUp.opened_at.desc(), FollowUp.id))


def complaints(q: str, site_ids: list[str]) -> Group:
    stmt = select(Complaint).where(
        Complaint.site_id.in_(site_ids), Complaint.deleted_at.is_(None),
        or_(_like(Complaint.description, q), _like(Complaint.unit, q), _like(Complaint.owner_name, q)))
    return _group("complaints", stmt, (Complaint.lodged_at.desc(), Complaint.id))


def units(q: str, site_ids: list[str]) -> Group:
    stmt = select(Unit).where(Unit.site_id.in_(site_ids), Unit.deleted_at.is_(None),
                              or_(_like(Unit.code, q), _like(Unit.resident_name, q)))
    return _group("units", stmt, (Unit.code, Unit.id))


def search(q: str, site_ids: list[str]) -> list[Group]:
    if not site_ids:
        return [Group(kind, 0) for kind in KINDS]
    since = utcnow() - timedelta(days=VISIT_DAYS)
    return [visits(q, site_ids, since), findings(q, site_ids), followups(q, site_ids),
            complaints(q, site_ids), units(q, site_ids)]
