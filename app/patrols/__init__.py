"""Patrols (巡视) at the desk: every round with its checkpoints, gaps and findings, and the
patrol plans (routes with their schedules and walkers) that the sweep checks rounds against."""
from flask import Blueprint

bp = Blueprint("patrols", __name__, url_prefix="/patrols")

from app.patrols import routes  # noqa: E402,F401
