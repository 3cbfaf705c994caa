"""A notice in its reader's words: msgids translated in the person's language, a link."""
from __future__ import annotations

from flask import current_app
from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext

from app.notify.channels import Outgoing
from sync import notify_rules as rules

LINKS = {"followup": ("followups.detail", "followup_id"), "visit": ("gate.visit", "visit_id"),
         "calendar": ("review.calendar", "site"), "devices": ("review.devices", "site")}


def _value(value):
    """A nested message (``{"msgid", "params"}``) translated; a list of them joined."""
    if isinstance(value, list):
        return "；".join(str(_value(v)) for v in value)
    if isinstance(value, dict) and "msgid" in value:
        return gettext(value["msgid"], **_params(value.get("params") or {})) if value["msgid"] else ""
    return value


def _params(params: dict) -> dict:
    """Parameters with each nested message translated in turn."""
    return {name: _value(value) for name, value in (params or {}).items()}


def text(notification) -> tuple[str, str]:
    """(title, line) in the current locale."""
    return gettext(rules.TITLES[notification.event]), gettext(notification.msgid, **_params(notification.params))


def link(notification, external: bool = False) -> str:
    """Where the record is read at the desk; absolute for messages (the worker's request
    context is based on ``PUBLIC_URL``)."""
    endpoint, arg = LINKS[notification.subject_type]
    return url_for(endpoint, _external=external, **{arg: notification.subject_id})


def outgoing(notification, user, email: str | None) -> Outgoing:
    """The notice rendered for ``user`` in their language (the company's when unset)."""
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        title, line = text(notification)
        return Outgoing(title=title, text=line, link=link(notification, external=True),
                        name=user.display_name, email=email, open_label=gettext("Open the record"))
