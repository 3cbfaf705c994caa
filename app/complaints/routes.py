"""Complaints office pages: the list and one complaint, read-only (the complaint workflow
comes later; the follow-up each complaint opened is worked on at the follow-up desk)."""
from flask import render_template
from flask_babel import lazy_gettext as _l

from app.complaints import bp
from app.complaints import queries
from app.extensions import db
from app.models import Complaint
from app.models import FollowUp
from app.models import Site
from app.models import utcnow
from app.navigation import add_nav
from app.office.access import REVIEW_ROLES
from app.office.access import review_required
from app.office.filters import paginate
from app.office.filters import parse
from app.office.filters import site_people
from app.scoping import get_scoped_or_404

add_nav(70, "complaints.index", _l("Complaints"), REVIEW_ROLES)

KIND_LABELS = {"valid": _l("Valid complaint"), "assisted": _l("Assisted complaint"),
               "invalid": _l("Invalid complaint"), "collective": _l("Collective complaint")}
CHANNEL_LABELS = {"in_person": _l("In person"), "phone": _l("By phone"), "written": _l("In writing"),
                  "email": _l("By email"), "developer": _l("From the developer")}
STATUS_LABELS = {"open": _l("Open"), "in_progress": _l("In progress"), "resolved": _l("Resolved"),
                 "closed": _l("Closed")}
CATEGORY_LABELS = {"security": _l("Security"), "cleaning": _l("Cleaning"), "repair": _l("Repairs"),
                   "greenery": _l("Greenery"), "fire": _l("Fire safety"), "parking": _l("Parking"),
                   "other": _l("Other")}
LABELS = {"kinds": KIND_LABELS, "channels": CHANNEL_LABELS, "statuses": STATUS_LABELS,
          "categories": CATEGORY_LABELS}


@bp.route("")
@review_required
def index():
    """Complaints of the chosen sites over the last 30 days unless told, newest first."""
    f = parse(categories=queries.KINDS, statuses=queries.STATUSES, sorts=queries.SORTS,
              default_sort="-lodged", default_days=30)
    page = paginate(queries.complaints(f), f)
    return render_template(
        "complaints/index.html", f=f, page=page, followups=queries.followups_of(page.items),
        names=queries.names_of(c.user_id for c in page.items),
        sites={s.id: s for s in f.sites}, people=site_people(f.site_ids), now=utcnow(),
        kinds=[(k, KIND_LABELS[k]) for k in queries.KINDS],
        statuses=[(k, STATUS_LABELS[k]) for k in queries.STATUSES], labels=LABELS,
        active=queries.ACTIVE)


@bp.route("/<complaint_id>")
@review_required
def detail(complaint_id):
    """One complaint: what was said, by whom, photos, the complaint it repeats, its follow-up."""
    complaint = get_scoped_or_404(Complaint, complaint_id)
    earlier = None
    if complaint.repeat_of:
        earlier = db.session.get(Complaint, complaint.repeat_of)
        if earlier is not None and (earlier.site_id != complaint.site_id or earlier.deleted_at is not None):
            earlier = None
    followup = db.session.get(FollowUp, complaint.followup_id) if complaint.followup_id else None
    later = queries.repeats_of(complaint)
    names = queries.names_of([complaint.user_id, followup.assignee_id if followup else None])
    return render_template(
        "complaints/detail.html", complaint=complaint, site=db.session.get(Site, complaint.site_id),
        earlier=earlier, later=later, followup=followup, names=names, now=utcnow(), labels=LABELS,
        active=queries.ACTIVE)
