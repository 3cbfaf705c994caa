"""Staff inspections (书面考核, 《服务过程检验单》).

``inspection.record`` makes one ``inspection`` row: the site, the inspector (the sender),
the person inspected, the site-local day, the checklist of the person's post (item → ok),
a score out of 100 and notes. The person must be active at the site and not the
inspector; only managers, supervisors, admins, and the team lead of the person's post may
record one (``inspection_rules.may_record``). Nothing edits an inspection once recorded.
"""
from __future__ import annotations

from typing import Any

from sync import inspection_rules as rules
from sync import messages as m
from sync.attendance_rules import local_day
from sync.context import Context
from sync.errors import reject
from sync.handlers import handler
from sync.schemas import InspectionRecordSchema


@handler("inspection.record", "inspection", InspectionRecordSchema)
def record(ctx: Context, data: dict[str, Any]) -> None:
    """A written inspection of one person at one site, on the site's day."""
    site = ctx.require_site(data["site_id"])
    person = ctx.store.user(data["person_id"])
    if person is None or not person.active or site.id not in person.site_ids:
        raise reject("person_id", m.INSPECTION_PERSON_INVALID)
    if person.id == ctx.actor.id:
        raise reject("person_id", m.INSPECTION_NOT_SELF)
    if not rules.checklist(person.post):
        raise reject("person_id", m.INSPECTION_NO_POST)
    if not rules.may_record(ctx.actor.role, ctx.actor.post, ctx.actor.is_team_lead, person.post):
        raise reject("person_id", m.INSPECTION_NOT_ALLOWED)
    if rules.checklist_problem(person.post, data["checklist"]) is not None:
        raise reject("checklist", m.INSPECTION_CHECKLIST_INVALID)
    ctx.ensure_new("inspection")
    ctx.store.add("inspection", {
        "id": ctx.entity_id, "site_id": site.id, "person_id": person.id, "post": person.post,
        "day": local_day(ctx.at, site.timezone).isoformat(), "at": ctx.at, "at_phone": ctx.at_phone,
        "checklist": {key: data["checklist"][key] for key, _ in rules.checklist(person.post)},
        "score": data["score"], "notes": data.get("notes"), **ctx.stamp(),
    })
