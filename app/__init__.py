"""The application factory; it reads as the table of contents of the app."""
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    from app.config import load_config

    load_config(app, config)
    warn_of_test_passwords(app)
    register_proxy(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_template_helpers(app)
    register_security(app)
    return app


def warn_of_test_passwords(app: Flask) -> None:
    from app import passwords

    if passwords.PROFILE == "test" and not app.testing:
        app.logger.warning("ESTATE_PASSWORD_PROFILE=test: new passwords get the test suite's cheap "
                           "Argon2 parameters; unset it outside tests")


def register_extensions(app: Flask) -> None:
    from app import i18n
    from app import models  # noqa: F401  (every table known to Alembic)
    from app import photostore
    from app.extensions import csrf
    from app.extensions import db
    from app.extensions import login_manager
    from app.extensions import migrate
    from app.notify import outbox

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True,
                     compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    i18n.init_app(app)
    photostore.init_app(app)
    outbox.init_app(app)


def register_proxy(app: Flask) -> None:
    """Behind ``PROXY_COUNT`` reverse proxies, take the client's address and scheme from
    their X-Forwarded-For/-Proto; with none, those headers are anyone's to forge and are
    ignored (the sign-in throttle counts by address)."""
    count = int(app.config.get("PROXY_COUNT") or 0)
    if count > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)


def register_blueprints(app: Flask) -> None:
    from app import admin
    from app import api
    from app import auth
    from app import complaints
    from app import decoration
    from app import repairs
    from app import followups
    from app import gate
    from app import main
    from app import patrols
    from app import phone
    from app import review
    from app import stock
    from app import tenants
    from app import worklog
    from app import inspections
    from app import manager_reports
    from app import meetings
    from app import reports
    from app import notify

    app.register_blueprint(main.bp)
    app.register_blueprint(phone.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(admin.bp)
    # The office: the review pages that span features, then each feature's own.
    app.register_blueprint(review.bp)
    app.register_blueprint(followups.bp)
    app.register_blueprint(patrols.bp)
    app.register_blueprint(gate.bp)
    app.register_blueprint(stock.bp)
    app.register_blueprint(complaints.bp)
    app.register_blueprint(worklog.bp)
    app.register_blueprint(inspections.bp)
    app.register_blueprint(manager_reports.bp)
    app.register_blueprint(meetings.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(notify.bp)
    app.register_blueprint(decoration.bp)
    app.register_blueprint(tenants.bp)
    app.register_blueprint(repairs.bp)
    from app.extensions import csrf
    csrf.exempt(api.bp)  # the API checks CSRF itself, only for cookie-authenticated changes


def register_errorhandlers(app: Flask) -> None:
    from app.errors import register_errorhandlers as register

    register(app)


def register_commands(app: Flask) -> None:
    from app.commands import register

    register(app)


def register_security(app: Flask) -> None:
    from app import security
    from app.auth import sessions

    security.init_app(app)
    sessions.init_app(app)


def register_template_helpers(app: Flask) -> None:
    from app.templating import register

    register(app)
