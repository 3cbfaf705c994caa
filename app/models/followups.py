"""Follow-ups (跟进 / 报事 / 工单), the history of each, and conflicts kept for review.

Status, owner and notes are worked out by ``sync.followups`` from the events; code that
changes a follow-up elsewhere (desktop pages, the sweep) records an event too and should
lock the row with ``FollowUp.lock`` so that no edit is lost.
"""
from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import Boolean
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import select
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.extensions import db
from app.models.base import IdMixin
from app.models.base import Synced
from app.models.base import UTCDateTime
from app.models.base import _serialise_writers
from app.models.base import utcnow


class FollowUp(Synced, db.Model):
    """One task with an owner, a clock and a history: open -> in_progress -> resolved -> closed.

    ``opened_at`` is the corrected time of the event that called for it (its clock starts
    there); ``received_at`` is when that event reached the server.
    """

    __tablename__ = "followups"
    # The dashboard's daily counts of follow-ups opened, resolved and due (with the
    # timely-handling rate) read these alone (0008).
    __table_args__ = (Index("ix_followups_site_status_due", "site_id", "status", "due_at"),
                      Index("ix_followups_site_opened", "site_id", "opened_at", "deleted_at"),
                      Index("ix_followups_site_resolved", "site_id", "resolved_at", "deleted_at"),
                      Index("ix_followups_site_due", "site_id", "due_at", "deleted_at", "resolved_at"))
    sync_type = "followup"
    site_id: Mapped[str] = mapped_column(ForeignKey("sites.id"), nullable=False, index=True)
    source_type: Mapped[str] = mapped_column(String(24), nullable=False)
    source_id: Mapped[str | None] = mapped_column(String(36), index=True)
    source_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"), index=True)
    checkpoint_id: Mapped[str | None] = mapped_column(ForeignKey("checkpoints.id"))
    category: Mapped[str] = mapped_column(String(16), nullable=False)
    severity: Mapped[str | None] = mapped_column(String(8))
    clock: Mapped[str | None] = mapped_column(String(24))
    title: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    detail: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="open", index=True)
    assignee_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), index=True)
    post: Mapped[str | None] = mapped_column(String(24))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalation_level: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    event_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    note_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    sources: Mapped[list] = mapped_column(JSON, nullable=False, default=list)

    events = relationship("FollowUpEvent", order_by="FollowUpEvent.at",
                          back_populates="followup", viewonly=True)

    @property
    def arrival_delay(self):
        """How long after the event it reached the server (a late sync, not a late deed)."""
        return self.received_at - self.opened_at

    @classmethod
    def lock(cls, ident: str) -> "FollowUp | None":
        """Load a follow-up to change it: change-log lock first, then the row (PostgreSQL).

        Taking the locks in the same order as the sync does means the two never deadlock.
        """
        _serialise_writers(db.session)
        return db.session.scalar(select(cls).where(cls.id == ident).with_for_update())


class FollowUpEvent(IdMixin, db.Model):
    """One change or note on a follow-up, at its corrected time; kept even when it lost.

    ``effective`` says whether a status change took effect when all changes are replayed in
    time order; ``version_after`` is the follow-up's version right after this event arrived.
    """

    __tablename__ = "followup_events"
    followup_id: Mapped[str] = mapped_column(ForeignKey("followups.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    device_id: Mapped[str | None] = mapped_column(String(64))
    mutation_id: Mapped[str | None] = mapped_column(String(36))
    value: Mapped[object | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
    effective: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    base_version: Mapped[int | None] = mapped_column(Integer)
    version_after: Mapped[int | None] = mapped_column(Integer)

    followup = relationship("FollowUp", back_populates="events")


class Conflict(IdMixin, db.Model):
    """Two records disagreed; which value was kept, which lost, and why. For supervisors."""

    __tablename__ = "conflicts"
    site_id: Mapped[str | None] = mapped_column(ForeignKey("sites.id"), index=True)
    entity_type: Mapped[str] = mapped_column(String(24), nullable=False)
    entity_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    field: Mapped[str] = mapped_column(String(40), nullable=False)
    kept: Mapped[object | None] = mapped_column(JSON)
    lost: Mapped[object | None] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(String(200), nullable=False)
    winner_mutation_id: Mapped[str | None] = mapped_column(String(36))
    loser_mutation_id: Mapped[str | None] = mapped_column(String(36))
    mutation_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    # ``accepted`` (the kept value stands) or ``restored`` (the lost value was put back by a
    # new event); ``None`` while it waits for review.
    resolution: Mapped[str | None] = mapped_column(String(16))
