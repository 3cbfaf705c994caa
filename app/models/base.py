"""Column types and mixins shared by every table, and the change log that phones pull from.

Every row a phone may hold (``Synced``) gets a version that rises on each write and an
entry in ``change_log`` in the same flush, so admin edits, sync mutations and the sweep
all reach the phones through one mechanism.
"""
import uuid
from datetime import datetime
from datetime import timezone

from sqlalchemy import DateTime
from sqlalchemy import ARRAY
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import any_
from sqlalchemy import bindparam
from sqlalchemy import event
from sqlalchemy import inspect
from sqlalchemy import text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import Session
from sqlalchemy.orm import mapped_column
from sqlalchemy.types import TypeDecorator

from app.extensions import db


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC and always returns aware UTC, so SQLite and PostgreSQL agree."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


class IdMixin:
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)


class Synced(IdMixin):
    """A row phones receive in pulls: versioned, soft-deleted, logged on every write.

    ``sync_type`` names it in the ``changes`` of a pull; ``site_column`` tells the pull
    which site it belongs to (``None`` for rows scoped otherwise, e.g. users).
    """

    sync_type: str = ""
    # Relationship collections whose changes are changes of this row (a route's stops).
    sync_collections: tuple[str, ...] = ()
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def change_site_id(self) -> str | None:
        return getattr(self, "site_id", None)

    def is_gone(self) -> bool:
        """Whether phones should drop this row (a ``delete`` change)."""
        return self.deleted_at is not None


class ChangeLog(db.Model):
    """Append-only log of writes to synced rows; its ``seq`` is the pull cursor."""

    __tablename__ = "change_log"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity_type: Mapped[str] = mapped_column(String(32), nullable=False)
    entity_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    site_id: Mapped[str | None] = mapped_column(String(36), index=True)
    op: Mapped[str] = mapped_column(String(8), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


def _serialise_writers(session: Session) -> None:
    """On PostgreSQL, writers of the change log take one transaction lock in turn.

    Without it a transaction could commit a lower ``seq`` after a pull has already read a
    higher one, and that pull's cursor would skip the row forever.
    """
    if session.info.get("change_lock"):
        return
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(74210001)"))
    session.info["change_lock"] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_lock(session):
    session.info.pop("change_lock", None)
    session.info.pop("change_rows", None)
    session.info.pop("change_pending", None)
    session.info.pop("sqlite_writer", None)


def _modified(session: Session, obj: Synced) -> bool:
    if session.is_modified(obj, include_collections=False):
        return True
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in obj.sync_collections)


@event.listens_for(Session, "before_flush")
def _log_changes(session, flush_context, instances):
    touched = []
    for obj in session.new:
        if isinstance(obj, Synced):
            if obj.id is None:
                obj.id = new_id()
            obj.version = obj.version or 1
            obj.updated_at = utcnow()
            touched.append(obj)
    for obj in session.dirty:
        if isinstance(obj, Synced) and _modified(session, obj):
            obj.version = (obj.version or 0) + 1
            obj.updated_at = utcnow()
            touched.append(obj)
    if not touched:
        return
    _serialise_writers(session)
    now = utcnow()
    for obj in touched:
        log_change(session, entity_type=obj.sync_type, entity_id=obj.id, site_id=obj.change_site_id(),
                   op="delete" if obj.is_gone() else "upsert", version=obj.version, at=now)


def log_change(session: Session, **row) -> None:
    """Queue one change-log row (columns of ``ChangeLog`` but ``seq``) for this flush's insert.

    Rows keep the order they are queued in: call it from a ``before_flush`` listener.
    """
    _serialise_writers(session)
    session.info.setdefault("change_pending", []).append(row)


@event.listens_for(Session, "after_flush")
def _write_changes(session, flush_context):
    """The flush's change-log rows in one statement, after the rows they describe."""
    pending = session.info.pop("change_pending", None)
    if not pending:
        return
    table = ChangeLog.__table__
    written = session.connection().execute(
        table.insert().returning(table.c.seq, table.c.entity_type, table.c.entity_id), pending)
    session.info.setdefault("change_rows", []).extend(tuple(row) for row in written)


def among(column, values, session: Session | None = None):
    """``column IN values``, as one bound array (``= ANY``) on PostgreSQL.

    SQLAlchemy binds an ``IN`` list as one named parameter per value; naming and binding
    a thousand of them cost more than the query itself (a first pull's page of 1,000
    units, or a push of 500 looking up its journal). SQLite has no arrays and keeps ``IN``.
    """
    values = list(values)
    bind = (session or db.session).get_bind()
    if bind.dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(column.type)))
    return column.in_(values)


def written_changes(session: Session) -> list[tuple[int, str, str]]:
    """``(seq, entity_type, entity_id)`` of the change-log rows this transaction wrote.

    Read before commit (it flushes): a push's answer uses it to leave out its own writes.
    """
    session.flush()
    return list(session.info.get("change_rows", []))


def touch(obj: Synced) -> None:
    """Mark a synced row changed (e.g. when only a related table changed)."""
    obj.updated_at = utcnow()
