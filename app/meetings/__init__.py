"""Morning and weekly meetings (晨会 / 周例会) at the desk: a site's month of meetings, on
time or late, as a list and a file; one meeting printable as 《晨会记录》 / 《周例会记录》;
and a form that records one through the sync engine, as the phone does."""
from flask import Blueprint

bp = Blueprint("meetings", __name__, url_prefix="/meetings")

from app.meetings import routes  # noqa: E402,F401
from app.meetings import desk  # noqa: E402,F401
