"""One search box over the records of the user's sites, grouped by kind.

Every group first reads its first ``LIMIT`` rows (newest first) and one more; only when
there are more does it count them, and then no further than ``CAP``: a count of every
match would read a year of visits for a common surname. Visitors are searched over the
last ``VISIT_DAYS`` days.
Typed text is matched as text (``%`` and ``_`` escaped). Plates are compared without
separators on both sides, as the gate's phones compare them (``粤B·12345`` = ``粤b 12345``);
four digits also match the last four digits of a visitor's phone, which the page shows
masked, and a whole phone or ID number finds its visitors by the numbers' lookup MACs
(the numbers themselves are stored encrypted, see ``app.privacy``).
"""
from __future__ import annotations

import re
from datetime import timedelta
from dataclasses import dataclass
from dataclasses import field

from sqlalchemy import String
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import type_coerce

from app.extensions import db
from app.models import Complaint
from app.models import Finding
from app.models import FollowUp
from app.models import FollowUpEvent
from app.models import Unit
from app.models import Visit
from app.models import utcnow
from app.models.gate import normalise_plate
from app.privacy import numbers

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


def _stripped(column, chars: str):
    expr = column
    for ch in chars:
        expr = func.replace(expr, ch, "")
    return type_coerce(expr, String)


def _like(column, q: str):
    return column.contains(q, autoescape=True)


def _group(kind: str, stmt, order) -> Group:
    """The first rows, and the number of matches up to ``CAP``, both in SQL."""
    rows = list(db.session.execute(stmt.order_by(*order).limit(LIMIT + 1)))
    if len(rows) <= LIMIT:
        return Group(kind, len(rows), rows)
    counted = db.session.scalar(select(func.count()).select_from(
        stmt.order_by(None).limit(CAP + 1).subquery()))
    return Group(kind, min(counted, CAP), rows[:LIMIT], capped=counted > CAP)


def visits(q: str, site_ids: list[str], since=None) -> Group:
    matches = [_like(Visit.visitor_name, q), _like(Visit.unit, q), _like(Visit.host_name, q)]
    plate = normalise_plate(q)
    if plate:
        matches.append(_like(func.upper(_stripped(Visit.plate, " ·.-\t")), plate))
    matches += numbers.searched(Visit, q)  # whole phone or ID numbers, a phone's last 4 digits
    stmt = select(Visit).where(Visit.site_id.in_(site_ids), Visit.deleted_at.is_(None), or_(*matches))
    if since is not None:
        stmt = stmt.where(Visit.checked_in_at >= since)
    return _group("visits", stmt, (Visit.checked_in_at.desc(), Visit.id))


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
