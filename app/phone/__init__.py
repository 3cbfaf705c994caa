"""The phone app's server side: its shell pages, service worker, manifest and strings."""
from flask import Blueprint

bp = Blueprint("phone", __name__)

from app.phone import routes  # noqa: E402,F401
from app.phone.roster import register_roster_types  # noqa: E402

register_roster_types()
