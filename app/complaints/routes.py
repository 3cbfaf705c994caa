"""Complaints at the desk: the list with the collective events it suggests, and one
complaint with its clocks, replies and the desk's actions (``handling``)."""
from flask import render_template
from flask_login import current_user
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.complaints import bp
from app.complaints import queries
from app.extensions import db
from app.models import Complaint
from app.models import FollowUp
from app.models import Site
from app.models import utcnow
from app.navigation import add_nav
from app.complaints import clocks
from app.complaints.suggestions import suggestions
from app.office import exports
from app.office.access import REVIEW_ROLES
from app.office.access import desk_required
from app.office.access import may_use_desk
from app.office.filters import paginate
from app.office.filters import parse
from app.office.filters import site_people
from app.scoping import get_scoped_or_404

DESK_NAV = ("clerk", *REVIEW_ROLES)
add_nav(70, "complaints.index", _l("Complaints"), DESK_NAV)
add_nav(71, "complaints.duty", _l("Duty log"), DESK_NAV)

KIND_LABELS = {"valid": _l("Valid complaint"), "assisted": _l("Assisted complaint"),
               "invalid": _l("Invalid complaint"), "collective": _l("Collective complaint")}
CHANNEL_LABELS = {"in_person": _l("In person"), "phone": _l("By phone"), "written": _l("In writing"),
                  "email": _l("By email"), "hotline": _l("24-hour hotline"), "developer": _l("From the developer")}
STAGE_LABELS = {"contact": _l("Contacted the owner"), "reply": _l("Replied to the owner"),
                "report_back": _l("Reported back to the developer"), "event_report": _l("Special event report")}
METHOD_LABELS = {"phone": _l("By phone"), "visit": _l("Home visit"), "written": _l("In writing")}
SATISFACTION_LABELS = {"satisfied": _l("Satisfied"), "basically": _l("Basically satisfied"),
                       "unsatisfied": _l("Unsatisfied")}
CLOCK_LABELS = {"contact": _l("Contact the owner"), "reply": _l("Reply to the owner"),
                "report_back": _l("Report back to the developer")}
VERDICT_LABELS = {"kept": _l("In time"), "late": _l("Late"), "running": _l("Running")}
STATUS_LABELS = {"open": _l("Open"), "in_progress": _l("In progress"), "resolved": _l("Resolved"),
                 "closed": _l("Closed")}
CATEGORY_LABELS = {"security": _l("Security"), "cleaning": _l("Cleaning"), "repair": _l("Repairs"),
                   "greenery": _l("Greenery"), "fire": _l("Fire safety"), "parking": _l("Parking"),
                   "other": _l("Other")}
LABELS = {"kinds": KIND_LABELS, "channels": CHANNEL_LABELS, "statuses": STATUS_LABELS,
          "categories": CATEGORY_LABELS, "stages": STAGE_LABELS, "methods": METHOD_LABELS,
          "satisfaction": SATISFACTION_LABELS, "clocks": CLOCK_LABELS, "verdicts": VERDICT_LABELS}


@bp.route("")
@desk_required
def index():
    """Complaints of the chosen sites over the last 30 days unless told, newest first."""
    f = parse(categories=queries.KINDS, statuses=queries.STATUSES, sorts=queries.SORTS,
              default_sort="-lodged", default_days=30)
    fmt = exports.requested(f.errors)
    if fmt:
        from app.complaints import exports as files  # it reads this module's labels
        zones = {s.id: s.timezone for s in f.sites}
        return exports.download(fmt, _("Complaints"), f, files.list_columns({s.id: s.name for s in f.sites}),
                                files.list_lines(exports.streamed(queries.complaints(f), scalars=True)),
                                tz=lambda line: zones.get(line[0].site_id, f.tz), counted=queries.complaints(f))
    page = paginate(queries.complaints(f), f)
    return render_template(
        "complaints/index.html", f=f, page=page, followups=queries.followups_of(page.items),
        names=queries.names_of(c.user_id for c in page.items),
        sites={s.id: s for s in f.sites}, people=site_people(f.site_ids), now=utcnow(),
        kinds=[(k, KIND_LABELS[k]) for k in queries.KINDS],
        statuses=[(k, STATUS_LABELS[k]) for k in queries.STATUSES], labels=LABELS,
        active=queries.ACTIVE, suggested=suggestions(f.sites if not f.site else [f.site], utcnow()))


@bp.route("/<complaint_id>")
@desk_required
def detail(complaint_id):
    return render_detail(get_scoped_or_404(Complaint, complaint_id))


def render_detail(complaint: Complaint, error: str | None = None, error_field: str | None = None,
                  form: dict | None = None, status: int = 200):
    """One complaint: what was said, its clocks and replies, the complaint it repeats (with
    the earlier handling), the collective event it joined, its follow-up, and the desk's
    forms; a refused action comes back here with its reason beside its field."""
    earlier = None
    if complaint.repeat_of:
        earlier = db.session.get(Complaint, complaint.repeat_of)
        if earlier is not None and (earlier.site_id != complaint.site_id or earlier.deleted_at is not None):
            earlier = None
    followup = db.session.get(FollowUp, complaint.followup_id) if complaint.followup_id else None
    later = queries.repeats_of(complaint)
    site = db.session.get(Site, complaint.site_id)
    now = utcnow()
    shown = [complaint] + ([earlier] if earlier else [])
    handled = clocks.handling(shown, {site.id: site}, now)
    merged = queries.merged_into(complaint)
    event = db.session.get(Complaint, complaint.merged_into) if complaint.merged_into else None
    names = queries.names_of([complaint.user_id, followup.assignee_id if followup else None, complaint.classified_by,
                              *(r.user_id for h in handled.values() for r in h.replies)])
    return render_template(
        "complaints/detail.html", complaint=complaint, site=site, earlier=earlier, later=later,
        followup=followup, names=names, now=now, labels=LABELS, active=queries.ACTIVE,
        handling=handled[complaint.id], earlier_handling=handled.get(earlier.id) if earlier else None,
        merged=merged, event=event, may_act=may_use_desk(current_user) and not complaint.merged_into,
        error=error, error_field=error_field, form=form or {}), status
