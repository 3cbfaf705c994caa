"""The gate roster as phones receive it in pulls: ``vehicle``, ``watch`` and ``watch_filter`` rows.

A watch entry reaches the phone with its name, its reason and masked numbers only: the
phone number and plate by the common rule (``139****1111``, ``粤B***66``), the ID number
by its last four characters. Whether a full number a guard types is on the list, the
phone asks its site's ``watch_filter``: one Bloom filter of all the site's entries
(``app/phone/watch_filter.py`` says how it is built and why it gives no number away).
The server matches every visit that arrives against the list itself, with keyed MACs
(``app/gate/watch.py``).
"""
from sqlalchemy import select

from app.extensions import db
from app.models.gate import WATCH_FILTER
from app.models.gate import WatchEntry
from app.models.gate import normalise_id_number
from app.models.gate import normalise_phone
from app.models.gate import normalise_plate
from app.phone import watch_filter
from app.privacy.keys import lookup_mac
from sync.privacy import mask_as
from sync.privacy import mask_name
from sync.privacy import mask_phone
from sync.privacy import mask_plate


def vehicle_data(row) -> dict:
    unit = row.unit
    return {
        "site_id": row.site_id,
        "plate": normalise_plate(row.plate),
        "unit_id": row.unit_id,
        "unit_code": unit.code if unit is not None else None,
        "occupancy": unit.occupancy if unit is not None else None,
        "owner_name": mask_name(row.owner_name),
    }


def watch_items(row: WatchEntry) -> list[tuple[str, str]]:
    """The (kind, normalised value) pairs of an entry that full numbers are matched against."""
    items = [("phone", normalise_phone(row.phone)), ("id", normalise_id_number(row.id_number)),
             ("plate", normalise_plate(row.plate))]
    return [(kind, value) for kind, value in items if value]


def watch_data(row: WatchEntry) -> dict:
    return {
        "site_id": row.site_id,
        "name": row.name or "",
        "phone_masked": mask_phone(row.phone),
        "plate_masked": mask_plate(normalise_plate(row.plate)),
        "id_masked": mask_as("id_tail", normalise_id_number(row.id_number)),
        "reason": row.reason,
    }


def site_filter(site_id: str) -> dict:
    """The ``watch_filter`` of a site: its public salt and the filter of its active entries."""
    entries = db.session.scalars(select(WatchEntry).where(
        WatchEntry.site_id == site_id, WatchEntry.active.is_(True), WatchEntry.deleted_at.is_(None))
        .order_by(WatchEntry.id))
    items = sorted({item for entry in entries for item in watch_items(entry)})
    salt = lookup_mac("watch-salt", site_id)[:32]
    noise = watch_filter.noise_stream(lookup_mac("watch-noise", site_id))
    return {"site_id": site_id, **watch_filter.build(salt, items, noise)}


def register_roster_types() -> None:
    """Phones pull the roster as ``vehicle``, ``watch`` and ``watch_filter`` rows of their sites."""
    from sqlalchemy.orm import selectinload

    from app.api.changes import register_change_type
    from app.models import Site
    from app.models.gate import ResidentVehicle

    register_change_type("vehicle", ResidentVehicle, lambda row, viewer: vehicle_data(row),
                         load_options=(selectinload(ResidentVehicle.unit),))
    register_change_type("watch", WatchEntry, lambda row, viewer: watch_data(row))
    # Logged by ``app.models.gate`` whenever a site's watch list changes; one row per site.
    register_change_type(WATCH_FILTER, Site, lambda row, viewer: site_filter(row.id))
