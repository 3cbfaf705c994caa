"""WeCom (企业微信) group robot: a markdown message to the webhook's ``key`` address."""
from __future__ import annotations

from datetime import datetime

from app.notify.channels.base import Outgoing
from app.notify.channels.base import post_json


def payload(outgoing: Outgoing) -> dict:
    return {"msgtype": "markdown", "markdown": {"content": outgoing.markdown()}}


def send(channel, outgoing: Outgoing, key: str, now: datetime) -> None:
    post_json(channel.url, payload(outgoing), key, lambda answer: answer.get("errcode") == 0)
