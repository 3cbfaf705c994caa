"""Staff inspections (书面考核) on the desktop: a site's week per manager, and one
inspection printable as 《服务过程检验单》."""
from flask import Blueprint

bp = Blueprint("inspections", __name__, url_prefix="/inspections")

from app.inspections import routes  # noqa: E402,F401
