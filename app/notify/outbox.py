"""Notices written with the event that causes them: one hook on the session's flush.

The engine (a phone's or the desk's edit, a complaint handed to the manager), the sweep
(a follow-up opened or escalated) and the gate's watch list each add ``FollowUpEvent`` or
``WatchHit`` rows; whichever path wrote them, the flush that inserts them passes them to
``sync.notify_rules`` and inserts the notices alongside. So a notice commits or rolls back
with its event, and a path added later is covered without remembering to call anything.
"""
from __future__ import annotations

from collections import defaultdict
from zoneinfo import ZoneInfo

from sqlalchemy import event as sa_event

from app.extensions import db
from app.models import FollowUp
from app.models import FollowUpEvent
from app.models import Notification
from app.models import Site
from app.models import Visit
from app.models import WatchHit
from app.models import utcnow
from sync import notify_rules as rules
from sync.context import derived_id

FOLLOWUP_FIELDS = ("id", "site_id", "title", "clock", "due_at", "assignee_id")
# Follow-ups whose source is a visit: the visitor's name in their title is masked.
VISIT_SOURCES = ("open_visit", "visit")
EVENT_FIELDS = ("id", "kind", "value", "user_id", "effective", "received_at")


def init_app(app) -> None:
    """Listen on the app's session once (the listener is the same for every app)."""
    if not sa_event.contains(db.session, "before_flush", queue_notices):
        sa_event.listen(db.session, "before_flush", queue_notices)


def _fields(obj, names) -> dict:
    return {name: getattr(obj, name) for name in names}


def queue_notices(session, flush_context, instances) -> None:
    """Add the notices for the follow-up events and watch-list hits about to be inserted."""
    events = [o for o in session.new if isinstance(o, FollowUpEvent)]
    hits = [o for o in session.new if isinstance(o, WatchHit)]
    if not events and not hits:
        return
    with session.no_autoflush:
        notices = _followup_notices(session, events) + _watch_notices(session, hits)
        session.add_all([_row(notice) for notice in notices])


def _zone(session, site_id: str, cache: dict) -> ZoneInfo:
    if site_id not in cache:
        site = session.get(Site, site_id)
        cache[site_id] = ZoneInfo(site.timezone if site is not None else "Asia/Shanghai")
    return cache[site_id]


def _followup_notices(session, events: list[FollowUpEvent]) -> list[rules.Notice]:
    by_followup = defaultdict(list)
    for ev in events:
        by_followup[ev.followup_id].append(_fields(ev, EVENT_FIELDS))
    pending = {o.id: o for o in session.new if isinstance(o, FollowUp)}
    zones: dict = {}
    notices = []
    for followup_id, written in sorted(by_followup.items()):
        followup = pending.get(followup_id) or session.get(FollowUp, followup_id)
        if followup is None:
            continue
        fields = _fields(followup, FOLLOWUP_FIELDS)
        if followup.source_type in VISIT_SOURCES and followup.source_id:
            visit = session.get(Visit, followup.source_id)
            fields["private_names"] = (visit.visitor_name,) if visit is not None else ()
        notices += rules.followup_notices(fields, written, _zone(session, followup.site_id, zones))
    return notices


def _watch_notices(session, hits: list[WatchHit]) -> list[rules.Notice]:
    from app.api.store import SqlStore

    store = SqlStore(session)
    zones: dict = {}
    notices = []
    for hit in sorted(hits, key=lambda h: (h.visit_id, h.watch_entry_id, h.field)):
        visit = session.get(Visit, hit.visit_id)
        if visit is None:
            continue
        notices += rules.watch_notices(
            _fields(hit, ("site_id", "visit_id", "watch_entry_id", "field", "matched_at")),
            _fields(visit, ("visitor_name", "phone", "id_number", "plate", "checked_in_at")),
            store.site_users(hit.site_id), _zone(session, hit.site_id, zones))
    return notices


def row_values(notice: rules.Notice) -> dict:
    """A notice as the outbox's columns; its id derived from its key, as event ids are, so the
    same history written twice (a replay, a second server) gives the same rows."""
    return {"id": derived_id("notification", notice.key), "key": notice.key, "site_id": notice.site_id, "user_id": notice.user_id,
            "event": notice.event, "subject_type": notice.subject_type, "subject_id": notice.subject_id,
            "msgid": notice.message.msgid, "params": notice.message.params, "at_once": notice.at_once,
            "created_at": notice.at or utcnow(), "status": "pending", "attempts": 0}


def _row(notice: rules.Notice) -> Notification:
    return Notification(**row_values(notice))

