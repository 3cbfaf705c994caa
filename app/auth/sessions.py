"""Desktop sessions: ended on the server, bounded in time, and held to a forced password change.

The session cookie is signed but lives in the browser, so a copy of it would otherwise stay
good after sign-out. Flask-Login keeps ``User.get_id()`` in it, ``"<user id>:<session
version>"``; ``end_everywhere`` adds one to the person's ``session_version``, and every
cookie (and remember-me cookie) made before stops loading a user. That happens on sign-out,
on a password change, on deactivation and on a change of role.

Each session also carries when it signed in and when it was last used: it ends after
``SESSION_IDLE_MINUTES`` without a request and ``SESSION_MAX_HOURS`` after sign-in.

Phones do not use these cookies: they hold device tokens (``app/auth/tokens.py``).
"""
import time

from flask import current_app
from flask import flash
from flask import redirect
from flask import request
from flask import session
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_user
from flask_login import logout_user
from sqlalchemy import update

from app.extensions import db

SIGNED_IN_AT = "_signed_in_at"
SEEN_AT = "_seen_at"
# Last-seen is written at most once a minute, so that not every request re-sends the cookie.
SEEN_RESOLUTION = 60
# What someone who must choose a new password may still open on this browser: that page,
# sign-out, the language switch, and the phone app (its pages, and its own sign-in, which
# gives a device token; phones are not held to the change, see docs/security.md).
WHILE_CHANGING = {"auth.password", "auth.logout", "auth.set_language", "static", "main.healthz",
                  "api.session_create"}

# Requests that end a stale session without a message: files, and signing in or out anew.
QUIET = {"static", "auth.login", "auth.logout", "main.healthz"}


def load_user(session_id: str):
    """Flask-Login's user loader: the active user whose session version the cookie names."""
    from app.models import User

    user_id, _sep, version = (session_id or "").partition(":")
    if not user_id or not version.isdigit():
        return None  # a cookie from before session versions: sign in again
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    return user


def start(user) -> None:
    """Sign ``user`` in on this browser and start the session's clocks."""
    login_user(user)
    now = int(time.time())
    session[SIGNED_IN_AT] = now
    session[SEEN_AT] = now


def forget() -> None:
    """Drop this browser's sign-in (the other sessions of the person are not touched)."""
    logout_user()
    session.pop(SIGNED_IN_AT, None)
    session.pop(SEEN_AT, None)


def end_everywhere(user) -> None:
    """End every desktop session of ``user``: cookies made before this stop working.

    .. note:: An UPDATE of the one column, so that it neither races with another sign-out
       nor counts as a change phones must pull. The caller commits.
    """
    from app.models import User

    db.session.execute(update(User).where(User.id == user.id)
                       .values(session_version=User.session_version + 1))


def _expired(now: int) -> bool:
    signed_in, seen = session.get(SIGNED_IN_AT), session.get(SEEN_AT)
    if not isinstance(signed_in, int) or not isinstance(seen, int):
        return True
    config = current_app.config
    return (now - seen > config["SESSION_IDLE_MINUTES"] * 60
            or now - signed_in > config["SESSION_MAX_HOURS"] * 3600)


def _bearer() -> bool:
    return request.headers.get("Authorization", "")[:7].lower() == "bearer "


def check_session():
    """Before each request: end a session that is past its time or no longer valid, and
    hold a person who must change their password to that page. A phone's bearer-token
    request is not looked at; neither are the phone's pages.

    The request then goes on with nobody signed in: a page sends to sign-in, where the
    message is shown; the API answers 401.
    """
    if "_user_id" not in session or _bearer():
        return None
    now = int(time.time())
    if _expired(now) or not current_user.is_authenticated:
        forget()
        if request.endpoint not in QUIET and request.blueprint not in ("api", "phone"):
            flash(_("Your session has ended. Please sign in again."), "info")
        return None
    if now - session[SEEN_AT] >= SEEN_RESOLUTION:
        session[SEEN_AT] = now
    if (current_user.must_change_password and request.endpoint not in WHILE_CHANGING
            and request.blueprint != "phone"):
        return _change_first()
    return None


def _change_first():
    from app.errors import api_error

    message = _("Choose a new password before you go on.")
    if request.path.startswith("/api/"):
        return api_error(403, "password_change_required", message)
    flash(message, "warning")
    return redirect(url_for("auth.password"))


def init_app(app) -> None:
    """Register the user loader and the per-request check."""
    from app.extensions import login_manager

    login_manager.user_loader(load_user)
    app.before_request(check_session)
