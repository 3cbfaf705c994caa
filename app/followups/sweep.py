"""Run the follow-up sweep: one transaction per site, safe with several servers at once.

A site's sweep first takes its turn on the site's ``sweep_runs`` row (an upsert: a row
lock on PostgreSQL, the database's write lock on SQLite), then the change-log lock every
writer of synced rows takes. So two sweeps of one site run one after the other, and the
second finds the first one's marks and does nothing; and a sync push either lands before
the sweep reads its facts or after it has committed its follow-ups, where the push's own
settling (``settle_after_sync``) sees them. The marks' unique keys and the derived ids of
follow-ups and events would refuse a duplicate even without the locks.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.followups.actions import carry_out
from app.followups.facts import pending_facts
from app.followups.facts import site_facts
from app.models import Site
from app.models import utcnow
from app.models.base import _serialise_writers
from app.models.sweep import SweepRun
from sync import sweep

ATTEMPTS = 2


@dataclass
class SiteReport:
    """What one site's sweep did: counts by ``settled``, ``escalated`` and each kind opened."""

    site_id: str
    code: str
    name: str
    done: Counter = field(default_factory=Counter)
    error: str | None = None

    @property
    def opened(self) -> int:
        return sum(self.done[kind] for kind in sweep.KINDS)


def run(now: datetime, site_codes: tuple[str, ...] = ()) -> list[SiteReport]:
    """Sweep every live site (or those with the given codes) as of ``now``."""
    stmt = select(Site.id, Site.code, Site.name).where(Site.deleted_at.is_(None)).order_by(Site.code)
    if site_codes:
        stmt = stmt.where(Site.code.in_(site_codes))
    sites = db.session.execute(stmt).all()
    db.session.rollback()
    return [sweep_site(SiteReport(ident, code, name), now) for ident, code, name in sites]


def unknown_sites(site_codes) -> list[str]:
    """The codes among ``site_codes`` that name no live site."""
    if not site_codes:
        return []
    known = set(db.session.scalars(select(Site.code).where(Site.code.in_(list(site_codes)),
                                                           Site.deleted_at.is_(None))))
    return sorted(set(site_codes) - known)


def sweep_site(report: SiteReport, now: datetime) -> SiteReport:
    """Settle, open and escalate at one site in one transaction; retried once if it lost a race."""
    for attempt in range(ATTEMPTS):
        try:
            _take_turn(report.site_id, now)
            site = db.session.get(Site, report.site_id)
            actions = sweep.plan(site_facts(site, now), now)
            report.done = carry_out(actions, now)
            db.session.commit()
            return report
        except IntegrityError:
            db.session.rollback()
            if attempt == ATTEMPTS - 1:
                report.error = "IntegrityError"
        except Exception as err:
            # Logged by kind only: the statement's parameters could hold personal data.
            db.session.rollback()
            current_app.logger.error("sweep of site %s failed: %s", report.code, type(err).__name__)
            report.error = type(err).__name__
            return report
    return report


def _take_turn(site_id: str, now: datetime) -> None:
    """Queue behind any other sweep of this site, then behind other writers of synced rows."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(SweepRun.__table__).values(site_id=site_id, as_of=now, ran_at=utcnow())
    db.session.execute(stmt.on_conflict_do_update(
        index_elements=["site_id"], set_={"as_of": stmt.excluded.as_of, "ran_at": stmt.excluded.ran_at}))
    _serialise_writers(db.session)


def settle_after_sync(site_ids: list[str], now: datetime) -> int:
    """Close the sweep's follow-ups that the records just pushed prove unnecessary.

    Called by the sync view after the engine has applied a push and before it commits, in
    the same transaction. Returns how many follow-ups it closed.
    """
    if not site_ids:
        return 0
    settled = 0
    for facts in pending_facts(list(site_ids)):
        settled += carry_out(sweep.settle_plan(facts, now), now)["settled"]
    return settled
