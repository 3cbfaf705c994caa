"""The follow-up desk: a board by status, a list, and each follow-up with its history and
the actions its viewer may take (``sync.followup_policy``, carried out by ``desk``)."""
from datetime import datetime
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
from sqlalchemy import func
from sqlalchemy import select

from app.api.store import _user_ref
from app.extensions import db
from app.followups import bp
from app.followups import labels
from app.followups import queries
from app.followups import timeline
from app.followups.desk import Refused
from app.followups.desk import perform
from app.models import FollowUp
from app.models import ROLES
from app.models import Site
from app.models import User
from app.models import utcnow
from app.navigation import add_nav
from app.office import exports
from app.office import filters
from app.office.access import followups_required
from app.scoping import get_scoped_or_404
from sync import followup_policy as policy

add_nav(60, "followups.board", _l("Follow-ups"), ROLES)

BOARD_COLUMNS = ("open", "in_progress", "resolved", "closed")
CARDS_PER_COLUMN = 30


def _filters(**extra):
    return filters.parse(categories=tuple(labels.CATEGORIES), statuses=queries.STATUS_FILTERS,
                         sorts=tuple(queries.SORTS), default_sort="due", **extra)


def _status_choices():
    choices = [(k, v) for k, v in labels.STATUSES.items()]
    return choices + [("active", _("Not yet resolved")), ("late", _("Overdue")), ("escalated", _("Escalated"))]


def _page_context(f):
    return {"f": f, "labels": labels, "people": filters.site_people(f.site_ids),
            "categories": list(labels.CATEGORIES.items()), "statuses": _status_choices(),
            "sites": {s.id: s for s in f.sites}, "now": utcnow()}


@bp.route("")
@followups_required
def board():
    """Columns by status, the most urgent first; closed shows the last week's."""
    f = _filters()
    base = queries.visible(current_user, f)
    columns = []
    for status in BOARD_COLUMNS:
        stmt = base.where(FollowUp.status == status)
        if status == "closed" and not f.start:
            stmt = stmt.where(FollowUp.closed_at >= utcnow() - timedelta(days=7))
        total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
        order = (FollowUp.closed_at.desc(),) if status == "closed" else (
            FollowUp.due_at.is_(None), FollowUp.due_at.asc(), FollowUp.id)
        cards = list(db.session.scalars(stmt.order_by(*order).limit(CARDS_PER_COLUMN)))
        columns.append((status, total, cards))
    names = _names(c.assignee_id for _, _, cards in columns for c in cards)
    return render_template("followups/board.html", columns=columns, names=names, **_page_context(f))


@bp.route("/list")
@followups_required
def index():
    f = _filters()
    stmt = filters.ordered(queries.visible(current_user, f), f, queries.SORTS, FollowUp.id)
    fmt = exports.requested(f.errors)
    if fmt:
        zones = {s.id: s.timezone for s in f.sites}
        return exports.download(fmt, _("Follow-ups"), f, export_columns(f, utcnow()),
                                followup_lines(exports.streamed(stmt, scalars=True)),
                                tz=lambda line: zones.get(line[0].site_id, f.tz), counted=stmt)
    page = filters.paginate(stmt, f)
    names = _names(c.assignee_id for c in page.items)
    return render_template("followups/list.html", page=page, names=names, **_page_context(f))


def followup_lines(followups):
    """``(follow-up, assignee's name)``, the names read a batch at a time."""
    for batch in exports.in_batches(followups):
        names = _names(fu.assignee_id for fu in batch)
        for fu in batch:
            yield fu, names.get(fu.assignee_id, "")


def export_columns(f, now) -> list[exports.Column]:
    """The follow-up list as a file: what the list shows, and when each was resolved and closed."""
    C = exports.Column
    sites = {s.id: s.name for s in f.sites}

    def late(fu) -> str:
        return _("Overdue") if fu.due_at and fu.status in ("open", "in_progress") and fu.due_at < now else ""

    return [
        C(_l("Follow-up"), lambda x: x[0].title or str(labels.CATEGORIES.get(x[0].category, x[0].category)),
          width=30),
        C(_l("Category"), lambda x: labels.CATEGORIES.get(x[0].category, x[0].category), width=10),
        C(_l("Status"), lambda x: labels.STATUSES.get(x[0].status, x[0].status), width=10),
        C(_l("Assigned to"), lambda x: x[1], width=10),
        C(_l("Opened"), lambda x: x[0].opened_at, "datetime", 17),
        C(_l("Due"), lambda x: x[0].due_at, "datetime", 17),
        C(_l("Overdue"), lambda x: late(x[0]), width=8),
        C(_l("Escalation"), lambda x: labels.LEVELS.get(x[0].escalation_level) if x[0].escalation_level else "",
          width=12),
        C(_l("Resolved at"), lambda x: x[0].resolved_at, "datetime", 17),
        C(_l("Closed at"), lambda x: x[0].closed_at, "datetime", 17),
        C(_l("Site"), lambda x: sites.get(x[0].site_id, ""), width=12),
    ]


def _names(ids) -> dict:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all())


def _load(followup_id) -> FollowUp:
    """The follow-up if it is at the user's sites and within their reach; 404 otherwise."""
    followup = get_scoped_or_404(FollowUp, followup_id)
    if followup.deleted_at is not None:
        abort(404)
    reachable = queries.reach(select(FollowUp.id).where(FollowUp.id == followup.id), current_user)
    if db.session.scalar(reachable) is None:
        abort(404)
    return followup


def _as_rule_input(followup: FollowUp) -> dict:
    return {"site_id": followup.site_id, "assignee_id": followup.assignee_id, "post": followup.post,
            "escalation_level": followup.escalation_level, "status": followup.status}


def _detail(followup: FollowUp, error: str | None = None, status: int = 200):
    site = db.session.get(Site, followup.site_id)
    assignee = db.session.get(User, followup.assignee_id) if followup.assignee_id else None
    actions = policy.available(_user_ref(current_user), _as_rule_input(followup),
                               _user_ref(assignee) if assignee else None)
    people = [u for u in filters.site_people([followup.site_id]) if u.is_active]
    return render_template(
        "followups/detail.html", followup=followup, site=site, assignee=assignee, actions=actions,
        people=people, labels=labels, events=timeline.events(followup),
        sources=timeline.sources(followup), error=error,
        now=utcnow()), status


@bp.route("/<followup_id>")
@followups_required
def detail(followup_id):
    return _detail(_load(followup_id))


@bp.route("/<followup_id>/act", methods=["POST"])
@followups_required
def act(followup_id):
    """One action from the panel; refused ones come back with the reason and change nothing."""
    followup = _load(followup_id)
    action = request.form.get("action", "")
    site = db.session.get(Site, followup.site_id)
    try:
        due_at = _due(request.form.get("due_at"), site.timezone) if action == policy.DUE else None
        perform(current_user, followup.id, action, note=(request.form.get("note") or "")[:2000],
                assignee_id=request.form.get("assignee_id") or None, due_at=due_at)
    except Refused as refused:
        db.session.rollback()
        return _detail(db.session.get(FollowUp, followup.id), error=refused.message, status=422)
    flash(_("Done: %(action)s.", action=labels.ACTIONS.get(action, action)))
    return redirect(url_for("followups.detail", followup_id=followup.id))


def _due(value: str | None, tz: str) -> datetime:
    """A ``datetime-local`` value in the site's zone; a time in the past is refused."""
    try:
        local = datetime.strptime((value or "").strip(), "%Y-%m-%dT%H:%M")
    except ValueError:
        raise Refused(_("Give the new due time as a date and a time."), "due_at") from None
    due = local.replace(tzinfo=ZoneInfo(tz))
    if due <= datetime.now(ZoneInfo(tz)):
        raise Refused(_("The new due time must be in the future."), "due_at")
    return due
