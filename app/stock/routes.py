"""Stock office pages: the checks list, one check item by item, and the decisions on its
differences. The rules of a decision are in ``decisions``; these views only read the
request, call it and show the answer."""
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.extensions import db
from app.models import Site
from app.models import StockCheck
from app.models import StockCount
from app.models import Store
from app.models import User
from app.navigation import add_nav
from app.office import exports
from app.office.access import REVIEW_ROLES
from app.office.access import review_required
from app.office.filters import local_today
from app.office.filters import paginate
from app.office.filters import parse
from app.office.filters import site_people
from app.scoping import get_scoped_or_404
from app.stock import bp
from app.stock import decisions
from app.stock import queries

add_nav(50, "stock.checks", _l("Stock checks"), REVIEW_ROLES)


@bp.app_template_filter("stock_qty")
def quantity_text(value, signed: bool = False) -> str:
    """``12`` rather than ``12.000``; ``+2`` / ``-3`` for a difference."""
    if value is None:
        return ""
    text = decisions.plain(value)
    return f"+{text}" if signed and value > 0 else text

FOLLOWUP_LABELS = {"open": _l("Open"), "in_progress": _l("In progress"), "resolved": _l("Resolved"),
                   "closed": _l("Closed")}
STATUS_LABELS = {
    "open": _l("Not finished"),
    "finished": _l("Finished"),
    "differences": _l("With differences"),
    "awaiting": _l("Awaiting a decision"),
    "recount": _l("Sent back for a recount"),
}


@bp.route("/checks")
@review_required
def checks():
    """Checks of the chosen sites and days (this month unless told), with their figures."""
    f = parse(statuses=queries.STATUSES, sorts=queries.SORTS, default_sort="-started")
    if "from" not in request.args and "to" not in request.args:
        f.date_to = local_today(f.tz)
        f.date_from = f.date_to.replace(day=1)
    fmt = exports.requested(f.errors)
    if fmt:
        return exports.download(fmt, _("Stock checks"), f, check_columns(), check_lines(
            exports.streamed(queries.checks(f), scalars=True)), tz=lambda line: line[1].tz, counted=queries.checks(f))
    page = paginate(queries.checks(f), f)
    sites = [s for s in f.sites if s.id in f.site_ids]
    return render_template(
        "stock/checks.html", f=f, page=page, figures=queries.figures_of([c.id for c in page.items]),
        month=queries.month_by_store(sites),
        people=site_people(f.site_ids), statuses=[(k, STATUS_LABELS[k]) for k in queries.STATUSES])


def check_lines(checks):
    """``(check, figures)`` for each check, the figures read a batch at a time."""
    for batch in exports.in_batches(checks):
        figures = queries.figures_of([c.id for c in batch])
        for c in batch:
            yield c, figures[c.id]


def check_status(check, row) -> str:
    """The status the list shows, in words."""
    if check.finished_at is None:
        return _("Not finished")
    if row.recounts:
        return _("Sent back for a recount")
    if row.pending:
        return _("Awaiting a decision")
    return _("Finished")


def check_columns() -> list[exports.Column]:
    """The checks list as a file: one line per check with its figures as numbers."""
    C = exports.Column
    return [
        C(_l("Started"), lambda x: x[0].started_at, "datetime", 17),
        C(_l("Finished at"), lambda x: x[0].finished_at, "datetime", 17),
        C(_l("Site"), lambda x: x[1].site_name, width=12),
        C(_l("Store"), lambda x: x[1].store_name or _("All stores"), width=14),
        C(_l("Counted by"), lambda x: x[1].who, width=10),
        C(_l("Items counted"), lambda x: x[1].item_count, "number", 8),
        C(_l("Differences"), lambda x: x[1].differences, "number", 8),
        C(_l("Net difference"), lambda x: x[1].difference_sum, "number", 8),
        C(_l("Defective"), lambda x: x[1].defective, "number", 8),
        C(_l("Awaiting decision"), lambda x: x[1].pending, "number", 8),
        C(_l("Status"), lambda x: check_status(*x), width=14),
    ]


def _check_page(check: StockCheck, *, error=None, error_count=None, status: int = 200):
    site = db.session.get(Site, check.site_id)
    lines = queries.check_lines(check)
    page = render_template(
        "stock/check.html", check=check, site=site,
        store=db.session.get(Store, check.store_id) if check.store_id else None,
        starter=db.session.get(User, check.user_id),
        finisher=db.session.get(User, check.finished_by) if check.finished_by else None,
        lines=lines, followup_labels=FOLLOWUP_LABELS, totals=queries.check_totals(lines),
        can_decide=decisions.may_decide(current_user, check.site_id) and check.finished_at is not None,
        error=error, error_count=error_count, form=request.form if error else {})
    return page, status


@bp.route("/checks/<check_id>")
@review_required
def check(check_id):
    """One check item by item: books, counted, difference, recounts, follow-up, decision."""
    return _check_page(get_scoped_or_404(StockCheck, check_id))


def _decide(count_id: str, act):
    """Run one decision; a refusal shows the check again with why, nothing written."""
    count = get_scoped_or_404(StockCount, count_id)
    check = get_scoped_or_404(StockCheck, count.check_id)
    try:
        message = act(count)
    except decisions.Refused as refused:
        db.session.rollback()
        return _check_page(check, error=str(refused.message), error_count=count_id, status=refused.status)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("stock.check", check_id=check.id, _anchor=f"count-{count_id}"))


@bp.route("/counts/<count_id>/approve", methods=["POST"])
@review_required
def approve(count_id):
    """Accept the count and adjust the books by its difference (one 盘点调整 movement)."""
    def act(count):
        result = decisions.approve(count.id, current_user, request.form.get("note"))
        return _("Approved: the books were adjusted by %(direction)s %(quantity)s, reference %(reference)s.",
                 direction=_("receipt") if result.movement.direction == "in" else _("issue"),
                 quantity=decisions.plain(result.movement.quantity), reference=result.movement.reference)
    return _decide(count_id, act)


@bp.route("/counts/<count_id>/recount", methods=["POST"])
@review_required
def recount(count_id):
    """Send the count back: the person who counted is asked on the phone to count again."""
    def act(count):
        decisions.send_back(count.id, current_user, request.form.get("reason"))
        return _("Sent back for a recount; the person who counted has it on the phone.")
    return _decide(count_id, act)
