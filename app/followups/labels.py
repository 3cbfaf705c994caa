"""Words for follow-up codes on the desk: categories, statuses, sources, actions, clocks."""
from flask_babel import lazy_gettext as _l

CATEGORIES = {
    "security": _l("Security"), "cleaning": _l("Cleaning"), "repair": _l("Repairs"),
    "greenery": _l("Greenery"), "fire": _l("Fire safety"), "parking": _l("Parking"),
    "other": _l("Other"), "complaint": _l("Complaint"), "patrol": _l("Patrol"),
    "visitor": _l("Visitor still inside"), "stock": _l("Stock difference"),
}
STATUSES = {"open": _l("Open"), "in_progress": _l("In progress"), "resolved": _l("Resolved"),
            "closed": _l("Closed")}
STATUS_CLASS = {"open": "warn", "in_progress": "info", "resolved": "ok", "closed": "off"}
SEVERITIES = {"low": _l("Low"), "medium": _l("Medium"), "high": _l("High")}
SOURCES = {"phone": _l("Phone app"), "desk": _l("Desktop"), "sweep": _l("System check")}
ACTIONS = {
    "start": _l("Start work"), "note": _l("Add note"), "resolve": _l("Mark resolved"),
    "assign": _l("Reassign"), "due": _l("Change due time"), "verify": _l("Verify and close"),
    "close": _l("Close"), "reopen": _l("Reopen"),
}
EVENTS = {
    "created": _l("Opened"), "note": _l("Note"), "status": _l("Status"), "assign": _l("Assigned"),
    "due": _l("Due time changed"), "escalate": _l("Escalated"), "linked": _l("Linked record"),
}
LEVELS = {0: _l("Responsible person"), 1: _l("Service-centre manager"), 2: _l("Quality department")}
SOURCE_TYPES = {
    "finding": _l("Patrol finding"), "incident": _l("Flagged person"), "complaint": _l("Complaint"),
    "stock_count": _l("Stock difference"), "patrol": _l("Patrol"), "visit": _l("Visitor record"),
    "no_patrol": _l("No patrol by the end of the day"), "missed_route": _l("Route not walked"),
    "open_visit": _l("Visitor still inside"), "no_stock_check": _l("No stock check this month"),
    "few_inspections": _l("Too few staff inspections this week"), "repair": _l("Repair order"),
}
