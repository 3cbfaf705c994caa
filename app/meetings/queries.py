"""What the meeting pages read: a site's meetings of a local month, with the names, the
verdict of ``sync.meeting_rules.timeliness`` and the site's day of each; nothing writes."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import Meeting
from app.models import User
from app.reports.material_feedback import month_bounds
from sync import meeting_rules as rules

KIND_NAMES = {"morning": _l("Morning meeting"), "weekly": _l("Weekly meeting")}
FORM_TITLES = {"morning": _l("Morning meeting record"), "weekly": _l("Weekly meeting record")}
VERDICT_NAMES = {rules.KEPT: _l("held on time"), rules.LATE: _l("held late")}


@dataclass
class Line:
    """One meeting as a list, a file and the printed record show it."""

    row: Meeting
    day: date
    started_at: datetime
    verdict: str
    chair: str
    attendees: list[str]

    @property
    def id(self) -> str:
        return self.row.id

    @property
    def kind(self) -> str:
        return self.row.kind


def names(ids) -> dict[str, str]:
    """Display names of these people (anyone, active or not: a record names who was there)."""
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all())


def lines(site, rows: list[Meeting]) -> list[Line]:
    """The rows with their site-local day, verdict and names, in the order given."""
    known = names({r.chaired_by for r in rows} | {i for r in rows for i in (r.attendee_ids or [])})
    settings = {key: site.setting(key) for key in rules.DEFAULTS}
    return [Line(r, rules.meeting_day(r.started_at, site.timezone), r.started_at,
                 rules.timeliness(r.kind, r.started_at, site.timezone, settings),
                 known.get(r.chaired_by, ""), [known.get(i, "") for i in r.attendee_ids or []])
            for r in rows]


def month_rows(site, month: date, kind: str | None = None) -> list[Meeting]:
    """The site's meetings that started in its local ``month``, oldest first."""
    start, end = month_bounds(month.year, month.month, site.timezone or "Asia/Shanghai")
    stmt = select(Meeting).where(Meeting.site_id == site.id, Meeting.deleted_at.is_(None),
                                 Meeting.started_at >= start, Meeting.started_at < end)
    if kind:
        stmt = stmt.where(Meeting.kind == kind)
    return list(db.session.scalars(stmt.order_by(Meeting.started_at, Meeting.id)))
