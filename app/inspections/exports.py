"""The inspections' files, through ``app.office.exports``: a site's week, one inspection a
line, and one inspection as 《服务过程检验单》 (the form's facts above its items, then the
score and the notes under them, as on paper).
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.office import exports
from sync import inspection_rules as rules

C = exports.Column


def passed(row) -> int:
    """How many of the post's items were marked ok."""
    return sum(1 for ok in row.checklist.values() if ok)


def week_columns(names: dict, posts: dict) -> list[exports.Column]:
    """The week's list: when, who inspected whom at which post, the score and the items passed."""
    return [
        C(_l("Time"), lambda r: r.at, "datetime", 17),
        C(_l("Inspector"), lambda r: names.get(r.user_id, ""), width=10),
        C(_l("Person inspected"), lambda r: names.get(r.person_id, ""), width=10),
        C(_l("Post"), lambda r: str(posts.get(r.post, r.post)), width=8),
        C(_l("Score"), lambda r: r.score, "number", 6),
        C(_l("Items passed"), passed, "number", 8),
        C(_l("Items checked"), lambda r: len(rules.checklist(r.post)), "number", 8),
        C(_l("Notes"), lambda r: r.notes or "", width=40),
    ]


def week_file(fmt: str, site, monday, sunday, rows, names, posts):
    """The week's inspections of a site, Monday to Sunday."""
    title = _("Inspections")
    period = f"{monday.isoformat()}_{sunday.isoformat()}"
    preamble = ([[f"《{title}》"], [_("Site"), site.name, _("Week of"), monday.isoformat()]]
                if fmt == "xlsx" else None)
    return exports.respond(fmt, f"{title}_{site.name}_{period}", week_columns(names, posts), rows,
                           tz=site.timezone, title=title, preamble=preamble)


def form_file(fmt: str, site, row, names, posts):
    """One inspection as 《服务过程检验单》: the items ok or not, then the score and notes."""
    title = _("Service process inspection form")
    at = exports.local(row.at, site.timezone)
    preamble = [[f"《{title}》"],
                [_("Site"), site.name, _("Day"), at],
                [_("Person inspected"), names.get(row.person_id, ""), _("Post"), str(posts.get(row.post, row.post)),
                 _("Inspector"), names.get(row.user_id, "")]]
    lines = [(n, label, _("passed") if row.checklist.get(key) else _("not ok"))
             for n, (key, label) in enumerate(rules.checklist(row.post), start=1)]
    lines += [(None, _("Score"), row.score), (None, _("Notes"), row.notes or "")]
    columns = [C("#", lambda x: x[0], "number", 4), C(_l("Check item"), lambda x: x[1], width=30),
               C(_l("Result"), lambda x: x[2], width=24)]
    name = f"{title}_{names.get(row.person_id, '')}_{row.day}"
    return exports.respond(fmt, name, columns, lines, tz=site.timezone, title=title,
                           preamble=preamble if fmt == "xlsx" else None)
