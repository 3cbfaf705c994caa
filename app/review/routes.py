"""Office pages that span features."""
from flask import render_template
from flask_babel import lazy_gettext as _l

from app.navigation import add_nav
from app.office.access import REVIEW_ROLES
from app.office.access import review_required
from app.review import bp

add_nav(20, "review.dashboard", _l("Dashboard"), REVIEW_ROLES)


@bp.route("")
@review_required
def dashboard():
    return render_template("review/dashboard.html")
