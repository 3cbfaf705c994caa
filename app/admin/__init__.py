from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from app.admin import people  # noqa: E402,F401
from app.admin import places  # noqa: E402,F401
from app.admin import routes  # noqa: E402,F401
from app.admin import sites  # noqa: E402,F401
from app.admin import stock  # noqa: E402,F401
from app.admin import audit  # noqa: E402,F401
from app.admin import posts  # noqa: E402,F401
from app.admin import channels  # noqa: E402,F401
