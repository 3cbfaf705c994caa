"""``/notifications``: a person's own notices, newest first, with links to the records;
``/notifications/settings``: the channels they mute, their quiet hours, their e-mail."""
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_login import login_required

from app.admin.forms import ActionForm
from app.admin.views import form_page
from app.extensions import db
from app.models import NotifySettings
from app.models import utcnow
from app.notify import bp
from app.notify.forms import SettingsForm
from app.notify.queries import lines
from app.notify.queries import mark_read

STATES = {"sent": _l("Sent"), "list_only": _l("Listed here only (no channel)"), "waiting": _l("Waiting to be sent"),
          "retrying": _l("Retrying"), "failed": _l("Not delivered")}


@bp.route("")
@login_required
def index():
    """The person's newest notices; the unread marked."""
    return render_template("notify/index.html", lines=lines(current_user), states=STATES, action=ActionForm())


@bp.route("/read", methods=["POST"])
@login_required
def read():
    """Mark all of the person's notices read."""
    if ActionForm().validate_on_submit():
        mark_read(current_user, utcnow())
    return redirect(url_for("notify.index"))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    """The person's own settings; nobody else's can be reached from here."""
    mine = db.session.get(NotifySettings, current_user.id)
    form = SettingsForm(obj=mine)
    if form.validate_on_submit():
        if mine is None:
            mine = NotifySettings(user_id=current_user.id)
            db.session.add(mine)
        mine.muted = sorted(form.muted.data or [])
        mine.quiet_start = form.quiet_start.data or None
        mine.quiet_end = form.quiet_end.data or None
        mine.email = form.email.data or None
        mine.updated_at = utcnow()
        db.session.commit()
        flash(_("Your notification settings are saved."), "success")
        return redirect(url_for("notify.settings"))
    return form_page("notify/settings.html", form=form)
