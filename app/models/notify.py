"""Notifications: the outbox of notices, where each was delivered, the sites' channels and
each person's own settings.

A ``Notification`` is written in the same transaction as the event that causes it (the
rows of ``sync.notify_rules``) and sent after commit by ``flask notify run``; a
``Delivery`` records that one notice reached one channel, once. The rows are never edited
away: a person reading one stamps ``read_at``, a worker giving up stamps ``failed``.
"""
from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import Boolean
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.extensions import db
from app.models.base import IdMixin
from app.models.base import UTCDateTime
from app.models.base import utcnow
from app.privacy.columns import Sealed

PENDING, DONE, FAILED = "pending", "done", "failed"
CHANNEL_KINDS = ("wecom", "dingtalk", "feishu", "email")
WEBPUSH = "webpush"  # a person's phones, not a site's channel: muted like the others


class Notification(IdMixin, db.Model):
    """One person to be told one thing, with the worker's claim on it.

    ``msgid`` and ``params`` are rendered in the person's language when sent; the params
    were masked by the rules. ``next_attempt_at`` holds it back (quiet hours, a retry's
    back-off; empty: due at once); ``claimed_by`` and ``lease_until`` say which worker has it and until when.
    """

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_due", "status", "next_attempt_at"),
                      Index("ix_notifications_user_created", "user_id", "created_at"))
    key: Mapped[str] = mapped_column(String(36), nullable=False, unique=True)
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), nullable=False, index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), nullable=False)
    event: Mapped[str] = mapped_column(String(32), nullable=False)
    subject_type: Mapped[str] = mapped_column(String(16), nullable=False)
    subject_id: Mapped[str] = mapped_column(String(36), nullable=False)
    msgid: Mapped[str] = mapped_column(String(300), nullable=False)
    params: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    at_once: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    status: Mapped[str] = mapped_column(String(8), nullable=False, default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(200))
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Delivery(IdMixin, db.Model):
    """One notice sent on one channel (a site's robot or mail server, or one phone's Web Push
    subscription); its unique pair is what makes "sent once" true."""

    __tablename__ = "notification_deliveries"
    __table_args__ = (UniqueConstraint("notification_id", "channel_id"),
                      UniqueConstraint("notification_id", "subscription_id"))
    notification_id: Mapped[str] = mapped_column(ForeignKey("notifications.id"), nullable=False)
    channel_id: Mapped[str | None] = mapped_column(ForeignKey("notify_channels.id"))
    subscription_id: Mapped[str | None] = mapped_column(ForeignKey("push_subscriptions.id"))
    idempotency_key: Mapped[str] = mapped_column(String(36), nullable=False)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class NotifyChannel(IdMixin, db.Model):
    """A site's group robot (WeCom, DingTalk, Feishu) or mail server, set on the admin pages.

    The webhook address carries the robot's access token and ``secret`` signs requests:
    both are sealed with the data key like visitors' numbers. ``options`` holds the rest
    (an SMTP server's host, port, user, sender).
    """

    __tablename__ = "notify_channels"
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    name: Mapped[str] = mapped_column(String(60), nullable=False)
    url: Mapped[str | None] = mapped_column(Sealed("notify.url", 2000))
    secret: Mapped[str | None] = mapped_column(Sealed("notify.secret"))
    options: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)


class NotifySettings(db.Model):
    """A person's own choices: channel kinds muted, quiet hours (site time), e-mail address."""

    __tablename__ = "notify_settings"
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    muted: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    quiet_start: Mapped[str | None] = mapped_column(String(5))
    quiet_end: Mapped[str | None] = mapped_column(String(5))
    email: Mapped[str | None] = mapped_column(String(254))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)


class PushSubscription(IdMixin, db.Model):
    """A phone's Web Push subscription (where its browser granted notifications): the push
    service's address and the keys that encrypt for it, sealed; ended when the person signs
    out there, turns it off, or the push service says it is gone."""

    __tablename__ = "push_subscriptions"
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    device_id: Mapped[str] = mapped_column(String(64), nullable=False)
    endpoint: Mapped[str] = mapped_column(Sealed("push.endpoint", 2000), nullable=False)
    p256dh: Mapped[str] = mapped_column(Sealed("push.p256dh"), nullable=False)
    auth: Mapped[str] = mapped_column(Sealed("push.auth"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
