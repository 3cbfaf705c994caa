"""The front door: send each person to the screens of their role."""
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.main import bp
from app.models import ROLES
from app.navigation import add_nav

add_nav(10, "phone.home", _l("Phone app"), ROLES)


@bp.route("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return render_template("main/index.html")


@bp.route("/healthz")
def healthz():
    return {"ok": True}
