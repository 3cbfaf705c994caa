"""One round as a reviewer reads it: its stops in route order with the gaps between them,
the stops it missed, checkpoints it reached off the route, its findings, and how far the
phone's clock was corrected (from the journal) and how late the records arrived.

A handful of queries, each bounded by the one round.
"""
from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta

from sqlalchemy import and_
from sqlalchemy import or_
from sqlalchemy import select

from app.extensions import db
from app.models import Checkpoint
from app.models import CheckpointVisit
from app.models import Finding
from app.models import FollowUp
from app.models import JournalRow
from app.models import Patrol
from app.models import Route
from app.models import RouteCheckpoint
from app.models import Site
from app.models import User

# A record that reaches the server this long after it happened was synced late (the phone
# was offline), which is not the same as a late round.
LATE_SYNC = timedelta(minutes=30)


@dataclass
class Stop:
    """A stop of the route and the first time the round reached it."""

    position: int
    checkpoint: Checkpoint
    visit: CheckpointVisit | None = None
    times: int = 0
    gap: timedelta | None = None
    missed: bool = False


@dataclass
class Round:
    patrol: Patrol
    site: Site
    person: User | None
    route: Route | None
    stops: list[Stop] = field(default_factory=list)
    off_route: list[tuple[CheckpointVisit, Checkpoint]] = field(default_factory=list)
    findings: list[tuple[Finding, Checkpoint | None, FollowUp | None]] = field(default_factory=list)
    start_offset_ms: int | None = None
    end_offset_ms: int | None = None
    other_offsets_ms: list[int] = field(default_factory=list)

    @property
    def duration(self) -> timedelta | None:
        return self.patrol.ended_at - self.patrol.started_at if self.patrol.ended_at else None

    @property
    def start_sync_delay(self) -> timedelta | None:
        return _late(self.patrol.received_at, self.patrol.started_at)

    @property
    def end_sync_delay(self) -> timedelta | None:
        return _late(self.patrol.ended_received_at, self.patrol.ended_at)

    @property
    def missed(self) -> list[Stop]:
        return [s for s in self.stops if s.missed]

    @property
    def reached(self) -> int:
        return sum(1 for s in self.stops if s.visit is not None)


def _late(received: datetime | None, happened: datetime | None) -> timedelta | None:
    if received is None or happened is None or received - happened < LATE_SYNC:
        return None
    return received - happened


def load(patrol: Patrol) -> Round:
    """Everything the detail page shows of ``patrol`` (already scoped to the user's sites)."""
    route = db.session.get(Route, patrol.route_id) if patrol.route_id else None
    found = Round(patrol=patrol, site=db.session.get(Site, patrol.site_id),
                  person=db.session.get(User, patrol.user_id), route=route)
    visits = db.session.execute(
        select(CheckpointVisit, Checkpoint).join(Checkpoint, Checkpoint.id == CheckpointVisit.checkpoint_id)
        .where(CheckpointVisit.patrol_id == patrol.id, CheckpointVisit.deleted_at.is_(None))
        .order_by(CheckpointVisit.visited_at, CheckpointVisit.id)).all()
    found.stops = _stops(patrol, route, visits)
    on_route = {s.checkpoint.id for s in found.stops}
    found.off_route = [(v, c) for v, c in visits if c.id not in on_route]
    found.findings = list(db.session.execute(
        select(Finding, Checkpoint, FollowUp)
        .outerjoin(Checkpoint, Checkpoint.id == Finding.checkpoint_id)
        .outerjoin(FollowUp, and_(FollowUp.id == Finding.followup_id, FollowUp.deleted_at.is_(None)))
        .where(Finding.patrol_id == patrol.id, Finding.deleted_at.is_(None))
        .order_by(Finding.found_at, Finding.id)).all())
    _offsets(found, [v.mutation_id for v, _ in visits] + [f.mutation_id for f, _, _ in found.findings])
    return found


def _stops(patrol: Patrol, route: Route | None, visits) -> list[Stop]:
    """The route's stops in order, each with its first visit and the gap since the stop
    reached before it; a stop the ended round did not reach is missed."""
    if route is None:
        return []
    rows = db.session.execute(
        select(RouteCheckpoint.position, Checkpoint).join(Checkpoint, Checkpoint.id == RouteCheckpoint.checkpoint_id)
        .where(RouteCheckpoint.route_id == route.id).order_by(RouteCheckpoint.position)).all()
    first: dict[str, CheckpointVisit] = {}
    times: dict[str, int] = {}
    for visit, _checkpoint in visits:
        first.setdefault(visit.checkpoint_id, visit)
        times[visit.checkpoint_id] = times.get(visit.checkpoint_id, 0) + 1
    missed_ids = set(patrol.missed_checkpoint_ids or [])
    stops, previous = [], patrol.started_at
    for position, checkpoint in rows:
        visit = first.get(checkpoint.id)
        stop = Stop(position=position + 1, checkpoint=checkpoint, visit=visit, times=times.get(checkpoint.id, 0))
        if visit is not None:
            stop.gap = visit.visited_at - previous
            previous = visit.visited_at
        else:
            stop.missed = patrol.ended_at is not None or checkpoint.id in missed_ids
        stops.append(stop)
    return stops


def _offsets(found: Round, record_mutations: list[str | None]) -> None:
    """The phone's clock correction for the round's start and end, from the journal, and
    any other correction among its visits and findings (a phone set right mid-round)."""
    patrol = found.patrol
    wanted = [m for m in (patrol.mutation_id, *record_mutations) if m]
    rows = db.session.execute(
        select(JournalRow.mutation_id, JournalRow.type, JournalRow.clock_offset_ms, JournalRow.received_at)
        .where(or_(JournalRow.mutation_id.in_(wanted),
                   and_(JournalRow.entity_id == patrol.id, JournalRow.type == "patrol.end",
                        JournalRow.status == "applied")))
        .order_by(JournalRow.received_at)).all()
    others = set()
    for row in rows:
        if row.mutation_id == patrol.mutation_id:
            found.start_offset_ms = row.clock_offset_ms
        elif row.type == "patrol.end":
            found.end_offset_ms = row.clock_offset_ms
        else:
            others.add(row.clock_offset_ms)
    found.other_offsets_ms = sorted(others - {found.start_offset_ms, found.end_offset_ms})
