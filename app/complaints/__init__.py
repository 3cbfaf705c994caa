"""Complaints (投诉) at the front desk: intake, the duty log, classes, replies, clocks, the
timely-handling rate and the monthly summary."""
from flask import Blueprint

bp = Blueprint("complaints", __name__, url_prefix="/complaints")

from app.complaints import routes  # noqa: E402,F401
from app.complaints import handling  # noqa: E402,F401
from app.complaints import duty  # noqa: E402,F401
from app.complaints import summary  # noqa: E402,F401
