"""Writing the audit log of personal data: who revealed or exported what, when, why, from where.

Callers add the entry in the transaction that shows or exports the data and commit it
before the data leaves the server, so nothing is shown that is not on record.
"""
from flask import request
from flask_login import current_user

from app.extensions import db
from app.models import AuditEntry

REVEAL = "reveal"
EXPORT = "export"


def record(action: str, target_type: str, target_id: str | None = None, *, field: str | None = None,
           reason: str | None = None, site_id: str | None = None) -> AuditEntry:
    """Add one entry for the signed-in person and this request's address; the caller commits."""
    entry = AuditEntry(user_id=current_user.id, action=action, target_type=target_type, target_id=target_id,
                       field=field, reason=reason, site_id=site_id,
                       address=(request.remote_addr or "")[:45] or None)
    db.session.add(entry)
    return entry
