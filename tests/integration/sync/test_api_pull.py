"""The pull: a user's own sites' reference data, their follow-ups and recent records."""
import pytest

from app.extensions import db
from app.models import Checkpoint
from app.models import FollowUp
from tests.integration.sync.helpers import check_in
from tests.integration.sync.helpers import uid


def pull_all(phone, cursor=None):
    """Follow ``has_more`` to the end; every change and the last cursor."""
    changes, pages = [], 0
    while True:
        body = phone.push([], cursor=cursor).json
        changes += body["changes"]
        cursor, pages = body["cursor"], pages + 1
        if not body["has_more"]:
            return changes, cursor, pages


def by_type(changes):
    out = {}
    for change in changes:
        out.setdefault(change["type"], {})[change["id"]] = change
    return out


def test_first_sync_brings_the_users_sites_reference_data(guard, world):
    changes, cursor, _ = pull_all(guard)
    kinds = by_type(changes)
    assert set(kinds["site"]) == {world.site1}
    assert kinds["site"][world.site1]["data"]["name"] == "翠湖花园"
    assert kinds["site"][world.site1]["data"]["timezone"] == "Asia/Shanghai"
    assert set(kinds["checkpoint"]) == set(world.checkpoints1)
    assert kinds["route"][world.route1]["data"]["checkpoint_ids"] == world.checkpoints1
    assert {c["data"]["book_qty"] for c in kinds["item"].values()} == {10, 20, 30}
    assert kinds["store"][world.store1]["data"]["site_id"] == world.site1
    assert world.users["repair1"] in kinds["user"] and world.users["repair2"] not in kinds["user"]
    assert kinds["user"][world.users["lead1"]]["data"]["site_ids"] == [world.site1]
    assert all(c["op"] == "upsert" and c["version"] >= 1 for c in changes)
    assert not any(world.site2 == c["data"].get("site_id") for c in changes)
    # nothing new since
    again = guard.push([], cursor=cursor).json
    assert again["changes"] == [] and again["cursor"] == cursor and again["has_more"] is False


def test_pages_follow_the_cursor(app, guard, world):
    everything, _, _ = pull_all(guard)
    app.config["SYNC_PAGE_SIZE"] = 4
    try:
        paged, _, pages = pull_all(guard)
    finally:
        app.config.pop("SYNC_PAGE_SIZE")
    assert pages > 2
    assert {(c["type"], c["id"]) for c in paged} == {(c["type"], c["id"]) for c in everything}


def test_a_deactivated_checkpoint_is_a_delete(app, guard, world):
    _, cursor, _ = pull_all(guard)
    with app.app_context():
        db.session.get(Checkpoint, world.checkpoints1[0]).active = False
        db.session.commit()
    changes = guard.push([], cursor=cursor).json["changes"]
    assert changes == [{"type": "checkpoint", "id": world.checkpoints1[0], "op": "delete",
                        "version": changes[0]["version"]}]


def test_follow_ups_reach_their_owner_and_the_recorder_only(app, phone_for, world):
    manager, repair, guard = phone_for("manager1"), phone_for("repair1"), phone_for("guard1")
    patrol = manager.mutation("patrol.start", {"site_id": world.site1})
    photos = [uid(), uid()]
    finding = manager.mutation("patrol.finding", {
        "patrol_id": patrol["entity_id"], "category": "repair", "severity": "medium",
        "description": "水管漏水", "handled_on_spot": False, "photo_ids": photos})
    body = manager.push([patrol, finding]).json
    mine = by_type(body["changes"])
    (followup,) = mine["followup"].values()
    assert followup["data"]["assignee_id"] == world.users["repair1"]
    assert followup["data"]["status"] == "open" and followup["data"]["category"] == "repair"
    assert followup["data"]["source_type"] == "finding" and followup["data"]["source_id"] == finding["entity_id"]
    assert followup["data"]["due_at"].endswith("Z") and followup["data"]["notes"] == []
    found = mine["finding"][finding["entity_id"]]["data"]
    assert found["photos"] == {"named": 2, "missing": 2, "complete": False}
    assert patrol["entity_id"] in mine["patrol"]

    theirs = by_type(pull_all(repair)[0]).get("followup", {})
    assert theirs[followup["id"]]["data"]["photo_ids"] == photos  # what the manager saw, for the worker
    assert "followup" not in by_type(pull_all(guard)[0])

    # handed to the cleaner: it leaves the repair worker's phone
    _, cursor, _ = pull_all(repair)
    edit = manager.mutation("followup.update", {"base_version": followup["version"], "note": "请保洁处理",
                                                "assignee_id": world.users["clean1"]}, entity_id=followup["id"])
    result = manager.push([edit]).json["results"][0]
    assert result["status"] == "applied"
    gone = by_type(repair.push([], cursor=cursor).json["changes"])["followup"][followup["id"]]
    assert gone["op"] == "delete"
    with app.app_context():
        assert db.session.get(FollowUp, followup["id"]).assignee_id == world.users["clean1"]
    notes = by_type(pull_all(manager)[0])["followup"][followup["id"]]["data"]["notes"]
    assert [n["text"] for n in notes] == ["请保洁处理"]


def test_patrols_and_stock_checks_are_their_recorders_only(phone_for, world):
    keeper, manager = phone_for("store1"), phone_for("manager1")
    check = keeper.mutation("stock.check_start", {"site_id": world.site1})
    assert keeper.push([check]).json["results"][0]["status"] == "applied"
    assert check["entity_id"] in by_type(pull_all(keeper)[0])["stock_check"]
    assert "stock_check" not in by_type(pull_all(manager)[0])


def test_visitors_inside_reach_everyone_who_keeps_the_sites_gate(phone_for, world):
    """The next guard on a shared phone sees who is inside and checks them out; once out,
    another's visit leaves their phone. Store staff and the other site see none of it."""
    guard, lead, manager = phone_for("guard1"), phone_for("lead1"), phone_for("manager1")
    visit = check_in(guard.outbox, world.site1)
    assert visit["entity_id"] in by_type(guard.push([visit]).json["changes"])["visit"]
    seen, lead_cursor, _ = pull_all(lead)
    assert by_type(seen)["visit"][visit["entity_id"]]["data"]["checked_out_at"] is None
    _, manager_cursor, _ = pull_all(manager)
    for outsider in ("store1", "guard2"):
        assert "visit" not in by_type(pull_all(phone_for(outsider))[0]), outsider

    out = lead.mutation("visit.check_out", entity_id=visit["entity_id"])
    assert lead.push([out]).json["results"][0]["status"] == "applied"
    assert by_type(pull_all(guard)[0])["visit"][visit["entity_id"]]["data"]["checked_out_at"]
    assert by_type(pull_all(manager, manager_cursor)[0])["visit"][visit["entity_id"]]["op"] == "delete"
    assert by_type(pull_all(lead, lead_cursor)[0])["visit"][visit["entity_id"]]["op"] == "delete"
    assert "visit" not in by_type(pull_all(phone_for("manager1"))[0])  # a new phone: nothing to delete


@pytest.mark.parametrize("username", ["supervisor1", "admin1"])
def test_people_over_several_sites_get_each_sites_data(phone_for, world, username):
    kinds = by_type(pull_all(phone_for(username))[0])
    assert set(kinds["site"]) == {world.site1, world.site2}
