"""``/api/v1/notifications``: the phone's list of the caller's own notices (the desk's
``/notifications`` by token), and marking them read."""
from flask import g
from flask import jsonify

from app.api import bp
from app.api.auth import login_required_api
from app.extensions import csrf
from app.models import utcnow
from app.notify.queries import lines
from app.notify.queries import mark_read
from app.notify.queries import unread

# Where a notice opens on the phone; the desk's pages are not the phone's.
PHONE_SCREENS = {"followup": "/m/followups", "visit": "/m/gate"}


@bp.route("/notifications", methods=["GET"])
@login_required_api
def notifications():
    """The caller's newest notices in their language, the unread count, each with the phone's screen."""
    found = lines(g.api_user)
    return jsonify({"unread": unread(g.api_user),
                    "notifications": [{**n.as_json(), "link": PHONE_SCREENS.get(n.subject_type)} for n in found]})


@bp.route("/notifications/read", methods=["POST"])
@csrf.exempt
@login_required_api
def notifications_read():
    """Mark every notice of the caller read."""
    return jsonify({"read": mark_read(g.api_user, utcnow())})
