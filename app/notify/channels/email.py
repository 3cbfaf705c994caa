"""E-mail through the site's SMTP server, to the address the person gave.

The idempotency key becomes the ``Message-ID``, so a mail sent again after a crash is the
same message to a server or client that drops duplicates.
"""
from __future__ import annotations

import smtplib
from datetime import datetime
from email.message import EmailMessage

from app.notify.channels.base import TIMEOUT
from app.notify.channels.base import ChannelError
from app.notify.channels.base import Outgoing


def message(options: dict, outgoing: Outgoing, key: str) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"] = outgoing.title
    mail["From"] = options.get("sender") or "estate-patrol@localhost"
    mail["To"] = outgoing.email
    mail["Message-ID"] = f"<{key}@estate-patrol>"
    mail.set_content(f"{outgoing.name}：\n\n{outgoing.text}\n\n{outgoing.link}\n")
    return mail


def send(channel, outgoing: Outgoing, key: str, now: datetime) -> None:
    options = channel.options or {}
    if not options.get("host") or not outgoing.email:
        raise ChannelError("no mail server or address")
    try:
        with smtplib.SMTP(options["host"], int(options.get("port") or 25), timeout=TIMEOUT) as smtp:
            if options.get("starttls"):
                smtp.starttls()
            if options.get("username"):
                smtp.login(options["username"], channel.secret or "")
            smtp.send_message(message(options, outgoing, key))
    except (smtplib.SMTPException, OSError) as err:
        raise ChannelError(type(err).__name__) from None
