"""Channels and notices for the notification tests."""
from __future__ import annotations

from datetime import datetime
from datetime import timezone
from zoneinfo import ZoneInfo

import pytest
from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.models import Notification
from app.models import NotifyChannel
from app.models import new_id
from tests.integration.notify.receiver import Receiver

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A fixed afternoon at the site: no quiet hours of the tests' people fall on it.
NOW = datetime(2026, 12, 4, 15, 0, tzinfo=SHANGHAI).astimezone(timezone.utc)


@pytest.fixture()
def receiver():
    with Receiver() as running:
        yield running


def add_channel(site_id: str, kind: str, url: str | None = None, secret: str | None = None,
                **options) -> str:
    channel = NotifyChannel(id=new_id(), site_id=site_id, kind=kind, name=f"{kind} 群", url=url,
                            secret=secret, options=options, active=True)
    db.session.add(channel)
    db.session.commit()
    return channel.id


def add_notice(site_id: str, user_id: str, *, at_once: bool = False, title: str = "3号楼漏水") -> str:
    """A pending notice about a follow-up, as the outbox hook writes them."""
    notice = Notification(id=new_id(), key=new_id(), site_id=site_id, user_id=user_id,
                          event="followup.assigned", subject_type="followup", subject_id=new_id(),
                          msgid="%(title)s — due %(due)s.", params={"title": title, "due": "2026-12-04 18:00"},
                          at_once=at_once, status="pending", attempts=0)
    db.session.add(notice)
    db.session.commit()
    return notice.id


def notices(**equals) -> list[Notification]:
    return list(db.session.scalars(select(Notification).filter_by(**equals).order_by(Notification.created_at,
                                                                                      Notification.id)))


def run_worker(now=NOW, **kw):
    """One pass of the worker as ``flask notify run --once`` makes it, in a request context."""
    from app.notify.worker import run_once

    with current_app.test_request_context("/", base_url="https://estate.example.com"):
        return run_once(now, "test-worker", **kw)
