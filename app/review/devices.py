"""Phones (设备): which hold records back and have gone quiet, how their clocks run, and an
admin's way to sign out a lost one."""
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.extensions import db
from app.models import utcnow
from app.office import exports
from app.navigation import add_nav
from app.office.access import REVIEW_ROLES
from app.office.access import review_required
from app.office.filters import paginate
from app.office.filters import parse
from app.office.filters import site_people
from app.review import bp
from app.review import phones
from app.review import words
from app.scoping import visible_site_ids

add_nav(80, "review.devices", _l("Phones"), REVIEW_ROLES)

STATUS_LABELS = (("quiet", _l("Quiet over 24 h with records waiting")), ("waiting", _l("Records waiting")))


@bp.route("/devices")
@review_required
def devices():
    f = parse(statuses=phones.STATUSES, sorts=phones.SORTS, default_sort="-quiet")
    if f.status == "all":
        f.status = ""
    now = utcnow()
    fmt = exports.requested(f.errors)
    if fmt:
        tz_of = _tz_of(f)
        lines = (row for batch in exports.in_batches(exports.streamed(phones.listing(f, now), scalars=True))
                 for row in phones.rows(batch, f.site_ids, now))
        return exports.download(fmt, _("Phones"), f, export_columns(now), lines, tz=lambda row: tz_of(row.sites),
                                counted=phones.listing(f, now))
    page = paginate(phones.listing(f, now), f)
    page_rows = phones.rows(page.items, f.site_ids, now)
    return render_template("review/devices.html", f=f, page=page, rows=page_rows, now=now,
                           quiet=phones.quiet_count(f.site_ids, now), people=site_people(f.site_ids),
                           statuses=STATUS_LABELS, words=words, tz_of=_tz_of(f))


TOKEN_LABELS = {"active": _l("Signed in"), "revoked": _l("Signed out by an admin"),
                "expired": _l("Sign-in expired"), "none": ""}


def export_columns(now) -> list[exports.Column]:
    """The phones list as a file: who holds each phone, when it last synced, what it holds back."""
    C = exports.Column
    return [
        C(_l("Phone"), lambda r: r.device.device_id, width=38),
        C(_l("Person"), lambda r: r.user.display_name, width=12),
        C(_l("Sites"), lambda r: "、".join(s.name for s in r.sites), width=16),
        C(_l("Last sync"), lambda r: r.device.last_seen_at, "datetime", 17),
        C(_l("Records waiting"), lambda r: r.device.pending or 0, "number", 10),
        C(_l("Missing"), lambda r: r.missing, "number", 8),
        C(_l("Clock offset"), lambda r: words.clock_offset(r.device.clock_offset_ms), width=14),
        C(_l("Sign-in"), lambda r: TOKEN_LABELS.get(r.token, ""), width=14),
        C(_l("Until"), lambda r: r.token_until, "datetime", 17),
        C(_l("Attention"), lambda r: STATUS_LABELS[0][1] if r.quiet else "", width=24),
    ]


def _tz_of(f):
    """A row's site time: the zone of the person's first site, else the list's."""
    return lambda sites: sites[0].timezone if sites else f.tz


@bp.route("/devices/<device_id>/revoke", methods=["POST"])
@review_required
def device_revoke(device_id):
    """A lost or stolen phone: every sign-in on it stops at once; its outbox waits for a new one."""
    if current_user.role != "admin":
        abort(403)
    device = phones.find(device_id, visible_site_ids())
    if device is None:
        abort(404)
    count = phones.revoke(device.device_id, current_user.company_id)
    db.session.commit()
    if count:
        flash(_("The phone is signed out (%(count)d sign-ins stopped). Its person signs in again on it "
                "or on a new phone to send what it holds.", count=count), "success")
    else:
        flash(_("This phone had no sign-in left to stop."), "info")
    return redirect(request.form.get("next") if _safe(request.form.get("next")) else url_for("review.devices"))


def _safe(target: str | None) -> bool:
    """Back to the list the admin came from, never to another host."""
    return bool(target) and target.startswith("/review/devices") and "//" not in target
