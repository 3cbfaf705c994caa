"""Reads of the rental households: a site's list, its awareness rate, and the dashboard's
rate per site in one query."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Unit
from app.models.frontdesk import RentalHousehold
from app.scoping import scoped
from app.tenants.rules import Awareness
from app.tenants.rules import awareness

SHOWS = ("missing", "current", "all")  # not yet informed or registered / living there / with those gone


def households(site_id: str, show: str = "missing") -> list[RentalHousehold]:
    """A site's rental households by unit; a site keeps hundreds at most."""
    stmt = (scoped(RentalHousehold).join(Unit, Unit.id == RentalHousehold.unit_id)
            .where(RentalHousehold.site_id == site_id).options(selectinload(RentalHousehold.unit))
            .order_by(Unit.code, RentalHousehold.move_in_on, RentalHousehold.id))
    if show in ("missing", "current"):
        stmt = stmt.where(RentalHousehold.moved_out_on.is_(None))
    if show == "missing":
        stmt = stmt.where((RentalHousehold.informed.is_(False)) | (RentalHousehold.registered.is_(False)))
    return list(db.session.scalars(stmt))


def rates(site_ids) -> dict[str, Awareness]:
    """Each site's awareness, from one query."""
    site_ids = list(site_ids)
    rows: dict[str, list] = {s: [] for s in site_ids}
    if site_ids:
        for site_id, moved_out, informed, registered in db.session.execute(
                select(RentalHousehold.site_id, RentalHousehold.moved_out_on, RentalHousehold.informed,
                       RentalHousehold.registered).where(RentalHousehold.site_id.in_(site_ids))):
            rows[site_id].append((moved_out is None, informed, registered))
    return {site_id: awareness(found) for site_id, found in rows.items()}
