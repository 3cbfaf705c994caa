"""``/worklog``: a person's day (《个人工作日志》), printable; ``/worklog/attendance``: a
site's month of sign-ins and sign-outs (考勤), person by day. Both also as XLSX and CSV
(``?format=``, ``app/worklog/exports.py``), with the page's access.

Anyone signed in reads their own day at each of their sites; reviewers (managers,
supervisors, admins) read the day of anyone posted to their sites. A note is added to
one's own day through the sync engine, as the phone adds it; nothing edits a day.
"""
from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date
from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_login import login_required
from sqlalchemy import select

from app.extensions import db
from app.models import Attendance
from app.models import User
from app.models import new_id
from app.navigation import add_nav
from app.office import exports
from app.office.access import may_review
from app.office.access import review_required
from app.office.desk_push import Refused
from app.office.desk_push import submit
from app.office.filters import one_site
from app.office.filters import local_today
from app.office.filters import site_people
from app.office.filters import visible_sites
from app.worklog import bp
from app.worklog import exports as files
from app.worklog.compile import compile_day
from sync import attendance_rules

@bp.app_template_filter("site_clock")
def site_clock(value, tz: str) -> str:
    """``HH:MM`` of a UTC time on the site's clock."""
    return value.astimezone(ZoneInfo(tz)).strftime("%H:%M") if value else ""


add_nav(80, "worklog.day", _l("Work log"), lambda user: user.is_authenticated and user.role != "post")
add_nav(81, "worklog.attendance", _l("Attendance"), may_review)


def _day(raw: str | None, tz: str, errors: list[str]) -> date:
    today = local_today(tz)
    if not raw:
        return today
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        errors.append(_("The date is not valid; today is shown."))
        return today


def _person(site, errors):
    """Whose day: oneself, or, for a reviewer, anyone posted to the site."""
    wanted = request.args.get("user") or current_user.id
    if wanted == current_user.id:
        return current_user, ([] if not may_review(current_user) else site_people([site.id]) if site else [])
    if not may_review(current_user):
        abort(403)
    people = site_people([site.id]) if site else []
    person = next((p for p in people if p.id == wanted), None)
    if person is None:
        abort(404)
    return person, people


@bp.route("", methods=["GET"])
@login_required
def day():
    """One person's day at one site, in time order, with the notes added to it."""
    if current_user.role == "post":
        abort(403)
    errors: list[str] = []
    sites = visible_sites()
    site = one_site(sites, errors)
    if site is None:
        return render_template("worklog/day.html", site=None, sites=sites, errors=errors, log=None,
                               person=current_user, people=[])
    person, people = _person(site, errors)
    when = _day(request.args.get("day"), site.timezone, errors)
    log = compile_day(site, person.id, when)
    fmt = exports.requested(errors)
    if fmt:
        return files.day_file(fmt, site, person, log)
    names = dict(db.session.execute(select(User.id, User.display_name).where(
        User.id.in_({n.user_id for n in log.notes} or {""}))).all())
    today = local_today(site.timezone)
    return render_template("worklog/day.html", site=site, sites=sites, person=person, people=people,
                           log=log, errors=errors, names=names, reviewer=may_review(current_user),
                           own=person.id == current_user.id, today=today,
                           previous=when - timedelta(days=1), following=when + timedelta(days=1))


@bp.route("/note", methods=["POST"])
@login_required
def note():
    """Append a note to one's own day (as ``worklog.note`` from the desk)."""
    errors: list[str] = []
    site = one_site(visible_sites(), errors)
    if site is None or errors:
        abort(404)  # another site's id, as every page of the desk answers it
    when = (request.form.get("day") or "").strip()
    text = request.form.get("text") or ""
    try:
        submit(current_user, [("worklog.note", new_id(), {"site_id": site.id, "day": when, "text": text})])
    except Refused as refused:
        flash(refused.message, "error")
    else:
        flash(_("The note was added to the work log."), "success")
    return redirect(url_for("worklog.day", site=site.id, day=when or None))


@bp.route("/attendance")
@review_required
def attendance():
    """A site's month: each person by day, sign-in and sign-out times, late and early marked."""
    errors: list[str] = []
    sites = visible_sites()
    site = one_site(sites, errors)
    today = local_today(site.timezone if site else "Asia/Shanghai")
    month = today.replace(day=1)
    raw = (request.args.get("month") or "").strip()
    if raw:
        try:
            month = date.fromisoformat(raw + "-01")
        except ValueError:
            errors.append(_("The month is not valid (use YYYY-MM); this month is shown."))
    days = [month.replace(day=d) for d in range(1, calendar.monthrange(month.year, month.month)[1] + 1)]
    people, grid, totals = _month(site, days)
    fmt = exports.requested(errors)
    if fmt and site is not None:
        return files.attendance_file(fmt, site, month, days, people, grid, totals)
    previous = (month - timedelta(days=1)).replace(day=1)
    following = (month + timedelta(days=32)).replace(day=1)
    return render_template("worklog/attendance.html", site=site, sites=sites, month=month, days=days,
                           people=people, grid=grid, totals=totals, errors=errors, today=today,
                           previous=previous, following=following)


def _month(site, days):
    """The people of the site (and anyone else who signed in there), their counted sign-in
    and sign-out of each day, and their totals: the page's grid and the file's rows."""
    grid: dict[str, dict[str, dict]] = defaultdict(dict)
    people = site_people([site.id]) if site else []
    if site is not None:
        rows = db.session.scalars(select(Attendance).where(
            Attendance.site_id == site.id, Attendance.deleted_at.is_(None),
            Attendance.day >= days[0].isoformat(), Attendance.day <= days[-1].isoformat()))
        found = defaultdict(list)
        for a in rows:
            found[(a.user_id, a.day)].append(a)
        for (user_id, day_), marks in found.items():
            dicts = [{"id": a.id, "action": a.action, "at": a.at, "deleted_at": None} for a in marks]
            by_id = {a.id: a for a in marks}
            first = attendance_rules.counted(dicts, "in")
            last = attendance_rules.counted(dicts, "out")
            grid[user_id][day_] = {"in": by_id[first["id"]] if first else None,
                                   "out": by_id[last["id"]] if last else None}
        known = {p.id for p in people}
        if set(grid) - known:  # someone no longer posted here who signed in this month
            people += list(db.session.scalars(select(User).where(User.id.in_(set(grid) - known))))
    totals = {p.id: {"days": len(grid.get(p.id, {})),
                     "late": sum(1 for c in grid.get(p.id, {}).values() if c["in"] and c["in"].verdict == "late"),
                     "early": sum(1 for c in grid.get(p.id, {}).values()
                                  if c["out"] and c["out"].verdict == "early")} for p in people}
    return people, grid, totals
