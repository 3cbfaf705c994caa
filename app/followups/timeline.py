"""A follow-up's history as the desk shows it: each event in words, with where it came from.

An event came from the sweep when no person made it, from the desk when its device is the
desk's pseudo-device, and from a phone otherwise; the records that called for the
follow-up (it may have several, merged) are listed with links to their pages.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import url_for
from sqlalchemy import select
from werkzeug.routing import BuildError

from app.extensions import db
from app.followups import labels
from app.office.desk_push import is_desk_device
from app.models import Finding
from app.models import FollowUp
from app.models import FollowUpEvent
from app.models import Incident
from app.models import Site
from app.models import StockCount
from app.models import User


@dataclass
class Line:
    kind: str
    label: str
    text: str
    note: str | None
    at: datetime
    received_at: datetime
    who: str | None
    source: str
    effective: bool


def source_of(event: FollowUpEvent, followup: FollowUp) -> str:
    """A follow-up a phone's record opened starts with an unsigned ``created`` event: it is
    the phone's; other unsigned events are the server's own checks."""
    if event.user_id is None:
        return "phone" if event.kind == "created" and followup.created_by else "sweep"
    return "desk" if is_desk_device(event.device_id) else "phone"


def events(followup: FollowUp) -> list[Line]:
    rows = list(db.session.scalars(select(FollowUpEvent).where(FollowUpEvent.followup_id == followup.id)
                                   .order_by(FollowUpEvent.at, FollowUpEvent.id)))
    people = {e.user_id for e in rows} | {followup.created_by} | {e.value for e in rows if e.kind == "assign" and isinstance(e.value, str)}
    people |= {(e.value or {}).get("assignee_id") for e in rows if e.kind == "created" and isinstance(e.value, dict)}
    people |= {(e.value or {}).get("to_user_id") for e in rows if e.kind == "escalate" and isinstance(e.value, dict)}
    people.discard(None)
    names = dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(people))).all()) if people else {}
    site = db.session.get(Site, followup.site_id)
    tz = ZoneInfo(site.timezone if site else "Asia/Shanghai")
    return [Line(kind=e.kind, label=str(labels.EVENTS.get(e.kind, e.kind)), text=_describe(e, names, tz),
                 note=e.note, at=e.at, received_at=e.received_at,
                 who=names.get(e.user_id or (followup.created_by if e.kind == "created" else None)),
                 source=source_of(e, followup), effective=e.effective) for e in rows]


def _describe(event: FollowUpEvent, names: dict[str, str], tz: ZoneInfo) -> str:
    value: Any = event.value
    if event.kind == "status":
        return str(labels.STATUSES.get(value, value))
    if event.kind == "assign":
        return names.get(value, "—")
    if event.kind == "created" and isinstance(value, dict):
        return names.get(value.get("assignee_id"), "—")
    if event.kind == "escalate" and isinstance(value, dict):
        level = labels.LEVELS.get(value.get("to_level"), "")
        return f"{level} · {names.get(value.get('to_user_id'), '—')}"
    if event.kind == "due" and isinstance(value, str):
        try:
            return datetime.fromisoformat(value).astimezone(tz).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return value
    if event.kind == "linked" and isinstance(value, dict):
        return str(labels.SOURCE_TYPES.get(value.get("type"), value.get("type")))
    return ""


def sources(followup: FollowUp) -> list[tuple[str, str | None]]:
    """(label, link) for each record that called for this follow-up, merged ones included."""
    out = []
    for source in followup.sources or [{"type": followup.source_type, "id": followup.source_id}]:
        kind, ident = source.get("type"), source.get("id")
        out.append((str(labels.SOURCE_TYPES.get(kind, kind)), _link(kind, ident)))
    return out


def _link(kind: str | None, ident: str | None) -> str | None:
    if not ident:
        return None
    try:
        if kind == "finding":
            finding = db.session.get(Finding, ident)
            return url_for("patrols.detail", patrol_id=finding.patrol_id) if finding else None
        if kind == "patrol":
            return url_for("patrols.detail", patrol_id=ident)
        if kind == "incident":
            incident = db.session.get(Incident, ident)
            return url_for("gate.visit", visit_id=incident.visit_id) if incident and incident.visit_id else None
        if kind in ("visit", "open_visit"):
            return url_for("gate.visit", visit_id=ident)
        if kind == "complaint":
            return url_for("complaints.detail", complaint_id=ident)
        if kind == "repair":
            return url_for("repairs.detail", order_id=ident)
        if kind == "stock_count":
            count = db.session.get(StockCount, ident)
            return url_for("stock.check", check_id=count.check_id) if count else None
    except BuildError:  # no page for it in this installation
        return None
    return None
