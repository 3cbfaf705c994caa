"""Follow-ups (跟进): the desk where people work them, and the server's own moves on them.

The desk (``routes``, ``desk``) lets people assign, note, resolve, verify, close and reopen
under ``sync.followup_policy``, the same rules a phone's ``followup.update`` obeys. The
periodic sweep (``flask followups sweep``) and the settling of the sweep's follow-ups when
a late sync proves the work done are ``sweep``, ``facts``, ``actions`` and ``commands``;
their rules are ``sync.sweep`` (pure).
"""
from flask import Blueprint

bp = Blueprint("followups", __name__, url_prefix="/followups")

from app.followups import routes  # noqa: E402,F401
