"""The gate's lists at one site: residents' vehicles and the watch list (关注人员).

Rows are never deleted here: a deactivated row (``active=False``) reaches phones as a
``delete`` change (``is_gone``), and can be used again. A plate belongs to one vehicle
per site, deactivated or not (the table's unique key), so a plate seen again is put back
into use rather than added twice.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Unit
from app.models.gate import ResidentVehicle
from app.models.gate import WatchEntry
from app.models.gate import normalise_plate
from app.scoping import scoped

VEHICLE_STATUSES = ("active", "inactive", "all")


def vehicles_query(site_id: str, q: str = "", status: str = "active"):
    """The site's vehicles by unit and plate, optionally searched by plate, unit or owner."""
    stmt = (scoped(ResidentVehicle).outerjoin(Unit, Unit.id == ResidentVehicle.unit_id)
            .where(ResidentVehicle.site_id == site_id, ResidentVehicle.deleted_at.is_(None))
            .options(selectinload(ResidentVehicle.unit)))
    if status == "active":
        stmt = stmt.where(ResidentVehicle.active.is_(True))
    elif status == "inactive":
        stmt = stmt.where(ResidentVehicle.active.is_(False))
    if q:
        text = q.lower()
        conditions = [func.lower(Unit.code).contains(text, autoescape=True),
                      func.lower(ResidentVehicle.owner_name).contains(text, autoescape=True)]
        if normalise_plate(q):
            conditions.append(ResidentVehicle.plate.contains(normalise_plate(q), autoescape=True))
        stmt = stmt.where(or_(*conditions))
    return stmt.order_by(Unit.code, ResidentVehicle.plate, ResidentVehicle.id)


def vehicle_counts(site_id: str) -> tuple[int, int]:
    """(in use, deactivated) at the site."""
    rows = dict(db.session.execute(
        select(ResidentVehicle.active, func.count(ResidentVehicle.id))
        .where(ResidentVehicle.site_id == site_id, ResidentVehicle.deleted_at.is_(None))
        .group_by(ResidentVehicle.active)).all())
    return rows.get(True, 0), rows.get(False, 0)


def watch_entries(site_id: str) -> list[WatchEntry]:
    """The site's watch list, entries in use first (a site keeps tens, not thousands)."""
    return list(db.session.scalars(
        scoped(WatchEntry).where(WatchEntry.site_id == site_id, WatchEntry.deleted_at.is_(None))
        .order_by(WatchEntry.active.desc(), WatchEntry.name, WatchEntry.id)))


def unit_by_code(site_id: str, code: str) -> Unit | None:
    return db.session.scalar(scoped(Unit).where(Unit.site_id == site_id, Unit.code == code,
                                                Unit.deleted_at.is_(None)))


def plate_holder(site_id: str, plate: str, except_id: str | None = None) -> ResidentVehicle | None:
    """The vehicle of the site that already has this plate (in use or not)."""
    stmt = select(ResidentVehicle).where(ResidentVehicle.site_id == site_id, ResidentVehicle.plate == plate)
    if except_id:
        stmt = stmt.where(ResidentVehicle.id != except_id)
    return db.session.scalar(stmt)


def plate_taken_message(holder: ResidentVehicle) -> str:
    if holder.active:
        return _("Plate %(plate)s is already listed at this site.", plate=holder.plate)
    return _("Plate %(plate)s is on a deactivated vehicle of this site; use that one again instead.",
             plate=holder.plate)


def vehicle_problems(form, site_id: str, vehicle: ResidentVehicle | None) -> Unit | None:
    """Checks that need the database: the unit exists, the plate is free. Puts messages on
    the form's fields; returns the unit when all is well."""
    unit = unit_by_code(site_id, form.unit.data)
    if unit is None:
        form.unit.errors = list(form.unit.errors) + [
            _("There is no unit %(code)s at this site.", code=form.unit.data[:32])]
    holder = plate_holder(site_id, form.plate.data, vehicle.id if vehicle else None)
    if holder is not None:
        form.plate.errors = list(form.plate.errors) + [plate_taken_message(holder)]
    return None if unit is None or holder is not None else unit


def save_vehicle(vehicle: ResidentVehicle, form, unit: Unit) -> None:
    vehicle.plate = form.plate.data
    vehicle.unit_id = unit.id
    vehicle.owner_name = form.owner_name.data or None


def save_watch(entry: WatchEntry, form) -> None:
    """Write the form into the entry; an empty phone or ID box keeps the stored number."""
    entry.name = form.name.data or None
    entry.plate = form.plate.data or None
    entry.reason = form.reason.data
    if form.phone.data:
        entry.phone = form.phone.data
    elif form.clear_phone.data:
        entry.phone = None
    if form.id_number.data:
        entry.id_number = form.id_number.data
    elif form.clear_id_number.data:
        entry.id_number = None
