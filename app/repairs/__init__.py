"""Repair orders (报修 → 《维修任务单》) at the desk: intake, the list, one order, the Monday approval."""
from flask import Blueprint

bp = Blueprint("repairs", __name__, url_prefix="/repairs")

from app.repairs import routes  # noqa: E402,F401
