"""Who hears of what, when, and in which words: the notifier's rules, once for every path.

A follow-up's owner changes in three places (the engine applying a phone's or the desk's
edit, the sweep opening or escalating, a complaint's class handing it to the manager), and
the gate's watch list matches in one; each passes the rows it has just written here, and
the app writes the notices returned in the same transaction. Nothing here sends, reads a
clock or knows a channel: the worker asks ``release_at`` and ``retry_at`` with its "now".

Texts are msgids with parameters, translated when the worker renders them; every
parameter that could carry a person's number is masked first (``scrub``), so the outbox
never holds what the message may not show.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from datetime import time
from datetime import timedelta
from typing import Any
from typing import Iterable
from zoneinfo import ZoneInfo

from sync.complaints import team_lead
from sync.context import derived_id
from sync.messages import N_
from sync.privacy import mask_id_number
from sync.privacy import mask_name
from sync.privacy import mask_phone
from sync.store import UserRef
from sync.sweep import Message
from sync.sweep import shown

# What a notice is about.
ASSIGNED = "followup.assigned"
ESCALATED = "followup.escalated"
COLLECTIVE = "complaint.collective"
WATCH_MATCH = "gate.watch_match"
DUE_SOON = "followup.due_soon"
OVERDUE = "followup.overdue"
SILENT = "phone.silent"
DIGEST = "digest.morning"
EVENTS = (ASSIGNED, ESCALATED, COLLECTIVE, WATCH_MATCH, DUE_SOON, OVERDUE, SILENT, DIGEST)
# What the work instructions say must be known at once: no quiet hours hold these back.
AT_ONCE = frozenset({COLLECTIVE, WATCH_MATCH})

COLLECTIVE_CLOCK = "complaint_collective"
GATE_POST = "security"

# The clock's events: a follow-up due within the half hour; one overdue since at most a week
# (a worker stopped for days still tells each one when it runs again, once by its key; a
# first run on an old database does not wake everyone for last month's); a phone
# silent for a day with records on it; the manager's digest from 08:00 until noon.
SOON = timedelta(minutes=30)
OVERDUE_LOOKBACK = timedelta(days=7)
SILENT_AFTER = timedelta(days=1)
DIGEST_FROM, DIGEST_UNTIL = time(8, 0), time(12, 0)

# Retries: 30 s, 1 min, 2 min … at most an hour apart; given up after the eighth failure.
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)
MAX_ATTEMPTS = 8

TITLES = {
    ASSIGNED: N_("New follow-up for you"),
    ESCALATED: N_("Follow-up escalated to you"),
    COLLECTIVE: N_("Collective complaint: at once"),
    WATCH_MATCH: N_("Watch list match at the gate"),
    DUE_SOON: N_("Follow-up due in 30 minutes"),
    OVERDUE: N_("Follow-up overdue"),
    SILENT: N_("A phone has not synced for a day"),
    DIGEST: N_("Morning digest"),
}
ASSIGNED_TEXT = N_("%(title)s — due %(due)s.")
ASSIGNED_NO_DUE = N_("%(title)s.")
ESCALATED_TEXT = N_("%(title)s — %(reason)s Now due %(due)s.")
COLLECTIVE_TEXT = N_("%(title)s — five or more households; a special event report and a home visit are due %(due)s.")
WATCH_TEXT = N_("Visitor %(name)s matches the watch list by %(what)s (%(value)s) at %(at)s.")
DUE_SOON_TEXT = N_("%(title)s — due at %(due)s.")
OVERDUE_TEXT = N_("%(title)s — was due at %(due)s and is not resolved.")
SILENT_TEXT = N_("%(name)s's phone has %(count)s records waiting and last synced %(seen)s.")
NEVER = N_("never")
DIGEST_TEXT = N_("Yesterday (%(day)s): %(duties)s. Today: %(open)s follow-ups open, %(overdue)s of them overdue.")
DIGEST_DUTY = N_("%(duty)s: %(state)s")
DIGEST_NOTHING = N_("no daily duty was due")
DUTIES = {"morning_meeting": N_("Morning meeting"), "patrol": N_("Daily patrol by every manager"),
          "gate": N_("Peak hours at the gate staffed and registering"),
          "daily_report": N_("Daily report (日清) by every manager")}
STATES = {"kept": N_("Done on time"), "late": N_("Done late"), "missed": N_("Not done"),
          "pending": N_("Not yet due"), "none": N_("Nothing due")}
ACTIVE = ("open", "in_progress")
WATCH_FIELDS = {"phone": N_("phone number"), "id_number": N_("ID number"), "plate": N_("plate")}

# An 11-digit mobile number (with or without +86 and separators) and an ID number (15 or
# 18 characters) typed into free text: masked before any text leaves the server.
PHONE_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(?:\+?86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]){8}(?![0-9])")
ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9A-Za-z])")


@dataclass(frozen=True)
class Notice:
    """One person to be told one thing; ``key`` is derived from what caused it, so the
    same event written twice (a replayed push, a sweep run on two servers) notifies once."""

    key: str
    event: str
    user_id: str
    site_id: str
    subject_type: str
    subject_id: str
    message: Message
    at_once: bool = False
    at: datetime | None = None  # when what caused it reached the server; the outbox's clock when unset


def nested(msgid: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """A message inside another's parameters, as JSON keeps it: translated in turn."""
    return {"msgid": msgid, "params": dict(params or {})}


def scrub(text: str | None) -> str:
    """Free text with every phone and ID number in it masked."""
    if not text:
        return ""
    text = ID_IN_TEXT.sub(lambda found: mask_id_number(found.group(0)), text)
    return PHONE_IN_TEXT.sub(lambda found: mask_phone(found.group(0)), text)


def _due(followup: dict[str, Any], tz: ZoneInfo) -> str:
    return shown(followup["due_at"], tz) if followup.get("due_at") else ""


def _notice(event: str, user_id: str, followup: dict[str, Any], cause: str, message: Message,
            at: datetime | None = None) -> Notice:
    return Notice(key=derived_id("notice", event, cause, user_id), event=event, user_id=user_id,
                  site_id=followup["site_id"], subject_type="followup", subject_id=followup["id"],
                  message=message, at_once=event in AT_ONCE, at=at)


def followup_notices(followup: dict[str, Any], events: Iterable[dict[str, Any]], tz: ZoneInfo) -> list[Notice]:
    """The notices for one follow-up's newly written history events.

    A person the title names (``private_names``: the visitor of a visit's follow-up) is
    masked in it, as a phone or ID number typed into it is. A ``created`` event tells the first owner, an ``assign`` the new one (not a person who
    took it on themselves); an ``escalate`` tells the new owner why, and the ``assign`` the
    sweep writes with it says nothing more. A follow-up on the collective-complaint clock
    goes to its owner (the manager) as ``COLLECTIVE``, at once.
    """
    events = [e for e in events if e.get("effective", True)]
    title = scrub(followup.get("title"))
    for name in followup.get("private_names") or ():  # a visitor named in a sweep's title
        if name:
            title = title.replace(name, mask_name(name))
    title = title[:120]
    due = _due(followup, tz)
    collective = followup.get("clock") == COLLECTIVE_CLOCK
    told: set[str] = set()
    notices = []
    for event in sorted((e for e in events if e["kind"] == "escalate"), key=lambda e: e["id"]):
        value = event.get("value") or {}
        to = value.get("to_user_id")
        if not to:
            continue
        reason = nested(value["msgid"], value.get("params")) if value.get("msgid") else ""
        due_then = shown(datetime.fromisoformat(value["due_at"]), tz) if value.get("due_at") else due
        notices.append(_notice(ESCALATED, to, followup, event["id"], Message(
            ESCALATED_TEXT, {"title": title, "reason": reason, "due": due_then}), event.get("received_at")))
        told.add(to)
    for event in sorted((e for e in events if e["kind"] in ("created", "assign")), key=lambda e: e["id"]):
        value = event.get("value")
        to = value.get("assignee_id") if isinstance(value, dict) else value
        if not isinstance(to, str) or to in told or to == event.get("user_id"):
            continue
        if collective:
            notices.append(_notice(COLLECTIVE, to, followup, event["id"],
                                   Message(COLLECTIVE_TEXT, {"title": title, "due": due}), event.get("received_at")))
        else:
            text = Message(ASSIGNED_TEXT, {"title": title, "due": due}) if due else Message(
                ASSIGNED_NO_DUE, {"title": title})
            notices.append(_notice(ASSIGNED, to, followup, event["id"], text, event.get("received_at")))
        told.add(to)
    return notices


def watch_notices(hit: dict[str, Any], visit: dict[str, Any], people: Iterable[UserRef], tz: ZoneInfo) -> list[Notice]:
    """A visit matching the watch list: the gate's team lead (else the manager) at once.

    The visitor's name and the matching number are masked as on a guard's screen.
    """
    lead = team_lead(GATE_POST, list(people))
    if lead is None:
        return []
    value = visit.get(hit["field"]) or ""
    masked = {"phone": mask_phone, "id_number": mask_id_number}.get(hit["field"], scrub)(value)
    at = visit.get("checked_in_at") or hit["matched_at"]
    message = Message(WATCH_TEXT, {"name": mask_name(visit.get("visitor_name")),
                                   "what": nested(WATCH_FIELDS.get(hit["field"], hit["field"])),
                                   "value": masked, "at": shown(at, tz)})
    return [Notice(key=derived_id("notice", WATCH_MATCH, hit["visit_id"], hit["watch_entry_id"], hit["field"], lead),
                   event=WATCH_MATCH, user_id=lead, site_id=hit["site_id"], subject_type="visit",
                   subject_id=hit["visit_id"], message=message, at_once=True, at=hit["matched_at"])]


def parse_quiet(start: str | None, end: str | None) -> tuple[time, time] | None:
    """Quiet hours from ``HH:MM`` texts; ``None`` when either is empty or both are equal."""
    if not start or not end:
        return None
    begin, finish = time.fromisoformat(start), time.fromisoformat(end)
    return None if begin == finish else (begin, finish)


def release_at(now: datetime, tz: ZoneInfo, quiet: tuple[time, time] | None, at_once: bool) -> datetime | None:
    """When a notice may go out: ``None`` for now, else the end of the person's quiet hours.

    Quiet hours may run over midnight (22:00–07:00); an ``at once`` notice ignores them.
    """
    if at_once or quiet is None:
        return None
    begin, finish = quiet
    local = now.astimezone(tz)
    clock = local.time().replace(tzinfo=None)
    overnight = begin > finish
    inside = (clock >= begin or clock < finish) if overnight else (begin <= clock < finish)
    if not inside:
        return None
    end_day = local.date() + timedelta(days=1) if overnight and clock >= begin else local.date()
    return datetime.combine(end_day, finish, tzinfo=tz).astimezone(now.tzinfo)


def retry_at(now: datetime, attempts: int) -> datetime | None:
    """When to try again after the ``attempts``-th failure; ``None``: give up (failed)."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return now + min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)


def delivery_key(notification_id: str, channel_id: str) -> str:
    """The idempotency key of one notice on one channel: the same on every retry."""
    return derived_id("delivery", notification_id, channel_id)


def clock_notices(followups: Iterable[dict[str, Any]], now: datetime, tz: ZoneInfo) -> list[Notice]:
    """Owners of follow-ups due within ``SOON`` or overdue (since at most ``OVERDUE_LOOKBACK``).

    The key holds the due time and the owner, so a follow-up given a new time or a new
    owner is told again, and the same one seen on every pass is told once.
    """
    notices = []
    for followup in followups:
        due, owner = followup.get("due_at"), followup.get("assignee_id")
        if due is None or owner is None or followup.get("status") not in ACTIVE:
            continue
        if now < due <= now + SOON:
            event, text = DUE_SOON, DUE_SOON_TEXT
        elif now - OVERDUE_LOOKBACK < due <= now:
            event, text = OVERDUE, OVERDUE_TEXT
        else:
            continue
        notices.append(_notice(event, owner, followup, f"{followup['id']}|{due.isoformat()}", Message(
            text, {"title": scrub(followup.get("title"))[:120], "due": shown(due, tz)}), min(now, due)))
    return notices


def silent_notices(devices: Iterable[dict[str, Any]], admins: Iterable[str], now: datetime,
                   tz: ZoneInfo) -> list[Notice]:
    """The admins, of each phone with records waiting that has not synced for ``SILENT_AFTER``.

    Told once per silence: the key holds the last contact, so a phone that syncs and falls
    silent again is told again.
    """
    admins = sorted(set(admins))
    notices = []
    for device in devices:
        seen = device.get("last_seen_at")
        if device.get("pending", 0) <= 0 or (seen is not None and seen >= now - SILENT_AFTER):
            continue
        message = Message(SILENT_TEXT, {"name": device["name"], "count": device["pending"],
                                        "seen": shown(seen, tz) if seen else nested(NEVER)})
        cause = f"{device['device_id']}|{seen.isoformat() if seen else ''}"
        notices += [Notice(key=derived_id("notice", SILENT, cause, admin), event=SILENT, user_id=admin,
                           site_id=device["site_id"], subject_type="devices", subject_id=device["site_id"],
                           message=message, at=now) for admin in admins]
    return notices


def digest_day(now: datetime, tz: ZoneInfo):
    """The site's day whose morning digest is due at ``now`` (08:00 to noon), else ``None``."""
    local = now.astimezone(tz)
    return local.date() if DIGEST_FROM <= local.time().replace(tzinfo=None) < DIGEST_UNTIL else None


def digest_key(site_id: str, day, user_id: str) -> str:
    return derived_id("notice", DIGEST, site_id, day.isoformat(), user_id)


def digest_notices(site_id: str, managers: Iterable[str], day, rows, open_count: int,
                   overdue_count: int, at: datetime | None = None) -> list[Notice]:
    """Each manager's digest for ``day``: the day before's daily duties from the compliance
    calendar's rows (``sync.compliance``), with their notes, and today's open follow-ups."""
    yesterday = day - timedelta(days=1)
    duties = []
    for row in rows:
        if row.key not in DUTIES:
            continue
        for cell in row.cells:
            if cell.first <= yesterday <= cell.last and cell.state != "none":
                notes = [nested(n.msgid, n.params) for n in cell.notes]
                duties.append(nested(DIGEST_DUTY, {"duty": nested(DUTIES[row.key]),
                                                   "state": [nested(STATES[cell.state]), *notes]}))
    message = Message(DIGEST_TEXT, {"day": yesterday.isoformat(), "duties": duties or nested(DIGEST_NOTHING),
                                    "open": open_count, "overdue": overdue_count})
    return [Notice(key=digest_key(site_id, day, manager), event=DIGEST, user_id=manager, site_id=site_id,
                   subject_type="calendar", subject_id=site_id, message=message, at=at)
            for manager in sorted(set(managers))]
