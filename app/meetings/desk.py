"""``/meetings/new``: the chair records a meeting at the desk as it is held. It goes
through the sync engine as ``meeting.record`` from the desk's device, so the same rules
refuse the same mistakes in the same words as on the phone, and nothing is written when
one is refused."""
from __future__ import annotations

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.meetings import bp
from app.meetings import queries
from app.models import new_id
from app.office.access import chair_required
from app.office.access import may_review
from app.office.desk_push import Refused
from app.office.desk_push import submit
from app.office.filters import site_people
from app.office.filters import visible_sites
from sync import meeting_rules as rules

TEXTS = ("absent_note", "assignments", "yesterday_summary", "notes")


def _form(sites, form: dict, refused: Refused | None = None, status: int = 200):
    """The form for the site chosen among the user's; another site's people are never listed."""
    site = next((s for s in sites if s.id == form.get("site_id")), None)
    if site is None and len(sites) == 1:
        site = sites[0]
    people = [p for p in site_people([site.id]) if p.active and p.id != current_user.id] if site else []
    errors = refused.errors if refused else {}
    return render_template("meetings/new.html", sites=sites, site=site, people=people, form=form,
                           ticked=set(form.get("attendee_ids") or []), errors=errors,
                           summary=_summary(refused), kinds=queries.KIND_NAMES), status


def _summary(refused: Refused | None) -> str | None:
    """Above the form: the refusal itself when no field shows it, else where to look."""
    if refused is None:
        return None
    shown = {"kind", "attendee_ids", *TEXTS}
    if any(name in shown for name in refused.errors):
        return _("Please correct the field marked below.")
    return refused.message


@bp.route("/new", methods=["GET", "POST"])
@chair_required
def new():
    """Record a meeting at one of the chair's sites, attendees ticked from its people."""
    sites = visible_sites()
    if request.method == "GET":
        wanted = request.args.get("site") or ""
        kind = request.args.get("kind") if request.args.get("kind") in rules.KINDS else rules.MORNING
        return _form(sites, {"site_id": wanted if any(s.id == wanted for s in sites) else "", "kind": kind})
    form = {"site_id": (request.form.get("site_id") or "").strip(), "kind": request.form.get("kind") or "",
            "attendee_ids": request.form.getlist("attendee_ids")}
    form.update({name: request.form.get(name) or "" for name in TEXTS})
    data = {"site_id": form["site_id"] or None, "kind": form["kind"] or None,
            "attendee_ids": [i.strip() for i in form["attendee_ids"] if i.strip()]}
    data.update({name: form[name].strip() or None for name in TEXTS})
    ident = new_id()
    try:
        submit(current_user, [("meeting.record", ident, {k: v for k, v in data.items() if v is not None})])
    except Refused as refused:
        return _form(sites, form, refused, 422)
    flash(_("The meeting was recorded."), "success")
    if may_review(current_user):
        return redirect(url_for("meetings.show", meeting_id=ident))
    return redirect(url_for("worklog.day", site=form["site_id"]))
