"""The admin's "send a test" button: one message straight to a channel, outside the outbox,
so that a wrong address or secret shows at once and not as retries in the night."""
from __future__ import annotations

from datetime import datetime

from flask import url_for
from flask_babel import gettext

from app.notify import channels
from app.notify.channels import Outgoing


def send_test(channel, site_name: str, actor, now: datetime) -> str | None:
    """Send a test message on ``channel``; ``None`` when it went, else why not (no secret in it)."""
    message = Outgoing(title=gettext("Test message"),
                       text=gettext("Notifications of %(site)s will arrive here.", site=site_name),
                       link=url_for("main.index", _external=True), name=actor.display_name,
                       email=(channel.options or {}).get("sender"), open_label=gettext("Open the record"))
    try:
        channels.SENDERS[channel.kind](channel, message, f"test-{channel.id}-{int(now.timestamp())}", now)
    except channels.ChannelError as err:
        return str(err)
    return None
