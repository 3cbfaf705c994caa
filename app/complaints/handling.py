"""The desk's work on complaints: take one down, classify it, record a contact or reply,
merge households into a collective event. Each is a record the engine applies
(``complaint.create`` / ``classify`` / ``reply``), as from a phone: one rule for both."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.complaints import bp
from app.complaints.routes import LABELS
from app.complaints.routes import render_detail
from app.extensions import db
from app.models import Complaint
from app.models import Site
from app.models import new_id
from app.office import desk_photos
from app.office.access import desk_required
from app.office.desk_push import Refused
from app.office.desk_push import submit
from app.office.filters import visible_sites
from app.scoping import get_scoped_or_404
from sync.schemas import CATEGORIES
from sync.schemas import CHANNELS
from sync.schemas import COMPLAINT_KINDS

TEXT_FIELDS = ("description", "unit", "owner_name", "owner_phone")


def _text(name: str) -> str | None:
    return (request.form.get(name) or "").strip() or None


def _count(name: str):
    """A whole number as typed, or the text itself so that the engine refuses it in words."""
    raw = (request.form.get(name) or "").strip()
    if not raw:
        return None
    return int(raw) if raw.isdigit() and len(raw) < 10 else raw


def _local_time(name: str, tz: str):
    """A ``datetime-local`` value in the site's zone, or ``None`` when blank."""
    raw = (request.form.get(name) or "").strip()
    if not raw:
        return None
    try:
        return datetime.strptime(raw, "%Y-%m-%dT%H:%M").replace(tzinfo=ZoneInfo(tz))
    except ValueError:
        raise Refused(_("Give the time as a date and a time."), name) from None


@bp.route("/new", methods=["GET", "POST"])
@desk_required
def new():
    """Take a complaint at the desk (24-hour duty): it becomes a line of the duty log."""
    sites = visible_sites()
    form = {k: v for k, v in request.form.items() if k != "csrf_token"}
    if request.method == "GET":
        form = {"channel": request.args.get("channel", "phone"), "kind": "valid", "households": "1",
                "site_id": request.args.get("site") or (sites[0].id if len(sites) == 1 else "")}
        return _form(sites, form)
    data = {"site_id": _text("site_id"), "kind": _text("kind") or "valid", "channel": _text("channel"),
            "category": _text("category"), "households": _count("households") or 1}
    data.update({name: _text(name) for name in TEXT_FIELDS})
    ident = new_id()
    try:
        submit(current_user, [("complaint.create", ident, {k: v for k, v in data.items() if v is not None})])
    except Refused as refused:
        return _form(sites, form, refused, 422)
    flash(_("The complaint was taken down and its clocks started."))
    return redirect(url_for("complaints.detail", complaint_id=ident))


def _form(sites, form, refused: Refused | None = None, status: int = 200):
    return render_template(
        "complaints/new.html", sites=sites, form=form, labels=LABELS, kinds=COMPLAINT_KINDS,
        channels=CHANNELS, categories=CATEGORIES, error=refused.message if refused else None,
        error_field=refused.field if refused else None), status


@bp.route("/<complaint_id>/classify", methods=["POST"])
@desk_required
def classify(complaint_id):
    complaint = get_scoped_or_404(Complaint, complaint_id)
    data = {"kind": _text("kind"), "category": _text("category"), "households": _count("households"),
            "common_interest": request.form.get("common_interest") == "on"}
    try:
        submit(current_user, [("complaint.classify", complaint.id, {k: v for k, v in data.items() if v is not None})])
    except Refused as refused:
        return render_detail(db.session.get(Complaint, complaint.id), refused.message, refused.field,
                             dict(request.form), 422)
    flash(_("The complaint was classified."))
    return redirect(url_for("complaints.detail", complaint_id=complaint.id))


@bp.route("/<complaint_id>/reply", methods=["POST"])
@desk_required
def reply(complaint_id):
    """A contact, reply or report back, with a scan of the signed 《客户投诉记录表》."""
    complaint = get_scoped_or_404(Complaint, complaint_id)
    site = db.session.get(Site, complaint.site_id)
    try:
        agreed = _local_time("agreed_reply_at", site.timezone)
        data = {"complaint_id": complaint.id, "stage": _text("stage"), "method": _text("method"),
                "said": _text("said"), "owner_opinion": _text("owner_opinion"),
                "satisfaction": _text("satisfaction"),
                "agreed_reply_at": agreed.isoformat() if agreed else None}
        photo = desk_photos.keep(request.files.get("photo"), current_user)
        data["photo_ids"] = [photo] if photo else []
        submit(current_user, [("complaint.reply", new_id(), {k: v for k, v in data.items() if v is not None})])
    except Refused as refused:
        db.session.rollback()
        return render_detail(db.session.get(Complaint, complaint.id), refused.message, refused.field,
                             dict(request.form), 422)
    flash(_("The reply was recorded."))
    return redirect(url_for("complaints.detail", complaint_id=complaint.id))


@bp.route("/merge", methods=["POST"])
@desk_required
def merge():
    """Merge the suggested complaints into one collective event, which goes to the manager
    at once with its special event report."""
    ids = request.form.getlist("complaint_id")
    rows = [get_scoped_or_404(Complaint, i) for i in ids]
    if len({c.site_id for c in rows}) != 1:
        flash(_("Choose complaints of one site to merge."), "error")
        return redirect(url_for("complaints.index"))
    first = rows[0]
    households = len({c.unit or c.id for c in rows})
    description = _text("description") or _("Collective complaint: %(n)d households about %(what)s",
                                            n=households, what=LABELS["categories"].get(first.category, ""))
    ident = new_id()
    data = {"site_id": first.site_id, "kind": "collective", "channel": first.channel, "category": first.category,
            "households": households, "description": description[:2000], "merged_ids": [c.id for c in rows]}
    try:
        submit(current_user, [("complaint.create", ident, {k: v for k, v in data.items() if v is not None})])
    except Refused as refused:
        flash(refused.message, "error")
        return redirect(url_for("complaints.index"))
    flash(_("Merged into one collective event: it went to the service-centre manager."))
    return redirect(url_for("complaints.detail", complaint_id=ident))
