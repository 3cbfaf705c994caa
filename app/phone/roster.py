"""The gate roster as phones receive it in pulls: ``vehicle`` and ``watch`` rows.

A watch entry reaches the phone with its name, a masked phone number and plate, and
salted hashes of the normalised phone number, plate and ID number: enough to match what
a guard types, offline, without the phone ever holding the full numbers.
"""
import hashlib
import hmac

from flask import current_app

from app.models.gate import normalise_phone
from app.models.gate import normalise_plate
from sync.privacy import mask_name
from sync.privacy import mask_phone
from sync.privacy import mask_plate


def site_salt(site_id: str) -> str:
    """A per-site salt derived from the secret key: stable, and useless elsewhere."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"watch:{site_id}".encode(), hashlib.sha256).hexdigest()[:24]


def salted_hash(salt: str, value: str) -> str | None:
    """What the phone computes too: SHA-256 of ``salt:value`` (``None`` for no value)."""
    if not value:
        return None
    return hashlib.sha256(f"{salt}:{value}".encode()).hexdigest()


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


def watch_data(row) -> dict:
    salt = site_salt(row.site_id)
    phone = normalise_phone(row.phone)
    plate = normalise_plate(row.plate)
    id_number = (row.id_number or "").strip().upper()
    return {
        "site_id": row.site_id,
        "name": row.name or "",
        "phone_masked": mask_phone(phone),
        "plate_masked": mask_plate(plate) if plate else "",
        "salt": salt,
        "phone_hash": salted_hash(salt, phone),
        "plate_hash": salted_hash(salt, plate),
        "id_hash": salted_hash(salt, id_number),
        "reason": row.reason,
    }


def register_roster_types() -> None:
    """Phones pull the roster as ``vehicle`` and ``watch`` reference rows of their sites."""
    from sqlalchemy.orm import selectinload

    from app.api.changes import register_change_type
    from app.models.gate import ResidentVehicle
    from app.models.gate import WatchEntry

    register_change_type("vehicle", ResidentVehicle, lambda row, viewer: vehicle_data(row),
                         load_options=(selectinload(ResidentVehicle.unit),))
    register_change_type("watch", WatchEntry, lambda row, viewer: watch_data(row))
