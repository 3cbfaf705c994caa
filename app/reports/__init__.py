"""Monthly reports: those the service centre owes the company (月底上报), built from what was
synced, and the monthly service report to owners (《月度物业服务报告》) at the desk."""
from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")

from app.reports import routes  # noqa: E402,F401
