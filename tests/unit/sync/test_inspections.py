"""Staff inspections (书面考核): checklists per post, the score, who may record, the week."""
from datetime import date
from datetime import datetime
from datetime import timezone

import pytest

from sync import inspection_rules as rules
from sync import messages as m
from tests.unit.sync.conftest import CST


def cst(y, mo, d, h, mi, s=0):
    return datetime(y, mo, d, h, mi, s, tzinfo=CST)


def all_ok(post, ok=True):
    return {key: ok for key, _ in rules.checklist(post)}


@pytest.mark.parametrize("post", ["security", "customer_service", "repair", "cleaning", "store"])
def test_each_post_has_five_chinese_items(post):
    items = rules.checklist(post)
    assert len(items) == 5 and len({k for k, _ in items}) == 5
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in label) for _, label in items)
    assert rules.checklist_problem(post, all_ok(post)) is None
    assert rules.checklist_problem(post, {**all_ok(post), "extra": True}) == "items"
    assert rules.checklist_problem(post, dict(list(all_ok(post).items())[:4])) == "items"
    assert rules.checklist_problem(post, {**all_ok(post), items[0][0]: "yes"}) == "shape"
    assert rules.checklist_problem(None, {}) == "no_post"


@pytest.mark.parametrize("score, ok", [(0, True), (100, True), (75, True), (-1, False), (101, False),
                                       (True, False), ("80", False), (80.5, False), (None, False)])
def test_score_is_a_whole_number_0_to_100(score, ok):
    assert rules.score_ok(score) is ok


@pytest.mark.parametrize("role, post, lead, person_post, ok", [
    ("manager", None, False, "cleaning", True),
    ("supervisor", None, False, "security", True),
    ("admin", None, False, "store", True),
    ("guard", "security", True, "security", True),      # team lead of the same post
    ("staff", "customer_service", True, "security", False),  # a lead of another post
    ("guard", "security", False, "security", False),    # not a lead
    ("staff", "repair", False, "repair", False),
    ("post", None, False, "security", False),
])
def test_who_may_record(role, post, lead, person_post, ok):
    assert rules.may_record(role, post, lead, person_post) is ok


def test_week_is_monday_to_sunday_in_the_sites_days():
    # 2026-12-06 is a Sunday: 23:50 in Shanghai is still that week, 00:10 Monday is the next
    assert rules.week_of(cst(2026, 12, 6, 23, 50), "Asia/Shanghai") == (date(2026, 11, 30), date(2026, 12, 6))
    assert rules.week_of(cst(2026, 12, 7, 0, 10), "Asia/Shanghai")[0] == date(2026, 12, 7)
    # 17:30 UTC Sunday is 01:30 Monday in Shanghai but 23:30 Sunday in Urumqi (UTC+6)
    at = datetime(2026, 12, 6, 17, 30, tzinfo=timezone.utc)
    assert rules.week_of(at, "Asia/Shanghai")[0] == date(2026, 12, 7)
    assert rules.week_of(at, "Asia/Urumqi")[0] == date(2026, 11, 30)


def test_counts_per_inspector_against_two():
    rows = [{"user_id": "a", "day": "2026-11-30"}, {"user_id": "a", "day": "2026-12-06"},
            {"user_id": "b", "day": "2026-12-06"}, {"user_id": "b", "day": "2026-12-07"},
            {"user_id": "b", "day": "2026-12-01", "deleted_at": cst(2026, 12, 2, 9, 0)}]
    got = rules.counts(rows, date(2026, 11, 30))
    assert got == {"a": 2, "b": 1}
    assert rules.kept(got["a"]) and not rules.kept(got["b"]) and not rules.kept(0)


def inspect(dev, world, person="clean1", site=1, at=None, **data):
    person_id = world.user(person)
    body = {"site_id": world.site(site), "person_id": person_id, "checklist": all_ok("cleaning"),
            "score": 85, "notes": "楼道有少量杂物", **data}
    return dev.m("inspection.record", body, at=at or cst(2026, 11, 22, 23, 50))


def test_a_manager_records_an_inspection_on_the_sites_day(store, world, phone):
    manager = phone("manager1")
    mutation = inspect(manager, world, checklist={**all_ok("cleaning"), "glass": False})
    assert manager.push_one(mutation).status == "applied"
    row = store.records["inspection"][mutation["entity_id"]]
    assert (row["day"], row["post"], row["score"], row["checklist"]["glass"], row["user_id"], row["person_id"]) \
        == ("2026-11-22", "cleaning", 85, False, world.user("manager1"), world.user("clean1"))


def test_a_team_lead_inspects_their_own_post_only(store, world, phone):
    lead = phone("lead1")  # security team lead
    ok = inspect(lead, world, person="guard1", checklist=all_ok("security"))
    assert lead.push_one(ok).status == "applied"
    other = inspect(lead, world, person="clean1")
    assert lead.push_one(other).errors == {"person_id": [m.INSPECTION_NOT_ALLOWED]}


@pytest.mark.parametrize("who, person, data, errors", [
    ("guard1", "clean1", {}, {"person_id": [m.INSPECTION_NOT_ALLOWED]}),
    ("manager1", "manager1", {}, {"person_id": [m.INSPECTION_NOT_SELF]}),
    ("manager1", "clean2", {}, {"person_id": [m.INSPECTION_PERSON_INVALID]}),
    ("manager1", "clean1", {"site_id": None}, {"site_id": [m.SITE_REQUIRED]}),
    ("manager1", "clean1", {"score": 101}, {"score": [m.INSPECTION_SCORE_INVALID]}),
    ("manager1", "clean1", {"score": "90"}, {"score": [m.INSPECTION_SCORE_INVALID]}),
    ("manager1", "clean1", {"checklist": {"floors": True}}, {"checklist": [m.INSPECTION_CHECKLIST_INVALID]}),
    ("manager1", "clean1", {"checklist": None}, {"checklist": [m.INSPECTION_CHECKLIST_INVALID]}),
])
def test_bad_inspections_are_refused_and_nothing_is_written(store, world, phone, who, person, data, errors):
    dev = phone(who)
    result = dev.push_one(inspect(dev, world, person=person, **data))
    assert result.status == "rejected" and result.errors == errors
    assert not store.records.get("inspection")


def test_another_sites_id_is_refused(store, world, phone):
    manager = phone("manager1")
    result = manager.push_one(inspect(manager, world, site=2, person="clean2"))
    assert result.errors == {"site_id": [m.OTHER_SITE]}
