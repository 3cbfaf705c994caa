"""Decoration permits (装修许可) at the front desk, and the active ones on the gate phones."""
from flask import Blueprint

bp = Blueprint("decoration", __name__, url_prefix="/decoration")

from app.decoration import pull  # noqa: E402,F401
from app.decoration import routes  # noqa: E402,F401
