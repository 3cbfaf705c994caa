"""``/api/v1/session``: the phone signs in once and gets a device token (SYNC.md)."""
import re

from flask import g
from flask import jsonify
from flask import request
from flask_babel import gettext as _

from app.api import bp
from app.api.auth import login_required_api
from app.auth import tokens
from app.auth.routes import authenticate
from app.errors import api_error
from app.extensions import csrf
from app.extensions import db

DEVICE_ID = re.compile(r"\A[A-Za-z0-9-]{8,64}\Z")


def user_body(user) -> dict:
    from app.scoping import visible_site_ids
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "post": user.post,
        "is_team_lead": user.is_team_lead,
        "site_ids": sorted(visible_site_ids(user)),
        "locale": user.locale,
    }


@bp.route("/session", methods=["POST"])
@csrf.exempt
def session_create():
    """Sign a phone in; the same checks and throttle as the desktop form (``authenticate``)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return api_error(400, "bad_request", _("The request body must be a JSON object."))
    errors = {}
    for field in ("username", "password", "device_id"):
        value = body.get(field)
        if not isinstance(value, str) or not value.strip():
            errors[field] = [_("This field is required.")]
        elif len(value) > 200:
            errors[field] = [_("This value is too long.")]
    if "device_id" not in errors and not DEVICE_ID.match(body["device_id"]):
        errors["device_id"] = [_("Not a valid device id.")]
    if errors:
        return api_error(422, "validation_error", details=errors)
    user = authenticate(body["username"], body["password"], request.remote_addr or "")
    if user is None:
        return api_error(401, "invalid_credentials", _("Wrong username or password."))
    return _token_answer(user, body["device_id"])


def _token_answer(user, device_id: str):
    """A new device token for ``user`` on this phone, committed, as the phone keeps it."""
    token, row = tokens.issue(user, device_id)
    db.session.commit()
    return jsonify({
        "user": user_body(user),
        "token": token,
        "expires_at": row.expires_at.isoformat().replace("+00:00", "Z"),
    })


@bp.route("/session/post", methods=["POST"])
@csrf.exempt
def session_post():
    """Register this phone to a gate post with the code of the admin's QR (SYNC.md's post
    devices; docs/sync.md): the token is the post's, and people work on it in shifts."""
    from app.auth import enrolment

    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return api_error(400, "bad_request", _("The request body must be a JSON object."))
    errors = {}
    if not isinstance(body.get("code"), str) or not body["code"].strip() or len(body["code"]) > 40:
        errors["code"] = [_("Scan the post's QR code, or type its code.")]
    if not isinstance(body.get("device_id"), str) or not DEVICE_ID.match(body["device_id"]):
        errors["device_id"] = [_("Not a valid device id.")]
    if errors:
        return api_error(422, "validation_error", details=errors)
    post = enrolment.redeem(body["code"], body["device_id"])
    if post is None:
        db.session.commit()
        return api_error(401, "invalid_credentials", _("This code is not valid: it was used, or it is more than a day old. Ask for a new one."))
    return _token_answer(post, body["device_id"])


@bp.route("/session", methods=["GET"])
@login_required_api
def session_show():
    return jsonify({"user": user_body(g.api_user)})


@bp.route("/session", methods=["DELETE"])
@login_required_api
def session_delete():
    if g.device_token is not None:
        from app.api.push import end_device_subscriptions

        tokens.revoke(g.device_token)
        end_device_subscriptions(g.device_token.user_id, g.device_token.device_id)  # the next person's phone
        db.session.commit()
    else:
        from app.auth.routes import sign_out_everywhere
        sign_out_everywhere()
    return "", 204


@bp.route("/session/pin", methods=["PUT"])
@login_required_api
def session_pin():
    """A person sets their own shift PIN for post phones, with their password (a PIN is
    what others at a shared phone must not guess, so it is not set on a token alone)."""
    from app import pins

    user = g.api_user
    if user.role not in pins.SHIFT_ROLES:
        return api_error(403)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return api_error(400, "bad_request", _("The request body must be a JSON object."))
    errors = {}
    if not pins.valid(body.get("pin")):
        errors["pin"] = [_("A PIN is 4 to 6 digits.")]
    if not isinstance(body.get("password"), str) or not body["password"] or len(body["password"]) > 200:
        errors["password"] = [_("This field is required.")]
    if errors:
        return api_error(422, "validation_error", details=errors)
    if authenticate(user.username, body["password"], request.remote_addr or "") is None:
        return api_error(422, "validation_error", details={"password": [_("Wrong password.")]})
    user.pin_hash = pins.hash_pin(body["pin"])
    db.session.commit()
    return "", 204
