"""Complaints (投诉) at the desk: what customer service recorded, with the follow-up each opened."""
from flask import Blueprint

bp = Blueprint("complaints", __name__, url_prefix="/complaints")

from app.complaints import routes  # noqa: E402,F401
