"""Clock corrections in words a supervisor reads at a glance (translated)."""
from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _

from app.office.words import span


def correction(offset_ms: int | None) -> str:
    """What the server did to the phone's times: ``none``, or ``+9 min (the phone was slow)``.

    The offset is server time minus phone time, added to every time the phone sent.
    """
    if offset_ms is None:
        return _("unknown (not in the journal)")
    if offset_ms == 0:
        return _("none: the phone's clock was right")
    amount = span(timedelta(milliseconds=offset_ms))
    if offset_ms > 0:
        return _("+%(amount)s (the phone's clock was slow)", amount=amount)
    return _("−%(amount)s (the phone's clock was fast)", amount=amount)
