"""The personal work log (《个人工作日志》) and attendance (签到 / 签退) on the desktop."""
from flask import Blueprint

bp = Blueprint("worklog", __name__, url_prefix="/worklog")

from app.worklog import routes  # noqa: E402,F401
