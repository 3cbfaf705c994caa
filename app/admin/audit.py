"""The audit log of visitors' personal data: every reveal of a full number, every export.

Newest first, filtered by person, action and dates (in the company's time zone). An admin
sees the entries of the people of their own company only.
"""
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask import render_template
from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from app.admin import bp
from app.admin import lookups
from app.extensions import db
from app.office import exports
from app.models import AuditEntry
from app.models import Site
from app.models import User
from app.models import Visit

PER_PAGE = 50
ACTIONS = {"reveal": _l("Revealed a number"), "export": _l("Exported personal data")}
FIELDS = {"phone": _l("Phone"), "id_number": _l("ID number")}


def _day(name: str, errors: list[str]) -> date | None:
    value = (request.args.get(name) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append(_("“%(value)s” is not a date (use YYYY-MM-DD); the filter was left out.", value=value[:20]))
        return None


def audit_lines(entries):
    """``(entry, site name, visitor name)``, looked up a batch at a time."""
    for batch in exports.in_batches(entries):
        site_ids = {e.site_id for e in batch if e.site_id}
        sites = dict(db.session.execute(select(Site.id, Site.name).where(Site.id.in_(site_ids))).all()) \
            if site_ids else {}
        visit_ids = {e.target_id for e in batch if e.target_type == "visit" and e.target_id}
        visits = dict(db.session.execute(select(Visit.id, Visit.visitor_name).where(Visit.id.in_(visit_ids))).all()) \
            if visit_ids else {}
        for e in batch:
            yield e, sites.get(e.site_id, ""), visits.get(e.target_id)


def audit_columns(names: dict) -> list[exports.Column]:
    """The audit log as a file; the number itself is never in it, only which one was shown."""
    C = exports.Column

    def person(line):
        who = names.get(line[0].user_id)
        return f"{who.display_name} ({who.username})" if who else ""
    return [
        C(_l("Time"), lambda x: x[0].at, "datetime", 17),
        C(_l("Person"), person, width=20),
        C(_l("Action"), lambda x: str(ACTIONS.get(x[0].action, x[0].action)), width=14),
        C(_l("Site"), lambda x: x[1], width=12),
        C(_l("Record"), lambda x: _("Visitor %(name)s", name=x[2]) if x[2] else (x[0].target_type or ""), width=18),
        C(_l("Number"), lambda x: str(FIELDS.get(x[0].field, x[0].field or "")), width=10),
        C(_l("Reason given"), lambda x: x[0].reason or "", width=30),
        C(_l("Network address"), lambda x: x[0].address or "", width=16),
    ]


@bp.route("/audit")
def audit():
    """Who revealed or exported visitors' personal data, newest first."""
    errors: list[str] = []
    tz = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    people = list(db.session.scalars(lookups.company_users().order_by(User.username)))
    person = request.args.get("user") or ""
    if person and person not in {u.id for u in people}:
        errors.append(_("No such person in your company; the filter was left out."))
        person = ""
    action = request.args.get("action") or ""
    if action and action not in ACTIONS:
        errors.append(_("Unknown action; the filter was left out."))
        action = ""
    start, end = _day("from", errors), _day("to", errors)

    stmt = (select(AuditEntry).join(User, User.id == AuditEntry.user_id)
            .where(User.company_id == current_user.company_id))
    if person:
        stmt = stmt.where(AuditEntry.user_id == person)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if start:
        stmt = stmt.where(AuditEntry.at >= datetime.combine(start, time(0), tz))
    if end:
        stmt = stmt.where(AuditEntry.at < datetime.combine(end + timedelta(days=1), time(0), tz))
    fmt = exports.requested(errors)
    if fmt:
        names = {u.id: u for u in people}
        ordered = stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        name = "_".join(p for p in (_("Audit log"), str(start or ""), str(end or "")) if p)
        return exports.respond(fmt, name, audit_columns(names), audit_lines(exports.streamed(ordered, scalars=True)),
                               tz=str(tz), title=_("Audit log"), total=exports.count(stmt) if fmt == "csv" else None)
    page = db.paginate(stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()),
                       page=request.args.get("page", 1, type=int), per_page=PER_PAGE, error_out=False)
    entries = list(page.items)
    names = {u.id: u for u in people}
    site_ids = {e.site_id for e in entries if e.site_id}
    sites = dict(db.session.execute(select(Site.id, Site.name).where(Site.id.in_(site_ids))).all()) if site_ids else {}
    visit_ids = {e.target_id for e in entries if e.target_type == "visit" and e.target_id}
    visits = dict(db.session.execute(select(Visit.id, Visit.visitor_name).where(Visit.id.in_(visit_ids))).all()) \
        if visit_ids else {}
    return render_template("admin/audit.html", page=page, entries=entries, people=people, names=names,
                           sites=sites, visits=visits, person=person, action=action, start=start, end=end,
                           errors=errors, actions=ACTIONS, fields=FIELDS, tz=str(tz))
