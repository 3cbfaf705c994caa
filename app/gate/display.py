"""Words the gate pages show: purposes as the phone names them, statuses, lengths of stay,
and what a phone's clock flag means."""
from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.office.words import span
from sync.privacy import mask_phone

# The msgids the phone uses (static/js/features/gate.js), so the desk says what the gate says.
PURPOSE_LABELS = {
    "visit": _l("Visit"), "delivery": _l("Delivery"), "contractor": _l("Contractor"),
    "decoration": _l("Decoration"), "housekeeping": _l("Housekeeping"), "other": _l("Other"),
}
STATUS_LABELS = {
    "inside": _l("Inside now"), "out": _l("Left"), "overdue": _l("Overdue (still inside)"),
    "flagged": _l("Flagged"), "watch": _l("On the watch list"),
}
FOLLOWUP_STATUSES = {
    "open": _l("Open"), "in_progress": _l("In progress"), "resolved": _l("Resolved"), "closed": _l("Closed"),
}
# The document a visitor showed (sync.id_numbers.KINDS), in the phone's words.
ID_KINDS = {"resident": _l("Resident ID card"), "other": _l("Other document"), "none": _l("No document")}
# What a watch entry matched on, in the phone's words.
MATCHES = {"name": _l("name"), "phone": _l("phone number"), "plate": _l("plate"), "id_number": _l("ID number")}
LATE_SYNC = timedelta(minutes=5)
CLOCK_FLAGS = {
    "skewed": _l("The phone's clock was more than 5 minutes off; the time was corrected."),
    "future": _l("The time was still in the future after correction; the arrival time was used."),
}


def purpose(value: str) -> str:
    return str(PURPOSE_LABELS.get(value, value))


def id_kind(value: str | None) -> str:
    """The document chosen; visits from before the choice existed say nothing."""
    return str(ID_KINDS[value]) if value in ID_KINDS else ""


def duration(delta: timedelta) -> str:
    """A stay or a delay: "2 h 10 min"; a stay across days is rare and shown coarse."""
    return span(max(delta, timedelta(0)))


def clock_flags(value: str | None) -> list[str]:
    """The meanings of a record's ``clock_flag`` (comma-separated), in the user's language."""
    return [str(CLOCK_FLAGS.get(flag, flag)) for flag in (value or "").split(",") if flag]


def offset(ms: int | None) -> str:
    """A phone's clock offset: ``+3 min 20 s`` (server minus phone), or empty when none."""
    if not ms:
        return ""
    sign = "+" if ms > 0 else "−"
    seconds = abs(int(ms)) // 1000
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return sign + _("%(h)d h %(m)d min", h=hours, m=minutes)
    if minutes:
        return sign + _("%(m)d min %(s)d s", m=minutes, s=secs)
    return sign + _("%(s)d s", s=secs)


def followup_status(value: str) -> str:
    return str(FOLLOWUP_STATUSES.get(value, value))


def late(delay: timedelta) -> bool:
    """Reached the server long enough after the deed to say so (the phone was offline)."""
    return delay > LATE_SYNC


def masked_phone(value: str | None) -> str:
    """``138****5678`` however the number was typed (spaces, +86)."""
    return mask_phone(value)
