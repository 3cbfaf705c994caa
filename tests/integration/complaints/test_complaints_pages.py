"""Complaints at the desk over HTTP, made through /api/v1/sync as customer service does: every
filter, sort and page of the list, one complaint with its repeat and follow-up, masking and
who may look."""
import re
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from zoneinfo import ZoneInfo

import pytest

from app.extensions import db
from app.models import Complaint
from app.models import FollowUp
from tests.integration.sync.conftest import SyncPhone

LINK = re.compile(r'href="/complaints/([0-9a-f-]{36})"')


def listed(desk, query="") -> list[str]:
    return list(dict.fromkeys(LINK.findall(desk.text("/complaints" + query))))


@pytest.fixture()
def several(app, world, lodge):
    """Complaints of each kind at site 1 (one a repeat, one resolved), and one at site 2."""
    now = datetime.now(timezone.utc)
    made = {
        "valid": lodge(description="电梯停运两天", at=now - timedelta(hours=5)),
        "assisted": lodge(kind="assisted", description="开发商遗留渗水", unit="1-2-201", owner_name="张先生",
                          at=now - timedelta(hours=4)),
        "invalid": lodge(kind="invalid", description="要求免物业费", channel="in_person", at=now - timedelta(hours=3)),
        "collective": lodge(kind="collective", households=12, description="小区停水", channel="written",
                            at=now - timedelta(hours=2)),
    }
    made["repeat"] = lodge(description="电梯又停了", repeat_of=made["valid"], at=now - timedelta(hours=1))
    made["site2"] = lodge("cs2", world.site2, description="金桂苑的事")
    with app.app_context():
        followup = db.session.get(FollowUp, db.session.get(Complaint, made["assisted"]).followup_id)
        followup.status, followup.resolved_at = "resolved", now
        db.session.commit()
    return made


def test_the_list_shows_each_complaint_masked(several, desk_for):
    body = desk_for("manager1").text("/complaints")
    assert set(LINK.findall(body)) == {several[k] for k in ("valid", "assisted", "invalid", "collective", "repeat")}
    assert "139****5678" in body and "13912345678" not in body
    for label in ("有效投诉", "协助处理投诉", "无效投诉", "集体投诉", "重复投诉", "来电", "来访", "书面"):
        assert label in body, label
    row = body[body.index(f'href="/complaints/{several["collective"]}"'):]
    row = row[:row.index("</tr>")]
    assert ">12<" in row and "待处理" in row and "客服主管1" not in row


@pytest.mark.parametrize("query, expected", [
    ("category=valid", {"valid", "repeat"}),
    ("category=assisted", {"assisted"}),
    ("category=invalid", {"invalid"}),
    ("category=collective", {"collective"}),
    ("status=open", {"valid", "invalid", "collective", "repeat"}),
    ("status=resolved", {"assisted"}),
    ("status=closed", set()),
    ("q=电梯", {"valid", "repeat"}),
    ("q=1-2-201", {"assisted"}),
    ("q=张先生", {"assisted"}),
    ("q=100%25", set()),
    ("person=cs1", {"valid", "assisted", "invalid", "collective", "repeat"}),
    ("person=manager1", set()),
])
def test_filters(several, world, desk_for, query, expected):
    key, value = query.split("=")
    if key == "person":
        value = world.users[value]
    assert set(listed(desk_for("manager1"), f"?site={world.site1}&{key}={value}")) == {several[k] for k in expected}


def test_a_collective_by_households_is_found_as_collective(world, lodge, desk_for):
    ident = lodge(kind="valid", households=6)
    assert listed(desk_for("manager1"), "?category=collective") == [ident]
    assert "集体" in desk_for("manager1").text("/complaints")


def test_unknown_values_are_said(several, desk_for):
    body = desk_for("manager1").text("/complaints?category=angry&status=bogus&sort=nope")
    assert "类别无效，此筛选条件未生效。" in body
    assert "状态无效，此筛选条件未生效。" in body
    assert "此列表不支持该排序方式，已按默认顺序显示。" in body
    assert len(set(LINK.findall(body))) == 5


def test_thirty_days_by_default_and_dates(world, lodge, desk_for):
    now = datetime.now(timezone.utc)
    old = lodge(description="很久以前", at=now - timedelta(days=40))
    recent = lodge(description="最近")
    desk = desk_for("manager1")
    assert listed(desk) == [recent]
    day = (now - timedelta(days=40)).astimezone(ZoneInfo("Asia/Shanghai")).date()
    assert listed(desk, f"?from={day}&to={day}") == [old]


def test_sites(several, world, desk_for):
    assert several["site2"] not in listed(desk_for("manager1"))
    supervisor = desk_for("supervisor1")
    assert len(listed(supervisor, "?site=")) == 6
    assert listed(supervisor, f"?site={world.site2}") == [several["site2"]]


@pytest.mark.parametrize("sort, first, last", [
    ("-lodged", "repeat", "valid"),
    ("lodged", "valid", "repeat"),
    ("-households", "collective", None),
    ("status", None, "assisted"),
    ("-status", "assisted", None),
    ("kind", "assisted", None),
    ("-kind", None, "assisted"),
])
def test_sorting(several, world, desk_for, sort, first, last):
    shown = listed(desk_for("manager1"), f"?site={world.site1}&sort={sort}")
    assert len(shown) == 5
    if first:
        assert shown[0] == several[first]
    if last:
        assert shown[-1] == several[last]


def test_sorting_by_due_puts_the_earliest_clock_first(several, world, desk_for):
    shown = listed(desk_for("manager1"), f"?site={world.site1}&sort=due")
    # Due: valid -3 h, assisted -2 h, invalid and collective -1 h (2 h and 1 h clocks), repeat +1 h.
    assert shown[0] == several["valid"] and shown[1] == several["assisted"] and shown[-1] == several["repeat"]
    assert listed(desk_for("manager1"), f"?site={world.site1}&sort=-due")[0] == several["repeat"]


def test_pages_of_fifty(world, client, desk_for):
    phone = SyncPhone(client, "cs1")
    base = datetime.now(timezone.utc) - timedelta(hours=3)
    mutations = [phone.mutation("complaint.create", {
        "site_id": world.site1, "kind": "valid", "description": f"第{n}件", "channel": "phone"},
        at=base + timedelta(seconds=n)) for n in range(53)]
    assert phone.push(mutations).status_code == 200
    desk = desk_for("manager1")
    first, second = listed(desk), listed(desk, "?page=2")
    assert len(first) == 50 and len(second) == 3 and not set(first) & set(second)
    assert "共 53 条，第 2/2 页" in desk.text("/complaints?page=2")


def test_overdue_follow_ups_are_marked(app, world, lodge, desk_for):
    late = lodge(at=datetime.now(timezone.utc) - timedelta(hours=5))
    fresh = lodge()
    body = desk_for("manager1").text("/complaints")
    row = body[body.index(f'href="/complaints/{late}"'):]
    assert "已超时" in row[:row.index("</tr>")]
    row = body[body.index(f'href="/complaints/{fresh}"'):]
    assert "已超时" not in row[:row.index("</tr>")]


def test_a_complaint_page(app, several, world, desk_for):
    desk = desk_for("supervisor1")
    body = desk.text(f"/complaints/{several['repeat']}")
    assert "电梯又停了" in body and "139****5678" in body and "13912345678" not in body
    assert f'href="/complaints/{several["valid"]}"' in body and "电梯停运两天" in body
    with app.app_context():
        followup_id = db.session.get(Complaint, several["repeat"]).followup_id
    assert f'href="/followups/{followup_id}"' in body
    assert "重复投诉：由客户服务主管复查之前的处理情况。" in body
    earlier = desk.text(f"/complaints/{several['valid']}")
    assert f'href="/complaints/{several["repeat"]}"' in earlier
    collective = desk.text(f"/complaints/{several['collective']}")
    assert "集体投诉：12 户" in collective and "特别事件报告" in collective and "经理1" not in collective


def test_photos_are_shown(world, lodge, desk_for):
    photo = "0b9e6a5c-1111-4a3b-9c1d-2e3f4a5b6c7d"
    ident = lodge(photo_ids=[photo])
    body = desk_for("manager1").text(f"/complaints/{ident}")
    assert f"/api/v1/photos/{photo}" in body


def test_another_sites_complaint_is_not_found(several, desk_for):
    assert desk_for("manager2").get(f"/complaints/{several['valid']}").status_code == 404
    assert desk_for("manager1").get(f"/complaints/{several['site2']}").status_code == 404
    assert desk_for("manager1").get("/complaints/not-an-id").status_code == 404


@pytest.mark.parametrize("username, status", [
    ("guard1", 403), ("cs1", 200), ("clerk1", 200), ("store1", 403), ("lead1", 403),
    ("manager1", 200), ("supervisor1", 200), ("admin1", 200),
])
def test_who_may_look(several, desk_for, username, status):
    desk = desk_for(username)
    assert desk.get("/complaints").status_code == status
    assert desk.get(f"/complaints/{several['valid']}").status_code == status


def test_nav(world, desk_for):
    assert 'href="/complaints"' in desk_for("manager1").text("/stock/checks")
