"""Patrol plans over HTTP: the plans page, and the plan form that validates and saves.

A bad plan answers 422 with a translated message and changes nothing; only managers of
the route's site, supervisors and admins may change one.
"""
import pytest

from app.extensions import db
from app.models import Route
from tests.integration.patrols.conftest import Stop
from tests.integration.patrols.conftest import ago

NIGHT = {"window_start": "21:00", "window_end": "05:00", "repeat_minutes": "120", "walker_role": "guard"}


def plan_of(app, route_id) -> tuple:
    with app.app_context():
        r = db.session.get(Route, route_id)
        return r.window_start, r.window_end, r.repeat_minutes, r.walker_role, list(r.walker_ids or []), r.version


def test_the_plans_page_lists_each_sites_routes_with_their_schedule(desk_for, world):
    text = desk_for("supervisor1").text("/patrols/plans?site=")
    assert "翠湖花园路线" in text and "金桂苑路线" in text
    assert "08:40–11:30" in text and "时段内一轮" in text
    assert f'href="/patrols/plans/{world.route1}"' in text


def test_a_manager_sees_the_plans_of_his_site_only(desk_for, world):
    text = desk_for("manager2").text(f"/patrols/plans?site={world.site1}")
    assert "金桂苑路线" in text and "翠湖花园" not in text


def test_a_saved_plan_shows_its_slots_walkers_and_todays_rounds(app, desk_for, world, phone):
    desk = desk_for("manager1")
    response = desk.post(f"/patrols/plans/{world.route1}", {**NIGHT, "window_start": "00:00", "window_end": "23:45",
                                                            "walker_ids": [world.users["guard1"]]})
    assert response.status_code == 302 and "/patrols/plans" in response.headers["Location"]
    assert plan_of(app, world.route1)[:5] == ("00:00", "23:45", 120, "guard", [world.users["guard1"]])
    phone("guard1").walk(world.site1, ago(minutes=5), world.route1, stops=[Stop(world.checkpoints1[0], 1)])
    text = desk.text("/patrols/plans")
    assert "每 120 分钟" in text
    row = text[text.index("<td>翠湖花园路线"):]
    row = row[:row.index("</tr>")]
    assert '<td class="num">12</td>' in row                       # 00:00 to 23:45 every 2 hours
    assert '<span class="chip">guard1</span>' in row
    assert "已巡 1 / 应巡 12" in row and 'class="slot done"' in row


def test_a_night_plan_over_midnight(app, desk_for, world):
    desk = desk_for("supervisor1")
    assert desk.post(f"/patrols/plans/{world.route1}", NIGHT).status_code == 302
    assert plan_of(app, world.route1)[:5] == ("21:00", "05:00", 120, "guard", [])
    form = desk.text(f"/patrols/plans/{world.route1}")
    assert "该时段跨过午夜：21:00 开始，次日 05:00 结束。" in form
    text = desk.text("/patrols/plans")
    assert "21:00–05:00" in text and "（至次日）" in text and "本小区任一保安" in text


def test_emptying_the_plan_makes_a_route_walked_any_time(app, desk_for, world):
    desk = desk_for("admin1")
    response = desk.post(f"/patrols/plans/{world.route1}", {"window_start": "", "window_end": "",
                                                            "repeat_minutes": "", "walker_role": "manager"})
    assert response.status_code == 302
    assert plan_of(app, world.route1)[:5] == (None, None, None, "manager", [])


@pytest.mark.parametrize("change, field, message", [
    ({"window_start": "25:00"}, "window_start", "请按 时:分 填写时间"),
    ({"window_end": "5:00"}, "window_end", "请按 时:分 填写时间"),
    ({"window_end": ""}, "window_end", "时段的开始和结束须同时填写或同时留空。"),
    ({"window_end": "21:00"}, "window_end", "时段的结束时间不能与开始时间相同。"),
    ({"repeat_minutes": "10"}, "repeat_minutes", "请填写 15 到 720 之间的整数分钟，或留空。"),
    ({"repeat_minutes": "721"}, "repeat_minutes", "请填写 15 到 720 之间的整数分钟，或留空。"),
    ({"repeat_minutes": "abc"}, "repeat_minutes", "请填写 15 到 720 之间的整数分钟，或留空。"),
    ({"repeat_minutes": "60.5"}, "repeat_minutes", "请填写 15 到 720 之间的整数分钟，或留空。"),
    ({"window_start": "", "window_end": ""}, "repeat_minutes", "重复巡视需要先设定巡视时段。"),
    ({"walker_role": "cleaner"}, "walker_role", "请选择保安或经理。"),
    ({"walker_ids": ["{guard2}"]}, "walker_ids", "请选择本小区负责巡视的人员"),     # another site's guard
    ({"walker_ids": ["{guard1}", "{clean1}"]}, "walker_ids", "请选择本小区负责巡视的人员"),  # not a walker
    ({"walker_ids": ["nobody"]}, "walker_ids", "请选择本小区负责巡视的人员"),
])
def test_a_bad_plan_is_refused_and_changes_nothing(app, desk_for, world, change, field, message):
    before = plan_of(app, world.route1)
    users = world.users
    data = {**NIGHT, **{k: [v.format(**users) for v in value] if isinstance(value, list) else value
                        for k, value in change.items()}}
    with desk_for("manager1").post(f"/patrols/plans/{world.route1}", data) as response:
        text = response.get_data(as_text=True)
        assert response.status_code == 422
    assert message in text
    assert f'id="{field}"' in text or f'name="{field}"' in text
    assert "请修改下面标出的内容。" in text
    assert plan_of(app, world.route1) == before


def test_a_missing_csrf_token_changes_nothing(app, client, auth, world):
    before = plan_of(app, world.route1)
    auth.login("manager1")
    response = client.post(f"/patrols/plans/{world.route1}", data=NIGHT)
    assert response.status_code in (400, 422)
    assert plan_of(app, world.route1) == before


@pytest.mark.parametrize("username, status", [("manager2", 404), ("guard1", 403), ("lead1", 403), ("cs1", 403)])
def test_who_may_not_change_a_plan(app, desk_for, world, username, status):
    before = plan_of(app, world.route1)
    desk = desk_for(username)
    with desk.post(f"/patrols/plans/{world.route1}", NIGHT) as response:
        assert response.status_code == status
    with desk.get(f"/patrols/plans/{world.route1}") as response:
        assert response.status_code == status
    assert plan_of(app, world.route1) == before


@pytest.mark.parametrize("username", ["manager1", "supervisor1", "admin1"])
def test_who_may_change_a_plan(app, desk_for, world, username):
    assert desk_for(username).post(f"/patrols/plans/{world.route1}", NIGHT).status_code == 302
    assert plan_of(app, world.route1)[:3] == ("21:00", "05:00", 120)


def test_guards_may_not_see_the_plans(client, auth, world):
    auth.login("guard1")
    assert client.get("/patrols/plans").status_code == 403


def test_at_two_in_the_morning_the_plans_page_shows_the_night_still_running(app, world, desk_for, phone):
    """Today's rounds of a night plan, read at 02:00: the window that opened last evening."""
    from datetime import timedelta

    from app.models import Site
    from app.patrols.plans import overview
    from tests.integration.followups.conftest import local
    from tests.integration.followups.conftest import today

    night = today() - timedelta(days=2)
    assert desk_for("manager1").post(f"/patrols/plans/{world.route1}", NIGHT).status_code == 302
    phone("guard1").walk(world.site1, local(night, 21, 5), world.route1, end_minutes=20)
    phone("guard1").walk(world.site1, local(night + timedelta(days=1), 1, 30), world.route1, end_minutes=20)
    with app.app_context():
        (block,) = overview([db.session.get(Site, world.site1)], now=local(night + timedelta(days=1), 2))
        (plan,) = [p for p in block.plans if p.route.id == world.route1]
        assert block.today == night + timedelta(days=1) and plan.day == night
        assert [(s.slot.label, s.state) for s in plan.today] == [
            ("21:00", "done"), ("23:00", "missed"), ("01:00", "done"), ("03:00", "later")]
        (block,) = overview([db.session.get(Site, world.site1)], now=local(night + timedelta(days=1), 7))
        (plan,) = [p for p in block.plans if p.route.id == world.route1]
        assert plan.day == night + timedelta(days=1) and {s.state for s in plan.today} == {"later"}
