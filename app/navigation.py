"""The desktop's top navigation: each feature adds its own entry, shown by role.

With some twenty pages, the bar groups them the way the office thinks of its work: the
estate in the field, the front desk, the manager's rhythm and the system. A group with a
single page for someone shows as a plain link.
"""
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user

GROUPS = {
    "estate": _l("On the estate"),
    "desk": _l("Customer service"),
    "manager": _l("Manager's rhythm"),
    "system": _l("System"),
}
# The group of each page; a page not named here stands on the bar by itself.
GROUP_OF = {
    "patrols.index": "estate", "gate.visits": "estate", "stock.checks": "estate",
    "decoration.permits": "desk", "complaints.index": "desk", "complaints.duty": "desk",
    "repairs.index": "desk",
    "worklog.day": "manager", "worklog.attendance": "manager", "inspections.week": "manager",
    "meetings.index": "manager", "manager_reports.month": "manager", "manager_reports.checklist": "manager",
    "reports.monthly_index": "manager",
    "review.conflicts": "system", "review.devices": "system", "admin.index": "system",
}

_ENTRIES: list[tuple[int, str, object, object]] = []


def add_nav(order: int, endpoint: str, label, roles) -> None:
    """Called once at import by a feature; ``label`` is a lazy translation.

    ``roles``: the roles that see the entry, or a predicate of the user (``may_...``).
    """
    if not any(e[1] == endpoint for e in _ENTRIES):
        _ENTRIES.append((order, endpoint, label, roles))


def _shown(roles) -> bool:
    return roles(current_user) if callable(roles) else current_user.role in roles


def home_links() -> list[tuple[str, str]]:
    if not current_user.is_authenticated:
        return []
    endpoints = current_app.view_functions
    return [(endpoint, str(label)) for order, endpoint, label, roles in sorted(_ENTRIES, key=lambda e: e[0])
            if _shown(roles) and endpoint in endpoints]


def nav_items() -> list[tuple[str | None, str, list[tuple[str, str]]]]:
    """The bar as ``(group key or None, label, [(endpoint, label)])``, in the order of each
    group's first page."""
    items: list[tuple[str | None, str, list[tuple[str, str]]]] = []
    where: dict[str, int] = {}
    for endpoint, label in home_links():
        group = GROUP_OF.get(endpoint)
        if group is None:
            items.append((None, label, [(endpoint, label)]))
        elif group in where:
            items[where[group]][2].append((endpoint, label))
        else:
            where[group] = len(items)
            items.append((group, str(GROUPS[group]), [(endpoint, label)]))
    return [(None, links[0][1], links) if len(links) == 1 else (group, label, links)
            for group, label, links in items]
