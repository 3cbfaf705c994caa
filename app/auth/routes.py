"""Desktop sign-in and sign-out, one's own password, and the language switch."""
from urllib.parse import urlsplit

from flask import abort
from flask import flash
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import TooManyRequests

from app import passwords
from app.auth import accounts
from app.auth import bp
from app.auth import sessions
from app.auth import throttle
from app.auth.forms import ChangePasswordForm
from app.auth.forms import LoginForm
from app.extensions import db
from app.models import POST_ROLE
from app.models import User


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == (username or "").strip().lower()))


def too_many(seconds: int):
    err = TooManyRequests(_("Too many failed sign-ins. Try again in %(minutes)s minutes.",
                            minutes=max(1, seconds // 60)))
    err.retry_after = seconds
    err.user_message = err.description
    return err


def authenticate(username: str, password: str, address: str) -> User | None:
    """The active user with these credentials; raises 429 while throttled.

    Used by the desktop form and the phone's ``POST /api/v1/session`` alike. On success a
    stale hash is replaced (committed here) and this browser is remembered as one that
    signed in as them (``throttle.remember_known``).
    """
    user = find_user(username)
    known = user is not None and user.id in throttle.known_user_ids()
    wait = throttle.retry_after(username, address, known=known)
    if wait:
        raise too_many(wait)
    if user is None:
        passwords.spend_time(password or "")
        ok = False
    else:
        # A gate post is not a person: its phone registers with a code, never a password.
        ok = user.check_password(password or "") and user.is_active and user.role != POST_ROLE
    if not ok:
        throttle.record_failure(username, address)
        return None
    db.session.commit()  # a hash re-made with today's parameters
    throttle.remember_known(user.id)
    return user


def throttled_page(template: str, err: TooManyRequests, **context):
    response = make_response(render_template(template, throttled=err.user_message, **context), 429)
    response.headers["Retry-After"] = str(err.retry_after)
    return response


def _safe_next(target: str | None) -> str:
    if target and not urlsplit(target).netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(form.username.data, form.password.data, request.remote_addr or "")
        except TooManyRequests as err:
            return throttled_page("auth/login.html", err, form=form)
        if user is None:
            form.password.errors.append(_("Wrong username or password."))
        else:
            sessions.start(user)
            if user.must_change_password:
                return redirect(url_for("auth.password"))
            return redirect(_safe_next(request.args.get("next")))
    status = 200 if not form.errors else 422
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out: this session and every other desktop session of the person end."""
    sign_out_everywhere()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


def sign_out_everywhere() -> None:
    """End the signed-in person's desktop sessions, this one included (phones stay)."""
    if current_user.is_authenticated:
        sessions.end_everywhere(current_user)
        db.session.commit()
    sessions.forget()


@bp.route("/account/password", methods=["GET", "POST"])
def password():
    """Choose one's own password; the only page open after an administrator's reset."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path))
    user = current_user._get_current_object()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        address = request.remote_addr or ""
        wait = throttle.retry_after(user.username, address, known=user.id in throttle.known_user_ids())
        if wait:
            return throttled_page("auth/password.html", too_many(wait), form=form)
        if not user.check_password(form.current.data):
            throttle.record_failure(user.username, address)
            form.current.errors.append(_("This is not your current password."))
        else:
            phones = accounts.set_password(user, form.password.data)
            db.session.commit()
            sessions.start(user)  # this browser goes on, under the new session version
            flash(_("Your password is changed. Every other sign-in of yours has ended."), "success")
            if phones:
                flash(_("%(count)d phones signed out: sign in on them with the new password.",
                        count=phones), "info")
            return redirect(url_for("main.index"))
    status = 200 if not form.errors else 422
    return render_template("auth/password.html", form=form), status


@bp.route("/lang/<code>", methods=["POST"])
def set_language(code):
    from flask import current_app
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    if current_user.is_authenticated:
        current_user.locale = code
        db.session.commit()
    response = make_response(redirect(_safe_next(request.form.get("next") or request.referrer and urlsplit(request.referrer).path)))
    response.set_cookie("lang", code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response
