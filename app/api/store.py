"""The SQLAlchemy side of ``sync.store.Store``: the engine's records as rows.

One instance serves one request inside one transaction and never commits. It keeps the
ORM objects it has loaded or created, so a push of hundreds of mutations reads each row
once (``get_many`` primes it in one query per kind) and writes them in a few flushes.
"""
from __future__ import annotations

import copy
from collections import defaultdict
from dataclasses import asdict
from dataclasses import fields
from datetime import datetime
from decimal import Decimal
from typing import Any
from typing import Iterable

from sqlalchemy import inspect
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy import update

from app.models import DEFAULT_SITE_SETTINGS
from app.models import Checkpoint
from app.models import CheckpointVisit
from app.models import Complaint
from app.models import ComplaintReply
from app.models import Conflict
from app.models import DecorationPermit
from app.models import Finding
from app.models import FollowUp
from app.models import FollowUpEvent
from app.models import Incident
from app.models import Item
from app.models import JournalRow
from app.models import Patrol
from app.models import Photo
from app.models import RepairOrder
from app.models import RepairWork
from app.models import Route
from app.models import Shift
from app.models import Site
from app.models import StockCheck
from app.models import StockCount
from app.models import Store
from app.models import SyncDevice
from app.models import User
from app.models import Visit
from app.models import Attendance
from app.models import Inspection
from app.models import ManagerReport
from app.models import ChecklistSignoff
from app.models import Meeting
from app.models import WorklogNote
from app.models import StockMovement
from app.models.base import _serialise_writers
from app.models.base import among
from app.models.base import touch
from app.models.people import user_sites
from app.models.stock import signed_quantity
from app.privacy import journal as sealed
from app.privacy.numbers import DERIVED as NUMBER_KEYS
from sync.envelope import DeviceState
from sync.envelope import JournalEntry
from sync.store import REFERENCE_KINDS
from sync.store import SiteRef
from sync.store import UserRef

KIND_MODELS = {
    "visit": Visit, "incident": Incident, "patrol": Patrol, "checkpoint_visit": CheckpointVisit,
    "finding": Finding, "stock_check": StockCheck, "stock_count": StockCount,
    "followup": FollowUp, "followup_event": FollowUpEvent, "conflict": Conflict, "photo": Photo,
    "complaint": Complaint, "complaint_reply": ComplaintReply, "shift": Shift, "repair": RepairOrder,
    "repair_work": RepairWork, "stock_movement": StockMovement,
    "attendance": Attendance, "worklog_note": WorklogNote, "inspection": Inspection,
    "manager_report": ManagerReport, "checklist_signoff": ChecklistSignoff,
    "meeting": Meeting,
}
STORE_MANAGED = {"version", "updated_at"}
JOURNAL_COLUMNS = [c.key for c in JournalRow.__table__.columns]
ENTRY_FIELDS = {f.name for f in fields(JournalEntry)}
JOURNAL_FIELDS = [name for name in JOURNAL_COLUMNS if name in ENTRY_FIELDS]
# What deciding (or re-deciding) a journaled mutation changes; the body and its arrival
# are written once, when the row is claimed.
DECIDED = ("mutation_id", "type", "entity_id", "seq", "at_phone", "at_corrected", "clock_flag",
           "status", "result", "waiting_for", "applied_at", "duplicates", "reuses")
DEVICE_COLUMNS = [c.key for c in SyncDevice.__table__.columns]

# Columns the server computes on every write; the sync engine neither reads nor writes them.
DERIVED = NUMBER_KEYS + ("search_text",)


def _dialect_insert(session):
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


class SqlStore:
    """``sync.store.Store`` over the app's session; the caller commits or rolls back."""

    def __init__(self, session):
        self.session = session
        self.postgres = session.get_bind().dialect.name == "postgresql"
        self._objects: dict[tuple[str, str], Any] = {}
        self._absent: dict[str, set[str]] = defaultdict(set)
        self._users: dict[str, UserRef | None] = {}
        self._site_users: dict[str, list[UserRef]] = {}
        self._sites: dict[str, SiteRef | None] = {}
        self._references: dict[tuple[str, str], dict | None] = {}
        self._movements: dict[str, list] = {}
        # ``has_numbers`` of rows read without their bodies: a rewrite cannot see the body.
        self._stored_numbers: dict[str, bool] = {}

    # -- journal -----------------------------------------------------------------------
    def fingerprint(self, raw: dict[str, Any]) -> str:
        """Keyed for a body that carries a visitor's number (``app.privacy.journal``)."""
        return sealed.fingerprint(raw)

    def claim(self, entries: list[JournalEntry]) -> set[str]:
        """Insert the rows in one statement; a conflicting id is skipped, not an error.

        The change-log lock comes first so that a sync transaction never holds a claimed
        id while it waits for that lock (the other order could deadlock on PostgreSQL).
        """
        if not entries:
            return set()
        _serialise_writers(self.session)
        insert = _dialect_insert(self.session)
        table = JournalRow.__table__
        rows = [_journal_row(e) for e in entries]
        stmt = (insert(table).on_conflict_do_nothing(index_elements=["mutation_id"])
                .returning(table.c.mutation_id))
        return set(self.session.execute(stmt, rows).scalars())

    def journal(self, mutation_ids: Iterable[str], *, bodies: bool = True) -> dict[str, JournalEntry]:
        """Journaled rows by id; on SQLite, the push's first read, taken under the write lock.

        SQLite has one writer at a time. A push that read before it wrote would decide on
        what another push may change before this one's first write, so it takes the lock
        now, as ``BEGIN IMMEDIATE`` would. PostgreSQL needs no such thing: its row locks
        (``get(..., for_update=True)``) and the journal's unique key do the work.
        """
        if not self.postgres and not self.session.info.get("sqlite_writer"):
            self.session.execute(text("UPDATE sync_devices SET device_id = device_id WHERE 0"))
            self.session.info["sqlite_writer"] = True
        ids = list(mutation_ids)
        if not ids:
            return {}
        table = JournalRow.__table__
        columns = table.c if bodies else [c for c in table.c if c.key != "raw"]
        rows = self.session.execute(select(*columns).where(among(table.c.mutation_id, ids, self.session))).mappings().all()
        if bodies:
            for row in rows:
                self._stored_numbers.pop(row["mutation_id"], None)
            return {row["mutation_id"]: _entry(row) for row in rows}
        self._stored_numbers.update((row["mutation_id"], bool(row["has_numbers"])) for row in rows)
        return {row["mutation_id"]: _entry({**row, "raw": {}}) for row in rows}

    def save_journal(self, entries: Iterable[JournalEntry]) -> None:
        rows = [_decision(e) for e in entries]
        for row in rows:
            if row["mutation_id"] in self._stored_numbers:
                row["has_numbers"] = row["has_numbers"] or self._stored_numbers[row["mutation_id"]]
        if rows:
            self.session.execute(update(JournalRow), rows)

    def count_duplicates(self, repeats: dict[str, int]) -> None:
        """One statement per distinct count: a re-pushed batch is one UPDATE, not one per row."""
        by_count: dict[int, list[str]] = defaultdict(list)
        for mutation_id, count in repeats.items():
            by_count[count].append(mutation_id)
        table = JournalRow.__table__
        for count, ids in sorted(by_count.items()):
            self.session.execute(update(table).where(among(table.c.mutation_id, ids, self.session))
                                 .values(duplicates=table.c.duplicates + count))

    def waiting_for(self, entity_ids: Iterable[str]) -> list[JournalEntry]:
        ids = list(entity_ids)
        if not ids:
            return []
        table = JournalRow.__table__
        rows = self.session.execute(
            select(table).where(table.c.status == "deferred", among(table.c.waiting_for, ids, self.session))
            .order_by(table.c.mutation_id)).mappings()
        return [_entry(row) for row in rows]

    # -- devices -----------------------------------------------------------------------
    def device(self, device_id: str) -> DeviceState | None:
        table = SyncDevice.__table__
        row = self.session.execute(select(table).where(table.c.device_id == device_id)).mappings().first()
        return None if row is None else DeviceState(**row)

    def save_device(self, state: DeviceState) -> None:
        """Insert or update in one statement: two pulls from one phone may race."""
        insert = _dialect_insert(self.session)
        values = {k: v for k, v in asdict(state).items() if k in DEVICE_COLUMNS}
        stmt = insert(SyncDevice.__table__).values(**values)
        changed = {k: stmt.excluded[k] for k in values if k not in ("device_id", "first_seen_at")}
        self.session.execute(stmt.on_conflict_do_update(index_elements=["device_id"], set_=changed))

    # -- records -----------------------------------------------------------------------
    def get(self, kind: str, ident: str, *, for_update: bool = False) -> dict[str, Any] | None:
        model = KIND_MODELS[kind]
        if for_update and self.postgres:
            obj = self.session.get(model, ident, with_for_update=True, populate_existing=True)
            if obj is not None:
                self._objects[(kind, ident)] = obj
        else:
            obj = self._load(kind, ident)
        return None if obj is None else _as_dict(obj)

    def get_many(self, kind: str, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        model = KIND_MODELS[kind]
        wanted = [i for i in ids if (kind, i) not in self._objects]
        if wanted:
            found = {o.id: o for o in self.session.scalars(select(model).where(among(model.id, wanted, self.session)))}
            for ident in wanted:
                if ident in found:
                    self._objects[(kind, ident)] = found[ident]
                else:
                    self._absent[kind].add(ident)
        return {i: _as_dict(self._objects[(kind, i)]) for i in ids if (kind, i) in self._objects}

    def find(self, kind: str, **equals: Any) -> list[dict[str, Any]]:
        model = KIND_MODELS[kind]
        rows = self.session.scalars(select(model).filter_by(**equals).order_by(model.id)).all()
        for obj in rows:
            self._objects.setdefault((kind, obj.id), obj)
        return [_as_dict(obj) for obj in rows]

    def put(self, kind: str, record: dict[str, Any], *, new: bool = False) -> None:
        model = KIND_MODELS[kind]
        obj = None if new else self._load(kind, record["id"])
        created = obj is None
        if created:
            obj = model(id=record["id"])
            if hasattr(model, "version"):
                obj.version = 1
            self.session.add(obj)
            self._objects[(kind, record["id"])] = obj
            self._absent[kind].discard(record["id"])
        columns = _columns(model)
        changed = False
        for key, value in record.items():
            if key in columns and key not in STORE_MANAGED and (created or getattr(obj, key) != value):
                setattr(obj, key, value)
                changed = True
        if created and kind == "stock_movement":
            self._moved(obj)
        if changed and not created and hasattr(model, "version"):
            if obj in self.session.new:
                obj.version += 1  # written twice before its insert: still two writes
            elif kind == "followup":
                # Flushed at once: the next edit checks its base_version against this one.
                self.session.flush()

    def _moved(self, movement) -> None:
        """A movement the engine wrote (materials a repair used): the item's book quantity
        changed, so phones pull the item again, and this push's later reads see it."""
        self._movements.pop(movement.item_id, None)
        item = self.session.get(Item, movement.item_id)
        if item is not None:
            touch(item)

    def _load(self, kind: str, ident: str):
        key = (kind, ident)
        if key in self._objects:
            return self._objects[key]
        if ident in self._absent[kind]:
            return None
        obj = self.session.get(KIND_MODELS[kind], ident)
        if obj is None:
            self._absent[kind].add(ident)
        else:
            self._objects[key] = obj
        return obj

    # -- reference data ----------------------------------------------------------------
    def user(self, user_id: str) -> UserRef | None:
        if user_id not in self._users:
            user = self.session.get(User, user_id) if isinstance(user_id, str) else None
            self._users[user_id] = None if user is None else _user_ref(user)
        return self._users[user_id]

    def site_users(self, site_id: str) -> list[UserRef]:
        if site_id not in self._site_users:
            people = self.session.scalars(
                select(User).join(user_sites, user_sites.c.user_id == User.id)
                .where(user_sites.c.site_id == site_id, User.active.is_(True), User.deleted_at.is_(None))
                .order_by(User.id)).all()
            self._site_users[site_id] = [_user_ref(u) for u in people]
        return self._site_users[site_id]

    def site(self, site_id: str) -> SiteRef | None:
        if site_id not in self._sites:
            site = self.session.get(Site, site_id)
            if site is None or site.deleted_at is not None:
                self._sites[site_id] = None
            else:
                settings = {key: site.setting(key) for key in DEFAULT_SITE_SETTINGS}
                settings["assignment"] = (site.settings or {}).get("assignment") or {}
                self._sites[site_id] = SiteRef(id=site.id, settings=settings, timezone=site.timezone)
        return self._sites[site_id]

    def reference(self, kind: str, ident: str) -> dict[str, Any] | None:
        key = (kind, ident)
        if key not in self._references:
            model = {"checkpoint": Checkpoint, "route": Route, "store": Store, "item": Item,
                     "permit": DecorationPermit}[kind]
            obj = self.session.get(model, ident)
            if obj is None or obj.deleted_at is not None:
                self._references[key] = None
            else:
                view = {}
                for name in REFERENCE_KINDS[kind]:
                    view[name] = (not obj.is_gone()) if name == "active" else getattr(obj, name)
                self._references[key] = view
        found = self._references[key]
        return None if found is None else dict(found)

    def book_quantity(self, item_id: str, at: datetime) -> Decimal:
        """Summed here from the item's movements, read once per item and push."""
        if item_id not in self._movements:
            self._movements[item_id] = self.session.execute(
                select(StockMovement.occurred_at, signed_quantity())
                .where(StockMovement.item_id == item_id)).all()
        return sum((Decimal(qty) for when, qty in self._movements[item_id] if when <= at), Decimal(0))


def _journal_row(entry: JournalEntry) -> dict[str, Any]:
    """A journal entry as a row; the numbers in it are sealed by the column types.

    Read attribute by attribute: ``asdict`` would deep-copy every body for nothing.
    """
    return _columns_of(entry, JOURNAL_FIELDS)


def _decision(entry: JournalEntry) -> dict[str, Any]:
    """What ``save_journal`` writes of an entry: its key and what deciding it sets."""
    return _columns_of(entry, DECIDED)


def _columns_of(entry: JournalEntry, names) -> dict[str, Any]:
    row = {name: getattr(entry, name) for name in names}
    row["has_numbers"] = sealed.has_numbers(entry.raw) or sealed.reuses_have_numbers(entry.reuses)
    return row


def _entry(row) -> JournalEntry:
    return JournalEntry(**{k: v for k, v in row.items() if k in ENTRY_FIELDS})


def _columns(model) -> set[str]:
    """What the engine may read and write of a record: not what the store derives."""
    return {attr.key for attr in inspect(model).column_attrs if attr.key not in DERIVED}


def _as_dict(obj) -> dict[str, Any]:
    """The row's columns; JSON values copied so that editing the dict never edits the row.

    A stored row changed since the last flush reports the version that flush will give it.
    """
    record = {attr.key: copy.deepcopy(getattr(obj, attr.key))
              for attr in inspect(type(obj)).column_attrs if attr.key not in DERIVED}
    state = inspect(obj)
    if "version" in record and state.persistent and state.session.is_modified(obj, include_collections=False):
        record["version"] += 1
    return record


def _user_ref(user: User) -> UserRef:
    from app.scoping import visible_site_ids

    return UserRef(id=user.id, role=user.role, post=user.post, is_team_lead=user.is_team_lead,
                   site_ids=tuple(sorted(visible_site_ids(user))), active=user.is_active)
