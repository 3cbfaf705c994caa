"""DingTalk (钉钉) group robot: markdown, signed when the robot has a secret (加签).

The signature is HMAC-SHA256 of ``"{timestamp}\\n{secret}"`` keyed with the secret,
base64, sent URL-encoded as ``sign`` beside ``timestamp`` (milliseconds) in the query.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import urllib.parse
from datetime import datetime

from app.notify.channels.base import Outgoing
from app.notify.channels.base import post_json


def signature(secret: str, timestamp: int) -> str:
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}\n{secret}".encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def signed_url(url: str, secret: str | None, now: datetime) -> str:
    """The webhook address with ``timestamp`` and ``sign`` added when there is a secret."""
    if not secret:
        return url
    timestamp = int(now.timestamp() * 1000)
    query = urllib.parse.urlencode({"timestamp": timestamp, "sign": signature(secret, timestamp)})
    return f"{url}{'&' if '?' in url else '?'}{query}"


def payload(outgoing: Outgoing) -> dict:
    return {"msgtype": "markdown", "markdown": {"title": outgoing.title, "text": outgoing.markdown()}}


def send(channel, outgoing: Outgoing, key: str, now: datetime) -> None:
    post_json(signed_url(channel.url or "", channel.secret, now), payload(outgoing), key,
              lambda answer: answer.get("errcode") == 0)
