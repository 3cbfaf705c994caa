"""The phone app's server side: its shell pages, service worker, manifest and strings."""
from flask import Blueprint

bp = Blueprint("phone", __name__)

from app.phone import routes  # noqa: E402,F401
