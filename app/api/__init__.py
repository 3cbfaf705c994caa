from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from app.api import auth  # noqa: E402,F401
from app.api import session  # noqa: E402,F401
from app.api import changes  # noqa: E402,F401
from app.api import sync  # noqa: E402,F401
from app.api import photos  # noqa: E402,F401
from app.api import notices  # noqa: E402,F401
from app.api import push  # noqa: E402,F401
from app.api import openapi  # noqa: E402,F401
