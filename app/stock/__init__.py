"""Stock checks (库存抽查) at the desk: counts against the books, and the manager's decision
on each difference (approve, which adjusts the books, or send back for a recount)."""
from flask import Blueprint

bp = Blueprint("stock", __name__, url_prefix="/stock")

from app.stock import routes  # noqa: E402,F401
from app.stock import feedback  # noqa: E402,F401
