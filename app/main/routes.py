"""The front door: send each person to the screens of their role."""
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.main import bp
from app.models import ROLES
from app.navigation import add_nav
from app.office.access import may_review
from app.office.access import may_use_desk
from app.office.access import may_work_followups

add_nav(10, "phone.home", _l("Phone app"), ROLES)


@bp.route("/")
def index():
    """Reviewers land on the dashboard, staff and team leads on their follow-ups; guards,
    whose work is on the phone, get the home page with the link to it."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if may_review(current_user):
        return redirect(url_for("review.dashboard"))
    if may_use_desk(current_user):
        return redirect(url_for("complaints.duty"))
    if may_work_followups(current_user):
        return redirect(url_for("followups.board"))
    return render_template("main/index.html")


@bp.route("/healthz")
def healthz():
    return {"ok": True}
