"""A notice is written in the same transaction as the event that causes it, by whichever
path writes the event: a phone's push, the desk, the sweep."""
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.followups.desk import perform
from app.models import FollowUp
from app.models import FollowUpEvent
from app.models import User
from app.models import WatchEntry
from app.models import new_id
from app.models import utcnow
from app.notify.render import text
from sync import notify_rules as rules
from tests.integration.followups.conftest import SyncingPhone
from tests.integration.followups.conftest import add_visit
from tests.integration.followups.conftest import followups
from tests.integration.followups.conftest import local
from tests.integration.followups.conftest import sweep
from tests.integration.followups.conftest import today
from tests.integration.followups.test_sweep_cli import one_day
from tests.integration.notify.conftest import notices
from tests.integration.sync.conftest import SyncPhone


def finding(client, world, description="5号楼电梯异响，业主电话13812345678"):
    phone = SyncingPhone(client, "manager1")
    patrol = phone.outbox.mutation("patrol.start", {"site_id": world.site1})
    found = phone.outbox.mutation("patrol.finding", {
        "patrol_id": patrol["entity_id"], "category": "repair", "severity": "medium",
        "description": description, "handled_on_spot": False})
    assert phone.push([patrol, found]).status_code == 200
    return phone, [patrol, found]


def test_a_phone_finding_tells_the_follow_ups_owner_once(app, client, world, ctx):
    phone, pushed = finding(client, world)
    (followup,) = followups()
    (notice,) = notices()
    assert (notice.event, notice.user_id, notice.subject_id) == (rules.ASSIGNED, followup.assignee_id, followup.id)
    assert notice.status == "pending" and notice.next_attempt_at is None
    assert "13812345678" not in repr(notice.params) and "138****5678" in notice.params["title"]
    db.session.remove()
    assert phone.push(pushed).status_code == 200  # the same push again, as after a lost answer
    assert len(notices()) == 1


def test_the_desk_reassigning_tells_the_new_owner(app, client, world, ctx):
    finding(client, world)
    (followup,) = followups()
    actor = db.session.get(User, world.users["manager1"])
    perform(actor, followup.id, "assign", assignee_id=world.users["clean1"])
    db.session.remove()
    told = [(n.event, n.user_id) for n in notices()]
    assert (rules.ASSIGNED, world.users["clean1"]) in told and len(told) == 2


def test_the_sweep_escalating_tells_the_new_owner_why_and_once(app, world, ctx):
    one_day(app, world)
    yesterday = today() - timedelta(days=1)
    add_visit(world.site1, world.users["guard1"], local(yesterday, 14))
    assert sweep(app, local(today(), 0, 30), "--site", "S1").exit_code == 0
    (visit,) = followups(source_type="open_visit")
    due, ident = visit.due_at, visit.id
    opened = {(n.event, n.user_id) for n in notices(subject_id=ident)}
    assert opened == {(rules.ASSIGNED, world.users["lead1"])}
    (first,) = notices(subject_id=ident)
    assert "王五" in visit.title and "王五" not in repr(first.params) and "王*" in first.params["title"]
    db.session.remove()

    later = due + timedelta(minutes=5)
    sweep(app, later, "--site", "S1")
    sweep(app, later, "--site", "S1")  # the same moment again: nothing new
    escalated = notices(subject_id=ident, event=rules.ESCALATED)
    assert [n.user_id for n in escalated] == [world.users["manager1"]]
    assert escalated[0].params["reason"]["msgid"]
    assert "王五" not in repr(escalated[0].params)
    assert len(notices(subject_id=ident)) == 2


def test_no_notice_outlives_its_events_rollback(app, client, world, ctx):
    finding(client, world)
    (followup,) = followups()
    before = len(notices())
    locked = FollowUp.lock(followup.id)
    db.session.add(FollowUpEvent(id=new_id(), followup_id=locked.id, kind="assign", at=utcnow(),
                                 value=world.users["clean1"], effective=True))
    db.session.flush()
    assert len(notices()) == before + 1
    db.session.rollback()
    assert len(notices()) == before
    assert db.session.scalar(select(FollowUp.assignee_id).where(FollowUp.id == followup.id)) == followup.assignee_id


def test_a_collective_complaint_goes_to_the_manager_at_once(app, client, world, ctx):
    phone = SyncPhone(client, "cs1")
    taken = phone.mutation("complaint.create", {
        "site_id": world.site1, "kind": "collective", "households": 6, "description": "6户反映停水，联系人13912345678",
        "channel": "phone", "unit": "1-1-101", "owner_name": "李女士", "owner_phone": "13912345678"})
    assert phone.push([taken]).json["results"][0]["status"] == "applied"
    (notice,) = notices(event=rules.COLLECTIVE)
    assert (notice.user_id, notice.at_once) == (world.users["manager1"], True)
    assert "13912345678" not in repr(notice.params) and "李女士" not in repr(notice.params)


def test_a_watch_list_match_at_the_gate_goes_to_the_team_lead(app, client, world, ctx):
    db.session.add(WatchEntry(site_id=world.site1, name="钱七", phone="+86 139 0000 1111", reason="多次尾随"))
    db.session.commit()
    guard = SyncPhone(client, "guard1")
    visit = guard.mutation("visit.check_in", {"site_id": world.site1, "visitor_name": "钱七", "purpose": "visit",
                                              "party_size": 1, "phone": "139-0000-1111"})
    assert guard.push([visit]).json["results"][0]["status"] == "applied"
    (notice,) = notices(event=rules.WATCH_MATCH)
    assert (notice.user_id, notice.at_once, notice.subject_id) == (world.users["lead1"], True, visit["entity_id"])
    assert notice.params["value"] == "139****1111" and notice.params["name"] == "钱*"
    with app.test_request_context():
        title, line = text(notice)
    assert title == "门岗关注名单比中" and "13900001111" not in line and "139****1111" in line
