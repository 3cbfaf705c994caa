"""``/api/v1/push``: a phone turns Web Push on or off for the person signed in on it.

Offered only when the server has a VAPID key (``GET /push/key`` answers ``null`` otherwise). A
subscription belongs to the caller and this device: subscribing again replaces this
device's, and signing out or turning it off ends it.
"""
from flask import g
from flask import jsonify
from flask import request
from flask_babel import gettext as _
from sqlalchemy import select

from app.api import bp
from app.api.auth import login_required_api
from app.errors import api_error
from app.extensions import csrf
from app.extensions import db
from app.models import PushSubscription
from app.models import utcnow
from app.notify.channels import webpush

B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=")


def _device() -> str:
    token = g.get("device_token")
    return token.device_id if token is not None else "desk"


def end_device_subscriptions(user_id: str, device_id: str, now=None) -> None:
    """End the person's subscriptions on one device (turned off, or signed out there)."""
    for old in db.session.scalars(select(PushSubscription).where(
            PushSubscription.user_id == user_id, PushSubscription.device_id == device_id,
            PushSubscription.ended_at.is_(None))):
        old.ended_at = now or utcnow()


def _end_mine(now) -> None:
    end_device_subscriptions(g.api_user.id, _device(), now)


@bp.route("/push/key", methods=["GET"])
@login_required_api
def push_key():
    """The application server key to subscribe with; ``null`` when Web Push is not set up."""
    return jsonify({"public_key": webpush.public_key()})


@bp.route("/push/subscription", methods=["PUT"])
@csrf.exempt
@login_required_api
def push_subscribe():
    """Keep this device's subscription (the browser's ``PushSubscription.toJSON()``)."""
    body = request.get_json(silent=True)
    keys = body.get("keys") if isinstance(body, dict) else None
    endpoint = body.get("endpoint") if isinstance(body, dict) else None
    if (webpush.private_key() is None or not isinstance(endpoint, str) or not endpoint.startswith("https://")
            or len(endpoint) > 1000 or not isinstance(keys, dict)
            or not all(isinstance(keys.get(k), str) and 0 < len(keys[k]) <= 120 and set(keys[k]) <= B64URL
                       for k in ("p256dh", "auth"))):
        return api_error(422, "invalid", _("This is not a push subscription."))
    now = utcnow()
    _end_mine(now)
    db.session.add(PushSubscription(user_id=g.api_user.id, device_id=_device(), endpoint=endpoint,
                                    p256dh=keys["p256dh"], auth=keys["auth"], created_at=now))
    db.session.commit()
    return "", 204


@bp.route("/push/subscription", methods=["DELETE"])
@csrf.exempt
@login_required_api
def push_unsubscribe():
    """End this device's subscription."""
    _end_mine(utcnow())
    db.session.commit()
    return "", 204
