"""Admin pages for gate posts: their phones, registered by QR code, and people's shift PINs."""
import secrets

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import pins
from app.admin import bp
from app.admin import lookups
from app.admin.forms import ActionForm
from app.admin.forms import PinForm
from app.admin.forms import PostForm
from app.admin.qr import qr_svg
from app.auth import enrolment
from app.extensions import db
from app.models import POST_ROLE
from app.models import DeviceToken
from app.models import Site
from app.models import User
from app.models import utcnow
from app.scoping import visible_site_ids


def _posts(site_ids) -> list[User]:
    return list(db.session.scalars(
        lookups.company_users().where(User.role == POST_ROLE, User.sites.any(Site.id.in_(site_ids)))
        .options(selectinload(User.sites)).order_by(User.display_name)))


def _people(site_ids) -> list[User]:
    return list(db.session.scalars(
        lookups.company_users().where(User.role.in_(pins.SHIFT_ROLES), User.active.is_(True),
                                      User.sites.any(Site.id.in_(site_ids)))
        .options(selectinload(User.sites)).order_by(User.username)))


def _phones(posts) -> dict[str, list[DeviceToken]]:
    out = {p.id: [] for p in posts}
    if posts:
        for token in db.session.scalars(select(DeviceToken).where(
                DeviceToken.user_id.in_(list(out)), DeviceToken.revoked_at.is_(None),
                DeviceToken.expires_at > utcnow()).order_by(DeviceToken.created_at)):
            out[token.user_id].append(token)
    return out


def _get_post(post_id: str) -> User:
    post = lookups.get_user_or_404(post_id)
    if post.role != POST_ROLE or not set(post.site_ids) & set(visible_site_ids(current_user)):
        abort(404)
    return post


@bp.route("/posts", methods=["GET", "POST"])
def posts():
    """Each site's gate posts with their registered phones, and who may work shifts."""
    sites = lookups.visible_sites()
    form = PostForm()
    form.site_id.choices = lookups.site_choices()
    if form.validate_on_submit():
        site = next(s for s in sites if s.id == form.site_id.data)
        post = User(company_id=current_user.company_id, username=f"post-{secrets.token_hex(5)}",
                    display_name=form.name.data, role=POST_ROLE, active=True)
        post.set_password(secrets.token_urlsafe(32))  # never used: a post signs in by code
        post.sites = [site]
        db.session.add(post)
        db.session.commit()
        flash(_("Post %(name)s added. Register its phone next.", name=post.display_name), "success")
        return redirect(url_for("admin.posts"))
    return _page(form, status=422 if request.method == "POST" else 200)


def _page(form: PostForm, *, pin_error: tuple[str, str] | None = None, status: int = 200):
    site_ids = [s.id for s in lookups.visible_sites()]
    found = _posts(site_ids)
    return render_template("admin/posts.html", form=form, posts=found, phones=_phones(found),
                           people=_people(site_ids), pin_form=PinForm(formdata=None), pin_error=pin_error,
                           action=ActionForm()), status


@bp.route("/posts/<post_id>/register", methods=["POST"])
def post_register(post_id):
    """A one-time code for a phone of this post, shown once as a QR code."""
    post = _get_post(post_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    code, row = enrolment.create(post, current_user)
    db.session.commit()
    link = url_for("phone.screen", screen="login", _external=True) + f"#enrol={code}"
    return render_template("admin/post_register.html", post=post, code=code, link=link, qr=qr_svg(link),
                           expires_at=row.expires_at)


@bp.route("/posts/<post_id>/phones/<phone_id>/revoke", methods=["POST"])
def post_phone_revoke(post_id, phone_id):
    """A lost or replaced post phone: its token stops working at once."""
    post = _get_post(post_id)
    token = db.session.get(DeviceToken, phone_id) if len(phone_id) <= 36 else None
    if token is None or token.user_id != post.id or not ActionForm().validate_on_submit():
        abort(404)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.commit()
    flash(_("The phone %(device)s is signed out.", device=token.device_id), "success")
    return redirect(url_for("admin.posts"))


@bp.route("/users/<user_id>/pin", methods=["POST"])
def user_pin(user_id):
    """Set a person's shift PIN; post phones of their sites learn it at their next sync."""
    user = lookups.get_user_or_404(user_id)
    if user.role not in pins.SHIFT_ROLES:
        abort(404)
    form = PinForm()
    if not form.validate_on_submit():
        post_form = PostForm(formdata=None)
        post_form.site_id.choices = lookups.site_choices()
        message = " ".join(str(e) for e in form.pin.errors) or _("A PIN is 4 to 6 digits.")
        return _page(post_form, pin_error=(user.id, message), status=422)
    user.pin_hash = pins.hash_pin(form.pin.data)
    db.session.commit()
    flash(_("New shift PIN set for %(name)s.", name=user.display_name), "success")
    return redirect(url_for("admin.posts"))
