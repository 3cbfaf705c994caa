"""Morning meetings (晨会) and weekly meetings (周例会): chaired by a manager, supervisor,
admin or team lead, recorded on the phone or at the desk; never edited once recorded."""
from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.extensions import db
from app.models.base import UTCDateTime
from app.models.records import Recorded


class Meeting(Recorded, db.Model):
    """One meeting of ``kind`` (``morning`` / ``weekly``) at a site, started at the corrected
    ``started_at`` and chaired by ``chaired_by`` (who recorded it, as ``user_id``);
    ``attendee_ids`` are the people of the site who attended. On time or late is
    ``sync.meeting_rules.timeliness`` of ``started_at``, worked out when read."""

    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_site_started", "site_id", "started_at"),)
    sync_type = "meeting"
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    started_at_phone: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    chaired_by: Mapped[str] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    attendee_ids: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    absent_note: Mapped[str | None] = mapped_column(Text)
    assignments: Mapped[str | None] = mapped_column(Text)
    yesterday_summary: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
