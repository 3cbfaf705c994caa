"""Device tokens: random, stored as a SHA-256 hash, bound to one user and one device."""
import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import DeviceToken
from app.models import utcnow


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_days(user) -> int:
    days = [s.setting("device_token_days") for s in user.sites]
    return min(days) if days else 30


def issue(user, device_id: str) -> tuple[str, DeviceToken]:
    """A new token for this user on this device; earlier tokens of the pair are revoked."""
    now = utcnow()
    for old in db.session.scalars(select(DeviceToken).where(
            DeviceToken.user_id == user.id, DeviceToken.device_id == device_id,
            DeviceToken.revoked_at.is_(None))):
        old.revoked_at = now
    token = secrets.token_urlsafe(32)
    row = DeviceToken(user_id=user.id, device_id=device_id, token_hash=_hash(token),
                      created_at=now, last_used_at=now,
                      expires_at=now + timedelta(days=token_days(user)))
    db.session.add(row)
    return token, row


def verify(token: str) -> DeviceToken | None:
    """The live token row for this secret, its expiry slid forward; ``None`` if not valid."""
    if not token or len(token) > 200:
        return None
    row = db.session.scalar(select(DeviceToken).where(DeviceToken.token_hash == _hash(token)))
    now = utcnow()
    if row is None or row.revoked_at is not None or row.expires_at <= now or not row.user.is_active:
        return None
    # Slide the expiry at most once an hour so that each sync does not rewrite the row.
    if now - row.last_used_at > timedelta(hours=1):
        row.last_used_at = now
        row.expires_at = now + timedelta(days=token_days(row.user))
        db.session.commit()
    return row


def revoke(row: DeviceToken) -> None:
    row.revoked_at = utcnow()


def revoke_all(user) -> int:
    """Revoke every live token of ``user``; how many there were. Each phone then gets 401,
    keeps its outbox and asks its person to sign in again. The caller commits."""
    now = utcnow()
    rows = db.session.scalars(select(DeviceToken).where(
        DeviceToken.user_id == user.id, DeviceToken.revoked_at.is_(None))).all()
    for row in rows:
        row.revoked_at = now
    return len(rows)
