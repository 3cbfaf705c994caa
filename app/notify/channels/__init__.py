"""The ways out: group robots (WeCom, DingTalk, Feishu) and e-mail, one module each.

Each ``send(channel, outgoing, key, now)`` either delivers the message or raises
``ChannelError`` with a reason that names no person; ``key`` is the idempotency key of
this notice on this channel, passed on wherever the channel can carry it.
"""
from __future__ import annotations

from app.notify.channels import dingtalk
from app.notify.channels import email
from app.notify.channels import feishu
from app.notify.channels import wecom
from app.notify.channels.base import ChannelError
from app.notify.channels.base import Outgoing

__all__ = ["SENDERS", "ChannelError", "Outgoing", "reaches"]

SENDERS = {"wecom": wecom.send, "dingtalk": dingtalk.send, "feishu": feishu.send, "email": email.send}


def reaches(channel, outgoing: Outgoing) -> bool:
    """Whether ``channel`` can reach the person at all (e-mail needs their address)."""
    return channel.kind != "email" or bool(outgoing.email)
