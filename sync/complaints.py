"""Owners' complaints (业户投诉): each one opens a follow-up on the complaint clocks.

The customer-service instruction (客服投诉作业指导书) sets who takes a complaint and how
soon: the owner is contacted within 2 hours (an invalid complaint is answered within 2
hours); five or more households about one event are a collective complaint, which goes at
once to the service-centre manager with a special event report and a home visit; a repeat
complaint goes to the customer-service supervisor, who reviews the earlier handling.
"""
from __future__ import annotations

from typing import Any

from sync import messages as m
from sync import rules
from sync.context import Context
from sync.context import derived_id
from sync.errors import Deferred
from sync.errors import reject
from sync.followups import open_followup
from sync.handlers import handler
from sync.photos import name_photos
from sync.photos import named
from sync.schemas import COLLECTIVE_HOUSEHOLDS
from sync.schemas import ComplaintCreateSchema

CUSTOMER_SERVICE = "customer_service"
FIELDS = ("kind", "channel", "description", "unit", "owner_name", "owner_phone", "households",
          "category", "repeat_of")


def followup_id(complaint_id: str) -> str:
    return derived_id("followup", "complaint", complaint_id)


def _related(entity_id: str, data: dict[str, Any]) -> list[tuple[str, str]]:
    wanted = [("followup", followup_id(entity_id)), *named(data)]
    if isinstance(data.get("repeat_of"), str):
        wanted.append(("complaint", data["repeat_of"].lower()))
    return wanted


def is_collective(data: dict[str, Any]) -> bool:
    """Collective by its kind, or by its households whatever kind it was given."""
    return data["kind"] == "collective" or data["households"] >= COLLECTIVE_HOUSEHOLDS


def plan(data: dict[str, Any]) -> dict[str, Any]:
    """Severity, clock, post and the notes of the follow-up a complaint calls for.

    ``post`` is ``None`` where the site's assignment rules decide (category ``complaint``).
    """
    collective = is_collective(data)
    notes = [m.EXPLAIN_INVALID if data["kind"] == "invalid" else m.CONTACT_OWNER]
    required = []
    if collective:
        notes.append(m.SPECIAL_EVENT_REPORT)
        required += ["special_event_report", "home_visit_reply"]
    if data["channel"] == "written":
        notes.append(m.WRITTEN_REPLY)
        required.append("written_reply")
    if data["channel"] == "developer":
        notes.append(m.DEVELOPER_REPORT_BACK)
        required.append("developer_report_back_12h")
    if data.get("repeat_of"):
        notes.append(m.REPEAT_REVIEW)
        required.append("review_earlier_handling")
    if collective:
        clock, severity, post = "complaint_collective", "high", rules.MANAGER
    else:
        clock = "complaint_invalid" if data["kind"] == "invalid" else "complaint_contact"
        severity = "low" if data["kind"] == "invalid" else "medium"
        post = CUSTOMER_SERVICE if data.get("repeat_of") else None
    return {"collective": collective, "clock": clock, "severity": severity, "post": post,
            "notes": notes, "required": required}


def team_lead(post: str, people) -> str | None:
    """The team lead on ``post`` (the supervisor of that service), else the manager."""
    leads = sorted((p.id for p in people if p.active and p.post == post and p.is_team_lead
                    and p.role in ("guard", "staff", "manager")))
    return leads[0] if leads else rules.owner_for(rules.MANAGER, people)


@handler("complaint.create", "complaint", ComplaintCreateSchema, related=_related)
def create(ctx: Context, data: dict[str, Any]) -> None:
    """A complaint taken down; its follow-up's clock runs from when it was taken."""
    site = ctx.require_site(data["site_id"])
    if data.get("repeat_of"):
        if data["repeat_of"] == ctx.entity_id:
            raise reject("repeat_of", m.REPEAT_OF_ITSELF)
        earlier = ctx.store.get("complaint", data["repeat_of"])
        if earlier is None:
            raise Deferred(data["repeat_of"])
        if earlier["site_id"] != site.id:
            raise reject("repeat_of", m.REPEAT_OTHER_SITE)
    ctx.ensure_new("complaint")
    how = plan(data)
    detail = {"kind": data["kind"], "channel": data["channel"], "households": data["households"],
              "collective": how["collective"], "unit": data.get("unit"),
              "repeat_of": data.get("repeat_of"), "required": how["required"],
              "notes": how["notes"]}
    followup = open_followup(
        ctx, ident=followup_id(ctx.entity_id), site=site, source_type="complaint",
        source_id=ctx.entity_id, category="complaint", severity=how["severity"],
        clock=how["clock"], title=data["description"], start=ctx.at, detail=detail,
    )
    if how["post"] is not None:
        people = ctx.store.site_users(site.id)
        owner = (rules.owner_for(rules.MANAGER, people) if how["post"] == rules.MANAGER
                 else team_lead(how["post"], people))
        _hand_to(ctx, followup, how["post"], owner)
    record = {field: data.get(field) for field in FIELDS}
    record.update(ctx.stamp())
    record.update(id=ctx.entity_id, site_id=site.id, collective=how["collective"],
                  photo_ids=data["photo_ids"], lodged_at=ctx.at, lodged_at_phone=ctx.at_phone,
                  followup_id=followup["id"])
    ctx.store.add("complaint", record)
    name_photos(ctx, data["photo_ids"], site_id=site.id, record_type="complaint",
                record_id=ctx.entity_id)


def _hand_to(ctx: Context, followup: dict[str, Any], post: str, assignee: str | None) -> None:
    """Give a just-opened follow-up its first owner by the complaint rules, not the table's."""
    followup.update(post=post, assignee_id=assignee)
    ctx.store.put("followup", followup)
    event = ctx.store.get("followup_event", derived_id("event", followup["id"], "created"))
    if event is not None:
        event["value"] = {"assignee_id": assignee, "post": post}
        ctx.store.put("followup_event", event)
