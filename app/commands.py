"""Command-line tasks: ``flask --app wsgi seed-demo | create-user | i18n compile | backup``."""
import click
from flask import current_app
from flask.cli import with_appcontext

from app.extensions import db


@click.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Create the demo company (idempotent): two sites, staff, checkpoints, a store."""
    from app.demo import seed_demo

    from app.demo import DEMO_PIN
    from app.demo import PASSWORD
    from app.demo import sign_ins

    created = seed_demo()
    click.echo("Demo data ready." if not created else "Demo data created.")
    click.echo(f"Demo sign-ins (password {PASSWORD}):")
    for line in sign_ins():
        click.echo(line)
    click.echo("Gate post phones (东门岗): the administrator registers them at /admin/posts; guards' and managers' "
               f"shift PIN {DEMO_PIN}.")


@click.command("create-user")
@click.argument("username")
@click.option("--name", "display_name", required=True)
@click.option("--role", type=click.Choice(["guard", "clerk", "staff", "manager", "supervisor", "admin"]), required=True)
@click.option("--site", "site_codes", multiple=True, help="site code; repeat for several")
@click.password_option()
@with_appcontext
def create_user_command(username, display_name, role, site_codes, password):
    """Create a user (the first admin of a new installation, say)."""
    from sqlalchemy import select

    from app.models import Company
    from app.models import Site
    from app.models import User
    from app.passwords import MAX_LENGTH
    from app.passwords import MIN_LENGTH

    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise click.BadParameter(f"a password needs {MIN_LENGTH} to {MAX_LENGTH} characters",
                                 param_hint="--password")
    company = db.session.scalar(select(Company))
    if company is None:
        company = Company(name=current_app.config.get("COMPANY_NAME", "物业公司"))
        db.session.add(company)
        db.session.flush()
    user = User(username=username.strip().lower(), display_name=display_name, role=role,
                company_id=company.id)
    user.set_password(password)
    user.sites = list(db.session.scalars(select(Site).where(Site.code.in_(site_codes))))
    db.session.add(user)
    db.session.commit()
    click.echo(f"created {user.username}")


@click.group("i18n")
def i18n_group():
    """Translation catalogues."""


@i18n_group.command("compile")
def i18n_compile():
    """Merge each locale's ``parts/*.po`` into ``messages.mo``."""
    from app.i18n import compile_catalogues

    for path in compile_catalogues(force=True):
        click.echo(f"wrote {path}")


def register(app) -> None:
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(i18n_group)
    from app.followups.commands import followups_group
    app.cli.add_command(followups_group)
    from app.reports.commands import reports_group
    app.cli.add_command(reports_group)
    from app.backup import backup_command
    app.cli.add_command(backup_command)
    from app.privacy.commands import privacy_group
    app.cli.add_command(privacy_group)
    from app.notify.commands import notify_group
    app.cli.add_command(notify_group)
