"""Complaint rules: the follow-up every complaint opens, its clock, owner and notes."""
from dataclasses import replace
from datetime import timedelta

from sync import messages as m
from sync.complaints import followup_id
from tests.unit.sync.conftest import NOW

AT = NOW - timedelta(minutes=30)


def complaint(world, **extra):
    data = {"site_id": world.site(1), "kind": "valid", "description": "楼道灯坏了三天没人修",
            "channel": "phone", "unit": "3-2-501", "owner_name": "李女士",
            "owner_phone": "13912345678"}
    data.update(extra)
    return data


def lodge(store, device, data, **kw):
    mutation = device.m("complaint.create", data, at=kw.pop("at", AT), **kw)
    result = device.push_one(mutation)
    return mutation, result


def followup_of(store, mutation):
    return store.records["followup"][followup_id(mutation["entity_id"])]


def test_a_complaint_opens_a_two_hour_contact_follow_up_for_customer_service(store, world, phone):
    mutation, result = lodge(store, phone("cs1"), complaint(world))
    assert result.status == "applied"
    record = store.records["complaint"][mutation["entity_id"]]
    followup = followup_of(store, mutation)
    assert record["followup_id"] == followup["id"] and record["owner_phone"] == "13912345678"
    assert record["collective"] is False and record["households"] == 1
    assert followup["source_type"] == "complaint" and followup["category"] == "complaint"
    assert followup["clock"] == "complaint_contact" and followup["severity"] == "medium"
    assert followup["opened_at"] == AT and followup["due_at"] == AT + timedelta(hours=2)
    assert followup["post"] == "customer_service" and followup["assignee_id"] == world.user("cs1")
    assert followup["detail"]["notes"] == [m.CONTACT_OWNER]


def test_the_site_contact_clock_is_used(store, world, phone):
    site = store.sites[world.site(1)]
    store.sites[site.id] = replace(site, settings={"clocks": {"complaint_contact": 90}})
    mutation, _ = lodge(store, phone("cs1"), complaint(world))
    assert followup_of(store, mutation)["due_at"] == AT + timedelta(minutes=90)


def test_an_invalid_complaint_is_answered_within_two_hours(store, world, phone):
    mutation, _ = lodge(store, phone("cs1"), complaint(world, kind="invalid"))
    followup = followup_of(store, mutation)
    assert followup["clock"] == "complaint_invalid" and followup["due_at"] == AT + timedelta(hours=2)
    assert followup["detail"]["notes"] == [m.EXPLAIN_INVALID]


def test_a_collective_complaint_goes_at_once_to_the_manager(store, world, phone):
    mutation, result = lodge(store, phone("cs1"), complaint(world, kind="collective", households=7))
    assert result.status == "applied"
    followup = followup_of(store, mutation)
    assert followup["post"] == "manager" and followup["assignee_id"] == world.user("manager1")
    assert followup["severity"] == "high" and followup["clock"] == "complaint_collective"
    assert followup["due_at"] == AT + timedelta(minutes=60)
    assert m.SPECIAL_EVENT_REPORT in followup["detail"]["notes"]
    assert {"special_event_report", "home_visit_reply"} <= set(followup["detail"]["required"])
    created = [e for e in store.records["followup_event"].values() if e["kind"] == "created"]
    assert created[0]["value"] == {"assignee_id": world.user("manager1"), "post": "manager"}


def test_a_collective_complaint_of_fewer_than_five_households_is_rejected(store, world, phone):
    mutation, result = lodge(store, phone("cs1"), complaint(world, kind="collective", households=4))
    assert result.status == "rejected" and result.errors == {"households": [m.COLLECTIVE_TOO_FEW]}
    assert store.records["complaint"] == {} and store.records["followup"] == {}


def test_five_households_of_another_kind_are_flagged_collective(store, world, phone):
    mutation, result = lodge(store, phone("cs1"), complaint(world, kind="valid", households=5))
    assert result.status == "applied"
    record = store.records["complaint"][mutation["entity_id"]]
    assert record["kind"] == "valid" and record["collective"] is True
    assert followup_of(store, mutation)["assignee_id"] == world.user("manager1")


def test_a_written_complaint_needs_a_written_reply(store, world, phone):
    mutation, _ = lodge(store, phone("cs1"), complaint(world, channel="written"))
    detail = followup_of(store, mutation)["detail"]
    assert m.WRITTEN_REPLY in detail["notes"] and "written_reply" in detail["required"]


def test_a_developer_transfer_notes_the_twelve_hour_report_back(store, world, phone):
    mutation, _ = lodge(store, phone("cs1"), complaint(world, channel="developer", kind="assisted"))
    detail = followup_of(store, mutation)["detail"]
    assert m.DEVELOPER_REPORT_BACK in detail["notes"]
    assert "developer_report_back_12h" in detail["required"]


def test_a_repeat_complaint_goes_to_the_customer_service_team_lead(store, world, phone):
    assistant = "0000cs-assistant"
    site = world.site(1)
    store.users[assistant] = type(store.users[world.user("cs1")])(
        id=assistant, role="staff", post="customer_service", site_ids=(site,))
    store.sites[site] = replace(store.sites[site],
                                settings={"assignment": {"category": {"complaint": "repair"}}})
    cs = phone("cs1")
    first, _ = lodge(store, cs, complaint(world))
    assert followup_of(store, first)["assignee_id"] == world.user("repair1")
    again, result = lodge(store, cs, complaint(world, repeat_of=first["entity_id"]))
    assert result.status == "applied"
    followup = followup_of(store, again)
    assert followup["post"] == "customer_service" and followup["assignee_id"] == world.user("cs1")
    assert m.REPEAT_REVIEW in followup["detail"]["notes"]
    assert store.records["complaint"][again["entity_id"]]["repeat_of"] == first["entity_id"]


def test_a_repeat_with_no_team_lead_goes_to_the_manager(store, world, phone):
    cs_id = world.user("cs1")
    store.users[cs_id] = replace(store.users[cs_id], is_team_lead=False)
    cs = phone("cs1")
    first, _ = lodge(store, cs, complaint(world))
    assert followup_of(store, first)["assignee_id"] == cs_id
    again, _ = lodge(store, cs, complaint(world, repeat_of=first["entity_id"]))
    assert followup_of(store, again)["assignee_id"] == world.user("manager1")


def test_a_repeat_of_a_complaint_not_yet_arrived_waits_for_it(store, world, phone):
    cs = phone("cs1")
    first = cs.m("complaint.create", complaint(world), at=AT)
    again = cs.m("complaint.create", complaint(world, repeat_of=first["entity_id"]), at=AT)
    assert cs.push_one(again).status == "deferred"
    cs.push_one(first)
    assert store.records["complaint"][again["entity_id"]]["repeat_of"] == first["entity_id"]


def test_a_repeat_of_another_sites_complaint_is_rejected(store, world, phone):
    other, _ = lodge(store, phone("cs2"), complaint(world, site_id=world.site(2)))
    _, result = lodge(store, phone("cs1"), complaint(world, repeat_of=other["entity_id"]))
    assert result.status == "rejected" and result.errors == {"repeat_of": [m.REPEAT_OTHER_SITE]}


def test_a_complaint_for_another_site_is_rejected(store, world, phone):
    _, result = lodge(store, phone("cs1"), complaint(world, site_id=world.site(2)))
    assert result.status == "rejected" and result.errors == {"site_id": [m.OTHER_SITE]}


def test_bad_fields_are_named_with_their_messages(store, world, phone):
    _, result = lodge(store, phone("cs1"), complaint(
        world, kind="angry", channel="fax", description=" ", households=0))
    assert result.status == "rejected"
    assert result.errors == {"kind": [m.COMPLAINT_KIND_INVALID], "channel": [m.CHANNEL_INVALID],
                             "description": [m.COMPLAINT_REQUIRED],
                             "households": [m.HOUSEHOLDS_INVALID]}


def test_a_phone_number_that_is_not_one_is_rejected(store, world, phone):
    _, result = lodge(store, phone("cs1"), complaint(world, owner_phone="abc"))
    assert result.status == "rejected" and result.errors == {"owner_phone": [m.PHONE_INVALID]}


def test_photos_are_named_for_the_complaint(store, world, phone):
    photo = world.user("photo-c")
    mutation, _ = lodge(store, phone("cs1"), complaint(world, photo_ids=[photo]))
    assert store.records["photo"][photo]["record_id"] == mutation["entity_id"]
    assert store.records["photo"][photo]["record_type"] == "complaint"
