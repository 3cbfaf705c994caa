"""The work log's files: a person's day (《个人工作日志》) and a site's month of attendance,
through ``app.office.exports``.

The day is the compiled day the page shows, one line per entry in time order, then the
notes added to it, each marked 备注 or, when written after the day, 补记, as on the page.
The XLSX carries the form's title, person, site and day above the header, as the printed
form does; the CSV is the table alone, for programs (as every paper form's CSV is).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.office import exports

C = exports.Column

KINDS = {"sign_in": _l("Clock-in"), "sign_out": _l("Clock-out"), "patrol": _l("Patrol"),
         "finding": _l("Finding"), "visit": _l("Visitor registered"), "incident": _l("Suspicious person"),
         "stock": _l("Stock count"), "complaint": _l("Complaint taken"), "reply": _l("Complaint reply"),
         "followup": _l("Follow-up"), "repair": _l("Repair work")}


@dataclass(frozen=True)
class Line:
    """One line of the form: an entry of the day or a note added to it."""

    at: datetime
    kind: str
    what: str
    where: str
    notes: str


def day_lines(log) -> list[Line]:
    """The entries in time order, then the notes in the order they were written."""
    lines = [Line(e.at, str(KINDS.get(e.kind, e.kind)), e.title, e.where, "；".join([*e.lines, *e.masked]))
             for e in log.entries]
    lines += [Line(n.at, _("added later") if n.added_later else _("Note"), n.text, "", "") for n in log.notes]
    return lines


def day_columns() -> list[exports.Column]:
    """The columns of 《个人工作日志》: time, kind, what, where, notes."""
    return [
        C(_l("Time"), lambda line: line.at, "datetime", 17),
        C(_l("Entry type"), lambda line: line.kind, width=10),
        C(_l("Entry"), lambda line: line.what, width=28),
        C(_l("Where"), lambda line: line.where, width=16),
        C(_l("Details"), lambda line: line.notes, width=60),
    ]


def day_file(fmt: str, site, person, log):
    """《个人工作日志》 of one person's day at one site."""
    title = _("Personal work log")
    day = log.day.isoformat()
    preamble = ([[f"《{title}》"], [_("Person"), person.display_name, _("Site"), site.name, _("Day"), day]]
                if fmt == "xlsx" else None)
    return exports.respond(fmt, f"{title}_{person.display_name}_{site.name}_{day}", day_columns(),
                           day_lines(log), tz=log.tz, title=title, preamble=preamble)


def attendance_cell(cell: dict | None, tz: str) -> str:
    """``08:12 / 17:40`` as the page's cell, a late sign-in or early sign-out said in words."""
    if not cell:
        return ""

    def one(mark, bad: str, word) -> str:
        if mark is None:
            return "—"
        return exports.local(mark.at, tz).strftime("%H:%M") + (f"({word})" if mark.verdict == bad else "")

    return f"{one(cell['in'], 'late', _('late'))} / {one(cell['out'], 'early', _('early'))}"


def attendance_file(fmt: str, site, month, days, people, grid, totals):
    """A site's month of attendance: one row per person, a column per day, the totals."""
    title = _("Attendance sheet")
    columns = [C(_l("Person"), lambda p: p.display_name, width=12)]
    for d in days:
        columns.append(C(str(d.day), lambda p, key=d.isoformat(): attendance_cell(
            grid.get(p.id, {}).get(key), site.timezone), width=13))
    columns += [C(_l("Days signed in"), lambda p: totals[p.id]["days"], "number", 8),
                C(_l("Late sign-ins"), lambda p: totals[p.id]["late"], "number", 8),
                C(_l("Early sign-outs"), lambda p: totals[p.id]["early"], "number", 8)]
    preamble = ([[f"《{title}》"], [_("Site"), site.name, _("Month"), f"{month:%Y-%m}"]]
                if fmt == "xlsx" else None)
    return exports.respond(fmt, f"{title}_{site.name}_{month:%Y-%m}", columns, people, tz=site.timezone,
                           title=title, preamble=preamble)
