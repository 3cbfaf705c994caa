"""Words for the codes the review pages show: finding categories, follow-up statuses,
record kinds and the fields a conflict is about."""
from flask_babel import lazy_gettext as _l

CATEGORIES = {
    "security": _l("Security"), "cleaning": _l("Cleaning"), "repair": _l("Repairs"),
    "greenery": _l("Greenery"), "fire": _l("Fire safety"), "parking": _l("Parking"), "other": _l("Other"),
}

FOLLOWUP_STATUSES = {
    "open": _l("Open"), "in_progress": _l("In progress"), "resolved": _l("Resolved"), "closed": _l("Closed"),
}

ENTITY_TYPES = {
    "followup": _l("Follow-up"), "stock_count": _l("Stock count"), "visit": _l("Visitor registration"),
    "attendance": _l("Attendance"),
}

FIELDS = {
    "status": _l("Status"), "assignee_id": _l("Assigned to"), "counted_qty": _l("Counted quantity"),
    "checked_out_at": _l("Check-out time"), "signed_in_at": _l("Clock-in"), "signed_out_at": _l("Clock-out"),
}


def label(table: dict, code) -> str:
    """The word for a code, or the code itself when there is none (never a blank)."""
    if code is None:
        return "—"
    return str(table.get(code, code))
