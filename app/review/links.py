"""Links to a record's own page, which other features build: ``url_for`` once the
endpoint exists, else the path it will have, so that these pages work before and after."""
from urllib.parse import urlencode

from flask import current_app
from flask import url_for
from werkzeug.routing import BuildError


def _link(endpoint: str, path: str, **values) -> str:
    if endpoint in current_app.view_functions:
        try:
            return url_for(endpoint, **values)
        except BuildError:  # the endpoint names its argument differently: the path will do
            pass
    return path


def visit(visit_id: str) -> str:
    return _link("gate.visit", f"/gate/visits/{visit_id}", visit_id=visit_id)


def patrol(patrol_id: str) -> str:
    return _link("patrols.detail", f"/patrols/{patrol_id}", patrol_id=patrol_id)


def followup(followup_id: str) -> str:
    return _link("followups.detail", f"/followups/{followup_id}", followup_id=followup_id)


def complaint(complaint_id: str) -> str:
    return _link("complaints.detail", f"/complaints/{complaint_id}", complaint_id=complaint_id)


def stock_check(check_id: str) -> str:
    return _link("stock.check", f"/stock/checks/{check_id}", check_id=check_id)


def visits_of_unit(code: str) -> str:
    return _link("gate.visits", "/gate/visits?" + urlencode({"q": code}), q=code)


def worklog(site_id: str, user_id: str, day: str) -> str:
    query = urlencode({"site": site_id, "user": user_id, "day": day})
    return _link("worklog.day", "/worklog?" + query, site=site_id, user=user_id, day=day)
