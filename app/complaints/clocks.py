"""Complaints' clocks read from the database: each complaint's clocks and verdict, and the
timely-handling rate (报事处理及时率) of a site's month with the late ones behind it.

The rules are ``sync.complaint_clocks``'; this module only gathers the rows they need.
A complaint merged into a collective event leaves the rate: the event counts once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.extensions import db
from app.models import Complaint
from app.models import ComplaintReply
from app.models import Site
from app.models.base import among
from sync import complaint_clocks as cc


@dataclass(frozen=True)
class Handling:
    complaint: Complaint
    clocks: list[cc.Clock]
    verdict: str
    replies: list[ComplaintReply]


def site_settings(site: Site) -> dict:
    return {"clocks": site.setting("clocks")}


def as_fact(c: Complaint) -> dict:
    return {"id": c.id, "kind": c.kind, "channel": c.channel, "collective": c.collective,
            "lodged_at": c.lodged_at, "agreed_reply_at": c.agreed_reply_at}


def replies_of(complaint_ids: list[str]) -> dict[str, list[ComplaintReply]]:
    found: dict[str, list[ComplaintReply]] = {i: [] for i in complaint_ids}
    if complaint_ids:
        for row in db.session.scalars(select(ComplaintReply).where(
                among(ComplaintReply.complaint_id, complaint_ids), ComplaintReply.deleted_at.is_(None))
                .order_by(ComplaintReply.replied_at, ComplaintReply.id)):
            found[row.complaint_id].append(row)
    return found


def handling(complaints: list[Complaint], sites: dict[str, Site], now: datetime) -> dict[str, Handling]:
    """Each complaint's clocks and verdict at ``now``."""
    replies = replies_of([c.id for c in complaints])
    out = {}
    for c in complaints:
        site = sites[c.site_id]
        rows = replies[c.id]
        found = cc.clocks(as_fact(c), [{"id": r.id, "stage": r.stage, "method": r.method, "replied_at": r.replied_at}
                                       for r in rows], site_settings(site), ZoneInfo(site.timezone))
        out[c.id] = Handling(c, found, cc.verdict(found, now), rows)
    return out


def month_bounds(site: Site, month: date) -> tuple[datetime, datetime]:
    """The first instant of the month and of the next, in the site's zone, as UTC."""
    tz = ZoneInfo(site.timezone)
    start = datetime(month.year, month.month, 1, tzinfo=tz)
    following = datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=tz)
    return start.astimezone(ZoneInfo("UTC")), following.astimezone(ZoneInfo("UTC"))


def month_complaints(site: Site, month: date) -> list[Complaint]:
    start, end = month_bounds(site, month)
    return list(db.session.scalars(select(Complaint).where(
        Complaint.site_id == site.id, Complaint.deleted_at.is_(None), Complaint.merged_into.is_(None),
        Complaint.lodged_at >= start, Complaint.lodged_at < end).order_by(Complaint.lodged_at, Complaint.id)))


@dataclass(frozen=True)
class MonthRate:
    site: Site
    month: date
    rate: cc.Rate
    late: list[Handling]
    all: list[Handling]


def month_rate(site: Site, month: date, now: datetime) -> MonthRate:
    rows = month_complaints(site, month)
    handled = handling(rows, {site.id: site}, now)
    ordered = [handled[c.id] for c in rows]
    return MonthRate(site, month, cc.rate(h.verdict for h in ordered),
                     [h for h in ordered if h.verdict == cc.LATE], ordered)
