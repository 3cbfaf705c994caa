"""Reading visits for the desk: which are inside, overdue, flagged or on the watch list.

Every condition is SQL, so that filters, counts and pages come from the database and the
same rule answers the list, the counts and the detail page. The overdue rule is the
sweep's (``sync.sweep.gate_deadline``) turned around: a visit still inside is past its
gate-day end exactly when the last gate-day end before now is at or after its check-in.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_
from sqlalchemy import case
from sqlalchemy import exists
from sqlalchemy import false
from sqlalchemy import func
from sqlalchemy import literal
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import aliased
from sqlalchemy.orm import defer

from app.extensions import db
from app.models import FollowUp
from app.models import Incident
from app.models import JournalRow
from app.models import Site
from app.models import User
from app.models import Visit
from app.models import WatchEntry
from app.models import WatchHit
from app.models.base import UTCDateTime
from app.models.gate import PLATE_END
from app.models.gate import normalise_plate
from app.office.filters import ListFilters
from app.office.filters import within
from app.privacy import numbers
from sync.sweep import at_local
from sync.sweep import gate_deadline

PURPOSES = ("visit", "delivery", "contractor", "decoration", "housekeeping", "other")
STATUSES = ("inside", "out", "overdue", "flagged", "watch")
SORTS = ("in", "out", "stay", "visitor")
# Statuses about now, not about the days chosen: a visitor of yesterday still inside is inside now.
TIMELESS = ("inside", "overdue")
FAR_FUTURE = datetime(9999, 1, 1, tzinfo=ZoneInfo("UTC"))
MIN_PLATE = 5  # what the phone's check-in form needs before it compares a plate


# --- normalising in SQL, as app.models.gate does in Python --------------------------------

def _strip(column, chars):
    for ch in chars:
        column = func.replace(column, ch, "")
    return column


def plate_key(column):
    """``normalise_plate`` in SQL: upper case without spaces, dots and dashes."""
    return func.upper(_strip(func.coalesce(column, ""), (" ", "·", ".", "-", "\t")))


def name_key(column):
    return func.trim(func.coalesce(column, ""))


def watch_matches(entry, *, name, plate, phone_mac, id_mac):
    """The condition that a watch entry names this visitor: the same name, phone number,
    plate or ID number (the phone checks the same four when a guard registers someone).

    ``name`` and ``plate`` are SQL expressions already normalised (columns of a visit, or
    literals). Phone and ID numbers are stored encrypted, so they are compared by their
    lookup MACs (``app.privacy.numbers``: a phone has one from 7 digits on); a MAC given
    as ``None`` (the visitor has no such number) matches nothing.
    """
    entry_plate = plate_key(entry.plate)
    parts = [
        and_(name != "", name_key(entry.name) == name),
        and_(func.length(plate) >= MIN_PLATE, entry_plate == plate),
    ]
    if phone_mac is not None:
        parts.append(entry.phone_mac == phone_mac)
    if id_mac is not None:
        parts.append(entry.id_mac == id_mac)
    return or_(*parts)


def _live(entry):
    return and_(entry.active.is_(True), entry.deleted_at.is_(None))


def watched():
    """A visit matches an active entry of its site's watch list, or the server found it on
    the list when it arrived (``app.gate.watch``)."""
    entry = aliased(WatchEntry)
    return or_(
        exists().where(WatchHit.visit_id == Visit.id),
        exists().where(
            entry.site_id == Visit.site_id, _live(entry),
            watch_matches(entry, name=name_key(Visit.visitor_name), plate=plate_key(Visit.plate),
                          phone_mac=Visit.phone_mac, id_mac=Visit.id_mac)))


def flagged():
    """A ``visit.flag`` incident names the visit."""
    return exists().where(Incident.visit_id == Visit.id, Incident.deleted_at.is_(None))


def inside():
    return Visit.checked_out_at.is_(None)


# --- the clock of a site ---------------------------------------------------------------

@dataclass(frozen=True)
class GateClock:
    """A site's gate rules at one moment: when its last gate day ended, and the longest stay."""

    site_id: str
    tz: ZoneInfo
    day_end: str
    max_minutes: int
    now: datetime

    @classmethod
    def of(cls, site: Site, now: datetime) -> "GateClock":
        return cls(site.id, ZoneInfo(site.timezone), site.setting("gate_day_end"),
                   int(site.setting("visit_max_minutes")), now)

    @property
    def last_day_end(self) -> datetime:
        """The latest gate-day end at or before now."""
        today = self.now.astimezone(self.tz).date()
        end = at_local(today, self.day_end, self.tz)
        while end > self.now:
            today -= timedelta(days=1)
            end = at_local(today, self.day_end, self.tz)
        return end

    @property
    def longest(self) -> timedelta:
        return timedelta(minutes=self.max_minutes)

    def overdue_sql(self):
        """Still inside, and past the gate-day end of its check-in or longer than allowed."""
        return and_(Visit.site_id == self.site_id, inside(),
                    or_(Visit.checked_in_at <= self.last_day_end, Visit.checked_in_at < self.now - self.longest))

    def overdue(self, visit) -> bool:
        return visit.checked_out_at is None and self.too_long(visit)

    def too_long(self, visit) -> bool:
        """The stay (so far) ran past its gate-day end or past the longest stay allowed."""
        end = visit.checked_out_at or self.now
        deadline = gate_deadline(visit.checked_in_at, self.day_end, self.tz)
        return end >= deadline or end - visit.checked_in_at > self.longest


def clocks(sites: list[Site], now: datetime) -> dict[str, GateClock]:
    return {s.id: GateClock.of(s, now) for s in sites}


def overdue(site_clocks: dict[str, GateClock]):
    """Overdue at any of the sites (each by its own settings)."""
    parts = [c.overdue_sql() for c in site_clocks.values()]
    return or_(*parts) if parts else false()


def stay_seconds(now: datetime):
    """How long each visit lasted, or has lasted so far, as a sortable SQL expression."""
    end = func.coalesce(Visit.checked_out_at, literal(now, UTCDateTime))
    if db.session.get_bind().dialect.name == "sqlite":
        return (func.julianday(end) - func.julianday(Visit.checked_in_at)) * 86400
    return func.extract("epoch", end - Visit.checked_in_at)


# --- the list ---------------------------------------------------------------------------

def visits_query(f: ListFilters, now: datetime, site_clocks: dict[str, GateClock]):
    """The visits the filters ask for, sorted; not yet paged."""
    stmt = select(Visit).where(Visit.site_id.in_(f.site_ids), Visit.deleted_at.is_(None))
    if f.status not in TIMELESS:
        stmt = within(stmt, Visit.checked_in_at, f)
    if f.person:
        stmt = stmt.where(Visit.user_id == f.person)
    if f.category:
        stmt = stmt.where(Visit.purpose == f.category)
    if f.status == "inside":
        stmt = stmt.where(inside())
    elif f.status == "out":
        stmt = stmt.where(Visit.checked_out_at.is_not(None))
    elif f.status == "overdue":
        stmt = stmt.where(overdue(site_clocks))
    elif f.status == "flagged":
        stmt = stmt.where(flagged())
    elif f.status == "watch":
        stmt = stmt.where(watched())
    if f.q:
        stmt = stmt.where(search(f.q))
    columns = {"in": Visit.checked_in_at,
               "out": func.coalesce(Visit.checked_out_at, literal(FAR_FUTURE, UTCDateTime)),
               "stay": stay_seconds(now), "visitor": Visit.visitor_name}
    column = columns[f.sort]
    primary = column.desc() if f.descending else column.asc()
    return stmt.order_by(primary, Visit.id.desc() if f.descending else Visit.id.asc())


def _escaped(text: str) -> str:
    return text.replace("/", "//").replace("%", "/%").replace("_", "/_")


def search(q: str):
    """Visitor name, unit, host (any part, any case) or plate (as the phone writes it), all
    in ``search_text``; a phone's last four digits; a whole phone or ID number by its MAC.

    Every term reads only columns of ``ix_visits_site_text``: the MACs are looked up in
    their own indexes first and come back as ids, so a search of months of visits never
    reads a row that does not match.
    """
    typed = "".join(ch for ch in q if ch.isprintable()).strip()
    words = typed.upper()
    conditions = [Visit.search_text.like(f"%{_escaped(words)}%", escape="/")] if words else []
    plate = normalise_plate(typed)
    if plate and plate != words:
        conditions.append(Visit.search_text.like(f"%{_escaped(plate)}%{PLATE_END}%", escape="/"))
    conditions += numbers.tail_searched(Visit, typed)
    whole = numbers.whole_searched(Visit, typed)
    if whole:
        conditions.append(Visit.id.in_(select(Visit.id).where(or_(*whole))))
    return or_(*conditions) if conditions else false()


def marks(visit_ids: list[str]) -> tuple[set[str], set[str]]:
    """Of these visits (one page), those flagged and those on the watch list."""
    if not visit_ids:
        return set(), set()
    flagged_ids = set(db.session.scalars(select(Visit.id).where(Visit.id.in_(visit_ids), flagged())))
    watched_ids = set(db.session.scalars(select(Visit.id).where(Visit.id.in_(visit_ids), watched())))
    return flagged_ids, watched_ids


def names(user_ids) -> dict[str, str]:
    ids = {i for i in user_ids if i}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all())


@dataclass
class Counts:
    inside: int
    overdue: int
    earlier_inside: int


def counts(f: ListFilters, site_clocks: dict[str, GateClock]) -> Counts:
    """Inside and overdue now at the chosen sites, and how many of those inside came before
    the first day shown (so a list of today does not hide yesterday's visitor): one pass
    over the open visits, which ``ix_visits_site_still_in`` holds."""
    def of(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    earlier = of(Visit.checked_in_at < f.start) if f.start is not None else literal(0)
    row = db.session.execute(select(func.count(), of(overdue(site_clocks)), earlier).where(
        Visit.site_id.in_(f.site_ids), Visit.deleted_at.is_(None), inside())).one()
    return Counts(inside=row[0] or 0, overdue=int(row[1] or 0), earlier_inside=int(row[2] or 0))


# --- one visit --------------------------------------------------------------------------

def incidents_of(visit: Visit) -> list[tuple[Incident, FollowUp | None, str | None]]:
    """The visit's incidents, oldest first, with their follow-ups and who reported them."""
    rows = db.session.execute(
        select(Incident, FollowUp, User.display_name)
        .outerjoin(FollowUp, FollowUp.id == Incident.followup_id)
        .outerjoin(User, User.id == Incident.user_id)
        .where(Incident.visit_id == visit.id, Incident.site_id == visit.site_id, Incident.deleted_at.is_(None))
        .order_by(Incident.occurred_at, Incident.id)).all()
    return [tuple(r) for r in rows]


def watch_entries_of(visit: Visit) -> list[tuple[WatchEntry, list[str], datetime | None]]:
    """The entries of the visit's site that name this visitor, each with what matched
    (``name``, ``phone``, ``plate``, ``id_number``) and when the server found it on arrival:
    the active entries that match now, and those the server matched when the visit came in
    (kept even if the entry has changed since)."""
    name = (visit.visitor_name or "").strip()
    plate = normalise_plate(visit.plate)
    condition = watch_matches(WatchEntry, name=literal(name), plate=literal(plate),
                              phone_mac=visit.phone_mac, id_mac=visit.id_mac)
    entries = db.session.scalars(
        select(WatchEntry).where(WatchEntry.site_id == visit.site_id, _live(WatchEntry), condition)
        .order_by(WatchEntry.name, WatchEntry.id))
    found: dict[str, tuple[WatchEntry, list[str], datetime | None]] = {}
    for entry in entries:  # a handful at most: the SQL above chose them
        why = [key for key, mine, theirs in (
            ("name", name, (entry.name or "").strip()), ("phone", visit.phone_mac, entry.phone_mac),
            ("plate", plate, normalise_plate(entry.plate)),
            ("id_number", visit.id_mac, entry.id_mac))
            if mine and mine == theirs]
        found[entry.id] = (entry, why, None)
    hits = db.session.execute(
        select(WatchHit, WatchEntry).join(WatchEntry, WatchEntry.id == WatchHit.watch_entry_id)
        .where(WatchHit.visit_id == visit.id).order_by(WatchHit.matched_at, WatchHit.field))
    for hit, entry in hits:
        _, why, _at = found.get(entry.id, (entry, [], None))
        found[entry.id] = (entry, why if hit.field in why else [*why, hit.field], _at or hit.matched_at)
    return sorted(found.values(), key=lambda row: (row[0].name or "", row[0].id))


def journal_of(*mutation_ids) -> dict[str, JournalRow]:
    """The sync journal rows of the visit's mutations: the phone's clock offset for each.

    The bodies are not loaded: they hold the visitor's numbers, sealed, and are not shown.
    """
    ids = [i for i in mutation_ids if i]
    if not ids:
        return {}
    stmt = (select(JournalRow).where(JournalRow.mutation_id.in_(ids))
            .options(defer(JournalRow.raw, raiseload=True), defer(JournalRow.reuses, raiseload=True)))
    return {r.mutation_id: r for r in db.session.scalars(stmt)}
