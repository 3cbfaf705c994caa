"""The complaints' files: the list, the month's summary (《客户投诉汇总及处理情况表》) and a
day's duty log (《值班记录表》), through ``app.office.exports``.

Owners' phone numbers leave the office masked, as the pages show them. The paper forms'
XLSX carries the form's title, site and period above the header, as the printed form does;
their CSV is the table alone, for programs.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.complaints import queries
from app.complaints.routes import LABELS
from app.office import exports
from sync.privacy import mask_phone

C = exports.Column


def _label(group: str, value) -> str:
    return str(LABELS[group].get(value, value or ""))


def list_lines(complaints):
    """``(complaint, follow-up, taker's name)``, the look-ups made a batch at a time."""
    for batch in exports.in_batches(complaints):
        followups = queries.followups_of(batch)
        names = queries.names_of(c.user_id for c in batch)
        for c in batch:
            yield c, followups.get(c.followup_id), names.get(c.user_id, "")


def list_columns(sites: dict[str, str]) -> list[exports.Column]:
    """The complaints list as a file: what the list shows, the owner's phone masked."""
    def status(fu):
        return _label("statuses", fu.status) if fu else ""

    return [
        C(_l("Lodged at"), lambda x: x[0].lodged_at, "datetime", 17),
        C(_l("Site"), lambda x: sites.get(x[0].site_id, ""), width=12),
        C(_l("Kind"), lambda x: _label("kinds", x[0].kind), width=12),
        C(_l("Category"), lambda x: _label("categories", x[0].category) if x[0].category else "", width=8),
        C(_l("Channel"), lambda x: _label("channels", x[0].channel), width=10),
        C(_l("Unit"), lambda x: x[0].unit or "", width=10),
        C(_l("Owner"), lambda x: x[0].owner_name or "", width=10),
        C(_l("Phone"), lambda x: mask_phone(x[0].owner_phone), width=14),
        C(_l("Description"), lambda x: x[0].description, width=40),
        C(_l("Households"), lambda x: x[0].households, "number", 6),
        C(_l("Taken by"), lambda x: x[2], width=10),
        C(_l("Follow-up"), lambda x: status(x[1]), width=8),
        C(_l("Due"), lambda x: x[1].due_at if x[1] and x[1].status in queries.ACTIVE else None, "datetime", 17),
        C(_l("Resolved at"), lambda x: x[1].resolved_at if x[1] else None, "datetime", 17),
    ]


def _latest(handling):
    return handling.replies[-1] if handling.replies else None


def summary_columns() -> list[exports.Column]:
    """The month's summary, one complaint a line: the columns of the paper form."""
    def last(h, attr):
        reply = _latest(h)
        return (getattr(reply, attr) or "") if reply else ""

    return [
        C(_l("Lodged at"), lambda h: h.complaint.lodged_at, "datetime", 17),
        C(_l("Unit"), lambda h: h.complaint.unit or "", width=10),
        C(_l("Kind"), lambda h: _label("kinds", h.complaint.kind), width=12),
        C(_l("Category"), lambda h: _label("categories", h.complaint.category) if h.complaint.category else "",
          width=8),
        C(_l("Channel"), lambda h: _label("channels", h.complaint.channel), width=10),
        C(_l("Households"), lambda h: h.complaint.households, "number", 6),
        C(_l("Description"), lambda h: h.complaint.description, width=40),
        C(_l("Handling"), lambda h: last(h, "said"), width=30),
        C(_l("Owner's opinion"), lambda h: last(h, "owner_opinion"), width=20),
        C(_l("Satisfaction"), lambda h: _label("satisfaction", last(h, "satisfaction")) if last(h, "satisfaction")
          else "", width=10),
        C(_l("In time"), lambda h: _label("verdicts", h.verdict), width=8),
        C(_l("Common interest"), lambda h: _("Yes") if h.complaint.common_interest else "", width=8),
    ]


def summary_file(fmt: str, site, month, result):
    """《客户投诉汇总及处理情况表》 of a site's month."""
    title = _("Customer complaint summary and handling")
    preamble = None
    if fmt == "xlsx":
        value = result.rate.value
        rate = "—" if value is None else f"{value * 100:.1f}%"
        preamble = [[f"《{title}》"],
                     [_("Site"), site.name, _("Month"), f"{month:%Y-%m}"],
                     [_("Timely-handling rate"), rate, _("Complaints"), len(result.all),
                      _("Late"), len(result.late)]]
    return exports.respond(fmt, f"{title}_{site.name}_{month:%Y-%m}", summary_columns(), result.all,
                           tz=site.timezone, title=title, preamble=preamble)


def duty_columns(handled: dict, names: dict) -> list[exports.Column]:
    """The duty log of a day, one complaint a line, as the paper log has it."""
    def handling(c) -> str:
        reply = _latest(handled[c.id])
        if reply is None:
            return _("Not yet answered")
        return f"{_label('stages', reply.stage)} · {reply.said}"

    def opinion(c) -> str:
        reply = _latest(handled[c.id])
        if reply is None:
            return ""
        parts = [reply.owner_opinion or "", _label("satisfaction", reply.satisfaction) if reply.satisfaction else ""]
        return " · ".join(p for p in parts if p)

    return [
        C(_l("Time"), lambda c: c.lodged_at, "datetime", 17),
        C(_l("Came in"), lambda c: _label("channels", c.channel), width=10),
        C(_l("Unit"), lambda c: c.unit or "", width=10),
        C(_l("Owner"), lambda c: c.owner_name or "", width=10),
        C(_l("Phone"), lambda c: mask_phone(c.owner_phone), width=14),
        C(_l("What was reported"), lambda c: c.description, width=40),
        C(_l("Class"), lambda c: _label("kinds", c.kind), width=12),
        C(_l("Taken by"), lambda c: names.get(c.user_id, ""), width=10),
        C(_l("Handling"), handling, width=30),
        C(_l("Owner's opinion"), opinion, width=20),
        C(_l("Clocks"), lambda c: _label("verdicts", handled[c.id].verdict), width=8),
    ]


def duty_file(fmt: str, site, day, rows, handled, names):
    """《值班记录表》 of a site's day."""
    title = _("Duty log form")
    preamble = [[f"《{title}》"], [_("Site"), site.name, _("Day"), day.isoformat()]] if fmt == "xlsx" else None
    return exports.respond(fmt, f"{title}_{site.name}_{day.isoformat()}", duty_columns(handled, names), rows,
                           tz=site.timezone, title=title, preamble=preamble)
