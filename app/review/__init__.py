"""The office pages that span features: the dashboard, search across records, the phones
and the conflicts the sync kept for review. Each feature's own lists live with it."""
from flask import Blueprint

bp = Blueprint("review", __name__, url_prefix="/review")

from app.review import routes  # noqa: E402,F401
from app.review import devices  # noqa: E402,F401
from app.review import search  # noqa: E402,F401
from app.review import conflicts  # noqa: E402,F401
from app.review import calendar  # noqa: E402,F401
