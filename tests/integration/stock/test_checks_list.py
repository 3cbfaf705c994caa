"""The checks list over HTTP: figures summed per check, every filter, sort and page, the
month's checks per store, and who may look."""
import re
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from zoneinfo import ZoneInfo

import pytest

from app.extensions import db
from app.models import Site
from app.models import Store
from app.stock import queries

CHECK_LINK = re.compile(r'href="/stock/checks/([0-9a-f-]{36})"')


def listed(desk, query="") -> list[str]:
    """The ids of the checks a list shows, in its order."""
    body = desk.text("/stock/checks" + query)
    return list(dict.fromkeys(CHECK_LINK.findall(body)))


def row_of(body: str, check_id: str) -> str:
    start = body.index(f'href="/stock/checks/{check_id}"')
    return body[start:body.index("</tr>", start)]


@pytest.fixture()
def four(world, keeper, desk_for, client):
    """Four checks of site 1: differences awaiting, unfinished, all agreeing, one sent back;
    and one of site 2."""
    it = world.items1
    awaiting = keeper.check(world.site1, world.store1, [(it[0], 8, 2, "两个坏了"), (it[1], 20), (it[2], 31)])
    unfinished = keeper.check(world.site1, world.store1, [(it[1], 20)], finish=False)
    agreeing = keeper.check(world.site1, world.store1, [(it[0], 10), (it[1], 20)])
    sent_back = keeper.check(world.site1, world.store1, [(it[2], 27)])
    manager = desk_for("manager1")
    assert manager.post(f"/stock/counts/{sent_back.counts[it[2]]}/recount",
                        {"reason": "请再数一遍"}).status_code == 302
    from tests.integration.stock.conftest import Keeper
    other = Keeper(client, "store2").check(world.site2, world.store2, [(world.items2[0], 9)])
    return {"awaiting": awaiting.id, "unfinished": unfinished.id, "agreeing": agreeing.id,
            "sent_back": sent_back.id, "site2": other.id}


def test_a_check_shows_its_figures(four, desk_for):
    body = desk_for("manager1").text("/stock/checks")
    row = row_of(body, four["awaiting"])
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    # store, who, items, differences, net (-2 + 1), defective, pending, status
    assert cells == ["翠湖花园仓库", "store1", "3", "2", "-1", "2", "2", "待审批"]
    assert "diff-short" in row
    assert "未完成" in row_of(body, four["unfinished"])
    assert "已退回重盘" in row_of(body, four["sent_back"])


@pytest.mark.parametrize("status, expected", [
    ("", {"awaiting", "unfinished", "agreeing", "sent_back"}),
    ("open", {"unfinished"}),
    ("finished", {"awaiting", "agreeing", "sent_back"}),
    ("differences", {"awaiting", "sent_back"}),
    ("awaiting", {"awaiting"}),
    ("recount", {"sent_back"}),
])
def test_the_status_filter(four, desk_for, world, status, expected):
    shown = listed(desk_for("manager1"), f"?site={world.site1}&status={status}")
    assert set(shown) == {four[k] for k in expected}


def test_an_unknown_status_is_said_and_left_out(four, desk_for, world):
    body = desk_for("manager1").text(f"/stock/checks?site={world.site1}&status=bogus")
    assert "状态无效，此筛选条件未生效。" in body
    assert set(CHECK_LINK.findall(body)) == {four[k] for k in ("awaiting", "unfinished", "agreeing", "sent_back")}


def test_sites_are_scoped_and_the_supervisor_sees_both(four, desk_for, world):
    assert four["site2"] not in listed(desk_for("manager1"))
    supervisor = desk_for("supervisor1")
    assert set(listed(supervisor, "?site=")) == set(four.values())
    assert listed(supervisor, f"?site={world.site2}") == [four["site2"]]
    # A site that is not theirs falls back to their own, and says so.
    body = desk_for("manager2").text(f"/stock/checks?site={world.site1}")
    assert four["awaiting"] not in body and "不在您的管辖范围" in body


def test_the_person_filter(world, keeper, client, desk_for):
    from tests.integration.stock.conftest import Keeper
    mine = keeper.check(world.site1, world.store1, [(world.items1[0], 10)])
    theirs = Keeper(client, "manager1").check(world.site1, world.store1, [(world.items1[0], 10)])
    desk = desk_for("supervisor1")
    assert listed(desk, f"?person={world.users['store1']}") == [mine.id]
    assert listed(desk, f"?person={world.users['manager1']}") == [theirs.id]


def test_the_month_is_the_default_and_dates_choose_others(world, keeper, desk_for):
    now = datetime.now(timezone.utc)
    old = keeper.check(world.site1, world.store1, [(world.items1[0], 10)], at=now - timedelta(days=70))
    recent = keeper.check(world.site1, world.store1, [(world.items1[0], 10)])
    desk = desk_for("manager1")
    assert listed(desk) == [recent.id]
    day = (now - timedelta(days=70)).astimezone(ZoneInfo("Asia/Shanghai")).date()
    assert listed(desk, f"?from={day - timedelta(days=1)}&to={day + timedelta(days=1)}") == [old.id]
    assert set(listed(desk, f"?from={day}")) == {old.id, recent.id}
    body = desk.text("/stock/checks?from=yesterday")
    assert "“yesterday”不是有效日期" in body


@pytest.mark.parametrize("sort, order", [
    ("-started", ["c", "b", "a"]),
    ("started", ["a", "b", "c"]),
    ("-items", ["c", "b", "a"]),
    ("items", ["a", "b", "c"]),
    ("-differences", ["c", "b", "a"]),
    ("-defective", ["a", "c", "b"]),
    ("-pending", ["c", "b", "a"]),
])
def test_sorting(world, keeper, desk_for, sort, order):
    it = world.items1
    base = datetime.now(timezone.utc) - timedelta(hours=3)
    made = {
        "a": keeper.check(world.site1, world.store1, [(it[0], 10, 5)], at=base),
        "b": keeper.check(world.site1, world.store1, [(it[0], 9), (it[1], 20)], at=base + timedelta(minutes=30)),
        "c": keeper.check(world.site1, world.store1, [(it[0], 9, 1), (it[1], 21), (it[2], 30)],
                          at=base + timedelta(minutes=60)),
    }
    # Defective: a 5, b 0, c 1. Differences and pending: a 0, b 1, c 2. Items: a 1, b 2, c 3.
    assert listed(desk_for("manager1"), f"?sort={sort}") == [made[k].id for k in order]


def test_sorting_by_store_and_person_works(four, desk_for):
    for sort in ("store", "-store", "who", "-who"):
        assert len(listed(desk_for("supervisor1"), f"?site=&sort={sort}")) == 5


def test_pages_of_fifty(world, keeper, desk_for):
    base = datetime.now(timezone.utc) - timedelta(hours=2)
    starts = [keeper.phone.mutation("stock.check_start", {"site_id": world.site1, "store_id": world.store1},
                                    at=base + timedelta(seconds=n)) for n in range(52)]
    keeper.push(starts)
    desk = desk_for("manager1")
    first, second = listed(desk), listed(desk, "?page=2")
    assert len(first) == 50 and len(second) == 2
    assert not set(first) & set(second)
    assert set(first) | set(second) == {m["entity_id"] for m in starts}
    assert "共 52 条，第 1/2 页" in desk.text("/stock/checks")


def test_the_month_by_store(app, world, keeper, desk_for):
    keeper.check(world.site1, world.store1, [(world.items1[0], 10)])
    body = desk_for("supervisor1").text("/stock/checks?site=")
    panel = body[body.index('class="store-month"'):body.index("</ul>", body.index('class="store-month"'))]
    assert "翠湖花园仓库" in panel and "金桂苑仓库" in panel
    assert "本月已抽查 1 次" in panel
    with app.app_context():
        sites = [db.session.get(Site, world.site1), db.session.get(Site, world.site2)]
        sites[1].settings = {"stock_check_day": 10}
        db.session.flush()
        zone = ZoneInfo("Asia/Shanghai")
        now = datetime.now(timezone.utc)
        local = now.astimezone(zone)

        def at(day):
            return datetime(local.year, local.month, day, 12, tzinfo=zone).astimezone(timezone.utc)

        before = {m.store_name: m for m in queries.month_by_store(sites, now=max(now, at(1)))}
        assert before["翠湖花园仓库"].checks == 1 and not before["翠湖花园仓库"].late
        assert before["金桂苑仓库"].deadline.day == 10
        assert not queries.month_by_store(sites, now=at(10))[1].late
        assert queries.month_by_store(sites, now=at(11))[1].late
        # A check of the whole site counts for each of its stores.
        db.session.add(Store(site_id=world.site1, name="翠湖花园二号库"))
        db.session.commit()
    keeper.push([keeper.phone.mutation("stock.check_start", {"site_id": world.site1})])
    body = desk_for("manager1").text("/stock/checks")
    panel = body[body.index('class="store-month"'):body.index("</ul>", body.index('class="store-month"'))]
    assert "翠湖花园二号库" in panel and "本月已抽查 2 次" in panel and "本月已抽查 1 次" in panel


@pytest.mark.parametrize("username, status", [
    ("guard1", 403), ("store1", 403), ("cs1", 403), ("lead1", 403),
    ("manager1", 200), ("supervisor1", 200), ("admin1", 200),
])
def test_who_may_look(world, desk_for, username, status):
    assert desk_for(username).get("/stock/checks").status_code == status


def test_nobody_signed_in_is_sent_to_sign_in(world, client):
    response = client.get("/stock/checks")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_nav_shows_stock_checks_to_reviewers(world, desk_for):
    assert 'href="/stock/checks"' in desk_for("manager1").text("/complaints")
