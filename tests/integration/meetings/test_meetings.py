"""Meetings (晨会 / 周例会) over HTTP: pushed through /api/v1/sync as the phone pushes them,
listed by the site's month with on time or late, exported and read back, printed as
《晨会记录》, recorded at the desk (and refused there with nothing written), kept from
other sites, and shown in the chair's and each attendee's work log."""
import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from app.models import JournalRow
from app.models import Meeting
from tests.integration.admin.conftest import Desk
from tests.integration.sync.conftest import SyncPhone

CST = ZoneInfo("Asia/Shanghai")
# A fixed month in the past: 16 November 2026 is a Monday.
MONDAY = datetime(2026, 11, 16, 8, 25, tzinfo=CST)


@pytest.fixture()
def desk_for(app, world):
    from tests.conftest import Auth

    def make(username):
        client = app.test_client()
        return Desk(client, Auth(client), username)
    return make


def meeting(phone, world, when=MONDAY, attendees=("guard1", "clean1"), **data):
    body = {"site_id": world.site1, "kind": "morning", "attendee_ids": [world.users[u] for u in attendees],
            "absent_note": "维修工1请假", "assignments": "3号楼漏水跟进", "yesterday_summary": "昨日巡视无异常",
            **data}
    return phone.mutation("meeting.record", body, at=when)


def statuses(phone, *mutations):
    response = phone.push(list(mutations))
    assert response.status_code == 200, response.json
    return [r["status"] for r in response.json["results"]]


def count(app, model=Meeting):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_a_pushed_meeting_is_stored_with_its_attendees(app, client, world):
    manager = SyncPhone(client, "manager1")
    mutation = meeting(manager, world)
    assert statuses(manager, mutation) == ["applied"]
    assert statuses(manager, mutation) == ["duplicate"]
    with app.app_context():
        row = db.session.get(Meeting, mutation["entity_id"])
        assert (row.kind, row.site_id, row.chaired_by, row.user_id) == (
            "morning", world.site1, world.users["manager1"], world.users["manager1"])
        assert row.attendee_ids == [world.users["guard1"], world.users["clean1"]]
        assert row.started_at == MONDAY and row.assignments == "3号楼漏水跟进"


def test_the_month_lists_each_meeting_on_time_or_late_and_exports_it(client, world, desk_for):
    manager = SyncPhone(client, "manager1")
    kept = meeting(manager, world, when=MONDAY.replace(minute=30, second=59))
    late = meeting(manager, world, when=datetime(2026, 11, 17, 8, 31, tzinfo=CST), attendees=("guard1",))
    weekly = meeting(manager, world, when=datetime(2026, 11, 18, 15, 0, tzinfo=CST), kind="weekly",
                     assignments=None, yesterday_summary="本周两起投诉均已回复")
    december = meeting(manager, world, when=datetime(2026, 12, 1, 8, 20, tzinfo=CST))
    assert statuses(manager, kept, late, weekly, december) == ["applied"] * 4
    desk = desk_for("manager1")
    page = desk.text(f"/meetings?site={world.site1}&month=2026-11")
    assert f'data-id="{kept["entity_id"]}" class="kept"' in page
    assert f'data-id="{late["entity_id"]}" class="late"' in page
    assert f'data-id="{weekly["entity_id"]}" class="late"' in page  # a Wednesday
    assert december["entity_id"] not in page
    assert "共 3 次会议，其中 2 次延迟" in page and "晨会" in page and "周例会" in page
    only_weekly = desk.text(f"/meetings?site={world.site1}&month=2026-11&kind=weekly")
    assert weekly["entity_id"] in only_weekly and kept["entity_id"] not in only_weekly

    # the CSV, read back as Excel would: the BOM, Chinese headers, one meeting a line
    response = desk.get(f"/meetings?site={world.site1}&month=2026-11&format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0][:6] == ["日期", "会议", "开始时间", "按时", "主持人", "参会人数"]
    assert [r[:6] for r in rows[1:]] == [
        ["2026-11-16", "晨会", "2026-11-16 08:30", "按时召开", "manager1", "2"],
        ["2026-11-17", "晨会", "2026-11-17 08:31", "延迟召开", "manager1", "1"],
        ["2026-11-18", "周例会", "2026-11-18 15:00", "延迟召开", "manager1", "2"],
    ]
    assert rows[1][6] == "guard1、clean1" and rows[1][7] == "维修工1请假"
    # the XLSX: real dates and numbers
    response = desk.get(f"/meetings?site={world.site1}&month=2026-11&format=xlsx")
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.get_data())).worksheets[0]
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    assert cells[0][0] == "日期" and len(cells) == 4
    assert cells[1][2] == datetime(2026, 11, 16, 8, 30, 59) and cells[2][5] == 1 and cells[3][1] == "周例会"


def test_one_meeting_prints_as_its_record_with_names_and_signatures(client, world, desk_for):
    manager = SyncPhone(client, "manager1")
    mutation = meeting(manager, world, notes="<script>alert(1)</script>")
    assert statuses(manager, mutation) == ["applied"]
    page = desk_for("supervisor1").text(f"/meetings/{mutation['entity_id']}")
    assert "《晨会记录》" in page and "guard1、clean1" in page and "3号楼漏水跟进" in page
    assert "主持人签字" in page and "data-print" in page and "按时召开" in page
    assert "<script>alert(1)" not in page
    weekly = meeting(manager, world, kind="weekly", when=datetime(2026, 11, 23, 9, 0, tzinfo=CST))
    assert statuses(manager, weekly) == ["applied"]
    assert "《周例会记录》" in desk_for("manager1").text(f"/meetings/{weekly['entity_id']}")


def test_the_desk_records_a_meeting_through_the_engine(app, world, desk_for):
    desk = desk_for("manager1")
    form = desk.text(f"/meetings/new?site={world.site1}")
    assert 'value="' + world.users["clean1"] + '"' in form and world.users["clean2"] not in form
    response = desk.post("/meetings/new", {
        "site_id": world.site1, "kind": "morning", "attendee_ids": [world.users["guard1"], world.users["lead1"]],
        "assignments": "东门岗加强登记", "yesterday_summary": "昨日访客32人"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        (row,) = db.session.scalars(select(Meeting)).all()
        assert row.attendee_ids == [world.users["guard1"], world.users["lead1"]]
        assert row.chaired_by == world.users["manager1"] and row.device_id == f"desktop:{world.users['manager1']}"
        assert response.headers["Location"].endswith(f"/meetings/{row.id}")


@pytest.mark.parametrize("data, message", [
    ({"attendee_ids": []}, "请勾选参会人员（至少一人）"),
    ({"assignments": ""}, "请填写今日工作安排"),
    ({"kind": ""}, "请选择晨会或周例会"),
    ({"attendee_ids": ["clean2"]}, "勾选的参会人员中有人不在本小区工作"),
])
def test_a_refused_desk_form_says_why_and_writes_nothing(app, world, desk_for, data, message):
    desk = desk_for("manager1")
    body = {"site_id": world.site1, "kind": "morning", "attendee_ids": [world.users["guard1"]],
            "assignments": "东门岗加强登记", "yesterday_summary": "昨日访客32人", **data}
    body["attendee_ids"] = [world.users.get(i, i) for i in body["attendee_ids"]]
    journal = count(app, JournalRow)
    response = desk.post("/meetings/new", body)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert ("东门岗加强登记" in page) is (data.get("assignments") != "")  # what was typed is kept
    assert count(app) == 0 and count(app, JournalRow) == journal


def test_a_team_lead_records_at_the_desk_and_lands_on_the_work_log(app, world, desk_for):
    desk = desk_for("lead1")
    response = desk.post("/meetings/new", {"site_id": world.site1, "kind": "weekly",
                                           "attendee_ids": [world.users["guard1"]]})
    assert response.status_code == 302 and "/worklog" in response.headers["Location"]
    assert count(app) == 1


def test_other_sites_and_other_roles_are_kept_out(app, client, world, desk_for):
    manager = SyncPhone(client, "manager1")
    mutation = meeting(manager, world)
    assert statuses(manager, mutation) == ["applied"]
    other = desk_for("manager2")
    assert other.get(f"/meetings/{mutation['entity_id']}").status_code == 404
    assert mutation["entity_id"] not in other.text(f"/meetings?site={world.site1}&month=2026-11")
    for who in ("guard1", "clerk1", "repair1"):
        person = desk_for(who)
        assert person.get(f"/meetings?site={world.site1}").status_code == 403
        assert person.get(f"/meetings/{mutation['entity_id']}").status_code == 403
    assert desk_for("repair1").get("/meetings/new").status_code == 403
    # another site's id in the desk's form is refused, writes nothing and shows none of its people
    response = other.post("/meetings/new", {"site_id": world.site1, "kind": "weekly",
                                            "attendee_ids": [world.users["guard1"]]})
    assert response.status_code == 422 and "guard1" not in response.get_data(as_text=True)
    assert count(app) == 1


def test_the_chair_and_each_attendee_see_it_in_their_work_log(client, world, desk_for):
    manager = SyncPhone(client, "manager1")
    guard = SyncPhone(client, "guard1")
    mutation = meeting(manager, world)
    check_in = guard.mutation("visit.check_in", {"site_id": world.site1, "visitor_name": "王五",
                                                 "purpose": "delivery", "party_size": 1},
                              at=datetime(2026, 11, 16, 8, 10, tzinfo=CST))
    assert statuses(manager, mutation) == ["applied"] and statuses(guard, check_in) == ["applied"]
    for who, says in (("manager1", "主持"), ("guard1", "参会 · 主持人：manager1"), ("clean1", "参会")):
        page = desk_for(who).text(f"/worklog?site={world.site1}&day=2026-11-16")
        assert f'data-kind="meeting" data-id="{mutation["entity_id"]}"' in page and says in page, who
    page = desk_for("guard1").text(f"/worklog?site={world.site1}&day=2026-11-16")
    assert page.index(check_in["entity_id"]) < page.index(mutation["entity_id"])  # 08:10 before 08:25
    assert mutation["entity_id"] not in desk_for("repair1").text(f"/worklog?site={world.site1}&day=2026-11-16")


def test_the_chair_pulls_the_meeting_and_an_attendee_does_not(client, world):
    from tests.integration.sync.test_api_pull import by_type
    from tests.integration.sync.test_api_pull import pull_all

    manager = SyncPhone(client, "manager1")
    mutation = meeting(manager, world, when=None)
    assert statuses(manager, mutation) == ["applied"]
    mine = by_type(pull_all(manager)[0]).get("meeting", {})
    data = mine[mutation["entity_id"]]["data"]
    assert (data["kind"], data["attendee_ids"], data["chaired_by"]) == (
        "morning", [world.users["guard1"], world.users["clean1"]], world.users["manager1"])
    assert "meeting" not in by_type(pull_all(SyncPhone(client, "guard1"))[0])
