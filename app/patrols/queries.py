"""The patrol list in SQL: one row per round with its counts as correlated subqueries.

Every count (checkpoints reached, stops planned, stops missed, findings, open findings) is
a subquery of the list's one statement, so a page of 50 rounds is one query plus its
count, whatever the number of visits and findings behind it.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import distinct
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select

from app.extensions import db
from app.models import CheckpointVisit
from app.models import Finding
from app.models import FollowUp
from app.models import Patrol
from app.models import Route
from app.models import RouteCheckpoint
from app.models import Site
from app.models import User
from app.office.filters import PER_PAGE
from app.office.filters import ListFilters
from app.office.filters import ordered
from app.office.filters import within

STATUSES = (("open", _l("Under way")), ("complete", _l("Complete")), ("missed", _l("Stops missed")))
SORTS = ("start", "person", "missed", "findings")
ACTIVE_FOLLOWUP = ("open", "in_progress")


def missed_count():
    """Stops the ended round did not reach (the sync works them out at the end)."""
    return func.coalesce(func.json_array_length(Patrol.missed_checkpoint_ids), 0)


def visited_count():
    """Checkpoints reached: those of the route for a round on one, every one for a free round."""
    # Correlated to the outer round: this round's route, not any round's.
    on_route = (select(RouteCheckpoint.checkpoint_id).where(RouteCheckpoint.route_id == Patrol.route_id)
                .correlate(Patrol))
    return (select(func.count(distinct(CheckpointVisit.checkpoint_id)))
            .where(CheckpointVisit.patrol_id == Patrol.id, CheckpointVisit.deleted_at.is_(None),
                   or_(Patrol.route_id.is_(None), CheckpointVisit.checkpoint_id.in_(on_route)))
            .correlate(Patrol).scalar_subquery())


def planned_count():
    return (select(func.count()).select_from(RouteCheckpoint)
            .where(RouteCheckpoint.route_id == Patrol.route_id).correlate(Patrol).scalar_subquery())


def findings_count():
    return (select(func.count(Finding.id)).where(Finding.patrol_id == Patrol.id, Finding.deleted_at.is_(None))
            .correlate(Patrol).scalar_subquery())


def open_findings_count():
    """Findings whose follow-up is still open or being worked on."""
    return (select(func.count(Finding.id)).join(FollowUp, FollowUp.id == Finding.followup_id)
            .where(Finding.patrol_id == Patrol.id, Finding.deleted_at.is_(None),
                   FollowUp.deleted_at.is_(None), FollowUp.status.in_(ACTIVE_FOLLOWUP))
            .correlate(Patrol).scalar_subquery())


def patrol_query(f: ListFilters, route_id: str | None = None):
    """Rounds of the chosen sites, days, person, status and route, sorted; not yet paged."""
    missed, findings = missed_count(), findings_count()
    stmt = (select(Patrol.id, Patrol.started_at, Patrol.ended_at, Patrol.clock_flag, Patrol.route_id,
                   Site.name.label("site_name"), Site.timezone.label("tz"), Route.name.label("route_name"),
                   User.display_name.label("person"), visited_count().label("visited"),
                   planned_count().label("planned"), missed.label("missed"), findings.label("findings"),
                   open_findings_count().label("open_findings"))
            .join(Site, Site.id == Patrol.site_id).join(User, User.id == Patrol.user_id)
            .outerjoin(Route, Route.id == Patrol.route_id)
            .where(Patrol.site_id.in_(f.site_ids), Patrol.deleted_at.is_(None)))
    stmt = within(stmt, Patrol.started_at, f)
    if f.person:
        stmt = stmt.where(Patrol.user_id == f.person)
    if route_id:
        stmt = stmt.where(Patrol.route_id == route_id)
    if f.status == "open":
        stmt = stmt.where(Patrol.ended_at.is_(None))
    elif f.status == "complete":
        stmt = stmt.where(Patrol.ended_at.is_not(None), missed == 0)
    elif f.status == "missed":
        stmt = stmt.where(Patrol.ended_at.is_not(None), missed > 0)
    columns = {"start": Patrol.started_at, "person": User.display_name, "missed": missed, "findings": findings}
    return ordered(stmt, f, columns, Patrol.id)


def patrol_list(f: ListFilters, route_id: str | None = None) -> SelectPagination:
    """One page of rounds of the chosen sites, days, person, status and route."""
    return RowPagination(select=patrol_query(f, route_id), session=db.session(), page=f.page,
                         per_page=PER_PAGE, max_per_page=None, error_out=False)


class RowPagination(SelectPagination):
    """``db.paginate`` keeps only the first column of each row; a list needs all of them."""

    def _query_items(self) -> list:
        stmt = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(stmt).all())


def site_routes(site_ids: list[str]) -> list:
    """Routes of these sites for the route filter: (id, name, site name), by site and name."""
    if not site_ids:
        return []
    return db.session.execute(
        select(Route.id, Route.name, Site.name.label("site_name")).join(Site, Site.id == Route.site_id)
        .where(Route.site_id.in_(site_ids), Route.deleted_at.is_(None))
        .order_by(Site.name, Route.name)).all()


def chosen_route(f: ListFilters, value: str) -> str | None:
    """``?route=``: a route of the chosen sites, else left out with a message in the filter bar."""
    if not value:
        return None
    if value in {r.id for r in site_routes(f.site_ids)}:
        return value
    f.errors.append(_("That route is not at your sites; the filter was left out."))
    return None
