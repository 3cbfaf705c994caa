"""The pull: what a user's phone should hold, as changes since a cursor in the change log.

A REGISTRY maps each ``sync_type`` to its model, a serializer and a visibility rule;
features add their own types with ``register_change_type`` (the gate adds ``vehicle`` and
``watch``). A page reads change-log rows after the cursor in the user's sites (plus
site-less rows such as people), keeps the newest entry per row, and asks each type whether
this viewer gets an ``upsert``, a ``delete`` or nothing.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from decimal import Decimal
from typing import Any
from typing import Callable

from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Attendance
from app.models import Building
from app.models import ChangeLog
from app.models.base import among
from app.models import Checkpoint
from app.models import Complaint
from app.models import ComplaintReply
from app.models import Finding
from app.models import FollowUp
from app.models import FollowUpEvent
from app.models import Incident
from app.models import Item
from app.models import Patrol
from app.models import POST_ROLE
from app.models import Photo
from app.models import RepairOrder
from app.models import Route
from app.models import Site
from app.models import StockCheck
from app.models import Store
from app.models import Unit
from app.models import User
from app.models import Visit
from app.models import Inspection
from app.models import ManagerReport
from app.models import Meeting
from app.models import WorklogNote
from app.models import book_quantities
from sync.photos import photo_state
from sync.privacy import mask_id_number
from sync.privacy import mask_phone

PAGE_SIZE = 1000
OWN_RECORD_DAYS = 7
UPSERT, DELETE = "upsert", "delete"


@dataclass(frozen=True)
class Viewer:
    """Whose phone is pulling: their id, role and sites, and the server's time."""

    user_id: str
    role: str
    site_ids: frozenset[str]
    now: datetime
    post: str | None = None


@dataclass(frozen=True)
class ChangeType:
    sync_type: str
    model: Any
    serialize: Callable[[list, Viewer], dict[str, dict]]
    visible: Callable[[Any, Viewer], str | None]
    load_options: tuple = field(default_factory=tuple)


REGISTRY: dict[str, ChangeType] = {}


def iso(value: datetime | None) -> str | None:
    """UTC, milliseconds, ``Z``: ``2026-11-27T00:31:02.410Z``."""
    if value is None:
        return None
    value = value.astimezone(timezone.utc)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def number(value: Decimal | None):
    """A quantity as a JSON number: ``10`` rather than ``"10.000"``."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


# -- visibility rules ------------------------------------------------------------------

def site_reference(row, viewer: Viewer) -> str | None:
    """Reference data of the viewer's sites: everyone there holds it; gone rows are deleted."""
    return DELETE if row.is_gone() else UPSERT


def own_recent(time_attr: str) -> Callable[[Any, Viewer], str | None]:
    """The viewer's own records of the last 7 days (the phone prunes older ones itself)."""
    def visible(row, viewer: Viewer) -> str | None:
        if row.user_id != viewer.user_id:
            return None
        if row.is_gone():
            return DELETE
        when = getattr(row, time_attr)
        return UPSERT if when is not None and when >= viewer.now - timedelta(days=OWN_RECORD_DAYS) else None
    return visible


REVIEW_ROLES = ("manager", "supervisor", "admin")
GATE_ROLES = ("guard", "manager", POST_ROLE)


_own_visit = own_recent("checked_in_at")


def visit_visible(row, viewer: Viewer) -> str | None:
    """A person's own visits of the last 7 days; and, for those who keep a gate, every
    visitor of their sites still inside, whoever registered them.

    Guards change shift on one phone: the next guard must see who is inside and be able
    to check anyone out. Once out, another's visit leaves their phone (a ``delete``).
    """
    if row.user_id == viewer.user_id:
        return _own_visit(row, viewer)
    if viewer.role not in GATE_ROLES or row.site_id not in viewer.site_ids:
        return None
    if row.is_gone() or row.checked_out_at is not None:
        return DELETE
    return UPSERT if row.checked_in_at >= viewer.now - timedelta(days=OWN_RECORD_DAYS) else DELETE
CLOSED_DAYS = 7
DESK_ROLES = ("clerk", "manager")
_own_complaint = own_recent("lodged_at")


def complaint_visible(row, viewer: Viewer) -> str | None:
    """One's own complaints of the last 7 days; for the desk's assistants and the managers,
    every complaint of their sites taken in the last 7 days, to contact and answer."""
    if row.user_id == viewer.user_id:
        return _own_complaint(row, viewer)
    if viewer.role not in DESK_ROLES or row.site_id not in viewer.site_ids:
        return None
    if row.is_gone():
        return DELETE
    return UPSERT if row.lodged_at >= viewer.now - timedelta(days=OWN_RECORD_DAYS) else DELETE


def followup_visible(row, viewer: Viewer) -> str | None:
    """Follow-ups the viewer owns or created or that came from their records; for managers,
    supervisors and admins, every follow-up of their sites that is open or closed this week.

    One that is no longer theirs (reassigned, or closed long ago) is a ``delete`` so it
    leaves their phone; a phone that never held it ignores the delete (and a first sync
    sends none).
    """
    if row.is_gone():
        return DELETE
    if viewer.user_id in (row.assignee_id, row.created_by, row.source_user_id):
        return UPSERT
    if viewer.role in REVIEW_ROLES and row.site_id in viewer.site_ids and (
            row.closed_at is None or row.closed_at >= viewer.now - timedelta(days=CLOSED_DAYS)):
        return UPSERT
    return DELETE


def colleague_visible(row, viewer: Viewer) -> str | None:
    """People who share a site with the viewer (to assign follow-ups to), and the viewer.

    A post's phone is nobody's colleague; it gets the people of its site with their shift
    PINs' hashes (``_user``), to check a PIN with no network.
    """
    if row.role == POST_ROLE and row.id != viewer.user_id:
        return None
    shares = row.id == viewer.user_id or bool(viewer.site_ids & {s.id for s in row.sites})
    if not shares:
        return None
    return DELETE if row.is_gone() else UPSERT


# -- registry --------------------------------------------------------------------------

def register_change_type(sync_type: str, model, serialize: Callable[[Any, Viewer], dict], *,
                         visible: Callable[[Any, Viewer], str | None] = site_reference,
                         batch: bool = False, load_options: tuple = ()) -> None:
    """Let phones pull rows of ``model`` as ``sync_type`` changes.

    :param serialize: ``row, viewer -> data``; with ``batch=True``, ``rows, viewer ->
        {id: data}`` so that one query can serve a whole page (book quantities, notes...)
    :param visible: ``row, viewer -> "upsert" | "delete" | None``; the default suits
        reference data of a site (the change log already limits rows to the viewer's sites)
    """
    if batch:
        many = serialize
    else:
        def many(rows, viewer, one=serialize):
            return {row.id: one(row, viewer) for row in rows}
    REGISTRY[sync_type] = ChangeType(sync_type, model, many, visible, tuple(load_options))


def parse_cursor(cursor: str | None) -> int | None:
    """The change-log position a cursor stands for; ``None`` if it is not one of ours."""
    if cursor is None or cursor == "":
        return 0
    if not cursor.isdigit() or len(cursor) > 18:
        return None
    return int(cursor)


def pull(user, cursor: int, now: datetime, site_ids, limit: int = PAGE_SIZE,
         leave_out: frozenset[int] = frozenset()) -> tuple[list[dict], str, bool]:
    """One page of changes for ``user`` after ``cursor``: (changes, next cursor, has_more).

    :param leave_out: change-log seqs the caller already holds; a row all of whose changes
        on this page are among them is skipped, though the cursor still moves past it
    """
    viewer = Viewer(user.id, user.role, frozenset(site_ids), now, getattr(user, "post", None))
    log = ChangeLog.__table__
    rows = db.session.execute(
        select(log.c.seq, log.c.entity_type, log.c.entity_id)
        .where(log.c.seq > cursor, log.c.entity_type.in_(list(REGISTRY)),
               or_(log.c.site_id.in_(list(viewer.site_ids)), log.c.site_id.is_(None)))
        .order_by(log.c.seq).limit(limit + 1)).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = str(rows[-1].seq) if rows else str(cursor)

    latest: dict[tuple[str, str], int] = {}
    news: set[tuple[str, str]] = set()  # rows with a change the caller does not hold
    for seq, entity_type, entity_id in rows:
        latest[(entity_type, entity_id)] = seq
        if seq not in leave_out:
            news.add((entity_type, entity_id))
    by_type: dict[str, list[str]] = defaultdict(list)
    for entity_type, entity_id in latest:
        if (entity_type, entity_id) in news:
            by_type[entity_type].append(entity_id)

    out: dict[tuple[str, str], dict] = {}
    for sync_type, ids in by_type.items():
        kind = REGISTRY[sync_type]
        stmt = select(kind.model).where(among(kind.model.id, ids))
        if kind.load_options:
            stmt = stmt.options(*kind.load_options)
        found = {row.id: row for row in db.session.scalars(stmt)}
        shown, upserts = {}, []
        for ident in ids:
            row = found.get(ident)
            op = DELETE if row is None else kind.visible(row, viewer)
            if op == DELETE and cursor == 0 and row is not None and not row.is_gone():
                continue  # "no longer yours": a first sync never had it
            if op is not None:
                shown[ident] = (op, row)
                if op == UPSERT:
                    upserts.append(row)
        data = kind.serialize(upserts, viewer) if upserts else {}
        for ident, (op, row) in shown.items():
            change = {"type": sync_type, "id": ident, "op": op,
                      "version": row.version if row is not None else 0}
            if op == UPSERT:
                change["data"] = data[ident]
            out[(sync_type, ident)] = change
    ordered = sorted(out, key=lambda key: latest[key])
    return [out[key] for key in ordered], next_cursor, has_more


# -- the core types --------------------------------------------------------------------

def _site(row: Site, viewer) -> dict:
    keys = ("gate_windows", "gate_day_end", "visit_max_minutes", "patrol_start", "stock_check_day", "stock_blind",
            "sign_in_by", "sign_out_after_winter", "sign_out_after_summer", "summer_months",
            "morning_meeting_start", "morning_meeting_end", "weekly_meeting_weekday")
    return {"name": row.name, "code": row.code, "timezone": row.timezone, "address": row.address,
            "settings": {k: row.setting(k) for k in keys}}


def _items(rows: list[Item], viewer) -> dict[str, dict]:
    books = book_quantities([r.id for r in rows], viewer.now)
    return {r.id: {"site_id": r.site_id, "store_id": r.store_id, "name": r.name, "unit": r.unit,
                   "sku": r.sku, "book_qty": number(books[r.id])} for r in rows}


def _followups(rows: list[FollowUp], viewer) -> dict[str, dict]:
    notes = defaultdict(list)
    for event in db.session.scalars(
            select(FollowUpEvent).where(among(FollowUpEvent.followup_id, [r.id for r in rows]),
                                        FollowUpEvent.kind == "note")
            .order_by(FollowUpEvent.at, FollowUpEvent.id)):
        notes[event.followup_id].append({"at": iso(event.at), "user_id": event.user_id,
                                         "text": event.note})
    photos = _source_photos(rows)
    return {r.id: {
        "photo_ids": photos.get(r.id, []),
        "site_id": r.site_id, "source_type": r.source_type, "source_id": r.source_id,
        "category": r.category, "severity": r.severity, "title": r.title, "detail": r.detail,
        "status": r.status, "assignee_id": r.assignee_id, "post": r.post,
        "checkpoint_id": r.checkpoint_id, "created_by": r.created_by,
        "opened_at": iso(r.opened_at), "received_at": iso(r.received_at), "due_at": iso(r.due_at),
        "resolved_at": iso(r.resolved_at), "closed_at": iso(r.closed_at),
        "escalation_level": r.escalation_level, "sources": r.sources, "notes": notes[r.id],
    } for r in rows}


PHOTO_SOURCES = {"finding": Finding, "incident": Incident}


def _source_photos(rows: list[FollowUp]) -> dict[str, list[str]]:
    """The photos of the findings and incidents that called for each follow-up, so the
    person it is assigned to sees what was seen; one query per kind for the page."""
    wanted = {kind: {s["id"] for r in rows for s in (r.sources or []) if s.get("type") == kind}
              for kind in PHOTO_SOURCES}
    found: dict[str, list[str]] = {}
    for kind, model in PHOTO_SOURCES.items():
        if wanted[kind]:
            for ident, photo_ids in db.session.execute(
                    select(model.id, model.photo_ids).where(among(model.id, wanted[kind]))):
                found[ident] = list(photo_ids or [])
    return {r.id: [p for s in (r.sources or []) for p in found.get(s.get("id"), [])] for r in rows}


def _complaint(r, v) -> dict:
    """What a phone needs to contact and answer: never the owner's full number."""
    return {"site_id": r.site_id, "kind": r.kind, "channel": r.channel, "description": r.description,
            "unit": r.unit, "owner_name": r.owner_name, "owner_phone": mask_phone(r.owner_phone) or None,
            "households": r.households, "collective": r.collective, "category": r.category,
            "repeat_of": r.repeat_of, "lodged_at": iso(r.lodged_at), "followup_id": r.followup_id,
            "agreed_reply_at": iso(r.agreed_reply_at), "merged_into": r.merged_into,
            "unsatisfied": r.unsatisfied, "common_interest": r.common_interest}


def _complaints(rows, viewer) -> dict:
    """Complaints with their photos and the last stage the owner was answered at (one query
    a page), so that a phone shows "contacted" for a contact made at the desk."""
    out = _with_photos(_complaint)(rows, viewer)
    ids = [r.id for r in rows]
    last: dict[str, str] = {}
    if ids:
        for complaint_id, stage in db.session.execute(
                select(ComplaintReply.complaint_id, ComplaintReply.stage)
                .where(among(ComplaintReply.complaint_id, ids), ComplaintReply.deleted_at.is_(None))
                .order_by(ComplaintReply.replied_at, ComplaintReply.id)):
            last[complaint_id] = stage
    for ident, body in out.items():
        body["last_stage"] = last.get(ident)
    return out


def _with_photos(serialize_one):
    """Add the photo state (named / missing / complete) of rows that name photos."""
    def many(rows, viewer):
        named = {p for r in rows for p in (r.photo_ids or [])}
        uploaded = set(db.session.scalars(
            select(Photo.id).where(among(Photo.id, named), Photo.uploaded.is_(True)))) if named else set()
        out = {}
        for row in rows:
            body = serialize_one(row, viewer)
            body["photo_ids"] = list(row.photo_ids or [])
            body["photos"] = photo_state(body["photo_ids"], uploaded)
            out[row.id] = body
        return out
    return many


def _visit(row: Visit, viewer) -> dict:
    return {"site_id": row.site_id, "visitor_name": row.visitor_name, "purpose": row.purpose,
            "party_size": row.party_size, "phone": mask_phone(row.phone) or None,
            "id_number": mask_id_number(row.id_number) or None, "id_kind": row.id_kind, "unit": row.unit,
            "host_name": row.host_name, "plate": row.plate, "note": row.note, "permit_id": row.permit_id,
            "checked_in_at": iso(row.checked_in_at), "checked_out_at": iso(row.checked_out_at)}


register_change_type("site", Site, _site)
register_change_type("building", Building, lambda r, v: {"site_id": r.site_id, "name": r.name,
                                                         "sort": r.sort})
register_change_type("unit", Unit, lambda r, v: {"site_id": r.site_id, "building_id": r.building_id,
                                                 "code": r.code})
register_change_type("checkpoint", Checkpoint, lambda r, v: {
    "site_id": r.site_id, "name": r.name, "code": r.code, "description": r.description,
    "lat": r.lat, "lng": r.lng})
register_change_type("route", Route, lambda r, v: {
    "site_id": r.site_id, "name": r.name, "checkpoint_ids": r.checkpoint_ids,
    "window_start": r.window_start, "window_end": r.window_end},
    load_options=(selectinload(Route.stops),))
register_change_type("store", Store, lambda r, v: {"site_id": r.site_id, "name": r.name})
register_change_type("item", Item, _items, batch=True)
def _user(row: User, viewer) -> dict:
    body = {"display_name": row.display_name, "role": row.role, "post": row.post,
            "is_team_lead": row.is_team_lead, "site_ids": sorted(s.id for s in row.sites)}
    if viewer.role == POST_ROLE:
        body["pin_hash"] = row.pin_hash
    return body


register_change_type("user", User, _user, visible=colleague_visible, load_options=(selectinload(User.sites),))
register_change_type("followup", FollowUp, _followups, visible=followup_visible, batch=True)
register_change_type("patrol", Patrol, lambda r, v: {
    "site_id": r.site_id, "route_id": r.route_id, "started_at": iso(r.started_at),
    "ended_at": iso(r.ended_at), "notes": r.notes, "missed_checkpoint_ids": r.missed_checkpoint_ids},
    visible=own_recent("started_at"))
register_change_type("visit", Visit, _visit, visible=visit_visible)
register_change_type("stock_check", StockCheck, lambda r, v: {
    "site_id": r.site_id, "store_id": r.store_id, "started_at": iso(r.started_at),
    "finished_at": iso(r.finished_at)}, visible=own_recent("started_at"))
register_change_type("finding", Finding, _with_photos(lambda r, v: {
    "site_id": r.site_id, "patrol_id": r.patrol_id, "checkpoint_id": r.checkpoint_id,
    "category": r.category, "severity": r.severity, "description": r.description,
    "handled_on_spot": r.handled_on_spot, "action_taken": r.action_taken,
    "found_at": iso(r.found_at), "followup_id": r.followup_id, "permit_id": r.permit_id}),
    visible=own_recent("found_at"), batch=True)
register_change_type("incident", Incident, _with_photos(lambda r, v: {
    "site_id": r.site_id, "visit_id": r.visit_id, "description": r.description,
    "occurred_at": iso(r.occurred_at), "followup_id": r.followup_id}),
    visible=own_recent("occurred_at"), batch=True)
register_change_type("complaint", Complaint, _complaints, visible=complaint_visible, batch=True)


# -- repair orders ---------------------------------------------------------------------

REPAIR_POST = "repair"
_own_repair = own_recent("requested_at")


def repair_visible(row, viewer: Viewer) -> str | None:
    """Its recorder's for 7 days; and the repair staff and managers of its site hold every
    order still waiting for the owner's sign-off (the worker records it there, offline).
    Once signed off it leaves their phones (a ``delete``)."""
    if row.user_id == viewer.user_id:
        return _own_repair(row, viewer)
    works_repairs = viewer.post == REPAIR_POST or viewer.role in REVIEW_ROLES
    if not works_repairs or row.site_id not in viewer.site_ids:
        return None
    if row.is_gone() or row.signed_off_at is not None:
        return DELETE
    return UPSERT


register_change_type("repair", RepairOrder, _with_photos(lambda r, v: {
    "site_id": r.site_id, "number": r.number, "description": r.description, "urgency": r.urgency,
    "channel": r.channel, "unit": r.unit, "owner_name": r.owner_name,
    "owner_phone": mask_phone(r.owner_phone) or None, "requested_at": iso(r.requested_at),
    "due_at": iso(r.due_at), "followup_id": r.followup_id, "status": r.status,
    "work_count": r.work_count, "worked_at": iso(r.worked_at), "signed_off_at": iso(r.signed_off_at),
    "satisfaction": r.satisfaction, "approved_at": iso(r.approved_at)}),
    visible=repair_visible, batch=True)


# -- attendance and the work log -------------------------------------------------------

register_change_type("attendance", Attendance, lambda r, v: {
    "site_id": r.site_id, "action": r.action, "day": r.day, "at": iso(r.at), "uniform": r.uniform,
    "verdict": r.verdict, "expected": r.expected}, visible=own_recent("at"))
register_change_type("worklog_note", WorklogNote, lambda r, v: {
    "site_id": r.site_id, "day": r.day, "text": r.text, "at": iso(r.at), "added_later": r.added_later},
    visible=own_recent("at"))
register_change_type("inspection", Inspection, lambda r, v: {
    "site_id": r.site_id, "person_id": r.person_id, "post": r.post, "day": r.day, "at": iso(r.at),
    "checklist": r.checklist, "score": r.score, "notes": r.notes}, visible=own_recent("at"))
register_change_type("manager_report", ManagerReport, lambda r, v: {
    "site_id": r.site_id, "kind": r.kind, "period": r.period.isoformat(), "submitted_at": iso(r.submitted_at),
    "done": r.done, "open_items": r.open_items, "plan": r.plan}, visible=own_recent("submitted_at"))
register_change_type("meeting", Meeting, lambda r, v: {
    "site_id": r.site_id, "kind": r.kind, "started_at": iso(r.started_at), "chaired_by": r.chaired_by,
    "attendee_ids": r.attendee_ids, "absent_note": r.absent_note, "assignments": r.assignments,
    "yesterday_summary": r.yesterday_summary, "notes": r.notes}, visible=own_recent("started_at"))
