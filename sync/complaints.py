"""Owners' complaints (业户投诉): taken, classified and answered; each one's follow-up
carries its next clock and climbs the escalation chain when one runs out.

The customer-service instruction (客服投诉作业指导书) sets who takes a complaint and how
soon: the owner is contacted within 2 hours (an invalid complaint is answered within 2
hours); five or more households about one event are a collective complaint, which goes at
once to the service-centre manager with a special event report and a home visit; a repeat
complaint goes to the customer-service supervisor, who reviews the earlier handling.

The follow-up's first owner is the customer-service assistant (客户服务助理) who took the
complaint, else the site's assistant, else the supervisor; a valid complaint is the
supervisor's; a collective one the manager's. Its due time is always the earliest clock
still running (``sync.complaint_clocks``), so the sweep escalates whichever runs out.
"""
from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sync import complaint_clocks as clocks
from sync import messages as m
from sync import rules
from sync.context import Context
from sync.context import derived_id
from sync.errors import Deferred
from sync.errors import reject
from sync.followups import ACTIVE
from sync.followups import CLOSED
from sync.followups import RESOLVED
from sync.followups import add_event
from sync.followups import link
from sync.followups import open_followup
from sync.handlers import handler
from sync.photos import name_photos
from sync.photos import named
from sync.schemas import COLLECTIVE_HOUSEHOLDS
from sync.schemas import ComplaintClassifySchema
from sync.schemas import ComplaintCreateSchema
from sync.schemas import ComplaintReplySchema

CUSTOMER_SERVICE = "customer_service"
CLERK = "clerk"
# Who takes and handles complaints: the desk (assistants and anyone on the customer-service
# post) and those above it. Guards and other staff report to the desk instead.
HANDLER_ROLES = ("clerk", "manager", "supervisor", "admin")
REPEAT_DAYS = 30
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
                    and p.role in rules.POST_ROLES))
    return leads[0] if leads else rules.owner_for(rules.MANAGER, people)


def assistant(people, recorder) -> str | None:
    """Who handles a complaint first: the assistant who took it, else the site's first
    assistant, else whoever is on the desk (its supervisor first), else the manager."""
    if recorder is not None and recorder.role == CLERK:
        return recorder.id
    clerks = sorted(p.id for p in people if p.active and p.role == CLERK)
    return clerks[0] if clerks else rules.owner_for(CUSTOMER_SERVICE, people)


def may_handle(actor) -> bool:
    """Classify and answer complaints: the rule for the phone and for the desk."""
    return actor.role in HANDLER_ROLES or (actor.post == CUSTOMER_SERVICE and actor.role in rules.POST_ROLES)


def _require_handler(ctx: Context) -> None:
    if not may_handle(ctx.actor):
        raise reject("type", m.NOT_COMPLAINT_DESK, code="forbidden")


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
    merged = _to_merge(ctx, site.id, data.get("merged_ids") or [])
    if not data.get("repeat_of"):
        data = {**data, "repeat_of": _earlier(ctx, site.id, data)}
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
    people = ctx.store.site_users(site.id)
    if how["post"] == rules.MANAGER:
        _hand_to(ctx, followup, rules.MANAGER, rules.owner_for(rules.MANAGER, people))
    elif how["post"] is not None:
        _hand_to(ctx, followup, how["post"], rules.desk_supervisor(people) or team_lead(how["post"], people))
    elif followup["post"] == CUSTOMER_SERVICE:
        _hand_to(ctx, followup, CUSTOMER_SERVICE, assistant(people, ctx.actor))
    record = {field: data.get(field) for field in FIELDS}
    record.update(ctx.stamp())
    record.update(id=ctx.entity_id, site_id=site.id, collective=how["collective"],
                  photo_ids=data["photo_ids"], lodged_at=ctx.at, lodged_at_phone=ctx.at_phone,
                  followup_id=followup["id"], agreed_reply_at=None, merged_into=None,
                  common_interest=False, unsatisfied=False, classified_by=None, classified_at=None)
    if merged:
        record["households"] = max(record["households"], len({c.get("unit") or c["id"] for c in merged}))
    ctx.store.add("complaint", record)
    name_photos(ctx, data["photo_ids"], site_id=site.id, record_type="complaint",
                record_id=ctx.entity_id)
    for earlier in merged:
        _merge(ctx, earlier, record, followup)
    refresh(ctx, record, site, replies=[])  # a complaint just taken has none yet


def _earlier(ctx: Context, site_id: str, data: dict[str, Any]) -> str | None:
    """The latest complaint of the same unit and category in the 30 days before: this one
    repeats it."""
    if not data.get("unit") or not data.get("category"):
        return None
    found = [c for c in ctx.store.find("complaint", site_id=site_id, unit=data["unit"], category=data["category"])
             if c["id"] != ctx.entity_id and c.get("deleted_at") is None
             and clocks.is_repeat(c, ctx.at, data["unit"], data["category"], REPEAT_DAYS)]
    return max(found, key=lambda c: (c["lodged_at"], c["id"]))["id"] if found else None


def _to_merge(ctx: Context, site_id: str, ids: list[str]) -> list[dict[str, Any]]:
    """The complaints a collective event takes in; every one must be at its site and free."""
    if not ids:
        return []
    _require_handler(ctx)
    found = ctx.store.get_many("complaint", ids)
    wanted = []
    for ident in dict.fromkeys(ids):
        row = found.get(ident)
        if row is None:
            raise Deferred(ident)
        if (row["site_id"] != site_id or row.get("deleted_at") is not None
                or (row.get("merged_into") and row["merged_into"] != ctx.entity_id)):
            raise reject("merged_ids", m.MERGE_NOT_FOUND)
        wanted.append(row)
    return wanted


def _merge(ctx: Context, earlier: dict[str, Any], event: dict[str, Any], followup: dict[str, Any]) -> None:
    """One complaint becomes part of the collective event: its follow-up is closed with a
    note, the event's follow-up names it as a source, and it leaves the rate (the event
    counts once)."""
    earlier["merged_into"] = event["id"]
    ctx.store.put("complaint", earlier)
    link(ctx, followup, "complaint", earlier["id"])
    own = ctx.store.get("followup", earlier["followup_id"]) if earlier.get("followup_id") else None
    if own is not None and own["status"] in ACTIVE:
        add_event(ctx, own, "status", ident=derived_id("event", own["id"], "merged"), at=ctx.at,
                  value=CLOSED, note=m.MERGED_INTO, system=True)
        own.update(status=CLOSED, closed_at=ctx.at, event_count=own.get("event_count", 0) + 1)
        ctx.store.put("followup", own)


def _complaint(ctx: Context, ident: str, field_name: str) -> tuple[dict[str, Any], Any]:
    complaint = ctx.store.get("complaint", ident, for_update=True)
    if complaint is None:
        raise Deferred(ident)
    if complaint.get("deleted_at") is not None or complaint["site_id"] not in ctx.actor.site_ids:
        raise reject(field_name, m.COMPLAINT_NOT_FOUND, code="not_found")
    if complaint.get("merged_into"):
        raise reject(field_name, m.COMPLAINT_MERGED)
    return complaint, ctx.require_site(complaint["site_id"], field_name)


def refresh(ctx: Context, complaint: dict[str, Any], site, replies: list[dict[str, Any]] | None = None) -> None:
    """Bring the complaint's follow-up in line with its clocks: due at the next one still
    running; resolved once none runs and the owner was not left unsatisfied."""
    followup = ctx.store.get("followup", complaint["followup_id"]) if complaint.get("followup_id") else None
    if followup is None or followup["status"] not in ACTIVE:
        return
    if replies is None:
        replies = ctx.store.find("complaint_reply", complaint_id=complaint["id"])
    found = clocks.clocks(complaint, replies, site.settings, _tz(site))
    due = clocks.next_due(found)
    if due is not None and due != followup["due_at"]:
        add_event(ctx, followup, "due", ident=derived_id("event", ctx.mutation.id, "due", followup["id"]),
                  at=ctx.at, value=due.isoformat(), system=True)
        followup.update(due_at=due, event_count=followup.get("event_count", 0) + 1)
        ctx.store.put("followup", followup)
    elif due is None and all(c.stopped_at is not None for c in found) and not complaint.get("unsatisfied"):
        add_event(ctx, followup, "status", ident=derived_id("event", ctx.mutation.id, "resolved", followup["id"]),
                  at=ctx.at, value=RESOLVED, note=m.REPLIED, system=True)
        followup.update(status=RESOLVED, resolved_at=ctx.at, event_count=followup.get("event_count", 0) + 1)
        ctx.store.put("followup", followup)


def _tz(site):
    return ZoneInfo(site.timezone or "Asia/Shanghai")


def _reassign(ctx: Context, followup: dict[str, Any], post: str, owner: str | None, note: str,
              clock: str | None = None, severity: str | None = None) -> None:
    if owner is not None and owner != followup.get("assignee_id"):
        add_event(ctx, followup, "assign", ident=derived_id("event", ctx.mutation.id, "assign", followup["id"]),
                  at=ctx.at, value=owner, note=note, system=True)
        followup["event_count"] = followup.get("event_count", 0) + 1
    followup.update(post=post, assignee_id=owner or followup.get("assignee_id"))
    if clock is not None:
        followup["clock"] = clock
    if severity is not None:
        followup["severity"] = severity
    ctx.store.put("followup", followup)


@handler("complaint.classify", "complaint", ComplaintClassifySchema)
def classify(ctx: Context, data: dict[str, Any]) -> None:
    """The desk's class for a complaint: it decides the reply clock and who handles it (a
    valid one the supervisor, a collective one the manager at once)."""
    _require_handler(ctx)
    complaint, site = _complaint(ctx, ctx.entity_id, "entity_id")
    if data.get("category"):
        complaint["category"] = data["category"]
    if data.get("common_interest") is not None:
        complaint["common_interest"] = data["common_interest"]
    if data.get("households") is not None:
        complaint["households"] = data["households"]
    if data["kind"] == "collective" and complaint["households"] < COLLECTIVE_HOUSEHOLDS:
        raise reject("households", m.COLLECTIVE_TOO_FEW)
    complaint.update(kind=data["kind"], classified_by=ctx.actor.id, classified_at=ctx.at,
                     collective=is_collective({**complaint, "kind": data["kind"]}))
    ctx.store.put("complaint", complaint)
    followup = ctx.store.get("followup", complaint["followup_id"]) if complaint.get("followup_id") else None
    if followup is not None and followup["status"] in ACTIVE:
        how = plan(complaint)
        people = ctx.store.site_users(site.id)
        if how["collective"]:
            _reassign(ctx, followup, rules.MANAGER, rules.owner_for(rules.MANAGER, people), m.SPECIAL_EVENT_REPORT,
                      how["clock"], how["severity"])
        elif data["kind"] == "valid":
            _reassign(ctx, followup, CUSTOMER_SERVICE, rules.desk_supervisor(people) or followup.get("assignee_id"),
                      m.VALID_SAME_DAY, how["clock"], how["severity"])
        else:
            followup.update(clock=how["clock"], severity=how["severity"])
            ctx.store.put("followup", followup)
        followup = ctx.store.get("followup", followup["id"])
        followup["detail"] = {**(followup.get("detail") or {}), "kind": data["kind"],
                              "collective": how["collective"], "required": how["required"], "notes": how["notes"]}
        ctx.store.put("followup", followup)
    refresh(ctx, complaint, site)


@handler("complaint.reply", "complaint_reply", ComplaintReplySchema,
         related=lambda entity_id, data: [("complaint", data["complaint_id"].lower())]
         if isinstance(data.get("complaint_id"), str) else [])
def reply(ctx: Context, data: dict[str, Any]) -> None:
    """A contact, reply or report back, as 《客户投诉记录表》 records it; it stops the clocks
    it answers, and an unsatisfied owner sends the complaint to the supervisor."""
    _require_handler(ctx)
    complaint, site = _complaint(ctx, data["complaint_id"], "complaint_id")
    ctx.ensure_new("complaint_reply")
    wanted = clocks.required_method(complaint)
    if data["stage"] == "reply" and wanted == "visit" and data["method"] != "visit":
        raise reject("method", m.REPLY_BY_VISIT)
    if data["stage"] == "reply" and wanted == "written" and data["method"] != "written":
        raise reject("method", m.REPLY_IN_WRITING)
    if data["stage"] == "report_back" and complaint["channel"] != "developer":
        raise reject("stage", m.REPORT_BACK_ONLY_DEVELOPER)
    if data["stage"] == "event_report" and not complaint.get("collective"):
        raise reject("stage", m.EVENT_REPORT_ONLY_COLLECTIVE)
    if data.get("agreed_reply_at") is not None and data["agreed_reply_at"] <= complaint["lodged_at"]:
        raise reject("agreed_reply_at", m.AGREED_BEFORE_LODGED)
    record = {key: data.get(key) for key in ("stage", "method", "said", "owner_opinion", "satisfaction",
                                             "agreed_reply_at")}
    record.update(ctx.stamp())
    record.update(id=ctx.entity_id, site_id=site.id, complaint_id=complaint["id"], photo_ids=data["photo_ids"],
                  replied_at=ctx.at, replied_at_phone=ctx.at_phone)
    ctx.store.add("complaint_reply", record)
    name_photos(ctx, data["photo_ids"], site_id=site.id, record_type="complaint_reply", record_id=ctx.entity_id)
    if data.get("agreed_reply_at") is not None:
        complaint["agreed_reply_at"] = data["agreed_reply_at"]
    if data.get("satisfaction") == "unsatisfied":
        complaint["unsatisfied"] = True
        followup = ctx.store.get("followup", complaint["followup_id"]) if complaint.get("followup_id") else None
        if followup is not None and followup["status"] in (*ACTIVE, RESOLVED):
            if followup["status"] == RESOLVED:
                add_event(ctx, followup, "status", ident=derived_id("event", ctx.mutation.id, "reopen"),
                          at=ctx.at, value="open", note=m.OWNER_UNSATISFIED, system=True)
                followup.update(status="open", resolved_at=None, event_count=followup.get("event_count", 0) + 1)
            people = ctx.store.site_users(site.id)
            # The supervisor reviews the earlier handling the same day.
            followup["due_at"] = clocks.end_of_local_day(ctx.at, _tz(site))
            _reassign(ctx, followup, CUSTOMER_SERVICE, rules.desk_supervisor(people) or team_lead(CUSTOMER_SERVICE, people),
                      m.OWNER_UNSATISFIED)
    elif data.get("satisfaction") is not None:
        complaint["unsatisfied"] = False
    ctx.store.put("complaint", complaint)
    refresh(ctx, complaint, site)


def _hand_to(ctx: Context, followup: dict[str, Any], post: str, assignee: str | None) -> None:
    """Give a just-opened follow-up its first owner by the complaint rules, not the table's."""
    followup.update(post=post, assignee_id=assignee)
    ctx.store.put("followup", followup)
    event = ctx.store.get("followup_event", derived_id("event", followup["id"], "created"))
    if event is not None:
        event["value"] = {"assignee_id": assignee, "post": post}
        ctx.store.put("followup_event", event)
