"""The demo company's last 14 days and the rest of their first month, played through the
real sync engine.

A supervisor who signs in to a fresh demo should find an office full of work to review.
Nothing here writes records directly: each phone's day is a ``SyncRequest`` of mutations
as the app sends them, applied by ``sync.reconcile.apply_batch`` against the app's
``SqlStore`` (as ``POST /api/v1/sync`` does), so the journal, devices, follow-ups, change
log and conflicts are the engine's own. Photos are stored as ``PUT /api/v1/photos`` stores
them, and the follow-up sweep runs as of the end of each past day.

Each phone pushes once a day, at the end of its shift, with the time its own clock reads
(one phone runs six minutes fast). The story of each day is in ``demo_story``; what people
do about their follow-ups is in ``demo_work``.

Deterministic for a given ``now`` (seeded random, times relative to now) and idempotent:
the history is written in one transaction, and a demo whose manager's phone is known to
the server already has it.
"""
from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from datetime import timezone
from typing import Any
from typing import Callable
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.api.photos import owning_record
from app.api.photos import sniff
from app.api.store import SqlStore
from app.demo_images import png
from app.auth import tokens
from app.extensions import db
from app.followups.actions import carry_out
from app.followups.facts import site_facts
from app.followups.sweep import _take_turn
from app.followups.sweep import settle_after_sync
from app.gate.watch import record_hits as record_watch_hits
from app.models import DeviceToken
from app.models import Photo
from app.models import Site
from app.models import SyncDevice
from app.models import User
from app.models import utcnow
from app.models.base import touch
from app.photostore import DIFFERENT
from app.photostore import photo_store
from app.scoping import visible_site_ids
from sync import sweep
from sync.envelope import REJECTED
from sync.envelope import SyncRequest
from sync.reconcile import apply_batch

DAYS = 14
SEED = 20261128
NAMESPACE = uuid.UUID("2f6f0b1e-6c0a-4c55-9d1e-7a3c5e2b9f40")
PHONE_ZONE = timezone(timedelta(hours=8))  # what the phones write after their times
SWEEP_AT = "01:00"  # each past day is swept the next night, after the last phone synced
FAST_PHONE = ("JGY", "guard")  # this phone's clock runs ahead
FAST_BY = timedelta(minutes=6, seconds=20)

# Each post's working hours (local) and when its phone syncs at the end of the day.
SHIFTS = {
    "manager": ("08:20", "17:30", "16:40"),  # after the patrol on patrol days (see demo_story)
    "guard": ("07:00", "19:40", "19:45"),
    "lead": ("09:30", "23:50", "23:40"),
    "cs": ("08:30", "21:00", "20:45"),  # the evening gate peak, then the day's calls back
    "clerk": ("08:40", "20:00", "19:45"),  # the front desk (客户服务助理)
    "repair": ("08:00", "17:40", "17:35"),
    "clean": ("07:30", "17:40", "17:35"),
    "store": ("08:30", "17:20", "17:10"),
}


def first_day(today: date) -> date:
    """The history's first day: the first of the month 14 days back, so that the oldest
    month shown is a whole one (its monthly service report reads as a month's)."""
    return (today - timedelta(days=DAYS)).replace(day=1)


def device_id(site_code: str, post: str) -> str:
    """A phone's installation id: stable, so that a second seed knows the history is there."""
    return str(uuid.uuid5(NAMESPACE, f"device:{site_code}:{post}"))


class Ids:
    """UUIDs from a seeded random source (the phone makes entity and mutation ids)."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def __call__(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))


@dataclass
class Record:
    """One thing recorded on a phone, waiting in its outbox until the next push.

    ``build`` (instead of ``data``) makes the mutation's entity and data at push time, for
    edits that name what the server made (a follow-up and its version).
    """

    at: datetime  # the true time; the phone writes it by its own clock
    type: str
    entity_id: str | None
    data: dict[str, Any] | None
    mutation_id: str
    photos: list[str] = field(default_factory=list)  # ids of photos to upload after the push
    build: Callable[[], tuple[str, dict[str, Any]] | None] | None = None


@dataclass
class Phone:
    """One person's phone at one site: its outbox, sequence and clock."""

    site: Site
    post: str
    user: User
    device_id: str
    offset: timedelta = timedelta(0)
    outbox: list[Record] = field(default_factory=list)
    seq: int = 0
    last_push: datetime | None = None
    quiet_from: datetime | None = None  # no pushes from then on
    holding: int = 0  # records the last push left in the outbox (weak signal)
    resend: bool = False  # the next push loses its answer and is sent again
    token: DeviceToken | None = None

    @property
    def hours(self) -> tuple[str, str]:
        return SHIFTS[self.post][:2]


def seed_history(company, now: datetime | None = None) -> bool:
    """Write the demo's recent history unless it is there; whether it was written."""
    sites = list(db.session.scalars(select(Site).where(Site.company_id == company.id).order_by(Site.code)))
    if not sites or db.session.get(SyncDevice, device_id(sites[0].code, "manager")) is not None:
        return False
    try:
        now = now or utcnow()
        history = History(sites, now)
        history.run()
        from app.demo_story import approve_past_repairs
        approve_past_repairs(sites, now)
        from app.demo_reports import sign_last_months_checklist
        sign_last_months_checklist(history)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    notify_demo(company, now)
    return True


def notify_demo(company, now: datetime) -> None:
    """The notifications' side of the demo: the history's pushes and sweeps wrote their
    notices as they went; add the clock's (overdue, clean2's silent phone, a digest in the
    morning) as of now, and quiet hours for manager2. No channel is set: each person's
    list shows them, and ``flask notify run`` marks them listed only until an admin adds one
    (an example DingTalk robot at the first site, not in use, shows the admin page's row)."""
    from app.models import NotifyChannel
    from app.models import NotifySettings
    from app.notify.scan import scan

    first = db.session.scalar(select(Site).where(Site.company_id == company.id).order_by(Site.code))
    if first is not None and db.session.scalar(select(NotifyChannel.id).where(NotifyChannel.site_id == first.id)) is None:
        db.session.add(NotifyChannel(site_id=first.id, kind="dingtalk", name=f"{first.name}物业群（示例）",
                                     url="https://oapi.dingtalk.com/robot/send?access_token=demo",
                                     secret="SECdemo", options={}, active=False))
    manager = db.session.scalar(select(User).where(User.username == "manager2", User.company_id == company.id))
    if manager is not None and db.session.get(NotifySettings, manager.id) is None:
        db.session.add(NotifySettings(user_id=manager.id, muted=[], quiet_start="22:00", quiet_end="07:00"))
    db.session.commit()
    scan(now)


class History:
    """Plays the days in time order: each phone's push, photo uploads, the nightly sweep."""

    def __init__(self, sites: list[Site], now: datetime):
        self.sites = sites
        self.now = now
        self.tz = ZoneInfo(sites[0].timezone)
        self.today = now.astimezone(self.tz).date()
        self.rng = random.Random(SEED)
        self.ids = Ids(SEED + 1)
        self.server_ids = Ids(SEED + 2)
        self.phones: dict[tuple[str, str], Phone] = {}
        for n, site in enumerate(sites, start=1):
            for post in SHIFTS:
                user = db.session.scalar(select(User).where(User.username == f"{post}{n}",
                                                            User.company_id == site.company_id))
                offset = FAST_BY if (site.code, post) == FAST_PHONE else timedelta(0)
                self.phones[(site.code, post)] = Phone(site, post, user, device_id(site.code, post), offset)
        from app.demo_story import Story
        from app.demo_work import Work
        self.story = Story(self)
        self.work = Work(self)

    # -- time ----------------------------------------------------------------------------
    def at(self, day: date, hhmm: str, minutes: float = 0) -> datetime:
        """The moment ``hhmm`` (plus ``minutes``) on the site's local ``day``, in UTC."""
        hours, mins = hhmm.split(":")
        local = datetime.combine(day, time(int(hours), int(mins)), tzinfo=self.tz)
        return (local + timedelta(minutes=minutes)).astimezone(timezone.utc)

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.tz).date()

    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)

    # -- the run -------------------------------------------------------------------------
    def first_offset(self) -> int:
        """The history's first day, as an offset from today (``first_day``)."""
        return -(self.today - first_day(self.today)).days

    def run(self) -> None:
        first = self.first_offset()
        for offset in range(first, 1):
            day = self.day(offset)
            pushes = self.story.tell(day, offset)  # fills the outboxes; each phone's push time
            events: list[tuple[datetime, int, Callable[[], None]]] = []
            for order, (phone, moment) in enumerate(pushes):
                if offset == 0:  # today: the phones at work synced a little while ago
                    moment = min(moment, self.now - timedelta(minutes=self.rng.randint(2, 40)))
                    if moment < self.at(day, phone.hours[0], 30):
                        continue
                if phone.last_push is not None and moment <= phone.last_push:
                    continue
                events.append((moment, order, lambda p=phone, m=moment: self.push(p, m)))
            sweep_time = self.at(day + timedelta(days=1), SWEEP_AT)
            # The first night is not swept: its look-back would reach days before the history.
            if offset > first and sweep_time < self.now:
                events.append((sweep_time, len(events), lambda m=sweep_time: self.sweep(m)))
            for _, _, happen in sorted(events, key=lambda e: (e[0], e[1])):
                happen()

    def push(self, phone: Phone, moment: datetime) -> None:
        """One ``POST /api/v1/sync`` from ``phone`` at ``moment``: its outbox up to then."""
        if phone.quiet_from is not None and moment >= phone.quiet_from:
            return
        self.work.before_push(phone, moment)
        ready = sorted((r for r in phone.outbox if r.at <= moment), key=lambda r: r.at)
        phone.outbox = [r for r in phone.outbox if r.at > moment]
        mutations = []
        for record in ready:
            if record.build is not None:
                built = record.build()
                if built is None:
                    continue
                record.entity_id, record.data = built
            phone.seq += 1
            mutations.append({
                "id": record.mutation_id, "seq": phone.seq, "type": record.type,
                "entity_id": record.entity_id, "user_id": phone.user.id,
                "at": (record.at + phone.offset).astimezone(PHONE_ZONE).isoformat(timespec="milliseconds"),
                "data": record.data,
            })
        jitter = timedelta(milliseconds=self.rng.randint(-900, 900))
        request = SyncRequest(user_id=phone.user.id, device_id=phone.device_id,
                              client_time=moment + phone.offset + jitter, mutations=mutations,
                              pending=phone.holding)
        self.sign_in(phone, moment)
        self.apply(request, phone, moment)
        for record in ready:
            for photo_id in record.photos:
                self.upload(photo_id, phone.user, moment + timedelta(seconds=self.rng.randint(20, 90)))
        phone.last_push = moment
        if phone.holding:
            phone.quiet_from = moment + timedelta(seconds=1)
        if phone.resend:
            phone.resend = False
            self.retry(phone, moment + timedelta(seconds=self.rng.randint(40, 90)), request)

    def sign_in(self, phone: Phone, moment: datetime) -> None:
        """The phone's device token, as ``POST /api/v1/session`` issues it, used at each sync.

        The secret itself is dropped: nobody can sync with a demo phone's token, but the
        phones list shows each phone signed in, and an admin can sign one out.
        """
        if phone.token is None:
            _, phone.token = tokens.issue(phone.user, phone.device_id)
            phone.token.created_at = moment
        phone.token.last_used_at = moment
        phone.token.expires_at = moment + timedelta(days=tokens.token_days(phone.user))

    def apply(self, request: SyncRequest, phone: Phone, moment: datetime) -> list:
        """What ``app.api.sync._push`` does, inside the seed's one transaction."""
        results = apply_batch(request, SqlStore(db.session), moment, self.server_ids)
        refused = [r.to_json() for r in results if r.status == REJECTED]
        if refused:
            raise RuntimeError(f"the demo history sent a mutation the server refused: {refused[0]}")
        record_watch_hits(request.mutations, results, moment, self.server_ids)
        settle_after_sync(visible_site_ids(phone.user) if request.mutations else [], moment)
        return results

    def retry(self, phone: Phone, moment: datetime, request: SyncRequest) -> None:
        """The phone lost the answer and sends the same mutations again: all ``duplicate``."""
        again = SyncRequest(user_id=request.user_id, device_id=request.device_id,
                            client_time=moment + phone.offset, mutations=request.mutations,
                            pending=request.pending)
        self.apply(again, phone, moment)
        phone.last_push = moment

    def sweep(self, moment: datetime) -> None:
        """The nightly follow-up sweep as of ``moment``, as ``app.followups.sweep`` runs it."""
        for site in self.sites:
            _take_turn(site.id, moment)
            carry_out(sweep.plan(site_facts(site, moment), moment), moment)
        db.session.flush()

    def upload(self, photo_id: str, user: User, moment: datetime) -> None:
        """The photo's bytes arrive as ``PUT /api/v1/photos/<id>`` stores them."""
        body = png(photo_id)
        if photo_store().put_if_absent(photo_id, body, sniff(body)) == DIFFERENT:
            raise RuntimeError(f"photo {photo_id} already holds other bytes")
        photo = db.session.get(Photo, photo_id)
        if photo is None:
            photo = Photo(id=photo_id, user_id=user.id)
            db.session.add(photo)
        if photo.uploaded:
            return
        photo.uploaded, photo.size, photo.content_type = True, len(body), sniff(body)
        photo.path, photo.uploaded_at = photo_id, moment
        owner = owning_record(photo)
        if owner is not None:
            touch(owner)

    # -- recording -----------------------------------------------------------------------
    def record(self, phone: Phone, at: datetime, type_: str, data: dict[str, Any] | None = None,
               entity_id: str | None = None, photos: list[str] | None = None,
               build=None) -> str:
        """Put a mutation in the phone's outbox; returns its entity id."""
        entity_id = entity_id or (None if build else self.ids())
        phone.outbox.append(Record(at=at, type=type_, entity_id=entity_id, data=data or {},
                                   mutation_id=self.ids(), photos=list(photos or []), build=build))
        return entity_id

    def phone(self, site: Site, post: str) -> Phone:
        return self.phones[(site.code, post)]
