"""The monthly service report's sections as tables of words and numbers, in the user's
language: the page prints them and the XLSX writes them, one sheet per section, so the
two always say the same thing."""
from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.complaints.routes import LABELS as COMPLAINT_LABELS
from app.gate.display import PURPOSE_LABELS
from app.repairs.forms import URGENCY_LABELS
from app.reports.monthly_service import CommonComplaint
from app.reports.monthly_service import Report
from app.review.labels import CATEGORIES
from app.review.labels import label
from sync.complaint_clocks import RATE_LINE


@dataclass
class Table:
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    key: str = ""  # the table's id on the page


@dataclass
class Section:
    key: str
    title: str
    tables: list[Table]


def percent(value: float | None) -> str:
    """``0.9231`` -> ``92.3%``; ``—`` when there is nothing to divide."""
    return "—" if value is None else f"{value * 100:.1f}%"


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def day_span(first, last) -> str:
    return f"{first.isoformat()} – {last.isoformat()}"


def hour_span(hour: int) -> str:
    return f"{hour:02d}:00–{(hour + 1) % 24:02d}:00"


def outcome(c: CommonComplaint) -> str:
    """One sentence: when, what about, which class, and how it ended; no unit, name or text."""
    parts = [_("resolved on %(day)s", day=c.done_on.isoformat()) if c.done_on else _("still being handled")]
    if c.method:
        parts.append(label(ANSWERED, c.method))
    if c.satisfaction:
        parts.append(_("the owners: %(opinion)s", opinion=label(COMPLAINT_LABELS["satisfaction"], c.satisfaction)))
    return _("%(day)s · %(category)s · %(kind)s, %(households)d households: %(outcome)s.",
             day=c.lodged_on.isoformat(), category=label(CATEGORIES, c.category or "other"),
             kind=label(COMPLAINT_LABELS["kinds"], c.kind), households=c.households, outcome="；".join(parts))


ANSWERED = {"phone": _l("answered by phone"), "visit": _l("answered at home"), "written": _l("answered in writing")}
ITEM, FIGURE = _l("Report item"), _l("Report figure")


def sections(r: Report) -> list[Section]:
    """Patrols, the gate, repairs, complaints, and the stock check with decoration permits."""
    return [_patrols(r), _gate(r), _repairs(r), _complaints(r), _stock(r)]


def _patrols(r: Report) -> Section:
    p = r.patrols
    figures = Table([str(ITEM), str(FIGURE)], [
        [_("Patrol rounds walked"), p.rounds],
        [_("Checkpoints visited"), p.visited],
        [_("Checkpoints planned on the routes walked"), p.planned],
        [_("Checkpoints visited of those planned"), percent(share(p.visited, p.planned))],
        [_("Findings recorded"), p.total_findings],
        [_("Handled on the spot"), p.on_spot],
        [_("Followed up"), p.followed_up],
        [_("Followed up and done"), p.followed_up_done],
    ], "patrol-figures")
    by_category = Table([_("Category"), _("Findings")],
                        [[label(CATEGORIES, c), n] for c, n in p.findings.items()], "finding-categories")
    return Section("patrols", _("Patrols"), [figures, by_category])


def _gate(r: Report) -> Section:
    g = r.gate
    peaks = "、".join(_("%(hours)s (%(count)d)", hours=hour_span(h), count=n) for h, n in g.peak_hours) or "—"
    figures = Table([str(ITEM), str(FIGURE)], [
        [_("Visitor registrations"), g.visits],
        [_("Visitors (people)"), g.people],
        [_("Suspicious persons reported"), g.suspicious],
        [_("Peak hours at the gate"), peaks],
    ], "gate-figures")
    by_purpose = Table([_("Purpose"), _("Registrations")],
                       [[label(PURPOSE_LABELS, k), n] for k, n in g.by_purpose.items()], "visit-purposes")
    by_week = Table([_("Week"), _("Registrations")],
                    [[day_span(first, last), n] for first, last, n in g.by_week], "visit-weeks")
    return Section("gate", _("Gate"), [figures, by_purpose, by_week])


def _repairs(r: Report) -> Section:
    lines = [[label(URGENCY_LABELS, k), v.requested, v.done, v.in_time, v.open_at_end]
             for k, v in r.repairs.by_urgency.items()]
    t = r.repairs.total
    lines.append([_("Total"), t.requested, t.done, t.in_time, t.open_at_end])
    table = Table([_("Urgency"), _("Requested"), _("Done"), _("Done in time"), _("Open at the month's end")],
                  lines, "repair-figures")
    return Section("repairs", _("Repairs"), [table])


def _complaints(r: Report) -> Section:
    c = r.complaints
    figures = Table([str(ITEM), str(FIGURE)], [
        [_("Complaints taken"), c.taken],
        [_("Timely-handling rate"), percent(c.rate.value)],
        [_("The company's line"), percent(RATE_LINE)],
        [_("Handled in time"), c.rate.timely],
        [_("Handled late"), c.rate.late],
        [_("Still within their time"), c.rate.running],
    ], "complaint-figures")
    by_class = Table([_("Class"), _("Complaints")],
                     [[label(COMPLAINT_LABELS["kinds"], k), n] for k, n in c.by_class.items()], "complaint-classes")
    by_category = Table([_("Category"), _("Complaints")],
                        [[label(CATEGORIES, k), n] for k, n in c.by_category], "complaint-categories")
    common = Table([_("Complaints of common interest and how they were handled")],
                   [[outcome(x)] for x in c.common], "complaints-common")
    return Section("complaints", _("Complaints"), [figures, by_class, by_category, common])


def _stock(r: Report) -> Section:
    figures = Table([str(ITEM), str(FIGURE)], [
        [_("Stock check done this month"), _("Done this month") if r.stock.done else _("Not done this month")],
        [_("Day of the stock check"), "、".join(d.isoformat() for d in r.stock.checks) or "—"],
        [_("Decoration permits issued"), r.permits],
    ], "stock-figures")
    return Section("stock", _("Stock and decoration"), [figures])
