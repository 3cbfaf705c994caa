"""Notices the clock causes rather than a write: due soon, overdue, a silent phone, the
morning digest. Run by the worker before each batch, with its "now".

Each notice's key is derived from what it is about (the follow-up and its due time, the
phone and its last contact, the site, day and manager), and rows are inserted with "on
conflict do nothing": a pass repeated every few seconds, or on several servers at once,
writes each notice once.
"""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from app.models import FollowUp
from app.models import Notification
from app.models import Site
from app.models import SyncDevice
from app.models import User
from app.models.people import user_sites
from app.notify.outbox import row_values
from sync import notify_rules as rules


def scan(now) -> int:
    """Write the clock's notices due at ``now`` for every live site; how many were new."""
    sites = list(db.session.scalars(select(Site).where(Site.deleted_at.is_(None)).order_by(Site.code)))
    notices = []
    for site in sites:
        tz = ZoneInfo(site.timezone)
        notices += rules.clock_notices(_followups(site.id, now), now, tz)
        notices += _digests(site, now, tz)
    notices += _silent_phones(sites, now)
    added = insert_new(notices)
    db.session.commit()
    return added


def insert_new(notices: list[rules.Notice]) -> int:
    """Insert the notices whose key is not yet written; the others are left as they are."""
    if not notices:
        return 0
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(Notification.__table__).values([row_values(n) for n in notices])
    stmt = stmt.on_conflict_do_nothing(index_elements=["key"]).returning(Notification.__table__.c.id)
    return len(db.session.execute(stmt).all())


def _followups(site_id: str, now) -> list[dict]:
    rows = db.session.execute(
        select(FollowUp.id, FollowUp.site_id, FollowUp.title, FollowUp.status, FollowUp.due_at, FollowUp.assignee_id)
        .where(FollowUp.site_id == site_id, FollowUp.deleted_at.is_(None), FollowUp.status.in_(rules.ACTIVE),
               FollowUp.due_at > now - rules.OVERDUE_LOOKBACK, FollowUp.due_at <= now + rules.SOON))
    return [row._asdict() for row in rows]


def _digests(site: Site, now, tz: ZoneInfo) -> list[rules.Notice]:
    day = rules.digest_day(now, tz)
    if day is None:
        return []
    managers = [m for m in db.session.scalars(
        select(User.id).join(user_sites, user_sites.c.user_id == User.id)
        .where(user_sites.c.site_id == site.id, User.role == "manager", User.active.is_(True),
               User.deleted_at.is_(None)))
        if db.session.scalar(select(Notification.id).where(
            Notification.key == rules.digest_key(site.id, day, m))) is None]
    if not managers:
        return []  # every digest of the day written: the calendar is not worked out again
    from app.review.compliance_facts import month_facts
    from sync import compliance

    yesterday = day - timedelta(days=1)
    rows = compliance.grid(month_facts(site, yesterday, now), now)
    active = (FollowUp.site_id == site.id, FollowUp.deleted_at.is_(None), FollowUp.status.in_(rules.ACTIVE))
    open_count = db.session.scalar(select(func.count(FollowUp.id)).where(*active))
    overdue = db.session.scalar(select(func.count(FollowUp.id)).where(*active, FollowUp.due_at < now))
    return rules.digest_notices(site.id, managers, day, rows, open_count, overdue, now)


def _silent_phones(sites: list[Site], now) -> list[rules.Notice]:
    """Phones of people of these sites, silent with records on them (as the phones page
    counts them, desk pseudo-devices left out); told to the company's admins."""
    from app.review.phones import _quiet
    from app.review.phones import phones

    zones = {s.id: ZoneInfo(s.timezone) for s in sites}
    devices = list(db.session.scalars(phones(list(zones)).where(_quiet(now)).order_by(SyncDevice.device_id)))
    notices = []
    for device in devices:
        person = db.session.get(User, device.user_id)
        site_id = min(s.id for s in person.sites if s.id in zones)
        admins = db.session.scalars(select(User.id).where(
            User.company_id == person.company_id, User.role == "admin", User.active.is_(True),
            User.deleted_at.is_(None)))
        notices += rules.silent_notices([{"device_id": device.device_id, "pending": device.pending,
                                          "name": person.display_name, "last_seen_at": device.last_seen_at,
                                          "site_id": site_id}], list(admins), now, zones[site_id])
    return notices
