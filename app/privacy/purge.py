"""Retention: visitors' ID and phone numbers are removed once a site's retention period is over.

Each site keeps them ``privacy_retention_days`` (default 90) after the check-in. The
purge empties a visit's numbers and their derived columns (MACs, phone tail) and blanks
the numbers in the journal copies of its mutations (the body and every reused body), so
nothing of them is left. The visit row stays, with the visitor's name, so counts,
dashboards and reports do not change. Journal rows that belong to no visit (a rejected
check-in) go by their arrival, at the retention of the site they name.

Nothing here decrypts: the numbers are dropped, not read, so the purge works without the
data key. The visits are updated in SQL, not through the models: no version rises and
no change reaches the phones, which keep their own visits for 7 days only (the shortest
retention a site can set). Each site is purged in one transaction that takes the lock
every sync push takes, so two purges, or a purge and a push, never interleave; a second
run finds nothing left to do.
"""
from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from app.extensions import db
from app.models import DEFAULT_SITE_SETTINGS
from app.models import Site
from app.models.base import UTCDateTime
from app.models.base import _serialise_writers
from app.privacy import journal

SETTING = "privacy_retention_days"
ATTEMPTS = 3
# The tables as stored: the JSON bodies stay sealed (no key needed), numbers are set to NULL.
VISITS = sa.table("visits", sa.column("id"), sa.column("site_id"), sa.column("checked_in_at", UTCDateTime),
                  sa.column("phone"), sa.column("id_number"), sa.column("phone_mac"), sa.column("id_mac"),
                  sa.column("phone_tail"))
JOURNAL = sa.table("sync_journal", sa.column("mutation_id"), sa.column("entity_id"),
                   sa.column("received_at", UTCDateTime),
                   sa.column("raw", sa.JSON), sa.column("reuses", sa.JSON), sa.column("has_numbers", sa.Boolean))
NUMBERS = ("phone", "id_number", "phone_mac", "id_mac", "phone_tail")


@dataclass
class Report:
    """What was (or, in a dry run, would be) removed at one site."""

    code: str
    name: str
    days: int
    cutoff: datetime
    visits: int = 0
    journal_rows: int = 0
    error: str | None = None


@dataclass
class Outcome:
    sites: list[Report] = field(default_factory=list)
    unlinked: int = 0  # journal rows with numbers that belong to no visit


def retention_days(site: Site) -> int:
    """The site's setting, or the default when it is missing or not a sensible number."""
    value = site.setting(SETTING)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return DEFAULT_SITE_SETTINGS[SETTING]
    return value


def _has_numbers():
    return sa.or_(*[VISITS.c[name].is_not(None) for name in NUMBERS])


def _old_visits(site_id: str, cutoff: datetime):
    return sa.select(VISITS.c.id).where(VISITS.c.site_id == site_id, VISITS.c.checked_in_at < cutoff)


def _blank_rows(rows, dry_run: bool) -> int:
    """Blank the numbers of these journal rows (mutation_id, raw, reuses); how many."""
    if rows and not dry_run:
        db.session.execute(
            JOURNAL.update().where(JOURNAL.c.mutation_id == sa.bindparam("_id"))
            .values(raw=sa.bindparam("_raw"), reuses=sa.bindparam("_reuses"), has_numbers=False),
            [{"_id": r.mutation_id, "_raw": journal.blanked(r.raw), "_reuses": journal.blanked_reuses(r.reuses or [])}
             for r in rows])
    return len(rows)


def purge_site(site_id: str, code: str, name: str, days: int, now: datetime, dry_run: bool) -> Report:
    """Remove (or count) the numbers of one site's visits checked in before its cutoff."""
    report = Report(code, name, days, now - timedelta(days=days))
    _serialise_writers(db.session)
    old = _old_visits(site_id, report.cutoff)
    if dry_run:
        report.visits = db.session.scalar(
            sa.select(sa.func.count()).select_from(VISITS).where(VISITS.c.id.in_(old), _has_numbers()))
    else:
        # First, so that on SQLite the write lock is held before anything is read.
        report.visits = db.session.execute(
            VISITS.update().where(VISITS.c.id.in_(old), _has_numbers())
            .values({name: None for name in NUMBERS})).rowcount
    rows = db.session.execute(
        sa.select(JOURNAL.c.mutation_id, JOURNAL.c.raw, JOURNAL.c.reuses)
        .where(JOURNAL.c.has_numbers.is_(True), sa.func.lower(JOURNAL.c.entity_id).in_(old))).all()
    report.journal_rows = _blank_rows(rows, dry_run)
    return report


def purge_unlinked(cutoffs: dict[str, datetime], default_cutoff: datetime, only: set[str] | None,
                   dry_run: bool) -> int:
    """Journal rows with numbers that belong to no visit (a refused check-in, a reused id):
    gone once they arrived before the cutoff of the site their body names (the default
    retention when it names none of ours)."""
    _serialise_writers(db.session)
    latest = max([default_cutoff, *cutoffs.values()])
    visit_ids = sa.select(VISITS.c.id)
    rows = db.session.execute(
        sa.select(JOURNAL.c.mutation_id, JOURNAL.c.received_at, JOURNAL.c.raw, JOURNAL.c.reuses)
        .where(JOURNAL.c.has_numbers.is_(True), JOURNAL.c.received_at < latest,
               sa.or_(JOURNAL.c.entity_id.is_(None), sa.func.lower(JOURNAL.c.entity_id).not_in(visit_ids)))).all()
    due = []
    for row in rows:
        data = row.raw.get("data") if isinstance(row.raw, dict) else None
        site_id = data.get("site_id") if isinstance(data, dict) else None
        site_id = site_id if isinstance(site_id, str) and site_id in cutoffs else None
        if only is not None and site_id not in only:
            continue
        if row.received_at < cutoffs.get(site_id, default_cutoff):
            due.append(row)
    return _blank_rows(due, dry_run)


def _in_turn(work, dry_run: bool):
    """Run ``work`` in a transaction of its own (rolled back in a dry run); a lock that
    timed out (SQLite's busy wait) is tried again."""
    for attempt in range(ATTEMPTS):
        try:
            result = work()
            if dry_run:
                db.session.rollback()
            else:
                db.session.commit()
            return result
        except OperationalError:
            db.session.rollback()
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def run(now: datetime, site_codes: tuple[str, ...] = (), dry_run: bool = False) -> Outcome:
    """Purge every site (or those named; deleted sites too), each in its own transaction."""
    stmt = sa.select(Site).order_by(Site.code)
    if site_codes:
        stmt = stmt.where(Site.code.in_(site_codes))
    sites = [(s.id, s.code, s.name, retention_days(s)) for s in db.session.scalars(stmt)]
    db.session.rollback()
    outcome = Outcome()
    cutoffs = {}
    for site_id, code, name, days in sites:
        cutoffs[site_id] = now - timedelta(days=days)
        try:
            report = _in_turn(lambda: purge_site(site_id, code, name, days, now, dry_run), dry_run)
        except Exception as exc:  # noqa: BLE001 - one site's failure must not stop the others
            db.session.rollback()
            report = Report(code, name, days, cutoffs[site_id], error=type(exc).__name__)
        outcome.sites.append(report)
    default_cutoff = now - timedelta(days=DEFAULT_SITE_SETTINGS[SETTING])
    only = set(cutoffs) if site_codes else None
    outcome.unlinked = _in_turn(lambda: purge_unlinked(cutoffs, default_cutoff, only, dry_run), dry_run)
    return outcome
