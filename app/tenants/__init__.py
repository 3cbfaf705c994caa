"""Rental households and their temporary-residence registration (暂住登记) at the front desk."""
from flask import Blueprint

bp = Blueprint("tenants", __name__, url_prefix="/tenants")

from app.tenants import pull  # noqa: E402,F401
from app.tenants import routes  # noqa: E402,F401
