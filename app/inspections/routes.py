"""``/inspections``: a site's week (Monday to Sunday in the site's days) — each manager's
written inspections against the rule of at least two a week (作业指导书: 书面考核不少于2次),
and the list of the week's inspections; ``/inspections/<id>``: one inspection, printable
on A4 as 《服务过程检验单》. For reviewers (managers, supervisors, admins) of the site. The
week and one inspection are also files (``?format=xlsx|csv``, ``app/inspections/exports.py``).

Inspections are recorded on the phone (``inspection.record``); nothing here writes.
"""
from __future__ import annotations

from datetime import date
from datetime import timedelta

from flask import abort
from flask import render_template
from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import Inspection
from app.models import User
from app.navigation import add_nav
from app.office import exports
from app.office.access import may_review
from app.office.access import review_required
from app.office.filters import one_site
from app.office.filters import local_today
from app.office.filters import site_people
from app.office.filters import visible_sites
from app.inspections import bp
from app.inspections import exports as files
from sync import inspection_rules as rules

add_nav(82, "inspections.week", _l("Inspections"), may_review)

POST_NAMES = {"security": _l("Security"), "customer_service": _l("Customer service"),
              "repair": _l("Repair"), "cleaning": _l("Cleaning"), "store": _l("Store")}


def _names(ids) -> dict[str, str]:
    return dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(set(ids) or {""}))).all())


@bp.route("", methods=["GET"])
@review_required
def week():
    """Each manager's count of the week against 2, and the week's inspections in order."""
    errors: list[str] = []
    sites = visible_sites()
    site = one_site(sites, errors)
    if site is None:
        return render_template("inspections/week.html", site=None, sites=sites, errors=errors)
    today = local_today(site.timezone)
    day = today
    raw = (request.args.get("week") or "").strip()
    if raw:
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            errors.append(_("The date is not valid; this week is shown."))
    monday = rules.week_start(day)
    sunday = monday + timedelta(days=6)
    rows = list(db.session.scalars(select(Inspection).where(
        Inspection.site_id == site.id, Inspection.deleted_at.is_(None),
        Inspection.day >= monday.isoformat(), Inspection.day <= sunday.isoformat())
        .order_by(Inspection.day, Inspection.at, Inspection.id)))
    counts = rules.counts([{"user_id": r.user_id, "day": r.day, "deleted_at": None} for r in rows], monday)
    managers = [p for p in site_people([site.id]) if p.role == "manager" and p.active]
    inspectors = [(p.id, p.display_name) for p in managers]
    names = _names({r.user_id for r in rows} | {r.person_id for r in rows})
    fmt = exports.requested(errors)
    if fmt:
        return files.week_file(fmt, site, monday, sunday, rows, names, POST_NAMES)
    for user_id in sorted(set(counts) - {p.id for p in managers}, key=lambda i: names.get(i, "")):
        inspectors.append((user_id, names.get(user_id, "")))
    tally = [{"id": i, "name": n, "count": counts.get(i, 0), "kept": rules.kept(counts.get(i, 0))}
             for i, n in inspectors]
    return render_template("inspections/week.html", site=site, sites=sites, errors=errors, rows=rows,
                           tally=tally, names=names, monday=monday, sunday=sunday, today=today,
                           required=rules.REQUIRED_PER_WEEK, posts=POST_NAMES,
                           previous=monday - timedelta(days=7), following=monday + timedelta(days=7))


@bp.route("/<inspection_id>", methods=["GET"])
@review_required
def show(inspection_id: str):
    """One inspection as 《服务过程检验单》, printable on A4; another site's is 404."""
    sites = {s.id: s for s in visible_sites()}
    row = db.session.get(Inspection, inspection_id)
    if row is None or row.deleted_at is not None or row.site_id not in sites:
        abort(404)
    names = _names({row.user_id, row.person_id})
    fmt = exports.requested()
    if fmt:
        return files.form_file(fmt, sites[row.site_id], row, names, POST_NAMES)
    items = [(key, label, row.checklist.get(key)) for key, label in rules.checklist(row.post)]
    return render_template("inspections/show.html", row=row, site=sites[row.site_id], names=names,
                           items=items, posts=POST_NAMES)
