"""The desktop's top navigation: each feature adds its own entry, shown by role."""
from flask import current_app
from flask_login import current_user

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
