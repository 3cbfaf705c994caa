"""Conflicts made by real syncs: two phones reassign or close the same follow-up offline,
two counts of one item in a stock check, two check-outs of one visitor. The reviewer reads
them in words, accepts them or puts the lost value back as a new change."""
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Complaint
from app.models import Conflict
from app.models import FollowUp
from app.models import FollowUpEvent
from app.models import StockCount
from tests.integration.review.conftest import ago
from tests.integration.review.conftest import followup_version
from tests.integration.sync.helpers import check_in


def complaint_followup(app, world, phone_for) -> str:
    """A complaint from customer service at site 1: its follow-up is cs1's, open."""
    cs = phone_for("cs1")
    mutation = cs.mutation("complaint.create", {"site_id": world.site1, "kind": "valid", "description": "楼道漏水",
                                                "channel": "phone", "unit": "1-2-201"}, at=ago(hours=1))
    cs.push_ok([mutation])
    with app.app_context():
        return db.session.get(Complaint, mutation["entity_id"]).followup_id


def only_conflict(app, **equals) -> Conflict:
    with app.app_context():
        stmt = select(Conflict)
        for key, value in equals.items():
            stmt = stmt.where(getattr(Conflict, key) == value)
        (conflict,) = db.session.scalars(stmt).all()
        db.session.expunge(conflict)
        return conflict


@pytest.fixture()
def reassigned(app, world, phone_for):
    """supervisor1 gave it to clean1 at -20 min, manager1 (not having seen that) to repair1
    at -10 min: repair1 stands, clean1 is the lost value."""
    ident = complaint_followup(app, world, phone_for)
    base = followup_version(app, ident)
    supervisor, manager = phone_for("supervisor1"), phone_for("manager1")
    lost = supervisor.mutation("followup.update", {"base_version": base, "assignee_id": world.users["clean1"]},
                               entity_id=ident, at=ago(minutes=20))
    kept = manager.mutation("followup.update", {"base_version": base, "assignee_id": world.users["repair1"]},
                            entity_id=ident, at=ago(minutes=10))
    supervisor.push_ok([lost])
    manager.push_ok([kept])
    conflict = only_conflict(app, entity_type="followup", field="assignee_id")
    assert conflict.loser_mutation_id == lost["id"] and conflict.winner_mutation_id == kept["id"]
    return {"followup": ident, "conflict": conflict.id, "lost": lost, "kept": kept,
            "supervisor": supervisor, "manager": manager}


@pytest.fixture()
def closed_too_early(app, world, phone_for):
    """manager1 closed it at -30 min, before supervisor1 resolved it at -20 min: the close
    did not fit an open follow-up and lost; it stands resolved."""
    ident = complaint_followup(app, world, phone_for)
    base = followup_version(app, ident)
    supervisor, manager = phone_for("supervisor1"), phone_for("manager1")
    supervisor.push_ok([supervisor.mutation("followup.update", {"base_version": base, "status": "resolved"},
                                            entity_id=ident, at=ago(minutes=20))])
    manager.push_ok([manager.mutation("followup.update", {"base_version": base, "status": "closed"},
                                      entity_id=ident, at=ago(minutes=30))])
    conflict = only_conflict(app, entity_type="followup", field="status")
    assert (conflict.kept, conflict.lost) == ("resolved", "closed")
    return {"followup": ident, "conflict": conflict.id}


@pytest.fixture()
def counted_twice(app, world, phone_for):
    """store1 counted 8 bulbs at -20 min, manager1 counted 9 at -10 min in the same check:
    the later count (9) stands, 8 is the lost value."""
    keeper, manager = phone_for("store1"), phone_for("manager1")
    check = keeper.mutation("stock.check_start", {"site_id": world.site1, "store_id": world.store1},
                            at=ago(minutes=30))
    first = keeper.mutation("stock.count", {"check_id": check["entity_id"], "item_id": world.items1[0],
                                            "counted_qty": 8}, at=ago(minutes=20))
    keeper.push_ok([check, first])
    second = manager.mutation("stock.count", {"check_id": check["entity_id"], "item_id": world.items1[0],
                                              "counted_qty": "9.0"}, at=ago(minutes=10))
    manager.push_ok([second])
    conflict = only_conflict(app, entity_type="stock_count")
    assert conflict.entity_id == first["entity_id"]
    return {"check": check["entity_id"], "first": first["entity_id"], "second": second["entity_id"],
            "conflict": conflict.id}


@pytest.fixture()
def checked_out_twice(app, world, phone_for):
    guard, lead = phone_for("guard1"), phone_for("lead1")
    visit = check_in(guard.outbox, world.site1, visitor_name="赵六")
    guard.push_ok([visit, guard.mutation("visit.check_out", entity_id=visit["entity_id"], at=ago(minutes=10))])
    lead.push_ok([lead.mutation("visit.check_out", entity_id=visit["entity_id"], at=ago(minutes=5))])
    return {"visit": visit["entity_id"], "conflict": only_conflict(app, entity_type="visit").id}


def test_the_list_says_each_conflict_in_words(reassigned, counted_twice, closed_too_early, checked_out_twice,
                                              desk_for):
    html = desk_for("supervisor1").text("/review/conflicts")
    assert html.count('href="/review/conflicts/') == 4
    row = re.search(r"<tr>(?:(?!</tr>).)*负责人.*?</tr>", html, re.S).group(0)
    assert "跟进事项" in row and "楼道漏水" in row and f'href="/followups/{reassigned["followup"]}"' in row
    assert "repair1" in row and "clean1" in row  # names, not ids
    assert "保留了时间较晚的修改。" in row  # the reason, translated
    assert "supervisor1" in row and "manager1" in row
    assert "待复核" in row
    count = re.search(r"<tr>(?:(?!</tr>).)*盘点数量.*?</tr>", html, re.S).group(0)
    assert '<td class="kept-value">9 个</td>' in count and '<td class="lost-value">8 个</td>' in count
    assert "灯泡" in count and "以较晚的一次为准" in count and f'href="/stock/checks/{counted_twice["check"]}"' in count
    status = re.search(r"<tr>(?:(?!</tr>).)*状态</td>.*?</tr>", html, re.S).group(0)
    assert '<td class="kept-value">已解决</td>' in status and '<td class="lost-value">已关闭</td>' in status
    for raw in ("assignee_id", "counted_qty", "checked_out_at", "in_progress", "A later change"):
        assert raw not in html


def test_one_conflict_shows_both_changes(reassigned, desk_for):
    html = desk_for("supervisor1").text(f"/review/conflicts/{reassigned['conflict']}")
    assert "clean1" in html and "repair1" in html
    assert reassigned["supervisor"].device_id[:8] in html and reassigned["manager"].device_id[:8] in html
    assert "接受" in html and "恢复被覆盖的值" in html


@pytest.mark.parametrize("query, shown", [
    ("", {"followup", "stock_count"}),
    ("?category=followup", {"followup"}),
    ("?category=stock_count", {"stock_count"}),
    ("?status=reviewed", set()),
    ("?status=waiting", {"followup", "stock_count"}),
    ("?from=2000-01-01&to=2000-01-02", set()),
    ("?site={site2}", set()),
])
def test_filters(reassigned, counted_twice, world, desk_for, query, shown):
    html = desk_for("supervisor1").text("/review/conflicts" + query.format(site2=world.site2))
    links = set(re.findall(r'href="/review/conflicts/([0-9a-f-]{36})"', html))
    expected = {{"followup": reassigned["conflict"], "stock_count": counted_twice["conflict"]}[k] for k in shown}
    assert links == expected, query


def test_accept_marks_it_reviewed_once(app, reassigned, desk_for, world):
    desk = desk_for("manager1")
    url = f"/review/conflicts/{reassigned['conflict']}"
    response = desk.post(url + "/accept")
    assert response.status_code == 302
    assert "已接受：保留的值不变。" in desk.text(url)
    with app.app_context():
        conflict = db.session.get(Conflict, reassigned["conflict"])
        assert conflict.resolution == "accepted" and conflict.reviewed_by == world.users["manager1"]
        assert conflict.reviewed_at is not None
        assert db.session.get(FollowUp, reassigned["followup"]).assignee_id == world.users["repair1"]
    for action in ("accept", "restore"):
        again = desk.post(f"{url}/{action}")
        assert again.status_code == 409
        assert "该冲突已处理过" in again.get_data(as_text=True)
    assert reassigned["conflict"] in desk.text("/review/conflicts?status=reviewed")
    assert reassigned["conflict"] not in desk.text("/review/conflicts?status=waiting")


def test_restoring_an_assignment_records_a_new_assignment(app, reassigned, desk_for, world, phone_for):
    desk = desk_for("supervisor1")
    url = f"/review/conflicts/{reassigned['conflict']}"
    with app.app_context():
        before = db.session.get(FollowUp, reassigned["followup"]).version
    assert desk.post(url + "/restore").status_code == 302
    assert "已恢复被覆盖的值。" in desk.text(url)
    with app.app_context():
        followup = db.session.get(FollowUp, reassigned["followup"])
        assert followup.assignee_id == world.users["clean1"] and followup.version > before
        assigns = db.session.scalars(select(FollowUpEvent).where(
            FollowUpEvent.followup_id == followup.id, FollowUpEvent.kind == "assign")
            .order_by(FollowUpEvent.received_at)).all()
        # the two phones' assignments are kept as they were; the restore is a third, in the reviewer's name
        assert [e.value for e in assigns] == [world.users["clean1"], world.users["repair1"], world.users["clean1"]]
        assert assigns[-1].user_id == world.users["supervisor1"] and assigns[-1].device_id.startswith("desktop:")
        conflict = db.session.get(Conflict, reassigned["conflict"])
        assert conflict.resolution == "restored" and conflict.reviewed_by == world.users["supervisor1"]
    # the restored owner's phone gets it at its next sync
    pulled = [c for c in phone_for("clean1").push([]).json["changes"] if c["id"] == reassigned["followup"]]
    assert pulled and pulled[0]["data"]["assignee_id"] == world.users["clean1"]
    assert desk.post(url + "/restore").status_code == 409


def test_restoring_a_lost_close_closes_it(app, closed_too_early, desk_for):
    desk = desk_for("manager1")
    assert desk.post(f"/review/conflicts/{closed_too_early['conflict']}/restore").status_code == 302
    with app.app_context():
        assert db.session.get(FollowUp, closed_too_early["followup"]).status == "closed"
        assert db.session.get(Conflict, closed_too_early["conflict"]).resolution == "restored"


def test_a_restore_the_policy_refuses_changes_nothing(app, world, phone_for, desk_for):
    """cs1 started work at -10 min on a follow-up the manager had closed at -25 min: the
    start lost. Only its worker may start it, and not once it is closed: refused."""
    ident = complaint_followup(app, world, phone_for)
    base = followup_version(app, ident)
    cs, manager = phone_for("cs1"), phone_for("manager1")
    manager.push_ok([manager.mutation("followup.update", {"base_version": base, "status": "resolved"},
                                      entity_id=ident, at=ago(minutes=30)),
                     manager.mutation("followup.update", {"base_version": base, "status": "closed"},
                                      entity_id=ident, at=ago(minutes=25))])
    cs.push_ok([cs.mutation("followup.update", {"base_version": base, "status": "in_progress"},
                            entity_id=ident, at=ago(minutes=10))])
    conflict = only_conflict(app, entity_type="followup")
    assert (conflict.kept, conflict.lost) == ("closed", "in_progress")
    with app.app_context():
        version = db.session.get(FollowUp, ident).version
    response = desk_for("supervisor1").post(f"/review/conflicts/{conflict.id}/restore")
    assert response.status_code == 422
    assert 'role="alert"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(FollowUp, ident).version == version
        assert db.session.get(Conflict, conflict.id).reviewed_at is None


def test_restoring_a_count_makes_it_the_standing_one(app, counted_twice, desk_for):
    with app.app_context():
        followup_id = db.session.get(StockCount, counted_twice["second"]).followup_id
    desk = desk_for("manager1")
    assert desk.post(f"/review/conflicts/{counted_twice['conflict']}/restore").status_code == 302
    with app.app_context():
        first = db.session.get(StockCount, counted_twice["first"])
        second = db.session.get(StockCount, counted_twice["second"])
        assert (first.superseded, second.superseded) == (False, True)
        assert first.followup_id == followup_id and second.followup_id is None
        if followup_id:  # the item's follow-up is told which count stands now
            notes = db.session.scalars(select(FollowUpEvent.note).where(
                FollowUpEvent.followup_id == followup_id, FollowUpEvent.kind == "note")).all()
            assert any("盘点数 8 " in n for n in notes), notes
        assert db.session.get(Conflict, counted_twice["conflict"]).resolution == "restored"


def test_a_visits_check_out_can_only_be_accepted(app, checked_out_twice, desk_for):
    desk = desk_for("manager1")
    url = f"/review/conflicts/{checked_out_twice['conflict']}"
    page = desk.text(url)
    assert "恢复被覆盖的值</button>" not in page and "此类数值无法恢复" in page
    response = desk.post(url + "/restore")
    assert response.status_code == 422 and "此类数值无法恢复" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Conflict, checked_out_twice["conflict"]).reviewed_at is None
    assert desk.post(url + "/accept").status_code == 302


@pytest.mark.parametrize("who, status", [("guard1", 403), ("cs1", 403), ("manager2", 404)])
def test_who_may_act(app, reassigned, desk_for, who, status):
    url = f"/review/conflicts/{reassigned['conflict']}"
    desk = desk_for(who)
    assert desk.get(url).status_code == status
    for action in ("accept", "restore"):
        assert desk.post(f"{url}/{action}").status_code == status
    with app.app_context():
        assert db.session.get(Conflict, reassigned["conflict"]).reviewed_at is None
