"""``/meetings``: a site's meetings of a month (the site's days), each on time or late by
``sync.meeting_rules.timeliness``, as a page and as CSV or XLSX; ``/meetings/<id>``: one
meeting, printable on A4 as 《晨会记录》 or 《周例会记录》. For reviewers of the site.
"""
from __future__ import annotations

from datetime import timedelta

from flask import abort
from flask import render_template
from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.meetings import bp
from app.meetings import queries
from app.models import Meeting
from app.navigation import add_nav
from app.office import exports
from app.office.access import may_review
from app.office.access import review_required
from app.office.filters import asked_month
from app.office.filters import one_site
from app.office.filters import local_today
from app.office.filters import visible_sites
from sync import meeting_rules as rules

add_nav(83, "meetings.index", _l("Meetings"), may_review)


def columns() -> list[exports.Column]:
    """The file's columns: one meeting a line, the attendees by name."""
    C = exports.Column
    return [
        C(_l("Day"), lambda r: r.day, "date", 11),
        C(_l("Meeting"), lambda r: queries.KIND_NAMES.get(r.kind, r.kind), width=8),
        C(_l("Started"), lambda r: r.started_at, "datetime", 17),
        C(_l("On time"), lambda r: queries.VERDICT_NAMES.get(r.verdict, r.verdict), width=8),
        C(_l("Chair"), lambda r: r.chair, width=12),
        C(_l("Attendees"), lambda r: len(r.attendees), "number", 8),
        C(_l("Who attended"), lambda r: "、".join(r.attendees), width=30),
        C(_l("Absent"), lambda r: r.row.absent_note, width=24),
        C(_l("Assignments"), lambda r: r.row.assignments, width=40),
        C(_l("Summary"), lambda r: r.row.yesterday_summary, width=40),
        C(_l("Notes"), lambda r: r.row.notes, width=24),
    ]


@bp.route("", methods=["GET"])
@review_required
def index():
    """A site's month of meetings, oldest first, and its files."""
    errors: list[str] = []
    sites = visible_sites()
    site = one_site(sites, errors)
    if site is None:
        return render_template("meetings/index.html", site=None, sites=sites, errors=errors)
    month = asked_month(site.timezone, errors)
    kind = request.args.get("kind") or None
    if kind is not None and kind not in rules.KINDS:
        errors.append(_("Unknown meeting kind; every meeting is shown."))
        kind = None
    fmt = exports.requested(errors)
    lines = queries.lines(site, queries.month_rows(site, month, kind))
    if fmt:
        title = _("Meetings")
        return exports.respond(fmt, f"{title}_{site.name}_{month:%Y-%m}", columns(), lines, tz=site.timezone,
                               title=title)
    previous = (month - timedelta(days=1)).replace(day=1)
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    late = sum(1 for line in lines if line.verdict == rules.LATE)
    return render_template("meetings/index.html", site=site, sites=sites, errors=errors, lines=lines,
                           month=month, kind=kind, previous=previous, following=following, late=late,
                           today=local_today(site.timezone), kinds=queries.KIND_NAMES,
                           verdicts=queries.VERDICT_NAMES, settings={k: site.setting(k) for k in rules.DEFAULTS})


@bp.route("/<meeting_id>", methods=["GET"])
@review_required
def show(meeting_id: str):
    """One meeting as 《晨会记录》 / 《周例会记录》, printable; another site's is 404."""
    sites = {s.id: s for s in visible_sites()}
    row = db.session.get(Meeting, meeting_id)
    if row is None or row.deleted_at is not None or row.site_id not in sites:
        abort(404)
    site = sites[row.site_id]
    (line,) = queries.lines(site, [row])
    return render_template("meetings/show.html", line=line, row=row, site=site,
                           title=queries.FORM_TITLES.get(row.kind, row.kind), kinds=queries.KIND_NAMES,
                           verdicts=queries.VERDICT_NAMES)
