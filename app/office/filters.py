"""One way for every office list to read its filters, sort and page from the query string.

A list names what it can filter and sort by; ``parse`` reads ``?site=&from=&to=&person=
&category=&status=&q=&sort=&page=`` against that, keeps only values the user may use and
collects a translated message for each value it had to ignore, which the filter bar shows.
Dates are days in the site's time zone (the chosen site's, else the user's first site's).
"""
from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from datetime import timezone
from zoneinfo import ZoneInfo

from flask import request
from flask import session
from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.models import POST_ROLE
from app.models import Site
from app.models import User
from app.models.people import user_sites
from app.office.months import parse_month
from app.scoping import scoped

PER_PAGE = 50
MAX_QUERY = 64


@dataclass
class ListFilters:
    sites: list[Site]
    site: Site | None
    site_ids: list[str]
    tz: str
    date_from: date | None = None
    date_to: date | None = None
    person: str | None = None
    category: str = ""
    status: str = ""
    q: str = ""
    sort: str = ""
    descending: bool = True
    page: int = 1
    errors: list[str] = field(default_factory=list)

    @property
    def start(self) -> datetime | None:
        """The first instant of ``date_from`` in the site's zone, as UTC."""
        return _utc(self.date_from, self.tz) if self.date_from else None

    @property
    def end(self) -> datetime | None:
        """The first instant after ``date_to`` in the site's zone, as UTC (exclusive)."""
        return _utc(self.date_to + timedelta(days=1), self.tz) if self.date_to else None

    @property
    def sort_arg(self) -> str:
        return ("-" if self.descending else "") + self.sort

    def args(self, **override) -> dict:
        """The current query string with some values replaced (for links and sorting)."""
        values = request.args.to_dict()
        values.update({k: v for k, v in override.items()})
        return {k: v for k, v in values.items() if v not in (None, "")}


def _utc(day: date, tz: str) -> datetime:
    return datetime.combine(day, time(0), ZoneInfo(tz)).astimezone(timezone.utc)


def local_today(tz: str) -> date:
    return datetime.now(ZoneInfo(tz)).date()


def visible_sites() -> list[Site]:
    return list(db.session.scalars(scoped(Site).order_by(Site.name)))


def one_site(sites: list[Site], errors: list[str]) -> Site | None:
    """For a page of one site at a time: the site of ``?site=`` (or a posted ``site``) among
    the user's, else their first; an id that is not one of theirs is said so."""
    wanted = request.args.get("site") or request.form.get("site")
    if wanted:
        site = next((s for s in sites if s.id == wanted), None)
        if site is not None:
            return site
        errors.append(_("That site is not one of yours."))
    return sites[0] if sites else None


def asked_month(tz: str, errors: list[str]) -> date:
    """The first day of ``?month=YYYY-MM``, else of this month at the site; a bad value is
    ignored like any bad filter, with a message."""
    raw = (request.args.get("month") or "").strip()
    if raw:
        try:
            year, number = parse_month(raw)
            return date(year, number, 1)
        except ValueError:
            errors.append(_("The month is not valid; this month is shown."))
    return local_today(tz).replace(day=1)


def chosen_site(sites: list[Site], errors: list[str]) -> Site | None:
    """The site of ``?site=`` (remembered in the session for the next page), or ``None``
    for all of the user's sites; an id that is not one of them is ignored and said so."""
    if "site" in request.args:
        value = request.args.get("site") or ""
        session["office_site"] = value
    else:
        value = session.get("office_site") or ""
    if not value:
        return None
    site = next((s for s in sites if s.id == value), None)
    if site is None:
        session.pop("office_site", None)
        if "site" in request.args:
            errors.append(_("That site is not one of yours; showing all your sites."))
    return site


def _day(name: str, errors: list[str]) -> date | None:
    value = (request.args.get(name) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append(_("“%(value)s” is not a date (use YYYY-MM-DD); the filter was left out.",
                        value=value[:20]))
        return None


def parse(*, categories=(), statuses=(), sorts=(), default_sort: str = "", people: bool = True,
          default_days: int | None = None) -> ListFilters:
    """Read the filters of one list.

    :param sorts: the keys this list can sort by; ``default_sort`` is one of them, with a
        leading ``-`` for descending
    :param default_days: when no date is given, show this many days up to today
    """
    errors: list[str] = []
    sites = visible_sites()
    site = chosen_site(sites, errors)
    tz = site.timezone if site else (sites[0].timezone if sites else "Asia/Shanghai")
    f = ListFilters(sites=sites, site=site, site_ids=[site.id] if site else [s.id for s in sites], tz=tz,
                    errors=errors)
    f.date_from, f.date_to = _day("from", errors), _day("to", errors)
    if f.date_from and f.date_to and f.date_from > f.date_to:
        errors.append(_("The start date is after the end date; the dates were swapped."))
        f.date_from, f.date_to = f.date_to, f.date_from
    if default_days and not request.args.get("from") and not request.args.get("to"):
        f.date_to = local_today(tz)
        f.date_from = f.date_to - timedelta(days=default_days - 1)
    person = request.args.get("person") or ""
    if people and person:
        if person in {u.id for u in site_people(f.site_ids)}:
            f.person = person
        else:
            errors.append(_("That person is not at your sites; the filter was left out."))
    category = request.args.get("category") or ""
    if category:
        if category in categories:
            f.category = category
        else:
            errors.append(_("Unknown category; the filter was left out."))
    status = request.args.get("status") or ""
    if status:
        if status in statuses:
            f.status = status
        else:
            errors.append(_("Unknown status; the filter was left out."))
    f.q = (request.args.get("q") or "").strip()[:MAX_QUERY]
    wanted = request.args.get("sort") or default_sort
    key = wanted.lstrip("-")
    if key not in sorts:
        if request.args.get("sort"):
            errors.append(_("This list cannot be sorted that way; it is in its usual order."))
        wanted, key = default_sort, default_sort.lstrip("-")
    f.sort, f.descending = key, wanted.startswith("-")
    f.page = max(1, min(request.args.get("page", 1, type=int) or 1, 100000))
    return f


def site_people(site_ids: list[str]) -> list[User]:
    """Everyone posted to these sites, by name: the person filter's choices."""
    if not site_ids:
        return []
    return list(db.session.scalars(
        select(User).join(user_sites, user_sites.c.user_id == User.id)
        .where(user_sites.c.site_id.in_(site_ids), User.deleted_at.is_(None), User.role != POST_ROLE)
        .distinct().order_by(User.display_name)))


def within(stmt, column, f: ListFilters):
    """Limit ``stmt`` to the chosen days on ``column``."""
    if f.start is not None:
        stmt = stmt.where(column >= f.start)
    if f.end is not None:
        stmt = stmt.where(column < f.end)
    return stmt


def ordered(stmt, f: ListFilters, columns: dict, tiebreak):
    """Sort by the chosen key's column, then by ``tiebreak`` so pages never overlap."""
    column = columns[f.sort]
    primary = column.desc() if f.descending else column.asc()
    return stmt.order_by(primary, tiebreak.desc() if f.descending else tiebreak.asc())


def paginate(stmt, f: ListFilters, per_page: int = PER_PAGE):
    return db.paginate(stmt, page=f.page, per_page=per_page, error_out=False)
