"""Send what the outbox holds, after the events' commits: at least once to each channel,
recorded once.

A worker claims a batch of due notices by writing its token and a lease on them (with
``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so two workers never wait on or take the same
rows; one atomic ``UPDATE`` under SQLite's write lock otherwise), commits, then sends each
notice on each of its site's channels the person has not muted. Every channel sent is
committed at once as a ``Delivery``, unique per notice and channel: a worker killed
between the send and that commit leaves the notice claimed, and when its lease runs out
another worker sends it on that channel again with the same idempotency key (so the
robot or mail server may drop it) and records it once. Failures wait ``retry_at``'s
back-off; past the last attempt the notice is ``failed``, never deleted.
"""
from __future__ import annotations

import os
import socket
from collections import Counter
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Delivery
from app.models import Notification
from app.models import NotifyChannel
from app.models import NotifySettings
from app.models import PushSubscription
from app.models import Site
from app.models import User
from app.models import new_id
from app.models.notify import DONE
from app.models.notify import FAILED
from app.models.notify import PENDING
from app.models.notify import WEBPUSH
from app.notify import channels
from app.notify.channels import webpush
from app.notify.render import outgoing
from app.notify.scan import scan
from sync import notify_rules as rules

LEASE = timedelta(minutes=5)
BATCH = 50


def worker_name() -> str:
    """This process, as its claims name it: host and process id."""
    return f"{socket.gethostname()[:50]}:{os.getpid()}"


def _due(now: datetime):
    return and_(Notification.status == PENDING,
                or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now),
                or_(Notification.claimed_by.is_(None), Notification.lease_until < now))


def claim(now: datetime, worker: str, batch: int = BATCH, lease: timedelta = LEASE) -> list[tuple[str, str]]:
    """Take up to ``batch`` due notices for ``lease``, committed: (id, claim token), oldest first."""
    token = f"{worker}/{new_id()[:8]}"
    order = (Notification.created_at, Notification.id)
    if db.session.get_bind().dialect.name == "postgresql":
        ids = list(db.session.scalars(select(Notification.id).where(_due(now)).order_by(*order)
                                      .limit(batch).with_for_update(skip_locked=True)))
        if ids:
            db.session.execute(update(Notification).where(Notification.id.in_(ids))
                               .values(claimed_by=token, lease_until=now + lease))
    else:
        chosen = select(Notification.id).where(_due(now)).order_by(*order).limit(batch).scalar_subquery()
        db.session.execute(update(Notification).where(Notification.id.in_(chosen), _due(now))
                           .values(claimed_by=token, lease_until=now + lease)
                           .execution_options(synchronize_session=False))
        ids = list(db.session.scalars(select(Notification.id).where(Notification.claimed_by == token)
                                      .order_by(*order)))
    db.session.commit()
    return [(ident, token) for ident in ids]


def run_once(now: datetime, worker: str | None = None, batch: int = BATCH,
             lease: timedelta = LEASE) -> Counter:
    """Write the clock's notices, then claim one batch and deliver it; counts by outcome
    (``done``, ``held``, ``retry``, ``failed``)."""
    done: Counter = Counter()
    try:
        scan(now)
    except Exception as err:  # the outbox is still sent when the clock's scan fails
        db.session.rollback()
        current_app.logger.error("notification scan failed: %s", type(err).__name__)
    for ident, token in claim(now, worker or worker_name(), batch, lease):
        try:
            done[deliver(ident, token, now)] += 1
        except Exception as err:  # one bad notice must not stop the others; its lease brings it back
            db.session.rollback()
            current_app.logger.error("notification %s: %s", ident, type(err).__name__)
            done["error"] += 1
    return done


def _release(notification: Notification) -> None:
    notification.claimed_by = None
    notification.lease_until = None


def _push(notification: Notification, message, muted: set, now: datetime) -> list[str]:
    """Web Push to each of the person's phones not yet sent; the errors. A subscription the
    push service no longer knows is ended, not retried."""
    if WEBPUSH in muted or webpush.private_key() is None:
        return []
    done = set(db.session.scalars(select(Delivery.subscription_id).where(
        Delivery.notification_id == notification.id, Delivery.subscription_id.is_not(None))))
    subscriptions = [s for s in db.session.scalars(
        select(PushSubscription).where(PushSubscription.user_id == notification.user_id,
                                       PushSubscription.ended_at.is_(None)).order_by(PushSubscription.created_at))
        if s.id not in done]
    errors = []
    for subscription in subscriptions:
        key = rules.delivery_key(notification.id, subscription.id)
        try:
            webpush.send(subscription, message, key, now)
        except webpush.Gone:
            subscription.ended_at = now
            db.session.commit()
            continue
        except channels.ChannelError as err:
            errors.append(f"webpush: {err}")
            continue
        db.session.add(Delivery(notification_id=notification.id, subscription_id=subscription.id,
                                idempotency_key=key, sent_at=now))
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
    return errors


def deliver(ident: str, token: str, now: datetime) -> str:
    """Send one claimed notice on every channel it still needs; what became of it."""
    notification = db.session.get(Notification, ident)
    if notification is None or notification.claimed_by != token or notification.status != PENDING:
        db.session.rollback()
        return "lost"
    user = db.session.get(User, notification.user_id)
    site = db.session.get(Site, notification.site_id)
    mine = db.session.get(NotifySettings, notification.user_id)
    quiet = rules.parse_quiet(mine.quiet_start, mine.quiet_end) if mine else None
    hold = rules.release_at(now, ZoneInfo(site.timezone), quiet, notification.at_once)
    if hold is not None:
        notification.next_attempt_at = hold
        _release(notification)
        db.session.commit()
        return "held"
    message = outgoing(notification, user, mine.email if mine else None)
    muted = set(mine.muted or []) if mine else set()
    sent = set(db.session.scalars(select(Delivery.channel_id).where(Delivery.notification_id == ident)))
    targets = [c for c in db.session.scalars(
        select(NotifyChannel).where(NotifyChannel.site_id == notification.site_id, NotifyChannel.active.is_(True))
        .order_by(NotifyChannel.created_at, NotifyChannel.id))
        if c.kind not in muted and c.id not in sent and channels.reaches(c, message)]
    errors = _push(notification, message, muted, now)
    for channel in targets:
        key = rules.delivery_key(ident, channel.id)
        try:
            channels.SENDERS[channel.kind](channel, message, key, now)
        except channels.ChannelError as err:
            errors.append(f"{channel.kind}: {err}")
            continue
        db.session.add(Delivery(notification_id=ident, channel_id=channel.id, idempotency_key=key, sent_at=now))
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()  # another worker, past our lease, recorded it first
    notification = db.session.get(Notification, ident)
    if notification.claimed_by != token:
        db.session.rollback()
        return "lost"
    _release(notification)
    if not errors:
        notification.status, notification.done_at = DONE, now
        outcome = "done"
    else:
        notification.attempts += 1
        notification.last_error = "; ".join(errors)[:200]
        again = rules.retry_at(now, notification.attempts)
        if again is None:
            notification.status, notification.done_at = FAILED, now
            current_app.logger.warning("notification %s failed: %s", ident, notification.last_error)
            outcome = "failed"
        else:
            notification.next_attempt_at = again
            outcome = "retry"
    db.session.commit()
    return outcome
