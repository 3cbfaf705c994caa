"""Collective events the desk should consider (集体投诉事件): five or more households of a
site about the same category within 48 hours, by ``sync.complaint_clocks``' rule."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Complaint
from app.models import Site
from sync import complaint_clocks as cc
from sync.schemas import COLLECTIVE_HOUSEHOLDS

WINDOW = timedelta(hours=48)


@dataclass(frozen=True)
class Suggestion:
    site: Site
    category: str
    complaints: list[Complaint]

    @property
    def households(self) -> int:
        return len({c.unit or c.id for c in self.complaints})


def suggestions(sites: list[Site], now: datetime) -> list[Suggestion]:
    """Groups among the complaints of the last 48 hours that are not yet merged."""
    if not sites:
        return []
    rows = list(db.session.scalars(select(Complaint).where(
        Complaint.site_id.in_([s.id for s in sites]), Complaint.deleted_at.is_(None),
        Complaint.merged_into.is_(None), Complaint.collective.is_(False), Complaint.category.is_not(None),
        Complaint.lodged_at >= now - WINDOW).order_by(Complaint.lodged_at, Complaint.id)))
    by_id = {c.id: c for c in rows}
    found = []
    for site in sites:
        facts = [{"id": c.id, "unit": c.unit, "category": c.category, "lodged_at": c.lodged_at,
                  "merged_into": c.merged_into, "collective": c.collective} for c in rows if c.site_id == site.id]
        for group in cc.collective_groups(facts, households=COLLECTIVE_HOUSEHOLDS, window=WINDOW):
            found.append(Suggestion(site, group.category, [by_id[i] for i in group.complaint_ids]))
    return found
