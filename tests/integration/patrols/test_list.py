"""``GET /patrols``: every round of the user's sites, filtered, sorted and paged over HTTP.

The rounds are pushed through /api/v1/sync as phones push them:

====  ==========  =======  ======  ============  ================================
name  who         site     route   started       what happened
====  ==========  =======  ======  ============  ================================
A     guard1      翠湖花园  route1  3 hours ago   2 of 3 stops, 1 open finding
B     manager1    翠湖花园  route1  1 day ago     3 of 3 stops, 1 finding handled
C     guard1      翠湖花园  (free)  30 min ago    not ended
D     guard2      金桂苑    route2  2 hours ago   3 of 3 stops
E     manager1    翠湖花园  route1  10 days ago   3 of 3 stops (outside 7 days)
====  ==========  =======  ======  ============  ================================
"""
import re
from datetime import timedelta

import pytest

from tests.integration.patrols.conftest import Stop
from tests.integration.patrols.conftest import ago

ROW = re.compile(r'<tr data-patrol="([^"]+)">(.*?)</tr>', re.S)


@pytest.fixture()
def rounds(world, phone):
    g1, g2, m1 = phone("guard1"), phone("guard2"), phone("manager1")
    cps1, cps2 = world.checkpoints1, world.checkpoints2
    every1 = [Stop(cp, 3 * (i + 1)) for i, cp in enumerate(cps1)]
    return {
        "A": g1.walk(world.site1, ago(hours=3), world.route1, stops=every1[:2],
                     findings=[{"severity": "high"}], end_minutes=20),
        "B": m1.walk(world.site1, ago(days=1), world.route1, stops=every1,
                     findings=[{"handled_on_spot": True, "action_taken": "已清理"}], end_minutes=15),
        "C": g1.walk(world.site1, ago(minutes=30)),
        "D": g2.walk(world.site2, ago(hours=2), world.route2, stops=[Stop(cp, 2) for cp in cps2], end_minutes=12),
        "E": m1.walk(world.site1, ago(days=10), world.route1, stops=every1, end_minutes=15),
    }


def rows(desk, query="") -> list[tuple[str, str]]:
    with desk.get("/patrols" + query) as response:
        assert response.status_code == 200, response.status_code
        return ROW.findall(response.get_data(as_text=True))


def names(found, rounds) -> list[str]:
    by_id = {v: k for k, v in rounds.items()}
    return [by_id[ident] for ident, _ in found]


def test_a_row_per_round_with_its_counts(desk_for, rounds, world):
    cells = dict(rows(desk_for("supervisor1"), "?site="))
    a, b, c, d = (cells[rounds[k]] for k in "ABCD")
    assert "2 / 3" in a and 'class="status bad">1<' in a          # one stop missed
    assert "1 个未完成" in a                                       # its finding's follow-up is open
    assert "20 分钟" in a                                          # duration
    assert "3 / 3" in b and 'class="status ok">0<' in b and "未完成" not in b
    assert "进行中" in c and "自由巡视" in c                        # a free round, not ended
    assert "金桂苑" in d and "guard2" in d
    assert f'href="/patrols/{rounds["A"]}"' in a                   # each row opens the round


def test_the_nav_has_patrols_for_reviewers(desk_for, rounds):
    assert 'href="/patrols"' in desk_for("manager1").text("/patrols")


@pytest.mark.parametrize("query, expected", [
    ("", "ABCD"),                                   # the last 7 days of all my sites
    ("?status=open", "C"),
    ("?status=complete", "BD"),
    ("?status=missed", "A"),
    ("?person={guard1}", "AC"),
    ("?route={route1}", "AB"),
    ("?route={route2}", "D"),
    ("?site={site2}", "D"),
    ("?site={site1}&status=complete", "B"),
    ("?from={d12}", "ABCDE"),
    ("?from={d12}&to={d2}", "E"),
    ("?from={d12}&route={route1}&status=complete", "BE"),
])
def test_filters(desk_for, rounds, world, query, expected):
    from datetime import date
    values = dict(site1=world.site1, site2=world.site2, route1=world.route1, route2=world.route2,
                  guard1=world.users["guard1"], d12=(date.today() - timedelta(days=12)).isoformat(),
                  d2=(date.today() - timedelta(days=2)).isoformat())
    desk = desk_for("supervisor1")
    desk.get("/patrols?site=")  # forget a remembered site
    assert sorted(names(rows(desk, query.format(**values)), rounds)) == list(expected)


@pytest.mark.parametrize("query", ["?route=not-a-route", "?route={route_other}"])
def test_a_route_that_is_not_mine_is_left_out_and_said_so(desk_for, rounds, world, query):
    desk = desk_for("manager1")
    text = desk.text("/patrols" + query.format(route_other=world.route2))
    assert "该路线不在您的小区，此筛选条件未生效。" in text
    assert sorted(names(ROW.findall(text), rounds)) == ["A", "B", "C"]


def test_a_manager_sees_only_his_own_site(desk_for, rounds, world):
    assert sorted(names(rows(desk_for("manager2"), f"?site={world.site1}"), rounds)) == ["D"]


PEOPLE = {"A": "guard1", "B": "manager1", "C": "guard1", "D": "guard2"}
MISSED = {"A": 1, "B": 0, "C": 0, "D": 0}
FINDINGS = {"A": 1, "B": 1, "C": 0, "D": 0}


@pytest.mark.parametrize("sort, key, descending", [
    ("", "start", True),
    ("-start", "start", True),
    ("start", "start", False),
    ("person", PEOPLE, False),
    ("-person", PEOPLE, True),
    ("-missed", MISSED, True),
    ("missed", MISSED, False),
    ("-findings", FINDINGS, True),
    ("findings", FINDINGS, False),
])
def test_sorts(desk_for, rounds, sort, key, descending):
    order = names(rows(desk_for("supervisor1"), f"?site=&sort={sort}"), rounds)
    if key == "start":
        by_start = ["B", "A", "D", "C"]  # oldest first
        assert order == (by_start[::-1] if descending else by_start)
    else:
        values = [key[n] for n in order]
        assert values == sorted(values, reverse=descending)


def test_an_unknown_sort_is_said_and_the_usual_order_kept(desk_for, rounds):
    text = desk_for("supervisor1").text("/patrols?site=&sort=-nonsense")
    assert "此列表不支持该排序方式" in text
    assert names(ROW.findall(text), rounds) == ["C", "D", "A", "B"]


def test_pages_of_fifty(desk_for, world, phone):
    times = [ago(hours=2, minutes=i * 7) for i in range(55)]
    made = phone("guard1").starts(world.site1, times)
    desk = desk_for("manager1")
    first, second = rows(desk, "?sort=-start"), rows(desk, "?sort=-start&page=2")
    assert len(first) == 50 and len(second) == 5
    assert [i for i, _ in first + second] == made  # newest first, no overlap, none lost
    assert "55" in desk.text("/patrols?page=2")
    assert rows(desk, "?page=9") == []


def test_a_guard_may_not_see_the_list(client, auth, world):
    auth.login("guard1")
    assert client.get("/patrols").status_code == 403


def test_a_stop_counts_only_when_it_is_on_this_rounds_route(app, desk_for, world, phone):
    """A checkpoint off this round's route counts for nothing, even if another round's route has it."""
    from app.extensions import db
    from app.models import Checkpoint
    from app.models import Route

    with app.app_context():
        gate = Checkpoint(site_id=world.site1, name="北门", code="S1-NORTH")
        db.session.add(gate)
        db.session.flush()
        other = Route(site_id=world.site1, name="北门路线")
        other.set_checkpoints([gate.id])
        db.session.add(other)
        db.session.commit()
        gate_id, other_id = gate.id, other.id
    g1 = phone("guard1")
    off_route = g1.walk(world.site1, ago(hours=2), world.route1, stops=[Stop(gate_id, 3)], end_minutes=10)
    g1.walk(world.site1, ago(hours=1), other_id, stops=[Stop(gate_id, 3)], end_minutes=10)
    cells = dict(rows(desk_for("supervisor1"), "?site="))
    assert "0 / 3" in cells[off_route]
