"""The follow-up desk."""
from flask import render_template
from flask_babel import lazy_gettext as _l

from app.followups import bp
from app.models import ROLES
from app.navigation import add_nav
from app.office.access import followups_required

add_nav(60, "followups.board", _l("Follow-ups"), ROLES)


@bp.route("")
@followups_required
def board():
    return render_template("followups/board.html")
