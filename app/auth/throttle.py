"""Sign-in throttling: 5 failures for one username from one address in 15 minutes."""
from datetime import timedelta

from flask import current_app
from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from app.models import LoginAttempt
from app.models import utcnow


def _window():
    return timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])


def retry_after(username: str, address: str) -> int | None:
    """Seconds until another try is allowed, or ``None`` when one is allowed now."""
    since = utcnow() - _window()
    username = (username or "").strip().lower()[:64]
    count, oldest = db.session.execute(
        select(func.count(LoginAttempt.id), func.min(LoginAttempt.at)).where(
            LoginAttempt.username == username,
            LoginAttempt.address == address,
            LoginAttempt.at > since,
        )
    ).one()
    if count < current_app.config["LOGIN_MAX_FAILURES"]:
        return None
    wait = (oldest + _window() - utcnow()).total_seconds()
    return max(1, int(wait) + 1)


def record_failure(username: str, address: str) -> None:
    db.session.add(LoginAttempt(username=(username or "").strip().lower()[:64], address=address[:64]))
    db.session.commit()
