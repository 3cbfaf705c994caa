"""Feishu (飞书) group robot: a card with a markdown element, signed in the body.

Feishu's signature is HMAC-SHA256 keyed with ``"{timestamp}\\n{secret}"`` over nothing,
base64, sent as ``sign`` with ``timestamp`` (seconds) in the JSON body.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime

from app.notify.channels.base import Outgoing
from app.notify.channels.base import post_json


def signature(secret: str, timestamp: int) -> str:
    digest = hmac.new(f"{timestamp}\n{secret}".encode("utf-8"), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def payload(outgoing: Outgoing, secret: str | None, now: datetime) -> dict:
    body = {"msg_type": "interactive", "card": {
        "header": {"title": {"tag": "plain_text", "content": outgoing.title}},
        "elements": [{"tag": "markdown", "content": outgoing.markdown()}]}}
    if secret:
        timestamp = int(now.timestamp())
        body = {"timestamp": str(timestamp), "sign": signature(secret, timestamp), **body}
    return body


def send(channel, outgoing: Outgoing, key: str, now: datetime) -> None:
    post_json(channel.url, payload(outgoing, channel.secret, now), key,
              lambda answer: answer.get("code", answer.get("StatusCode")) == 0)
