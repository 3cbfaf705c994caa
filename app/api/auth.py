"""How API requests are authenticated: a device token, or the desktop cookie with CSRF."""
from functools import wraps

from flask import g
from flask import request
from flask_login import current_user
from flask_wtf.csrf import ValidationError as CSRFValidationError
from flask_wtf.csrf import validate_csrf

from app.api import bp
from app.auth import tokens
from app.errors import api_error

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return None


@bp.before_request
def authenticate_request():
    """Set ``g.api_user``: from the bearer token, else from the cookie (CSRF-checked)."""
    g.api_user = None
    g.device_token = None
    token = bearer_token()
    if token is not None:
        row = tokens.verify(token)
        if row is None:
            return api_error(401, "unauthorized")
        g.api_user = row.user
        g.device_token = row
        return None
    if current_user.is_authenticated:
        if request.method not in SAFE_METHODS:
            try:
                validate_csrf(request.headers.get("X-CSRFToken"))
            except CSRFValidationError:
                return api_error(400, "csrf_failed", _csrf_message())
        g.api_user = current_user._get_current_object()
    return None


def _csrf_message():
    from flask_babel import gettext as _
    return _("The form has expired. Please reload the page and try again.")


def login_required_api(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if g.get("api_user") is None:
            return api_error(401)
        return view(*args, **kwargs)
    return wrapped


def token_required(view):
    """For the phone's endpoints: only a device token will do."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if g.get("device_token") is None:
            return api_error(401)
        return view(*args, **kwargs)
    return wrapped
