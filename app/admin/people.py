"""Admin pages for people: accounts, roles and sites, passwords, and their phones."""
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.admin import bp
from app.admin import lookups
from app.admin import services
from app.admin.forms import POST_LABELS
from app.admin.forms import ROLE_LABELS
from app.admin.forms import ActionForm
from app.admin.forms import NewUserForm
from app.admin.forms import PasswordForm
from app.admin.forms import UserForm
from app.admin.views import form_page
from app.auth import accounts
from app.auth import sessions
from app.errors import error_response
from app.extensions import db
from app.office import exports
from app.models import POST_ROLE
from app.models import ROLES
from app.models import DeviceToken
from app.models import Site
from app.models import User
from app.models import utcnow
from app.scoping import scoped
from app.scoping import visible_site_ids

USERS_PER_PAGE = 50


def user_columns() -> list[exports.Column]:
    """The people of the company as a file, as the list shows them; no password, no PIN."""
    C = exports.Column
    return [
        C(_l("Name"), lambda u: u.display_name, width=12),
        C(_l("Username"), lambda u: u.username, width=14),
        C(_l("Role"), lambda u: str(ROLE_LABELS.get(u.role, u.role)), width=12),
        C(_l("Post"), lambda u: str(POST_LABELS.get(u.post, u.post or "")), width=10),
        C(_l("Team leader"), lambda u: _("Yes") if u.is_team_lead else "", width=8),
        C(_l("Sites"), lambda u: "、".join(s.name for s in u.sites), width=20),
        C(_l("Status"), lambda u: _("Active") if u.active and u.deleted_at is None else _("Deactivated"), width=8),
    ]


@bp.route("/users")
def users():
    """People of the company, filtered by site, role, status and name."""
    site = lookups.site_filter()
    role = request.args.get("role") if request.args.get("role") in ROLES else ""
    status = request.args.get("status", "active")
    query = (request.args.get("q") or "").strip()[:64]
    stmt = lookups.company_users().where(User.role != POST_ROLE)  # posts: app/admin/posts.py
    if site is not None:
        stmt = stmt.where(User.sites.any(Site.id == site.id))
    if role:
        stmt = stmt.where(User.role == role)
    if status == "active":
        stmt = stmt.where(User.active.is_(True), User.deleted_at.is_(None))
    elif status == "inactive":
        stmt = stmt.where(or_(User.active.is_(False), User.deleted_at.is_not(None)))
    if query:
        stmt = stmt.where(or_(User.username.contains(query, autoescape=True),
                              User.display_name.contains(query, autoescape=True)))
    fmt = exports.requested()
    if fmt:
        rows = exports.streamed(stmt.options(selectinload(User.sites)).order_by(User.username), scalars=True)
        name = "_".join(p for p in (_("People"), site.name if site else "") if p)
        return exports.respond(fmt, name, user_columns(), rows, title=_("People"),
                               total=exports.count(stmt) if fmt == "csv" else None)
    page = db.paginate(stmt.options(selectinload(User.sites)).order_by(User.username), page=request.args.get("page", 1, type=int),
                       per_page=USERS_PER_PAGE, error_out=False)
    return render_template("admin/users.html", page=page, site=site, role=role, status=status,
                           query=query, sites=lookups.visible_sites(), roles=ROLES,
                           role_labels=ROLE_LABELS, post_labels=POST_LABELS)


def _chosen_sites(ids: list[str]) -> list[Site]:
    if not ids:
        return []
    return list(db.session.scalars(scoped(Site).where(Site.id.in_(ids))))


def _fill(user: User, form: UserForm) -> None:
    user.username = form.username.data
    user.display_name = form.display_name.data
    user.role = form.role.data
    user.post = form.post.data or None
    user.is_team_lead = bool(form.is_team_lead.data)
    visible = set(visible_site_ids())
    kept = [s for s in user.sites if s.id not in visible]
    user.sites = kept + _chosen_sites(form.sites.data)


@bp.route("/users/new", methods=["GET", "POST"])
def user_new():
    """A new account with its role, post, sites and first password."""
    form = NewUserForm()
    form.sites.choices = lookups.site_choices()
    if form.validate_on_submit():
        if services.username_taken(form.username.data):
            form.username.errors.append(_("This value is already in use."))
        else:
            user = User(company_id=current_user.company_id, active=True)
            _fill(user, form)
            user.set_password(form.password.data)
            db.session.add(user)
            db.session.commit()
            flash(_("%(name)s can now sign in as %(username)s.", name=user.display_name,
                    username=user.username), "success")
            return redirect(url_for("admin.users"))
    return form_page("admin/user_form.html", form=form, user=None)


@bp.route("/users/<user_id>/edit", methods=["GET", "POST"])
def user_edit(user_id):
    """Change a person's name, role, post and sites; see and sign out their phones."""
    user = lookups.get_user_or_404(user_id)
    form = UserForm(obj=user)
    form.sites.choices = lookups.site_choices()
    if request.method == "GET":
        form.sites.data = user.site_ids
    if form.validate_on_submit():
        if services.username_taken(form.username.data, user.id):
            form.username.errors.append(_("This value is already in use."))
        elif user.id == current_user.id and form.role.data != "admin":
            form.role.errors.append(_("You cannot take the administrator role from yourself."))
        else:
            new_role = form.role.data != user.role
            _fill(user, form)
            if new_role:
                accounts.role_changed(user)
            db.session.commit()
            flash(_("%(name)s saved.", name=user.display_name), "success")
            return redirect(url_for("admin.users"))
    return form_page("admin/user_form.html", form=form, user=user, devices=_devices(user),
                     action=ActionForm(), now=utcnow())


def _devices(user: User) -> list[DeviceToken]:
    return list(db.session.scalars(
        select(DeviceToken).where(DeviceToken.user_id == user.id)
        .order_by(DeviceToken.revoked_at.is_not(None), DeviceToken.last_used_at.desc())))


@bp.route("/users/<user_id>/password", methods=["GET", "POST"])
def user_password(user_id):
    """Set a new password: the person's desktop sessions and phones end, and at their next
    desktop sign-in they choose their own."""
    user = lookups.get_user_or_404(user_id)
    form = PasswordForm()
    if form.validate_on_submit():
        myself = user.id == current_user.id
        revoked = accounts.set_password(user, form.password.data, reset_by_admin=not myself)
        db.session.commit()
        if myself:
            sessions.start(user)
        flash(_("New password set for %(name)s.", name=user.display_name), "success")
        if revoked:
            flash(_("%(count)d phones signed out.", count=revoked), "info")
        return redirect(url_for("admin.user_edit", user_id=user.id))
    return form_page("admin/user_password.html", form=form, user=user)


@bp.route("/users/<user_id>/deactivate", methods=["POST"])
def user_deactivate(user_id):
    """Stop a person from signing in anywhere."""
    user = lookups.get_user_or_404(user_id)
    if user.id == current_user.id:
        return error_response(422, _("You cannot deactivate yourself."))
    accounts.set_active(user, False)
    db.session.commit()
    flash(_("%(name)s can no longer sign in; their phones are signed out.", name=user.display_name),
          "success")
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.route("/users/<user_id>/reactivate", methods=["POST"])
def user_reactivate(user_id):
    """Let a deactivated person sign in again (with new phone sign-ins)."""
    user = lookups.get_user_or_404(user_id)
    accounts.set_active(user, True)
    db.session.commit()
    flash(_("%(name)s can sign in again.", name=user.display_name), "success")
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.route("/users/<user_id>/devices/<token_id>/revoke", methods=["POST"])
def device_revoke(user_id, token_id):
    """A lost phone: its token stops working at once; the person signs in on a new one."""
    user = lookups.get_user_or_404(user_id)
    token = db.session.get(DeviceToken, token_id) if len(token_id) <= 36 else None
    if token is None or token.user_id != user.id:
        abort(404)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.commit()
    flash(_("The phone %(device)s is signed out.", device=token.device_id), "success")
    return redirect(url_for("admin.user_edit", user_id=user.id))
