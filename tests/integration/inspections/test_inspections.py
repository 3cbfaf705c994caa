"""Staff inspections (书面考核) over HTTP: pushed through /api/v1/sync as the phone pushes
them, counted per manager over the site's Monday-to-Sunday week against 2 at /inspections,
one printable as 《服务过程检验单》; bad input refused in Chinese with nothing written."""
import re
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from app.models import Inspection
from sync import inspection_rules as rules
from tests.integration.admin.conftest import Desk
from tests.integration.sync.conftest import SyncPhone

CST = ZoneInfo("Asia/Shanghai")
CLEAN_OK = {key: True for key, _ in rules.checklist("cleaning")}


@pytest.fixture()
def desk_for(app, world):
    from tests.conftest import Auth

    def make(username):
        client = app.test_client()
        return Desk(client, Auth(client), username)
    return make


@pytest.fixture()
def last_monday():
    today = datetime.now(CST).date()
    return rules.week_start(today) - timedelta(days=7)


def at(day, h, m):
    return datetime(day.year, day.month, day.day, h, m, tzinfo=CST)


def inspection(phone, world, person="clean1", when=None, **data):
    body = {"site_id": world.site1, "person_id": world.users[person], "checklist": CLEAN_OK,
            "score": 90, "notes": "楼道干净", **data}
    return phone.mutation("inspection.record", body, **({"at": when} if when else {}))


def statuses(phone, *mutations):
    response = phone.push(list(mutations))
    assert response.status_code == 200, response.json
    return [r["status"] for r in response.json["results"]]


def tally(page):
    return dict(re.findall(r'<tr data-user="([0-9a-f-]{36})" class="(kept|short)">', page))


def test_a_week_is_counted_per_manager_against_two(client, world, desk_for, last_monday):
    manager = SyncPhone(client, "manager1")
    sunday = last_monday + timedelta(days=6)
    mon = inspection(manager, world, when=at(last_monday, 9, 0),
                     checklist={**CLEAN_OK, "bins": False}, score=70, notes="垃圾桶未及时清运")
    sun = inspection(manager, world, person="guard1", when=at(sunday, 23, 50),
                     checklist={key: True for key, _ in rules.checklist("security")})
    this_week = inspection(manager, world, when=at(sunday + timedelta(days=1), 0, 10))
    assert statuses(manager, mon, sun, this_week) == ["applied"] * 3
    desk = desk_for("manager1")
    page = desk.text(f"/inspections?site={world.site1}&week={(last_monday + timedelta(days=3)).isoformat()}")
    assert tally(page) == {world.users["manager1"]: "kept"}
    assert "2 / 2" in page and f"{last_monday.isoformat()} – {sunday.isoformat()}" in page
    assert mon["entity_id"] in page and sun["entity_id"] in page and this_week["entity_id"] not in page
    now = desk.text(f"/inspections?site={world.site1}&week={(sunday + timedelta(days=1)).isoformat()}")
    assert tally(now) == {world.users["manager1"]: "short"} and "1 / 2" in now
    # one inspection, as the printable form: the items in Chinese, the not-ok one marked
    form = desk.text(f"/inspections/{mon['entity_id']}")
    assert "服务过程检验单" in form and "检验项目" in form and "垃圾桶清运及时" in form and "垃圾桶未及时清运" in form
    assert 'data-item="bins" class="not-ok"' in form and "70" in form and "data-print" in form
    assert "<script>" not in form


def test_a_supervisor_sees_the_site_and_the_other_manager_does_not(client, world, desk_for):
    manager = SyncPhone(client, "manager1")
    mutation = inspection(manager, world)
    assert statuses(manager, mutation) == ["applied"]
    assert mutation["entity_id"] in desk_for("supervisor1").text(f"/inspections?site={world.site1}")
    other = desk_for("manager2")
    assert other.get(f"/inspections/{mutation['entity_id']}").status_code == 404
    page = other.text(f"/inspections?site={world.site1}")
    assert mutation["entity_id"] not in page


@pytest.mark.parametrize("who", ["guard1", "clerk1", "repair1"])
def test_people_who_are_not_reviewers_cannot_open_the_pages(desk_for, world, who):
    assert desk_for(who).get(f"/inspections?site={world.site1}").status_code == 403


@pytest.mark.parametrize("who, person, data, message", [
    ("guard1", "clean1", {}, "只有经理、主管、管理员和该岗位的班长"),
    ("cs1", "clean1", {}, "只有经理、主管、管理员和该岗位的班长"),  # a lead, of another post
    ("manager1", "manager1", {}, "不能考核自己"),
    ("manager1", "clean2", {}, "此人不在本小区工作"),
    ("manager1", "clean1", {"score": 120}, "请填写0到100的分数"),
    ("manager1", "clean1", {"checklist": {"floors": True}}, "请逐项标明合格或不合格"),
])
def test_bad_input_is_refused_in_chinese_and_nothing_is_written(app, client, world, who, person, data, message):
    phone = SyncPhone(client, who)
    result = phone.push([inspection(phone, world, person=person, **data)]).json["results"][0]
    assert result["status"] == "rejected"
    assert any(message in text for texts in result["errors"].values() for text in texts), result
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Inspection)) == 0


def test_a_team_lead_inspects_their_own_post(client, world):
    lead = SyncPhone(client, "lead1")
    mutation = inspection(lead, world, person="guard1", checklist={k: False for k, _ in rules.checklist("security")},
                          score=40)
    assert statuses(lead, mutation) == ["applied"]


def test_the_inspector_pulls_their_inspection_and_the_person_does_not(client, world):
    from tests.integration.sync.test_api_pull import by_type
    from tests.integration.sync.test_api_pull import pull_all

    manager = SyncPhone(client, "manager1")
    mutation = inspection(manager, world, score=88)
    assert statuses(manager, mutation) == ["applied"]
    mine = by_type(pull_all(manager)[0]).get("inspection", {})
    row = mine[mutation["entity_id"]]
    assert (row["data"]["score"], row["data"]["post"], row["data"]["checklist"]) == (88, "cleaning", CLEAN_OK)
    assert "inspection" not in by_type(pull_all(SyncPhone(client, "clean1"))[0])


def test_a_bad_week_on_the_page_says_so_and_shows_this_week(desk_for, world):
    page = desk_for("manager1").text(f"/inspections?site={world.site1}&week=last-week")
    assert "日期无效，显示本周。" in page
    monday = rules.week_start(datetime.now(CST).date())
    assert f"{monday.isoformat()} – " in page
