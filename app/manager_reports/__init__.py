"""Managers' daily reports (日清), weekly summaries (周总结) and the monthly checklist at
the desk: a site's month per manager, one report printable on A4, a form to write one,
and the month's checklist signed off item by item."""
from flask import Blueprint

bp = Blueprint("manager_reports", __name__, url_prefix="/manager-reports")

from app.manager_reports import routes  # noqa: E402,F401
from app.manager_reports import checklist  # noqa: E402,F401
