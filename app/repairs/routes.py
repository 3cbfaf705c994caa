"""Repair orders at the desk: the list, one order, the intake form, the Monday approval.

Intake goes through the sync engine (``intake.take``); the approval is the manager's own
decision on the order (``approval.approve``). Both views only parse and answer.
"""
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.extensions import db
from app.models import FollowUp
from app.models import Site
from app.models import utcnow
from app.navigation import add_nav
from app.office import desk_push
from app.office import exports
from app.office.access import approval_required
from app.office.access import may_approve_repairs
from app.office.access import may_take_requests
from app.office.access import repairs_required
from app.office.filters import paginate
from app.office.filters import parse
from app.office.filters import site_people
from app.office.filters import visible_sites
from app.models import RepairOrder
from app.repairs import approval
from app.repairs import bp
from app.repairs import intake
from app.repairs import queries
from app.repairs.forms import APPROVAL_LABELS
from app.repairs.forms import CHANNEL_LABELS
from app.repairs.forms import SATISFACTION_LABELS
from app.repairs.forms import STATUS_LABELS
from app.repairs.forms import URGENCY_LABELS
from app.repairs.forms import RepairRequestForm
from app.admin.forms import options
from app.complaints.queries import names_of
from app.followups.labels import STATUSES as FOLLOWUP_STATUS_LABELS
from app.scoping import get_scoped_or_404
from sync.privacy import mask_phone

@bp.app_template_filter("plain_qty")
def plain_qty(value) -> str:
    """``2`` rather than ``2.000``."""
    from app.stock.decisions import plain

    return plain(value) if value not in (None, "") else ""


add_nav(75, "repairs.index", _l("Repair requests"), may_take_requests)

LABELS = {"urgencies": URGENCY_LABELS, "channels": CHANNEL_LABELS, "statuses": STATUS_LABELS,
          "satisfaction": SATISFACTION_LABELS, "approvals": APPROVAL_LABELS,
          "followup_statuses": FOLLOWUP_STATUS_LABELS}
FOLLOWUP_ACTIVE = ("open", "in_progress")


@bp.route("")
@repairs_required
def index():
    """Repair orders of the chosen sites over the last 30 days unless told, newest first."""
    f = parse(categories=queries.URGENCIES, statuses=queries.STATUSES + queries.APPROVALS,
              sorts=queries.SORTS, default_sort="-requested", default_days=30)
    fmt = exports.requested(f.errors)
    if fmt:
        zones = {s.id: s.timezone for s in f.sites}
        return exports.download(fmt, gettext("Repair orders"), f, export_columns({s.id: s.name for s in f.sites}),
                                order_lines(exports.streamed(queries.orders(f), scalars=True)),
                                tz=lambda line: zones.get(line[0].site_id, f.tz), counted=queries.orders(f))
    page = paginate(queries.orders(f), f)
    followups = {x.id: x for x in db.session.scalars(
        db.select(FollowUp).where(FollowUp.id.in_([o.followup_id for o in page.items if o.followup_id])))}
    statuses = [(k, STATUS_LABELS[k]) for k in queries.STATUSES] + [(k, APPROVAL_LABELS[k]) for k in queries.APPROVALS]
    workers = queries.workers_of(page.items)
    return render_template(
        "repairs/index.html", f=f, page=page, followups=followups, workers=workers,
        names=names_of([o.user_id for o in page.items] + [x.assignee_id for x in followups.values()]
                       + [u for ids in workers.values() for u in ids]),
        sites={s.id: s for s in f.sites}, people=site_people(f.site_ids), now=utcnow(),
        urgencies=[(k, URGENCY_LABELS[k]) for k in queries.URGENCIES], statuses=statuses, labels=LABELS,
        active=FOLLOWUP_ACTIVE, may_approve=may_approve_repairs(current_user))


def order_lines(orders):
    """``(order, workers' names, assignee's name)``, the names read a batch at a time."""
    for batch in exports.in_batches(orders):
        workers = queries.workers_of(batch)
        followups = dict(db.session.execute(db.select(FollowUp.id, FollowUp.assignee_id).where(
            FollowUp.id.in_([o.followup_id for o in batch if o.followup_id]))).all())
        names = names_of([o.user_id for o in batch] + list(followups.values())
                         + [u for ids in workers.values() for u in ids])
        for o in batch:
            yield o, "、".join(names.get(u, "") for u in workers.get(o.id, [])), \
                names.get(followups.get(o.followup_id), "")


def export_columns(sites: dict[str, str]) -> list[exports.Column]:
    """The repair orders list as a file (《维修任务单》 a line each), the owner's phone masked."""
    C = exports.Column
    return [
        C(_l("Requested at"), lambda x: x[0].requested_at, "datetime", 17),
        C(_l("Order number"), lambda x: x[0].number, width=18),
        C(_l("Site"), lambda x: sites.get(x[0].site_id, ""), width=12),
        C(_l("Urgency"), lambda x: URGENCY_LABELS.get(x[0].urgency, x[0].urgency), width=8),
        C(_l("Unit"), lambda x: x[0].unit or "", width=10),
        C(_l("Owner"), lambda x: x[0].owner_name or "", width=10),
        C(_l("Phone"), lambda x: mask_phone(x[0].owner_phone), width=14),
        C(_l("What needs repairing"), lambda x: x[0].description, width=40),
        C(_l("Repair worker"), lambda x: x[1] or x[2], width=12),
        C(_l("Status"), lambda x: STATUS_LABELS.get(x[0].status, x[0].status), width=10),
        C(_l("Due"), lambda x: x[0].due_at if x[0].status == "open" else None, "datetime", 17),
        C(_l("Repaired at"), lambda x: x[0].worked_at, "datetime", 17),
        C(_l("Satisfaction"), lambda x: SATISFACTION_LABELS.get(x[0].satisfaction, "") if x[0].satisfaction
          else "", width=10),
        C(_l("Approved at"), lambda x: x[0].approved_at, "datetime", 17),
    ]


@bp.route("/<order_id>")
@repairs_required
def detail(order_id):
    """One order: the request, its follow-up, each visit with its materials, the sign-off."""
    order = get_scoped_or_404(RepairOrder, order_id)
    followup = db.session.get(FollowUp, order.followup_id) if order.followup_id else None
    works = queries.works_of(order)
    names = names_of([order.user_id, order.approved_by, order.signoff_user_id,
                      followup.assignee_id if followup else None, *[w.user_id for w in works]])
    return render_template(
        "repairs/detail.html", order=order, site=db.session.get(Site, order.site_id), followup=followup,
        works=works, items=queries.items_of(works), movements=queries.movements_of(order), names=names,
        now=utcnow(), labels=LABELS, active=FOLLOWUP_ACTIVE, may_approve=may_approve_repairs(current_user),
        due_for_approval=approval.due_for_approval(order))


@bp.route("/new", methods=["GET", "POST"])
@repairs_required
def new():
    """The front desk takes an owner's repair request; the engine makes the order."""
    form = RepairRequestForm()
    sites = visible_sites()
    form.site_id.choices = options((s.id, s.name) for s in sites)
    if request.method == "GET" and len(sites) == 1:
        form.site_id.data = sites[0].id
    status = 200
    if request.method == "POST":
        # CSRFProtect has checked the token; the engine judges everything else.
        try:
            repair_id = intake.take(current_user, {name: form[name].data for name in intake.FIELDS})
        except desk_push.Refused as refused:
            status = 422
            for name, messages in refused.errors.items():
                target = form[name] if name in form else form.description
                target.errors = list(target.errors or []) + messages
        else:
            flash(gettext("Repair order taken: it is on the repair staff's phones."), "ok")
            return redirect(url_for("repairs.detail", order_id=repair_id))
    return render_template("repairs/new.html", form=form, labels=LABELS), status


@bp.route("/approval")
@approval_required
def approval_page():
    """Monday's work: last week's orders (Mon–Sun, the site's days) and older unapproved ones."""
    groups = approval.waiting(visible_sites())
    ids = [o.id for g in groups for o in g.last_week + g.older]
    orders = [o for g in groups for o in g.last_week + g.older]
    followups = {x.id: x for x in db.session.scalars(
        db.select(FollowUp).where(FollowUp.id.in_([o.followup_id for o in orders if o.followup_id])))}
    return render_template("repairs/approval.html", groups=groups, ids=ids, followups=followups,
                           names=names_of([o.user_id for o in orders]), labels=LABELS)


@bp.route("/approval", methods=["POST"])
@approval_required
def approve():
    """Approve the orders named in the form (one, or every one the page listed)."""
    try:
        done = approval.approve(request.form.getlist("order_id"), current_user)
    except approval.Refused as refused:
        if refused.status in (403, 404):
            abort(refused.status)
        flash(str(refused.message), "error")
        back = request.form.get("next") or url_for("repairs.approval_page")
        return redirect(back if back.startswith("/repairs") else url_for("repairs.approval_page"))
    flash(gettext("%(count)d repair orders approved.", count=len(done)) if len(done) != 1
          else gettext("Repair order %(number)s approved.", number=done[0].number), "ok")
    back = request.form.get("next") or url_for("repairs.approval_page")
    return redirect(back if back.startswith("/repairs") else url_for("repairs.approval_page"))
