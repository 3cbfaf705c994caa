"""The work log (《个人工作日志》) over HTTP: what a manager recorded on a day, pushed through
/api/v1/sync as the phone pushes it, read back at /worklog in time order; notes only
added; bad input refused in Chinese; nobody reads another's day but their reviewers."""
import re
from datetime import date
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Attendance
from app.models import Complaint
from app.models import FollowUp
from app.models import Conflict
from app.models import WorklogNote
from tests.integration.admin.conftest import Desk
from tests.integration.sync.conftest import SyncPhone

CST = ZoneInfo("Asia/Shanghai")
KINDS = re.compile(r'<tr class="entry[^"]*" data-kind="([a-z_]+)" data-id="([0-9a-f-]{36})"')


@pytest.fixture()
def desk_for(app, world):
    from tests.conftest import Auth

    def make(username):
        client = app.test_client()
        return Desk(client, Auth(client), username)
    return make


@pytest.fixture()
def day():
    """A winter working day two days ago on the site's clock (17:30 sign-out)."""
    return datetime.now(CST).date() - timedelta(days=2)


def at(day: date, hhmm: str) -> datetime:
    h, m = map(int, hhmm.split(":"))
    return datetime(day.year, day.month, day.day, h, m, tzinfo=CST)


def applied(phone, *mutations):
    response = phone.push(list(mutations))
    assert response.status_code == 200, response.json
    statuses = [r["status"] for r in response.json["results"]]
    assert statuses == ["applied"] * len(mutations), response.json["results"]
    return response.json["results"]


@pytest.fixture()
def recorded(app, client, world, day):
    """manager1's day at site 1, with a known set of records; and what must not show."""
    phone = SyncPhone(client, "manager1")
    m = phone.mutation
    patrol = m("patrol.start", {"site_id": world.site1, "route_id": world.route1}, at=at(day, "08:40"))
    made = {
        "sign_in": m("attendance.sign_in", {"site_id": world.site1, "uniform": True}, at=at(day, "08:12")),
        "patrol": patrol,
        "cp1": m("patrol.checkpoint", {"patrol_id": patrol["entity_id"], "checkpoint_id": world.checkpoints1[0],
                                       "method": "qr"}, at=at(day, "08:45")),
        "finding": m("patrol.finding", {"patrol_id": patrol["entity_id"], "category": "fire", "severity": "high",
                                        "description": "3号楼消防通道堆放杂物", "handled_on_spot": True,
                                        "action_taken": "已清理"}, at=at(day, "08:50")),
        "end": m("patrol.end", {"notes": "正常"}, entity_id=patrol["entity_id"], at=at(day, "09:10")),
        "complaint": m("complaint.create", {"site_id": world.site1, "kind": "invalid", "channel": "phone",
                                            "description": "楼上漏水", "unit": "1-1-101"}, at=at(day, "10:00")),
        "visit": m("visit.check_in", {"site_id": world.site1, "visitor_name": "王五", "purpose": "delivery",
                                      "party_size": 1, "phone": "13912345678"}, at=at(day, "11:00")),
        "stock": m("stock.check_start", {"site_id": world.site1, "store_id": world.store1}, at=at(day, "14:00")),
        "sign_out": m("attendance.sign_out", {"site_id": world.site1}, at=at(day, "17:40")),
        "note": m("worklog.note", {"site_id": world.site1, "day": day.isoformat(), "text": "晨会：安排消防检查"},
                  at=at(day, "17:35")),
    }
    made["count"] = m("stock.count", {"check_id": made["stock"]["entity_id"], "item_id": world.items1[0],
                                      "counted_qty": 10}, at=at(day, "14:05"))
    made["finish"] = m("stock.check_finish", entity_id=made["stock"]["entity_id"], at=at(day, "14:20"))
    applied(phone, *made.values())
    # A step on the complaint's follow-up, that afternoon.
    with app.app_context():
        followup = db.session.get(FollowUp, db.session.get(Complaint, made["complaint"]["entity_id"]).followup_id)
        ident, version = followup.id, followup.version
    made["followup"] = m("followup.update", {"base_version": version, "note": "已电话解释，业主表示理解"},
                         entity_id=ident, at=at(day, "15:00"))
    applied(phone, made["followup"])
    # Not manager1's day: the day before, and a guard's visit on the same day.
    applied(phone, m("attendance.sign_in", {"site_id": world.site1, "uniform": True},
                     at=at(day - timedelta(days=1), "08:30")))
    guard = SyncPhone(client, "guard1")
    applied(guard, guard.mutation("visit.check_in", {"site_id": world.site1, "visitor_name": "赵六",
                                                     "purpose": "visit", "party_size": 2}, at=at(day, "11:30")))
    return {k: v["entity_id"] for k, v in made.items()}


def entries(page: str) -> list[tuple[str, str]]:
    return KINDS.findall(page)


def test_the_day_shows_exactly_what_was_recorded_in_time_order(recorded, desk_for, world, day):
    page = desk_for("manager1").text(f"/worklog?site={world.site1}&day={day.isoformat()}")
    kinds = entries(page)
    assert [k for k, _ in kinds] == ["sign_in", "patrol", "complaint", "visit", "stock", "followup", "sign_out"]
    assert [i for k, i in kinds if k != "followup"] == [recorded[k] for k in (
        "sign_in", "patrol", "complaint", "visit", "stock", "sign_out")]
    assert "已电话解释，业主表示理解" in page
    assert "3号楼消防通道堆放杂物" in page and "已清理" in page  # the finding, inside its patrol
    assert "巡更点1-1" in page or "08:45" in page  # the checkpoint visited
    assert "139****5678" in page and "13912345678" not in page  # numbers masked
    assert "赵六" not in page
    assert "晨会：安排消防检查" in page and "added-later" not in page
    signed = re.search(r'<dd id="sign-in">(.*?)</dd>', page, re.S).group(1)
    assert "08:12" in signed and "准时" in signed and "已着工装" in signed
    assert "17:40" in re.search(r'<dd id="sign-out">(.*?)</dd>', page, re.S).group(1)


def test_a_late_sign_in_and_an_early_sign_out_are_marked(client, world, desk_for, day):
    phone = SyncPhone(client, "manager1")
    applied(phone, phone.mutation("attendance.sign_in", {"site_id": world.site1, "uniform": False},
                                  at=at(day, "08:21")),
            phone.mutation("attendance.sign_out", {"site_id": world.site1}, at=at(day, "17:29")))
    desk = desk_for("manager1")
    page = desk.text(f"/worklog?site={world.site1}&day={day.isoformat()}")
    assert "迟到" in re.search(r'<dd id="sign-in">(.*?)</dd>', page, re.S).group(1)
    assert "早退" in re.search(r'<dd id="sign-out">(.*?)</dd>', page, re.S).group(1)
    month = desk_for("manager1").text(f"/worklog/attendance?site={world.site1}&month={day.strftime('%Y-%m')}")
    cell = re.search(rf'data-user="{world.users["manager1"]}".*?data-day="{day.isoformat()}">(.*?)</td>',
                     month, re.S).group(1)
    assert '<span class="in late">08:21</span>' in cell and '<span class="out late">17:29</span>' in cell


def test_a_second_sign_in_is_kept_but_the_first_counts_and_a_conflict_is_listed(client, app, world, desk_for, day):
    phone = SyncPhone(client, "manager1")
    later = phone.mutation("attendance.sign_in", {"site_id": world.site1, "uniform": True}, at=at(day, "09:30"))
    first = phone.mutation("attendance.sign_in", {"site_id": world.site1, "uniform": True}, at=at(day, "08:05"))
    applied(phone, later)
    result = applied(phone, first)[0]
    assert result["conflict"]["field"] == "signed_in_at"
    page = desk_for("manager1").text(f"/worklog?site={world.site1}&day={day.isoformat()}")
    assert "08:05" in re.search(r'<dd id="sign-in">(.*?)</dd>', page, re.S).group(1)
    assert "flag-second" in page
    with app.app_context():
        assert db.session.scalar(select(Conflict.entity_id).where(Conflict.entity_type == "attendance")) \
            == later["entity_id"]


def test_an_earlier_day_changes_only_by_an_added_note(client, app, world, desk_for, recorded, day):
    desk = desk_for("manager1")
    before = entries(desk.text(f"/worklog?site={world.site1}&day={day.isoformat()}"))
    phone = SyncPhone(client, "manager1")
    note = phone.mutation("worklog.note", {"site_id": world.site1, "day": day.isoformat(), "text": "补记：下午业主来访"})
    applied(phone, note)
    # The note's id cannot be used again to rewrite it.
    again = phone.mutation("worklog.note", {"site_id": world.site1, "day": day.isoformat(), "text": "改写"},
                           entity_id=note["entity_id"])
    assert phone.push([again]).json["results"][0]["status"] == "rejected"
    # Nor is there a mutation that edits a sign-in or a note.
    edit = phone.mutation("worklog.edit", {"id": recorded["note"]})
    assert phone.push([edit]).json["results"][0]["status"] == "rejected"
    page = desk.text(f"/worklog?site={world.site1}&day={day.isoformat()}")
    assert entries(page) == before
    notes = re.findall(r'<li class="note( added-later)?" data-id="([0-9a-f-]{36})"', page)
    assert notes == [("", recorded["note"]), (" added-later", note["entity_id"])]
    assert "补记：下午业主来访" in page and "改写" not in page
    # The desk adds a note the same way, through the engine, and it is marked as added later too.
    response = desk.post("/worklog/note", {"site": world.site1, "day": day.isoformat(), "text": "桌面补记"})
    assert response.status_code == 302
    with app.app_context():
        rows = db.session.scalars(select(WorklogNote).where(WorklogNote.text == "桌面补记")).all()
        assert [(r.day, r.added_later, r.device_id.startswith("desktop:")) for r in rows] == \
            [(day.isoformat(), True, True)]
        assert db.session.scalar(select(Attendance.verdict).where(Attendance.id == recorded["sign_in"])) == "on_time"


@pytest.mark.parametrize("data, message", [
    ({"day": "2026-13-01", "text": "x"}, "请按“年-月-日”填写日期"),
    ({"day": "TOMORROW", "text": "x"}, "请按“年-月-日”填写日期"),
    ({"text": "  "}, "请填写日志内容"),
    ({"uniform": None}, None),
])
def test_bad_input_is_refused_in_chinese(client, world, data, message):
    phone = SyncPhone(client, "manager1")
    if message is None:
        mutation = phone.mutation("attendance.sign_in", {"site_id": world.site1, "uniform": "maybe"})
        message = "请说明是否已着工装"
    else:
        body = {"site_id": world.site1, "day": datetime.now(CST).date().isoformat(), **data}
        mutation = phone.mutation("worklog.note", body)
    result = phone.push([mutation]).json["results"][0]
    assert result["status"] == "rejected"
    assert any(message in text for texts in result["errors"].values() for text in texts), result


def test_a_note_for_tomorrow_is_refused(client, world):
    phone = SyncPhone(client, "manager1")
    tomorrow = (datetime.now(CST).date() + timedelta(days=1)).isoformat()
    result = phone.push([phone.mutation("worklog.note", {"site_id": world.site1, "day": tomorrow, "text": "x"})])
    assert result.json["results"][0]["errors"] == {"day": ["不能为还没到的日子写工作日志。"]}


def test_a_bad_day_on_the_page_says_so_and_shows_today(desk_for, world):
    page = desk_for("manager1").text(f"/worklog?site={world.site1}&day=yesterday")
    assert "日期无效" in page or "日期" in page


@pytest.mark.parametrize("viewer", ["clerk1", "guard1", "cs1"])
def test_a_clerk_or_guard_reads_only_their_own_day(recorded, desk_for, world, day, viewer):
    desk = desk_for(viewer)
    own = desk.get(f"/worklog?site={world.site1}&day={day.isoformat()}")
    assert own.status_code == 200 and "晨会：安排消防检查" not in own.get_data(as_text=True)
    other = desk.get(f"/worklog?site={world.site1}&user={world.users['manager1']}&day={day.isoformat()}")
    assert other.status_code == 403
    assert desk.get(f"/worklog/attendance?site={world.site1}").status_code == 403


def test_reviewers_read_their_sites_people_only(recorded, desk_for, world, day):
    path = f"/worklog?site={world.site1}&user={world.users['manager1']}&day={day.isoformat()}"
    page = desk_for("supervisor1").text(path)
    assert [k for k, _ in entries(page)] == ["sign_in", "patrol", "complaint", "visit", "stock", "followup",
                                             "sign_out"]
    # The manager of the other site: site 1 is not theirs, and manager1 is not at site 2.
    other = desk_for("manager2").get(f"/worklog?site={world.site2}&user={world.users['manager1']}")
    assert other.status_code == 404
    assert "晨会" not in desk_for("manager2").get(path).get_data(as_text=True)


def test_a_guards_own_day_lists_the_visitors_they_registered(recorded, desk_for, world, day):
    page = desk_for("guard1").text(f"/worklog?site={world.site1}&day={day.isoformat()}")
    assert [k for k, _ in entries(page)] == ["visit"] and "赵六" in page


def test_a_second_sign_in_is_listed_among_the_conflicts_in_words(client, world, desk_for, day):
    phone = SyncPhone(client, "manager1")
    applied(phone, phone.mutation("attendance.sign_in", {"site_id": world.site1, "uniform": True},
                                  at=at(day, "08:05")),
            phone.mutation("attendance.sign_in", {"site_id": world.site1, "uniform": True}, at=at(day, "09:30")))
    page = desk_for("manager1").text("/review/conflicts")
    assert "考勤" in page and f"manager1 · {day.isoformat()}" in page and "签到" in page
    assert "同一天签到了两次，以较早的一次为准。" in page
    assert f"day={day.isoformat()}" in page


def test_a_repair_workers_day_lists_the_work_with_the_orders_number(client, world, desk_for, day):
    desk_phone = SyncPhone(client, "cs1")
    order = desk_phone.mutation("repair.create", {"site_id": world.site1, "description": "3-2-501 厨房水龙头漏水",
                                                  "urgency": "normal", "channel": "phone", "unit": "3-2-501"},
                                at=at(day, "09:00"))
    applied(desk_phone, order)
    worker = SyncPhone(client, "repair1")
    work = worker.mutation("repair.work", {
        "repair_id": order["entity_id"], "started_at": at(day, "10:00").isoformat(),
        "finished_at": at(day, "10:40").isoformat(), "work_done": "更换水龙头阀芯", "materials": [],
        "before_photo_ids": [], "after_photo_ids": []}, entity_id=None, at=at(day, "10:41"))
    applied(worker, work)
    page = desk_for("repair1").text(f"/worklog?site={world.site1}&day={day.isoformat()}")
    assert [k for k, _ in entries(page)] == ["repair"]
    assert "10:00–10:40 · 更换水龙头阀芯" in page
