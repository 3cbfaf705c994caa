"""Web Push (VAPID) to a person's phones where the browser granted it. An extra: most
phones in China have no push service behind their browser, so the robots come first.

The payload is encrypted for the subscription (aes128gcm) by pywebpush. The ``Topic``
header is the notice's idempotency key folded to 32 characters: a push service holding an
undelivered message of the same topic replaces it, so a resend after a crash is one
message on the phone.
"""
from __future__ import annotations

import base64
import json
from datetime import datetime

from flask import current_app

from app.notify.channels.base import TIMEOUT
from app.notify.channels.base import ChannelError
from app.notify.channels.base import Outgoing

TTL = 24 * 3600  # a phone offline longer than a day gets the list, not a stale alert


class Gone(ChannelError):
    """The push service no longer knows the subscription (404 or 410): end it."""


def private_key() -> str | None:
    return current_app.config.get("VAPID_PRIVATE_KEY") or None


def public_key() -> str | None:
    """The application server key phones subscribe with (base64url, uncompressed P-256)."""
    key = private_key()
    if key is None:
        return None
    from cryptography.hazmat.primitives import serialization
    from py_vapid import Vapid02

    raw = Vapid02.from_string(key).public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def topic(key: str) -> str:
    return key.replace("-", "")[:32]


def payload(outgoing: Outgoing) -> dict:
    return {"title": outgoing.title, "body": f"{outgoing.name}：{outgoing.text}", "url": "/m/notifications"}


def send(subscription, outgoing: Outgoing, key: str, now: datetime) -> None:
    """Push one notice to one subscription.

    :raises Gone: the subscription has ended at the push service
    :raises ChannelError: anything else that kept it from being accepted
    """
    from pywebpush import WebPushException
    from pywebpush import webpush

    if private_key() is None:
        raise ChannelError("no VAPID key")
    try:
        webpush({"endpoint": subscription.endpoint, "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}},
                data=json.dumps(payload(outgoing), ensure_ascii=False), vapid_private_key=private_key(),
                vapid_claims={"sub": current_app.config.get("VAPID_SUBJECT") or "mailto:admin@localhost"},
                ttl=TTL, headers={"Topic": topic(key)}, timeout=TIMEOUT)
    except WebPushException as err:
        status = getattr(err.response, "status_code", None)
        if status in (404, 410):
            raise Gone(f"HTTP {status}") from None
        raise ChannelError(f"HTTP {status}" if status else "push failed") from None
    except (OSError, ValueError) as err:
        raise ChannelError(type(err).__name__) from None
