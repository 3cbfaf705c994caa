"""The gate (门岗) at the desk: visits with their stays, and the gate's lists (residents'
vehicles and the watch list) that the phones cache."""
from flask import Blueprint

bp = Blueprint("gate", __name__, url_prefix="/gate")

from app.gate import routes  # noqa: E402,F401
from app.gate import reveal  # noqa: E402,F401
