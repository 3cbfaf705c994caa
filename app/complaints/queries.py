"""What the complaints pages read: complaints of the user's sites with their follow-up,
filtered and sorted in SQL, and one complaint with the earlier one it repeats."""
from __future__ import annotations

from sqlalchemy import case
from sqlalchemy import or_
from sqlalchemy import select

from app.extensions import db
from app.models import Complaint
from app.models import FollowUp
from app.models import User
from app.office.filters import ListFilters
from app.office.filters import ordered
from app.office.filters import within

KINDS = ("valid", "assisted", "invalid", "collective")
STATUSES = ("open", "in_progress", "resolved", "closed")
SORTS = ("lodged", "kind", "households", "status", "due")
ACTIVE = ("open", "in_progress")


def _like(text: str) -> str:
    """A LIKE pattern that finds ``text`` literally (``%`` and ``_`` are not wildcards)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def complaints(f: ListFilters):
    """The statement of the complaints list: one ``Complaint`` per row, for the pager."""
    stmt = (select(Complaint).outerjoin(FollowUp, FollowUp.id == Complaint.followup_id)
            .where(Complaint.site_id.in_(f.site_ids), Complaint.deleted_at.is_(None)))
    stmt = stmt.where(Complaint.merged_into.is_(None))  # shown on their collective event's page
    stmt = within(stmt, Complaint.lodged_at, f)
    if f.person:
        stmt = stmt.where(Complaint.user_id == f.person)
    if f.category == "collective":
        stmt = stmt.where(or_(Complaint.kind == "collective", Complaint.collective.is_(True)))
    elif f.category:
        stmt = stmt.where(Complaint.kind == f.category)
    if f.status:
        stmt = stmt.where(FollowUp.status == f.status)
    if f.q:
        pattern = _like(f.q)
        stmt = stmt.where(or_(Complaint.description.ilike(pattern, escape="\\"),
                              Complaint.unit.ilike(pattern, escape="\\"),
                              Complaint.owner_name.ilike(pattern, escape="\\")))
    # Open before in progress before resolved before closed, whatever the language.
    status_order = case({s: n for n, s in enumerate(STATUSES)}, value=FollowUp.status, else_=len(STATUSES))
    columns = {"lodged": Complaint.lodged_at, "kind": Complaint.kind, "households": Complaint.households,
               "status": status_order, "due": FollowUp.due_at}
    return ordered(stmt, f, columns, Complaint.id)


def followups_of(rows: list[Complaint]) -> dict[str, FollowUp]:
    ids = [r.followup_id for r in rows if r.followup_id]
    if not ids:
        return {}
    return {x.id: x for x in db.session.scalars(select(FollowUp).where(FollowUp.id.in_(ids)))}


def names_of(user_ids) -> dict[str, str]:
    ids = {i for i in user_ids if i}
    if not ids:
        return {}
    return {ident: name for ident, name in db.session.execute(
        select(User.id, User.display_name).where(User.id.in_(ids)))}


def repeats_of(complaint: Complaint) -> list[Complaint]:
    """Later complaints at the same site that say they repeat this one."""
    return list(db.session.scalars(
        select(Complaint).where(Complaint.repeat_of == complaint.id, Complaint.site_id == complaint.site_id,
                                Complaint.deleted_at.is_(None))
        .order_by(Complaint.lodged_at)))


def merged_into(event: Complaint) -> list[Complaint]:
    """The complaints a collective event took in, oldest first."""
    return list(db.session.scalars(
        select(Complaint).where(Complaint.merged_into == event.id, Complaint.site_id == event.site_id,
                                Complaint.deleted_at.is_(None))
        .order_by(Complaint.lodged_at)))
