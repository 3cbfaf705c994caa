"""Rented units on the gate phones (pull type ``rental``).

A guard who registers a visitor to a rented unit, or meets someone saying they live there,
should know the unit is let and whether its tenants were registered with the police for
temporary residence (暂住登记). Not who they are: no names leave the front desk.
"""
from sqlalchemy.orm import selectinload

from app.api.changes import DELETE
from app.api.changes import GATE_ROLES
from app.api.changes import REVIEW_ROLES
from app.api.changes import UPSERT
from app.api.changes import register_change_type
from app.models.frontdesk import RentalHousehold

RENTAL_ROLES = GATE_ROLES + REVIEW_ROLES


def rental_visible(row, viewer):
    """People at the gate and reviewers of its site, while the tenants live there."""
    if viewer.role not in RENTAL_ROLES or row.site_id not in viewer.site_ids:
        return None
    return DELETE if row.is_gone() else UPSERT


def serialize(row: RentalHousehold, viewer) -> dict:
    return {"site_id": row.site_id, "unit_id": row.unit_id, "unit_code": row.unit.code if row.unit else None,
            "tenant_count": row.tenant_count, "registered": row.registered, "informed": row.informed}


register_change_type("rental", RentalHousehold, serialize, visible=rental_visible,
                     load_options=(selectinload(RentalHousehold.unit),))
