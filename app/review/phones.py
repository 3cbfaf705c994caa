"""The phones of the viewer's people: what each holds back, how its clock runs, its sign-in.

A phone belongs to the sites of the person who last synced from it (``SyncDevice.user_id``).
The office's own desk writes through the sync engine too, under ``desktop:…`` device ids;
those are not phones and are left out. One page of rows is read in three queries: the
devices with their people, the people's sites, and the tokens of those devices.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from sqlalchemy import and_
from sqlalchemy import case
from sqlalchemy import exists
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import DeviceToken
from app.models import SyncDevice
from app.models import User
from app.models import utcnow
from app.models.people import user_sites
from app.office.filters import ListFilters

QUIET_AFTER = timedelta(hours=24)
DESKTOP_PREFIX = "desktop:"
SORTS = ("quiet", "seen", "pending", "person", "offset")
STATUSES = ("quiet", "waiting", "all")


def _in_sites(site_ids: list[str]):
    """The device's person is posted to one of these sites."""
    return exists().where(user_sites.c.user_id == SyncDevice.user_id, user_sites.c.site_id.in_(site_ids))


def _quiet(now: datetime):
    """Records waiting on a phone that has not synced for a day: someone should call."""
    return and_(SyncDevice.pending > 0,
                or_(SyncDevice.last_seen_at.is_(None), SyncDevice.last_seen_at < now - QUIET_AFTER))


def phones(site_ids: list[str]):
    """``select(SyncDevice)`` of the real phones of people of these sites (joined to the person)."""
    return (select(SyncDevice).join(User, User.id == SyncDevice.user_id)
            .where(_in_sites(site_ids), ~SyncDevice.device_id.startswith(DESKTOP_PREFIX)))


def listing(f: ListFilters, now: datetime):
    quiet = _quiet(now)
    stmt = phones(f.site_ids)
    if f.person:
        stmt = stmt.where(User.id == f.person)
    if f.status == "quiet":
        stmt = stmt.where(quiet)
    elif f.status == "waiting":
        stmt = stmt.where(SyncDevice.pending > 0)
    column = {"quiet": case((quiet, 1), else_=0), "seen": SyncDevice.last_seen_at,
              "pending": SyncDevice.pending, "person": User.display_name,
              "offset": func.abs(SyncDevice.clock_offset_ms)}[f.sort]
    primary = column.desc() if f.descending else column.asc()
    # The longest silent first within a group, then a stable order so pages never overlap.
    return stmt.order_by(primary, SyncDevice.last_seen_at.asc(), SyncDevice.device_id)


def quiet_count(site_ids: list[str], now: datetime) -> int:
    stmt = phones(site_ids).where(_quiet(now))
    return db.session.scalar(select(func.count()).select_from(stmt.subquery()))


@dataclass
class PhoneRow:
    device: SyncDevice
    user: User
    sites: list
    quiet: bool
    missing: int
    token: str  # active / expired / revoked / none
    token_until: datetime | None


def token_state(tokens: list[DeviceToken], now: datetime) -> tuple[str, datetime | None]:
    """``active`` while any sign-in works; otherwise what became of the newest one."""
    live = [t for t in tokens if t.revoked_at is None and t.expires_at > now]
    if live:
        return "active", max(t.expires_at for t in live)
    if not tokens:
        return "none", None
    newest = max(tokens, key=lambda t: t.created_at)
    if newest.revoked_at is not None:
        return "revoked", newest.revoked_at
    return "expired", newest.expires_at


def is_quiet(device: SyncDevice, now: datetime) -> bool:
    return device.pending > 0 and (device.last_seen_at is None or device.last_seen_at < now - QUIET_AFTER)


def rows(devices, site_ids: list[str], now: datetime) -> list[PhoneRow]:
    """The page's devices with their people and tokens (one query each); only the sites
    the viewer may see are named."""
    devices = list(devices)
    ids = [device.device_id for device in devices]
    people = {u.id: u for u in db.session.scalars(
        select(User).where(User.id.in_({d.user_id for d in devices})).options(selectinload(User.sites)))}
    tokens: dict[str, list[DeviceToken]] = {}
    if ids:
        for token in db.session.scalars(select(DeviceToken).where(DeviceToken.device_id.in_(ids))):
            tokens.setdefault(token.device_id, []).append(token)
    out = []
    for device in devices:
        user = people[device.user_id]
        state, until = token_state(tokens.get(device.device_id, []), now)
        out.append(PhoneRow(
            device=device, user=user, sites=[s for s in user.sites if s.id in site_ids],
            quiet=is_quiet(device, now), missing=sum(last - first + 1 for first, last in device.gaps or []),
            token=state, token_until=until))
    return out


def find(device_id: str, site_ids: list[str]) -> SyncDevice | None:
    if not device_id or len(device_id) > 64 or device_id.startswith(DESKTOP_PREFIX):
        return None
    return db.session.scalar(select(SyncDevice).where(
        SyncDevice.device_id == device_id, _in_sites(site_ids)))


def revoke(device_id: str, company_id: str) -> int:
    """Every live sign-in on this phone stops working now (a lost phone); how many there were.

    Only tokens of the company's people: a device id is the phone's own, not a secret.
    """
    now = utcnow()
    people = select(User.id).where(User.company_id == company_id)
    result = db.session.execute(
        update(DeviceToken)
        .where(DeviceToken.device_id == device_id, DeviceToken.revoked_at.is_(None),
               DeviceToken.user_id.in_(people))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False))
    return result.rowcount or 0
