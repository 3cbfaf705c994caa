"""Active decoration permits on the phones (pull type ``permit``).

A guard needs to tell a permitted worker from anyone else: the unit, the company, the
workers' names, the days and hours. Not the deposit, not the applicant or their phone.
"""
from app.api.changes import DELETE
from app.api.changes import GATE_ROLES
from app.api.changes import REVIEW_ROLES
from app.api.changes import UPSERT
from app.api.changes import register_change_type
from app.models.frontdesk import DecorationPermit
from sqlalchemy.orm import selectinload

# The gate keeps them; those who patrol (guards, managers) record inspections against them.
PERMIT_ROLES = GATE_ROLES + REVIEW_ROLES


def permit_visible(row, viewer):
    """People at the gate and reviewers of the permit's site; a permit no longer active
    (finished, revoked, deleted) is a ``delete``."""
    if viewer.role not in PERMIT_ROLES or row.site_id not in viewer.site_ids:
        return None
    return DELETE if row.is_gone() else UPSERT


def serialize(row: DecorationPermit, viewer) -> dict:
    return {"site_id": row.site_id, "unit_id": row.unit_id, "unit_code": row.unit_code,
            "contractor": row.contractor, "workers": list(row.workers or []),
            "worker_count": row.worker_count, "start_date": row.start_date.isoformat(),
            "end_date": row.end_date.isoformat(), "hours_start": row.hours_start,
            "hours_end": row.hours_end, "status": row.status}


register_change_type("permit", DecorationPermit, serialize, visible=permit_visible,
                     load_options=(selectinload(DecorationPermit.unit),))
