"""Reads of the decoration permits: the list with its filters, and one permit's visits
and inspection findings. Everything goes through ``app.scoping``."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Finding
from app.models import Unit
from app.models import User
from app.models import Visit
from app.models.frontdesk import PERMIT_STATUSES
from app.models.frontdesk import DecorationPermit
from app.scoping import scoped

STATUSES = PERMIT_STATUSES + ("today",)  # "today": active and covering today
SORTS = ("start", "end", "unit")


def permits_query(f, today: date):
    """The permits of the chosen sites, by the filter bar: status (or in force today),
    a word of the unit, the company, the applicant or a worker, and days that overlap."""
    stmt = (scoped(DecorationPermit).join(Unit, Unit.id == DecorationPermit.unit_id)
            .where(DecorationPermit.site_id.in_(f.site_ids), DecorationPermit.deleted_at.is_(None))
            .options(selectinload(DecorationPermit.unit)))
    if f.status == "today":
        stmt = stmt.where(DecorationPermit.status == "active", DecorationPermit.start_date <= today,
                          DecorationPermit.end_date >= today)
    elif f.status:
        stmt = stmt.where(DecorationPermit.status == f.status)
    if f.date_from:
        stmt = stmt.where(DecorationPermit.end_date >= f.date_from)
    if f.date_to:
        stmt = stmt.where(DecorationPermit.start_date <= f.date_to)
    if f.q:
        text = f.q.lower()
        stmt = stmt.where(or_(*(func.lower(column).contains(text, autoescape=True) for column in (
            Unit.code, DecorationPermit.contractor, DecorationPermit.applicant_name))))
    columns = {"start": DecorationPermit.start_date, "end": DecorationPermit.end_date, "unit": Unit.code}
    column = columns[f.sort]
    return stmt.order_by(column.desc() if f.descending else column.asc(), DecorationPermit.id)


def visits_of(permit: DecorationPermit) -> list[Visit]:
    """The decoration workers' visits that named this permit, newest first."""
    return list(db.session.scalars(
        select(Visit).where(Visit.permit_id == permit.id, Visit.site_id == permit.site_id,
                            Visit.deleted_at.is_(None))
        .order_by(Visit.checked_in_at.desc(), Visit.id)))


def findings_of(permit: DecorationPermit) -> list[Finding]:
    """The patrols' inspection findings recorded against this permit, newest first."""
    return list(db.session.scalars(
        select(Finding).where(Finding.permit_id == permit.id, Finding.site_id == permit.site_id,
                              Finding.deleted_at.is_(None))
        .order_by(Finding.found_at.desc(), Finding.id)))


def names(ids) -> dict[str, str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(wanted))).all())



def in_force_count(site_ids, day: date) -> int:
    """Active permits covering ``day`` at these sites (the dashboard's figure)."""
    site_ids = list(site_ids)
    if not site_ids:
        return 0
    return db.session.scalar(select(func.count(DecorationPermit.id)).where(
        DecorationPermit.site_id.in_(site_ids), DecorationPermit.deleted_at.is_(None),
        DecorationPermit.status == "active", DecorationPermit.start_date <= day,
        DecorationPermit.end_date >= day)) or 0
