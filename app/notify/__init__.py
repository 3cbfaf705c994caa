"""Notifications: an outbox written with each event, a worker that sends it, the sites'
channels and each person's list and settings (``docs/notifications.md``)."""
from flask import Blueprint

bp = Blueprint("notify", __name__, url_prefix="/notifications")

from app.notify import routes  # noqa: E402,F401
