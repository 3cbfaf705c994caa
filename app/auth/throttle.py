"""Sign-in throttling, counted from failed sign-ins in the last ``LOGIN_WINDOW_MINUTES``.

Three limits, each with its own reach (numbers in ``app/config.py``):

* one username from one address (``LOGIN_MAX_FAILURES``, 5): that address waits for that
  username — someone guessing one person's password from one place;
* one address, any usernames (``LOGIN_MAX_FAILURES_ADDRESS``, 30): that address waits for
  every username — someone trying many people's passwords from one place;
* one username, any addresses (``LOGIN_MAX_FAILURES_USER``, 10): that username waits,
  everywhere — someone trying one password from many places.

The first two stop the attacker's address and nobody else. The third is the only one that
can keep the right password out from elsewhere, so it is set above the first (wrong tries
from one address alone never reach it) and never outlasts the window: a refused try is not
counted, so the wait ends at most ``LOGIN_WINDOW_MINUTES`` after it began. A browser or
phone that has signed in as that person before (a signed ``known_signin`` cookie, kept
``LOGIN_KNOWN_DEVICE_DAYS``) is not held by it at all, so tries from elsewhere cannot lock
the person out of the machines they use.

The address is ``request.remote_addr``: the client's own only behind ``PROXY_COUNT``
proxies (``app.register_proxy``). IPv6 addresses count by their /64 network, which one
machine can fill with addresses.
"""
import ipaddress
from dataclasses import dataclass
from datetime import timedelta

from flask import after_this_request
from flask import current_app
from flask import request
from itsdangerous import BadData
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from app.extensions import db
from app.models import LoginAttempt
from app.models import utcnow


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])


def address_key(address: str | None) -> str:
    """How an address is counted: IPv4 as it is, IPv6 by its /64 network."""
    address = (address or "").strip()
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def username_key(username: str | None) -> str:
    return (username or "").strip().lower()[:64]


@dataclass(frozen=True)
class Limit:
    """One limit: at most ``most`` failures that match ``where`` in the window."""

    name: str
    most: int
    where: tuple


def _limits(username: str, address: str, known: bool) -> list[Limit]:
    config = current_app.config
    limits = [
        Limit("username_address", config["LOGIN_MAX_FAILURES"],
              (LoginAttempt.username == username, LoginAttempt.address == address)),
        Limit("address", config["LOGIN_MAX_FAILURES_ADDRESS"], (LoginAttempt.address == address,)),
    ]
    if not known:
        limits.append(Limit("username", config["LOGIN_MAX_FAILURES_USER"],
                            (LoginAttempt.username == username,)))
    return limits


def _wait(limit: Limit, since, now) -> int | None:
    """Seconds until fewer than ``limit.most`` failures are left in the window, or ``None``."""
    times = db.session.scalars(
        select(LoginAttempt.at).where(*limit.where, LoginAttempt.at > since)
        .order_by(LoginAttempt.at.desc()).limit(limit.most)).all()
    if len(times) < limit.most:
        return None
    # The most-th newest failure has to leave the window before another try counts.
    seconds = (times[-1] + _window() - now).total_seconds()
    return max(1, int(seconds) + 1)


def retry_after(username: str, address: str, known: bool = False) -> int | None:
    """Seconds until a sign-in as ``username`` from ``address`` may be tried, or ``None``
    when it may be tried now; ``known``: this browser has signed in as them before."""
    now = utcnow()
    since = now - _window()
    waits = [_wait(limit, since, now)
             for limit in _limits(username_key(username), address_key(address), known)]
    waits = [w for w in waits if w]
    return max(waits) if waits else None


def record_failure(username: str, address: str) -> None:
    """Count a failed sign-in (commits, so that it counts whatever the request does next)."""
    db.session.add(LoginAttempt(username=username_key(username), address=address_key(address)))
    db.session.commit()


# --- browsers and phones that have signed in before --------------------------------------

KNOWN_COOKIE = "known_signin"
KNOWN_MOST = 5  # people remembered per browser (a shared desk, a gate phone)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="known-signin")


def known_user_ids() -> list[str]:
    """The people this browser has signed in as within ``LOGIN_KNOWN_DEVICE_DAYS``."""
    raw = request.cookies.get(KNOWN_COOKIE)
    if not raw or len(raw) > 1024:
        return []
    try:
        ids = _serializer().loads(raw, max_age=current_app.config["LOGIN_KNOWN_DEVICE_DAYS"] * 86400)
    except BadData:
        return []
    return [i for i in ids if isinstance(i, str)] if isinstance(ids, list) else []


def remember_known(user_id: str) -> None:
    """After a successful sign-in: this browser now knows ``user_id`` (renewed each time)."""
    ids = [user_id] + [i for i in known_user_ids() if i != user_id][:KNOWN_MOST - 1]
    value = _serializer().dumps(ids)
    config = current_app.config

    @after_this_request
    def set_cookie(response):
        response.set_cookie(KNOWN_COOKIE, value, max_age=config["LOGIN_KNOWN_DEVICE_DAYS"] * 86400,
                            httponly=True, samesite="Lax", secure=config["SESSION_COOKIE_SECURE"])
        return response
