"""The visits list and one visit's page, over HTTP, with visits that came through /api/v1/sync."""
import re
from datetime import timedelta

import pytest

from app.extensions import db
from app.models import FollowUp
from app.models import Incident
from app.models.gate import WatchEntry
from tests.integration.gate.conftest import ID_NUMBER
from tests.integration.gate.conftest import PHONE
from tests.integration.gate.conftest import SHANGHAI
from tests.integration.gate.conftest import hhmm
from tests.integration.gate.conftest import local_day
from tests.integration.gate.conftest import now
from tests.integration.sync.helpers import uid

WATCH_PHONE = "13900001111"


def names(body: str) -> list[str]:
    """Visitor names in the list's order (each row links its visitor's page)."""
    return re.findall(r'href="/gate/visits/[0-9a-f-]{36}"><strong>([^<]+)</strong>', body)


@pytest.fixture()
def scene(app, gate, world):
    """Five visits at site 1 over three days and one at site 2.

    Anna inside 10 min; Bob 60 min, out (by another guard); Carl inside since two days
    ago (overdue); Dora inside 30 min, flagged; Eve 45 min, out, on the watch list by phone.
    """
    t = now()
    divisor = pressed(t)

    def ago(minutes):
        return timedelta(minutes=minutes / divisor)

    with app.app_context():
        db.session.add(WatchEntry(site_id=world.site1, name="钱七", phone="+86 139 0000 1111", reason="多次尾随"))
        db.session.commit()
    ids = {
        "Anna": gate.check_in(at=t - ago(10), visitor_name="Anna", purpose="visit", unit="1-1-101",
                              host_name="陈建国", plate="粤B·12345", phone=PHONE, id_number=ID_NUMBER),
        "Bob": gate.check_in(by=gate.other, at=t - ago(70), visitor_name="Bob", purpose="delivery"),
        "Carl": gate.check_in(at=t - timedelta(days=2), visitor_name="Carl", purpose="contractor", unit="2-1-301"),
        "Dora": gate.check_in(at=t - ago(30), visitor_name="Dora", purpose="decoration"),
        "Eve": gate.check_in(at=t - ago(50), visitor_name="Eve", purpose="housekeeping",
                             phone="139-0000-1111"),
        "Finn": gate.check_in(by=gate.guard2, site=world.site2, at=t - ago(5), visitor_name="Finn"),
    }
    gate.check_out(ids["Bob"], at=t - ago(10))
    gate.check_out(ids["Eve"], at=t - ago(5))
    gate.flag(ids["Dora"])
    return Visits(ids, divisor=divisor)


class Visits(dict):
    """The scene's visits by name, and how much their minutes were pressed (``pressed``)."""

    def __init__(self, ids, divisor):
        super().__init__(ids)
        self.divisor = divisor

    def stay(self, minutes: int) -> str:
        """How a stay of ``minutes`` (before pressing) is shown."""
        shown = minutes // self.divisor
        return f"{shown // 60} 小时 {shown % 60} 分" if shown >= 60 else f"{shown} 分钟"


def pressed(t) -> int:
    """Today's visits must fall within today's gate day whatever the hour the tests run.
    Late at night (past the 23:00 gate day end, or just after midnight) less time than the
    70 minutes they span has passed in it: their minutes are then divided by 2, 5 or 10."""
    local = t.astimezone(SHANGHAI)
    start = local.replace(hour=23 if local.hour >= 23 else 0, minute=0, second=0, microsecond=0)
    passed = (t - start) / timedelta(minutes=1)
    return next((d for d in (1, 2, 5) if 80 / d + 1 <= passed), 10)


def row(body: str, name: str) -> str:
    """The table row of one visitor."""
    rows = [r for r in re.findall(r"<tr[ >].*?</tr>", body, re.S) if f"<strong>{name}</strong>" in r]
    assert len(rows) == 1, (name, len(rows))
    return rows[0]


def days(back=3) -> str:
    """A query string for the last ``back`` days up to today (site time)."""
    return f"from={local_day(now() - timedelta(days=back))}&to={local_day(now())}"


@pytest.mark.parametrize("query, expected", [
    ("", {"Anna", "Bob", "Carl", "Dora", "Eve"}),
    ("status=inside", {"Anna", "Carl", "Dora"}),
    ("status=out", {"Bob", "Eve"}),
    ("status=overdue", {"Carl"}),
    ("status=flagged", {"Dora"}),
    ("status=watch", {"Eve"}),
    ("category=delivery", {"Bob"}),
    ("category=decoration", {"Dora"}),
    ("person={lead1}", {"Bob"}),
    ("person={guard1}", {"Anna", "Carl", "Dora", "Eve"}),
    ("q=ann", {"Anna"}),
    ("q=%E7%B2%A4b%C2%B712345", {"Anna"}),  # 粤b·12345: a plate as typed, matched as normalised
    ("q=1-1-10", {"Anna"}),
    ("q=%E9%99%88%E5%BB%BA", {"Anna"}),  # 陈建: part of the host's name
    ("q=nobody", set()),
    # manager1 has only site 1: site 2 is ignored (and said so), Finn stays away
    ("site={site2}", {"Anna", "Bob", "Carl", "Dora", "Eve"}),
])
def test_each_filter(scene, desk_for, world, query, expected):
    desk = desk_for("manager1")
    query = query.format(lead1=world.users["lead1"], guard1=world.users["guard1"], site2=world.site2)
    body = desk.text(f"/gate/visits?{days()}&{query}")
    assert set(names(body)) == expected
    assert "Finn" not in body
    if "site=" in query:
        assert "该小区不在您的管辖范围内" in body


def test_supervisor_of_both_sites_sees_both_and_can_choose_one(scene, desk_for, world):
    desk = desk_for("supervisor1")
    assert set(names(desk.text(f"/gate/visits?{days()}&site="))) == {"Anna", "Bob", "Carl", "Dora", "Eve", "Finn"}
    assert set(names(desk.text(f"/gate/visits?{days()}&site={world.site2}"))) == {"Finn"}


def test_inside_now_and_overdue_ignore_the_dates(scene, desk_for):
    desk = desk_for("manager1")
    today = f"from={local_day(now())}&to={local_day(now())}"
    plain = desk.text(f"/gate/visits?{today}")
    assert "Carl" not in names(plain)
    assert "1 位在所示首日之前进入的访客仍在场" in plain  # and a link to all inside now
    assert set(names(desk.text(f"/gate/visits?{today}&status=inside"))) == {"Anna", "Carl", "Dora"}
    assert names(desk.text(f"/gate/visits?{today}&status=overdue")) == ["Carl"]
    old = f"from={local_day(now() - timedelta(days=30))}&to={local_day(now() - timedelta(days=20))}"
    assert names(desk.text(f"/gate/visits?{old}&status=inside")) != []
    assert names(desk.text(f"/gate/visits?{old}")) == []


def test_the_default_is_today(app, gate, desk_for):
    gate.check_in(visitor_name="Today")
    gate.check_out(gate.check_in(at=now() - timedelta(days=3), visitor_name="Earlier"))
    body = desk_for("manager1").text("/gate/visits")
    assert names(body) == ["Today"]
    assert f'value="{local_day(now())}"' in body


def test_overdue_after_the_gate_day_end(app, gate, desk_for, world, settings):
    """Past the site's gate-day end counts even when the stay is shorter than the longest allowed."""
    settings(world.site1, gate_day_end=hhmm(now() - timedelta(minutes=20)), visit_max_minutes=100000)
    gate.check_in(at=now() - timedelta(minutes=60), visitor_name="Late")
    gate.check_in(at=now() - timedelta(minutes=5), visitor_name="Fresh")
    desk = desk_for("manager1")
    assert names(desk.text(f"/gate/visits?{days()}&status=overdue")) == ["Late"]
    body = desk.text(f"/gate/visits?{days()}&status=inside&sort=visitor")
    late = row(body, "Late")
    assert "已在场 1 小时 0 分" in late or "已在场 1 小时 1 分" in late
    assert 'class="nw late"' in late and "超时未离" in late
    fresh = row(body, "Fresh")
    assert "已在场 5 分钟" in fresh and "超时未离" not in fresh and "late" not in fresh


def test_longer_than_allowed_is_red_also_after_leaving(gate, desk_for, world, settings):
    settings(world.site1, visit_max_minutes=30)
    visit = gate.check_in(at=now() - timedelta(minutes=50), visitor_name="Slow")
    gate.check_out(visit, at=now() - timedelta(minutes=5))
    slow = row(desk_for("manager1").text(f"/gate/visits?{days()}"), "Slow")
    assert "45 分钟" in slow and "停留过久" in slow and "late" in slow


@pytest.mark.parametrize("sort, expected", [
    ("-in", ["Anna", "Dora", "Eve", "Bob", "Carl"]),
    ("in", ["Carl", "Bob", "Eve", "Dora", "Anna"]),
    ("stay", ["Anna", "Dora", "Eve", "Bob", "Carl"]),
    ("-stay", ["Carl", "Bob", "Eve", "Dora", "Anna"]),
    ("visitor", ["Anna", "Bob", "Carl", "Dora", "Eve"]),
    ("-visitor", ["Eve", "Dora", "Carl", "Bob", "Anna"]),
])
def test_sorting(scene, desk_for, sort, expected):
    assert names(desk_for("manager1").text(f"/gate/visits?{days()}&sort={sort}")) == expected


@pytest.mark.parametrize("sort, first, last", [
    ("out", ["Bob", "Eve"], {"Anna", "Carl", "Dora"}),  # who left first; those inside last
    ("-out", {"Anna", "Carl", "Dora"}, ["Eve", "Bob"]),
])
def test_sorting_by_check_out_puts_those_inside_together(scene, desk_for, sort, first, last):
    order = names(desk_for("manager1").text(f"/gate/visits?{days()}&sort={sort}"))
    head, tail = (order[:2], set(order[2:])) if isinstance(first, list) else (set(order[:3]), order[3:])
    assert (head, tail) == (first, last)


def test_pages_of_fifty_without_overlap(app, gate, desk_for, world):
    t = now()
    mutations = [gate.guard.mutation("visit.check_in", {"site_id": world.site1, "visitor_name": f"V{n:03d}",
                                                         "purpose": "visit", "party_size": 1},
                                     at=t - timedelta(seconds=n)) for n in range(52)]
    response = gate.guard.push(mutations)
    assert {r["status"] for r in response.json["results"]} == {"applied"}
    desk = desk_for("manager1")
    first = names(desk.text(f"/gate/visits?{days()}&sort=visitor"))
    second_body = desk.text(f"/gate/visits?{days()}&sort=visitor&page=2")
    second = names(second_body)
    assert len(first) == 50 and len(second) == 2
    assert first + second == [f"V{n:03d}" for n in range(52)]
    assert "共 52 条，第 2/2 页" in second_body
    assert names(desk.text(f"/gate/visits?{days()}&sort=visitor&page=9")) == []


@pytest.mark.parametrize("query, message", [
    ("status=lost", "状态无效"),
    ("sort=phone", "此列表不支持该排序方式"),
    ("category=party", "类别无效"),
    ("from=2026-13-01", "不是有效日期"),
])
def test_bad_filters_are_said_and_ignored(scene, desk_for, query, message):
    response = desk_for("manager1").get(f"/gate/visits?{query}")
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize("username, status", [("guard1", 403), ("lead1", 403), ("cs1", 403), ("repair1", 403)])
def test_people_without_review_get_403(scene, desk_for, username, status):
    desk = desk_for(username)
    for path in ("/gate/visits", f"/gate/visits/{scene['Anna']}", "/gate/lists"):
        assert desk.get(path).status_code == status, path


def test_a_manager_of_site_2_gets_404_for_a_visit_of_site_1(scene, desk_for):
    desk = desk_for("manager2")
    assert desk.get(f"/gate/visits/{scene['Anna']}").status_code == 404
    assert desk.get(f"/gate/visits/{scene['Finn']}").status_code == 200
    assert desk.get(f"/gate/visits/{uid()}").status_code == 404


def test_signed_out_goes_to_sign_in(scene, client):
    response = client.get(f"/gate/visits/{scene['Anna']}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_list_shows_each_column(scene, desk_for):
    body = desk_for("manager1").text(f"/gate/visits?{days()}&sort=visitor")
    anna = row(body, "Anna")
    for text in ("探亲访友", "1-1-101", "陈建国", "粤B·12345", "138****5678", "110101********1234", "guard1", "仍在场",
                 f"已在场 {scene.stay(10)}"):
        assert text in anna, text
    assert "可疑" not in anna and "关注名单" not in anna
    bob = row(body, "Bob")
    assert "快递外卖" in bob and "离开：lead1" in bob and scene.stay(60) in bob and "仍在场" not in bob
    dora = row(body, "Dora")
    assert "可疑人员" in dora and f"已在场 {scene.stay(30)}" in dora and "装修" in dora
    eve = row(body, "Eve")
    assert "关注名单" in eve and "离开：lead1" in eve and "家政" in eve and "139****1111" in eve
    assert PHONE not in body and ID_NUMBER not in body and WATCH_PHONE not in body


def test_the_visit_page_has_every_fact(app, client, gate, desk_for, world):
    """Phone time vs corrected time (a phone 10 minutes slow), arrival, clock flag, both guards,
    the incident with its photo and follow-up, and the watch entry it matched, masked."""
    with app.app_context():
        db.session.add(WatchEntry(site_id=world.site1, name="赵六", phone="13900001111", id_number="110101199001061234",
                                  plate="粤B66666", reason="多次尾随"))
        db.session.commit()
    t = now()
    phone = gate.guard
    mutation = phone.mutation("visit.check_in", {"site_id": world.site1, "visitor_name": "赵六", "purpose": "other",
                                                 "party_size": 3, "phone": PHONE, "id_number": ID_NUMBER,
                                                 "plate": "粤B66666", "note": "说是来收账"},
                              at=t - timedelta(minutes=40))
    response = phone.post("/api/v1/sync", json=phone.outbox.request([mutation], client_time=t - timedelta(minutes=10)))
    assert response.json["results"][0]["status"] == "applied"
    visit_id = mutation["entity_id"]
    gate.check_out(visit_id)
    photo = uid()
    incident = gate.flag(visit_id, description="拒绝出示证件", photo_ids=[photo])
    with app.app_context():
        followup_id = db.session.get(Incident, incident).followup_id
        assert db.session.get(FollowUp, followup_id) is not None
    body = desk_for("supervisor1").text(f"/gate/visits/{visit_id}")
    for text in ("赵六", "其他", "3 人", "说是来收账", "138****5678", "110101********1234", "139****1111",
                 "110101********1234", "多次尾随", "拒绝出示证件", f"/followups/{followup_id}",
                 f"/api/v1/photos/{photo}", "guard1", "lead1", "与登记进入的不是同一人",
                 "手机时钟偏差超过 5 分钟", "+10 分", "已离开"):
        assert text in body, text
    corrected = (t - timedelta(minutes=30)).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    phone_said = (t - timedelta(minutes=40)).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    assert corrected in body and phone_said in body
    # Name and plate match as the desk compares them; the plate was also the server's match on arrival.
    assert '<span class="chip">姓名</span><span class="chip">车牌</span><div class="muted small">登记同步时由服务器比对发现，' in body
    assert PHONE not in body and ID_NUMBER not in body
    assert "13900001111" not in body and "110101199001061234" not in body


def test_a_visit_without_incident_or_match_says_so(gate, desk_for):
    visit = gate.check_in(visitor_name="平常人")
    body = desk_for("manager1").text(f"/gate/visits/{visit}")
    assert "没有人报告过此访客" in body and "不在本小区关注名单上" in body and "尚未登记离开" in body


@pytest.mark.parametrize("username, shown", [("manager1", True), ("supervisor1", True), ("admin1", True),
                                             ("cs1", False)])
def test_nav_has_visitors_for_reviewers_only(world, desk_for, username, shown):
    response = desk_for(username).get("/", follow_redirects=True)
    assert response.status_code == 200
    assert ('href="/gate/visits"' in response.get_data(as_text=True)) is shown


def test_the_visit_page_names_the_document_the_guard_chose(gate, desk_for):
    shown = gate.check_in(visitor_name="Chen", id_kind="resident", id_number=ID_NUMBER)
    none = gate.check_in(visitor_name="Dora", id_kind="none")
    older = gate.check_in(visitor_name="Eve", id_number=ID_NUMBER)
    desk = desk_for("manager1")
    assert "居民身份证" in desk.text(f"/gate/visits/{shown}")
    assert "无证件" in desk.text(f"/gate/visits/{none}")
    page = desk.text(f"/gate/visits/{older}")
    assert not any(word in page for word in ("居民身份证", "其他证件", "无证件"))
