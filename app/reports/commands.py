"""``flask --app wsgi reports material-feedback --month 2026-11 [--site CODE]``: CSV to stdout.

The same form is a page with XLSX and CSV at the desk (``/stock/feedback``, ``app.stock.feedback``).
"""
import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.models import Site
from app.office.exports import csv_lines
from app.reports.material_feedback import feedback_rows
from app.office.months import parse_month


@click.group("reports")
def reports_group():
    """Monthly reports for the company's departments."""


@reports_group.command("material-feedback")
@click.option("--month", required=True, help="the site's local month, YYYY-MM")
@click.option("--site", "site_code", default=None, help="one site's code; every site if left out")
@with_appcontext
def material_feedback_command(month, site_code):
    """The material quality feedback (物资质量使用反馈单) as CSV with a BOM, so Excel reads the Chinese."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        try:
            year, number = parse_month(month)
        except ValueError:
            raise click.BadParameter(_("Please give the month as YYYY-MM, e.g. 2026-11."),
                                     param_hint="--month") from None
        if site_code is not None and db.session.scalar(
                select(Site.id).where(Site.code == site_code, Site.deleted_at.is_(None))) is None:
            raise click.BadParameter(_("No site has this code."), param_hint="--site")
        from app.stock.feedback import columns  # the desk's form and this command print the same
        text = "".join(csv_lines(columns(), feedback_rows(year, number, site_code), lambda row: "UTC"))
    click.echo(text, nl=False)
