"""A person's notifications as their list shows them, on the desk and on the phone."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from app.extensions import db
from app.models import Delivery
from app.models import Notification
from app.models import Site
from app.notify.render import link
from app.notify.render import text
from app.office.access import may_review
from app.office.access import may_work_followups

PER_PAGE = 50
# Who may open each kind of record at the desk; others read the notice without a link.
OPENS = {"followup": may_work_followups, "visit": may_review, "calendar": may_review, "devices": may_review}


@dataclass(frozen=True)
class Line:
    id: str
    event: str
    subject_type: str
    title: str
    text: str
    at: datetime
    at_text: str
    site: str
    link: str | None
    state: str  # sent, list_only, waiting, retrying, failed
    read: bool

    def as_json(self) -> dict:
        return {"id": self.id, "event": self.event, "title": self.title, "text": self.text,
                "at": self.at.isoformat(), "at_text": self.at_text, "site": self.site, "link": self.link,
                "state": self.state, "read": self.read}


def _state(notification: Notification, sent: int) -> str:
    if notification.status == "failed":
        return "failed"
    if notification.status == "done":
        return "sent" if sent else "list_only"
    return "retrying" if notification.attempts else "waiting"


def lines(user, limit: int = PER_PAGE) -> list[Line]:
    """The person's newest notices, in the current language, each linked when they may open it."""
    rows = list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                   .order_by(Notification.created_at.desc(), Notification.id).limit(limit)))
    sites = {s.id: s for s in db.session.scalars(select(Site).where(Site.id.in_({n.site_id for n in rows})))}
    sent = dict(db.session.execute(select(Delivery.notification_id, func.count(Delivery.id))
                                   .where(Delivery.notification_id.in_([n.id for n in rows]))
                                   .group_by(Delivery.notification_id)).all())
    out = []
    for n in rows:
        site = sites[n.site_id]
        title, line = text(n)
        opens = OPENS.get(n.subject_type)
        out.append(Line(id=n.id, event=n.event, subject_type=n.subject_type, title=title, text=line, at=n.created_at,
                        at_text=n.created_at.astimezone(ZoneInfo(site.timezone)).strftime("%Y-%m-%d %H:%M"),
                        site=site.name, link=link(n) if opens and opens(user) else None,
                        state=_state(n, sent.get(n.id, 0)), read=n.read_at is not None))
    return out


def unread(user) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def mark_read(user, now: datetime) -> int:
    """Stamp every unread notice of the person read; how many."""
    result = db.session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=now))
    db.session.commit()
    return result.rowcount or 0
