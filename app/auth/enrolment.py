"""Registering a phone to a gate post: a one-time code, shown to the admin as a QR code.

The code is the only secret the phone ever sees before its token: twelve characters from
an alphabet without look-alikes, so it can be typed when the camera fails; it works once,
for a day, and only its hash is kept. Redeeming it gives the phone a device token of the
post (``tokens.issue``), revocable like any other.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import POST_ROLE
from app.models import PostEnrolment
from app.models import User
from app.models import utcnow

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LIFETIME = timedelta(days=1)


def _hash(code: str) -> str:
    return hashlib.sha256(normalise(code).encode()).hexdigest()


def normalise(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch in ALPHABET)


def create(post: User, by: User) -> tuple[str, PostEnrolment]:
    """A fresh code for ``post`` (earlier unused ones stop working)."""
    now = utcnow()
    for old in db.session.scalars(select(PostEnrolment).where(
            PostEnrolment.post_id == post.id, PostEnrolment.used_at.is_(None))):
        old.expires_at = min(old.expires_at, now)
    raw = "".join(secrets.choice(ALPHABET) for _ in range(12))
    row = PostEnrolment(post_id=post.id, code_hash=_hash(raw), created_by=by.id, created_at=now,
                        expires_at=now + LIFETIME)
    db.session.add(row)
    return "-".join(raw[i:i + 4] for i in range(0, 12, 4)), row


def redeem(code: str, device_id: str) -> User | None:
    """The post a live code registers this device to, the code spent; ``None`` otherwise."""
    if len(normalise(code)) != 12:
        return None
    row = db.session.scalar(select(PostEnrolment).where(PostEnrolment.code_hash == _hash(code)))
    now = utcnow()
    if row is None or row.used_at is not None or row.expires_at <= now:
        return None
    post = db.session.get(User, row.post_id)
    if post is None or post.role != POST_ROLE or not post.is_active:
        return None
    row.used_at, row.device_id = now, device_id
    return post
