"""The desk's work on a complaint through the engine: the assistant who takes it, its
class, replies that stop its clocks, an unsatisfied owner, merges into a collective event,
and the complaint's escalation chain."""
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from zoneinfo import ZoneInfo

import pytest

from sync import messages as m
from sync import sweep
from sync.complaints import followup_id
from sync.store import UserRef
from tests.unit.sync.test_complaints import AT
from tests.unit.sync.test_complaints import complaint
from tests.unit.sync.test_complaints import followup_of
from tests.unit.sync.test_complaints import lodge

@pytest.fixture()
def clerk(store, world, phone):
    """A front-desk assistant (客户服务助理) of site 1."""
    ident = world.user("clerk1")
    store.users[ident] = UserRef(id=ident, role="clerk", post="customer_service", site_ids=(world.site(1),))
    return phone("clerk1")


def reply(device, complaint_id, stage="contact", method="phone", at=None, **extra):
    data = {"complaint_id": complaint_id, "stage": stage, "method": method, "said": "已联系业户，约定今天下午回复"}
    data.update(extra)
    mutation = device.m("complaint.reply", data, at=at or AT + timedelta(minutes=20))
    return mutation, device.push_one(mutation)


def classify(device, complaint_id, kind, at=None, **extra):
    mutation = device.m("complaint.classify", {"kind": kind, **extra}, entity_id=complaint_id,
                        at=at or AT + timedelta(minutes=10))
    return device.push_one(mutation)


def test_the_assistant_who_takes_a_complaint_handles_it(store, world, clerk):
    mutation, result = lodge(store, clerk, complaint(world))
    assert result.status == "applied"
    followup = followup_of(store, mutation)
    assert followup["assignee_id"] == world.user("clerk1") and followup["post"] == "customer_service"


def test_taken_by_a_manager_it_goes_to_the_site_s_assistant(store, world, clerk, phone):
    mutation, _ = lodge(store, phone("manager1"), complaint(world))
    assert followup_of(store, mutation)["assignee_id"] == world.user("clerk1")


def test_a_contact_moves_the_due_time_to_the_same_day_reply(store, world, clerk):
    mutation, _ = lodge(store, clerk, complaint(world))
    _, result = reply(clerk, mutation["entity_id"])
    assert result.status == "applied"
    followup = followup_of(store, mutation)
    # AT is 08:01 in Shanghai on 27 November: the same day ends at 16:00 UTC.
    assert followup["due_at"] == datetime(2026, 11, 27, 16, 0, tzinfo=timezone.utc)
    assert followup["status"] == "open"


def test_an_agreed_reply_time_is_recorded_and_becomes_the_due_time(store, world, clerk):
    mutation, _ = lodge(store, clerk, complaint(world))
    agreed = datetime(2026, 11, 28, 2, 0, tzinfo=timezone.utc)
    _, result = reply(clerk, mutation["entity_id"], agreed_reply_at=agreed.isoformat())
    assert result.status == "applied"
    assert store.records["complaint"][mutation["entity_id"]]["agreed_reply_at"] == agreed
    assert followup_of(store, mutation)["due_at"] == agreed


def test_the_reply_resolves_the_follow_up(store, world, clerk):
    mutation, _ = lodge(store, clerk, complaint(world))
    reply(clerk, mutation["entity_id"])
    _, result = reply(clerk, mutation["entity_id"], stage="reply", satisfaction="satisfied",
                      owner_opinion="满意", at=AT + timedelta(hours=3))
    assert result.status == "applied"
    assert followup_of(store, mutation)["status"] == "resolved"
    replies = store.records["complaint_reply"]
    assert sorted(r["stage"] for r in replies.values()) == ["contact", "reply"]


def test_an_unsatisfied_owner_sends_it_to_the_supervisor_and_reopens_it(store, world, clerk):
    mutation, _ = lodge(store, clerk, complaint(world))
    reply(clerk, mutation["entity_id"], stage="reply", satisfaction="satisfied", at=AT + timedelta(hours=1))
    assert followup_of(store, mutation)["status"] == "resolved"
    _, result = reply(clerk, mutation["entity_id"], stage="reply", satisfaction="unsatisfied",
                      at=AT + timedelta(hours=2))
    assert result.status == "applied"
    followup = followup_of(store, mutation)
    assert followup["status"] == "open" and followup["assignee_id"] == world.user("cs1")
    assert store.records["complaint"][mutation["entity_id"]]["unsatisfied"] is True
    notes = [e["note"] for e in store.records["followup_event"].values() if e["followup_id"] == followup["id"]]
    assert m.OWNER_UNSATISFIED in notes


def test_a_valid_complaint_is_the_supervisor_s_and_a_collective_one_the_manager_s(store, world, clerk):
    mutation, _ = lodge(store, clerk, complaint(world, kind="assisted"))
    assert classify(clerk, mutation["entity_id"], "valid", common_interest=True).status == "applied"
    record = store.records["complaint"][mutation["entity_id"]]
    assert record["kind"] == "valid" and record["common_interest"] is True and record["classified_by"] == world.user("clerk1")
    assert followup_of(store, mutation)["assignee_id"] == world.user("cs1")
    result = classify(clerk, mutation["entity_id"], "collective", households=6)
    assert result.status == "applied"
    followup = followup_of(store, mutation)
    assert followup["assignee_id"] == world.user("manager1") and followup["severity"] == "high"
    assert followup["due_at"] == AT + timedelta(minutes=60)


def test_classifying_as_collective_needs_five_households(store, world, clerk):
    mutation, _ = lodge(store, clerk, complaint(world))
    result = classify(clerk, mutation["entity_id"], "collective")
    assert result.status == "rejected" and result.errors == {"households": [m.COLLECTIVE_TOO_FEW]}
    assert store.records["complaint"][mutation["entity_id"]]["kind"] == "valid"


def test_a_collective_complaint_is_answered_by_a_visit_and_a_written_one_in_writing(store, world, clerk):
    group, _ = lodge(store, clerk, complaint(world, kind="collective", households=5))
    _, result = reply(clerk, group["entity_id"], stage="reply", method="phone")
    assert result.status == "rejected" and result.errors == {"method": [m.REPLY_BY_VISIT]}
    written, _ = lodge(store, clerk, complaint(world, channel="written", unit="9-9-909"))
    _, result = reply(clerk, written["entity_id"], stage="reply", method="visit")
    assert result.errors == {"method": [m.REPLY_IN_WRITING]}
    assert store.records["complaint_reply"] == {}


def test_only_a_developer_transfer_is_reported_back(store, world, clerk):
    mutation, _ = lodge(store, clerk, complaint(world))
    _, result = reply(clerk, mutation["entity_id"], stage="report_back")
    assert result.errors == {"stage": [m.REPORT_BACK_ONLY_DEVELOPER]}


def test_a_guard_may_take_a_complaint_but_not_answer_it(store, world, clerk, phone):
    guard = phone("guard1")
    mutation, result = lodge(store, guard, complaint(world))
    assert result.status == "applied"
    _, result = reply(guard, mutation["entity_id"])
    assert result.status == "rejected" and result.errors == {"type": [m.NOT_COMPLAINT_DESK]}


def test_a_reply_sent_before_its_complaint_waits_for_it(store, world, clerk):
    create = clerk.m("complaint.create", complaint(world), at=AT)
    answer = clerk.m("complaint.reply", {"complaint_id": create["entity_id"], "stage": "contact",
                                         "method": "phone", "said": "已联系"}, at=AT + timedelta(minutes=5))
    assert clerk.push_one(answer).status == "deferred"
    clerk.push_one(create)
    assert len(store.records["complaint_reply"]) == 1


def test_a_repeat_is_found_by_unit_and_category(store, world, clerk):
    first, _ = lodge(store, clerk, complaint(world, category="repair"), at=AT - timedelta(days=29))
    again, _ = lodge(store, clerk, complaint(world, category="repair"))
    assert store.records["complaint"][again["entity_id"]]["repeat_of"] == first["entity_id"]
    followup = followup_of(store, again)
    assert followup["assignee_id"] == world.user("cs1") and m.REPEAT_REVIEW in followup["detail"]["notes"]
    other, _ = lodge(store, clerk, complaint(world, category="cleaning"))
    assert store.records["complaint"][other["entity_id"]]["repeat_of"] is None


def test_a_complaint_31_days_later_is_not_a_repeat(store, world, clerk):
    lodge(store, clerk, complaint(world, category="repair"), at=AT - timedelta(days=31))
    again, _ = lodge(store, clerk, complaint(world, category="repair"))
    assert store.records["complaint"][again["entity_id"]]["repeat_of"] is None


def test_the_desk_merges_five_households_into_one_collective_event(store, world, clerk):
    parts = [lodge(store, clerk, complaint(world, category="security", unit=f"1-1-10{i}"),
                   at=AT - timedelta(hours=i))[0]["entity_id"] for i in range(5)]
    event, result = lodge(store, clerk, complaint(world, kind="collective", households=5, category="security",
                                                  unit=None, merged_ids=parts))
    assert result.status == "applied"
    for ident in parts:
        record = store.records["complaint"][ident]
        assert record["merged_into"] == event["entity_id"]
        assert store.records["followup"][record["followup_id"]]["status"] == "closed"
    followup = followup_of(store, event)
    assert followup["assignee_id"] == world.user("manager1")
    assert {s["id"] for s in followup["sources"]} >= set(parts)
    _, result = reply(clerk, parts[0])
    assert result.errors == {"complaint_id": [m.COMPLAINT_MERGED]}


def test_a_merge_of_another_site_s_complaint_is_refused(store, world, clerk, phone):
    elsewhere, _ = lodge(store, phone("cs2"), complaint(world, site_id=world.site(2)))
    _, result = lodge(store, clerk, complaint(world, kind="collective", households=5,
                                              merged_ids=[elsewhere["entity_id"]]))
    assert result.status == "rejected" and result.errors == {"merged_ids": [m.MERGE_NOT_FOUND]}


def test_only_a_collective_event_takes_in_complaints(store, world, clerk):
    first, _ = lodge(store, clerk, complaint(world))
    _, result = lodge(store, clerk, complaint(world, merged_ids=[first["entity_id"]]))
    assert result.errors == {"merged_ids": [m.MERGE_ONLY_COLLECTIVE]}


# -- the chain, by the sweep's rules and a fake "now" ---------------------------------

SH = ZoneInfo("Asia/Shanghai")


def site_facts(store, world, followup):
    site = store.sites[world.site(1)]
    return sweep.SiteFacts(site_id=site.id, tz=SH, settings={}, people=tuple(store.site_users(site.id)),
                           quality_id=world.user("supervisor"),
                           followups=(sweep.FollowUpFact(followup["id"], followup["status"], followup["due_at"],
                                                         followup["escalation_level"], followup["assignee_id"],
                                                         followup["clock"], followup["category"]),))


def test_an_overdue_complaint_climbs_assistant_supervisor_manager_quality(store, world, clerk):
    mutation, _ = lodge(store, clerk, complaint(world))
    followup = followup_of(store, mutation)
    now = followup["due_at"] + timedelta(minutes=1)
    steps = []
    for _ in range(4):
        found = sweep.escalate_plan(site_facts(store, world, followup), now)
        if not found:
            break
        (step,) = found
        steps.append((step.to_level, step.to_user_id))
        followup = {**followup, "escalation_level": step.to_level, "assignee_id": step.to_user_id,
                    "due_at": step.due_at}
        now = step.due_at + timedelta(minutes=1)
    assert steps == [(0, world.user("cs1")), (1, world.user("manager1")), (2, world.user("supervisor"))]


def test_a_complaint_already_with_the_supervisor_goes_straight_to_the_manager(store, world, phone):
    mutation, _ = lodge(store, phone("cs1"), complaint(world))
    followup = followup_of(store, mutation)
    (step,) = sweep.escalate_plan(site_facts(store, world, followup), followup["due_at"] + timedelta(seconds=1))
    assert (step.to_level, step.to_user_id) == (1, world.user("manager1"))


def test_nothing_escalates_before_its_due_time(store, world, clerk):
    mutation, _ = lodge(store, clerk, complaint(world))
    followup = followup_of(store, mutation)
    assert sweep.escalate_plan(site_facts(store, world, followup), followup["due_at"]) == []


def test_the_followup_id_is_derived(store, world, clerk):
    mutation, _ = lodge(store, clerk, complaint(world))
    assert followup_of(store, mutation)["id"] == followup_id(mutation["entity_id"])


def test_the_special_event_report_is_for_a_collective_complaint_and_stops_no_clock(store, world, clerk, phone):
    event, _ = lodge(store, clerk, complaint(world, kind="collective", households=6))
    _, result = reply(phone("manager1"), event["entity_id"], stage="event_report", method="written",
                      said="南门外夜宵摊扰民，已报城管，逐户上门回复")
    assert result.status == "applied"
    assert followup_of(store, event)["status"] == "open"
    assert followup_of(store, event)["due_at"] == AT + timedelta(minutes=60)  # the contact clock still runs
    single, _ = lodge(store, clerk, complaint(world, unit="8-8-808"))
    _, result = reply(clerk, single["entity_id"], stage="event_report", method="written")
    assert result.errors == {"stage": [m.EVENT_REPORT_ONLY_COLLECTIVE]}
