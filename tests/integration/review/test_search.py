"""Search over records the phones really sent: visitors by name, plate (typed with other
separators), unit and phone tail; patrol findings; follow-ups by a note's text; complaints;
units. Another site's records never show, and the site switcher narrows it."""
import re

import pytest

from app.extensions import db
from app.models import Finding
from app.models import FollowUp
from tests.integration.sync.helpers import check_in


def complaint(phone, site_id, **data):
    body = {"site_id": site_id, "kind": "valid", "description": "楼道漏水严重", "channel": "phone",
            "unit": "1-2-201", "owner_name": "李女士", "owner_phone": "13912345678"}
    body.update(data)
    return phone.mutation("complaint.create", body)


@pytest.fixture()
def records(app, world, phone_for):
    guard1, guard2 = phone_for("guard1"), phone_for("guard2")
    visit = check_in(guard1.outbox, world.site1, visitor_name="王小明", plate="粤B·12345",
                     phone="138 0013 4567", unit="1-1-101", host_name="林先生")
    guard1.push_ok([visit])
    elsewhere = check_in(guard2.outbox, world.site2, visitor_name="王大明", plate="粤B12345",
                         phone="13900004567", unit="1-1-101", host_name="金先生")
    guard2.push_ok([elsewhere])

    manager1 = phone_for("manager1")
    patrol = manager1.mutation("patrol.start", {"site_id": world.site1})
    finding = manager1.mutation("patrol.finding", {
        "patrol_id": patrol["entity_id"], "category": "fire", "severity": "high",
        "description": "消防通道堵塞", "handled_on_spot": False, "action_taken": "已通知业主挪车"})
    manager1.push_ok([patrol, finding])
    with app.app_context():
        followup_id = db.session.get(Finding, finding["entity_id"]).followup_id
        version = db.session.get(FollowUp, followup_id).version
    manager1.push_ok([manager1.mutation("followup.update", {"base_version": version, "note": "已联系消防维保单位"},
                                        entity_id=followup_id)])

    cs1, cs2 = phone_for("cs1"), phone_for("cs2")
    mine = complaint(cs1, world.site1)
    cs1.push_ok([mine])
    cs2.push_ok([complaint(cs2, world.site2, description="金桂苑楼道漏水", owner_name="李女士")])
    return {"visit": visit, "elsewhere": elsewhere, "patrol": patrol, "finding": finding,
            "followup": followup_id, "complaint": mine}


def counts(html: str) -> dict:
    return {kind: int(n) for kind, n in re.findall(
        r'id="group-(\w+)">\s*<h2>[^<]*<span class="chip" data-count="(\d+)"', html)}


@pytest.mark.parametrize("q, kind", [
    ("粤b 12345", "visits"),          # plate typed with a space and lower case
    ("粤B-12345", "visits"),
    ("王小明", "visits"),
    ("林先生", "visits"),             # the host
    ("4567", "visits"),               # last four digits of the visitor's phone
    ("通道堵塞", "findings"),
    ("挪车", "findings"),             # the action taken
    ("消防维保", "followups"),         # a note's text on the follow-up
    ("李女士", "complaints"),
    ("楼道漏水", "complaints"),
    ("1-2-201", "complaints"),
])
def test_each_kind_is_found_and_only_at_the_viewers_site(records, desk_for, q, kind):
    html = desk_for("manager1").text(f"/review/search?q={q}")
    assert counts(html)[kind] == 1, (q, counts(html))
    assert "金桂苑" not in html and "王大明" not in html and "金先生" not in html


def test_links_go_to_each_records_page(records, desk_for):
    desk = desk_for("manager1")
    assert f'href="/gate/visits/{records["visit"]["entity_id"]}"' in desk.text("/review/search?q=王小明")
    assert f'href="/patrols/{records["patrol"]["entity_id"]}"' in desk.text("/review/search?q=通道堵塞")
    assert f'href="/followups/{records["followup"]}"' in desk.text("/review/search?q=消防维保")
    assert f'href="/complaints/{records["complaint"]["entity_id"]}"' in desk.text("/review/search?q=李女士")


def test_a_unit_finds_its_visitors_and_links_to_them(records, desk_for):
    html = desk_for("manager1").text("/review/search?q=1-1-101")
    assert counts(html)["units"] == 1 and counts(html)["visits"] == 1
    assert 'href="/gate/visits?q=1-1-101"' in html


def test_the_phone_is_shown_masked(records, desk_for):
    html = desk_for("manager1").text("/review/search?q=4567")
    assert "138****4567" in html
    assert "0013" not in html


@pytest.mark.parametrize("query, visits", [("", 2), ("&site={site1}", 1), ("&site={site2}", 1)])
def test_the_site_switcher_narrows_a_supervisors_search(records, world, desk_for, query, visits):
    html = desk_for("supervisor1").text("/review/search?q=粤B12345" + query.format(site1=world.site1, site2=world.site2))
    assert counts(html)["visits"] == visits


@pytest.mark.parametrize("q, searched", [("a", False), ("1", False), ("王", True), ("%", False), ("%%", True)])
def test_short_queries_say_so(records, desk_for, q, searched):
    html = desk_for("manager1").text(f"/review/search?q={q.replace('%', '%25')}")
    assert ("请至少输入 2 个字符" not in html) is searched
    assert ('id="group-visits"' in html) is searched


def test_wildcards_are_text(records, desk_for):
    html = desk_for("manager1").text("/review/search?q=%25%25")
    assert sum(counts(html).values()) == 0


def test_only_the_first_ten_are_listed_with_the_full_count(app, world, phone_for, desk_for):
    guard = phone_for("guard1")
    guard.push_ok([check_in(guard.outbox, world.site1, visitor_name=f"张{n}号") for n in range(12)])
    html = desk_for("manager1").text("/review/search?q=张")
    assert counts(html)["visits"] == 12
    assert len(re.findall(r'href="/gate/visits/', html)) == 10
    assert "共 12 条，仅显示前 10 条" in html


def test_the_box_is_on_the_page_and_guards_may_not_search(records, desk_for):
    assert 'name="q"' in desk_for("supervisor1").text("/review/search")
    assert desk_for("guard1").get("/review/search?q=王小明").status_code == 403


def test_a_common_name_is_counted_up_to_a_hundred_and_old_visits_are_left_out(app, world, phone_for, desk_for):
    from datetime import datetime
    from datetime import timedelta
    from datetime import timezone
    guard = phone_for("guard1")
    guard.push_ok([check_in(guard.outbox, world.site1, visitor_name=f"陈{n}号") for n in range(105)])
    old = guard.outbox.mutation("visit.check_in", {"site_id": world.site1, "visitor_name": "陈旧访客",
                                                   "purpose": "visit", "party_size": 1},
                                at=datetime.now(timezone.utc) - timedelta(days=120))
    guard.push_ok([old])
    with desk_for("manager1").get("/review/search?q=陈") as response:
        page = response.get_data(as_text=True)
    assert counts(page)["visits"] == 100 and "100+" in page
    with desk_for("manager1").get("/review/search?q=陈旧") as response:
        assert counts(response.get_data(as_text=True))["visits"] == 0


def test_a_plate_typed_with_separators_finds_plates_only(app, world, phone_for, desk_for):
    guard = phone_for("guard1")
    guard.push_ok([check_in(guard.outbox, world.site1, visitor_name="甲", plate="浙A·67890"),
                   check_in(guard.outbox, world.site1, visitor_name="乙", unit="67890")])
    desk = desk_for("manager1")
    by_plate = desk.text("/review/search?q=6-7890")
    assert counts(by_plate)["visits"] == 1 and "甲" in by_plate
    assert counts(desk.text("/review/search?q=67890"))["visits"] == 2


def test_latin_names_match_in_any_case_on_every_database(app, world, phone_for, desk_for):
    guard = phone_for("guard1")
    guard.push_ok([check_in(guard.outbox, world.site1, visitor_name="Tom Lee", host_name="Ann", unit="B-1203")])
    desk = desk_for("manager1")
    for q in ("tom", "LEE", "b-1203", "aNn"):
        assert counts(desk.text(f"/review/search?q={q}"))["visits"] == 1, q


def test_a_whole_phone_number_finds_its_visitor(records, desk_for):
    html = desk_for("manager1").text("/review/search?q=138-0013-4567")
    assert counts(html)["visits"] == 1 and "王小明" in html


def test_control_characters_in_the_box_are_ignored(records, desk_for):
    desk = desk_for("manager1")
    response = desk.get("/review/search?q=王小%1F明")
    assert response.status_code == 200
    assert counts(response.get_data(as_text=True))["visits"] == 1
    assert sum(counts(desk.text("/review/search?q=%1E%1E")).values()) == 0
