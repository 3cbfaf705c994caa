"""Who owns a follow-up and when it is due: pure functions over a site's settings.

Owner: the site's assignment rules map the follow-up's source, else its category, to a
post; the person on that post at the site takes it (a team lead first), else the site's
manager. Due time: the event's corrected time plus the site's clock for that kind.
"""
from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import timedelta
from decimal import Decimal
from typing import Any
from typing import Iterable

from sync.store import UserRef

MANAGER = "manager"  # a pseudo-post: the site's service-centre manager
# Roles whose people hold a post and receive its follow-ups (a clerk is on the desk's).
POST_ROLES = ("guard", "staff", "manager", "clerk")

DEFAULT_ASSIGNMENT: dict[str, dict[str, str]] = {
    "source": {},
    "category": {
        "security": "security", "fire": "security", "parking": "security",
        "cleaning": "cleaning", "greenery": "cleaning", "repair": "repair",
        "other": "customer_service", "visitor": "security", "stock": "store",
        "patrol": "security", "complaint": "customer_service",
    },
}

DEFAULT_CLOCKS = {"high": 120, "medium": 1440, "low": 4320, "flagged_person": 120,
                  "stock_difference": 4320, "missed_checkpoint": 1440,
                  "complaint_contact": 120, "complaint_invalid": 120, "complaint_collective": 60,
                  "complaint_assisted": 4320, "complaint_report_back": 720,
                  "repair_urgent": 120, "repair_normal": 1440, "repair_low": 4320}


def post_for(settings: dict[str, Any], *, source_type: str, category: str) -> str:
    """The post a follow-up goes to by the site's rules (source first, then category)."""
    rules = settings.get("assignment") or {}
    for key, value in (("source", source_type), ("category", category)):
        table = {**DEFAULT_ASSIGNMENT[key], **(rules.get(key) or {})}
        if value in table:
            return table[value]
    return MANAGER


def owner_for(post: str, people: Iterable[UserRef]) -> str | None:
    """The person on ``post`` (team lead first, then by id), else the manager, else nobody."""
    people = [p for p in people if p.active]
    if post != MANAGER:
        on_post = [p for p in people if p.post == post and p.role in POST_ROLES]
        if on_post:
            return sorted(on_post, key=lambda p: (not p.is_team_lead, p.id))[0].id
    managers = sorted((p for p in people if p.role == "manager"), key=lambda p: p.id)
    return managers[0].id if managers else None


def desk_supervisor(people: Iterable[UserRef]) -> str | None:
    """The customer-service supervisor (客服主管): the team lead of the desk, if any."""
    leads = sorted(p.id for p in people if p.active and p.post == "customer_service" and p.is_team_lead
                   and p.role in POST_ROLES)
    return leads[0] if leads else None


def clock_minutes(settings: dict[str, Any], clock: str) -> int:
    """Minutes the site allows for a clock (``high``, ``flagged_person``...)."""
    clocks = {**DEFAULT_CLOCKS, **(settings.get("clocks") or {})}
    return int(clocks.get(clock, clocks["medium"]))


def due_at(settings: dict[str, Any], clock: str, start: datetime) -> datetime:
    """When a follow-up started at ``start`` (the event's corrected time) falls due."""
    return start + timedelta(minutes=clock_minutes(settings, clock))


def stock_tolerance(settings: dict[str, Any], item: dict[str, Any]) -> Decimal:
    """How far a count may differ from the books: the item's own, the site's, else 0."""
    if item.get("tolerance") is not None:
        return Decimal(item["tolerance"])
    table = settings.get("stock_tolerance") or {}
    value = table.get(item["id"], table.get("default", 0))
    return Decimal(str(value))


def beyond_tolerance(difference: Decimal, tolerance: Decimal) -> bool:
    return abs(difference) > tolerance


def missed_checkpoints(route_checkpoint_ids: Iterable[str], visited: Iterable[str]) -> list[str]:
    """Stops of a route with no visit in the patrol, in route order."""
    seen = set(visited)
    return [c for c in route_checkpoint_ids if c not in seen]


def permit_active_on(permit: dict[str, Any], day: date) -> bool:
    """Whether a decoration permit (装修许可) let its workers in on ``day`` (the site's day).

    It covers ``start_date`` to ``end_date``; once finished or revoked, only up to the
    day it was (``closed_on``), so a visit recorded offline the morning before a revocation
    is judged by the day it happened, whenever it arrives.
    """
    start, end = permit.get("start_date"), permit.get("end_date")
    if start is None or end is None:
        return False
    if permit.get("status") != "active":
        closed = permit.get("closed_on")
        if closed is None:
            return False
        end = min(end, closed)
    return start <= day <= end
