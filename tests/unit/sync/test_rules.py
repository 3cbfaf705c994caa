"""Follow-up owners and clocks from a site's settings (pure functions)."""
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from decimal import Decimal

import pytest

from sync import rules
from sync.store import UserRef

START = datetime(2026, 11, 27, 8, 40, tzinfo=timezone.utc)
PEOPLE = [
    UserRef("u-guard", "guard", "security"),
    UserRef("u-lead", "guard", "security", is_team_lead=True),
    UserRef("u-repair-b", "staff", "repair"),
    UserRef("u-repair-a", "staff", "repair"),
    UserRef("u-manager", "manager"),
    UserRef("u-super", "supervisor"),
    UserRef("u-gone", "staff", "cleaning", active=False),
]


@pytest.mark.parametrize("source, category, post", [
    ("finding", "repair", "repair"),
    ("finding", "greenery", "cleaning"),
    ("finding", "fire", "security"),
    ("finding", "other", "customer_service"),
    ("incident", "security", "security"),
    ("stock_count", "stock", "store"),
    ("finding", "unheard-of", rules.MANAGER),
])
def test_default_post_by_category(source, category, post):
    assert rules.post_for({}, source_type=source, category=category) == post


def test_site_rules_override_by_source_then_category():
    settings = {"assignment": {"source": {"incident": "customer_service"},
                               "category": {"greenery": "repair"}}}
    assert rules.post_for(settings, source_type="incident", category="security") == "customer_service"
    assert rules.post_for(settings, source_type="finding", category="greenery") == "repair"
    assert rules.post_for(settings, source_type="finding", category="fire") == "security"


@pytest.mark.parametrize("post, owner", [
    ("security", "u-lead"),  # the team lead first
    ("repair", "u-repair-a"),  # then by id, so the choice is stable
    ("cleaning", "u-manager"),  # nobody active on the post: the site manager
    (rules.MANAGER, "u-manager"),
])
def test_owner_is_the_person_on_the_post_else_the_manager(post, owner):
    assert rules.owner_for(post, PEOPLE) == owner


def test_no_manager_means_no_owner():
    assert rules.owner_for("store", [UserRef("u-guard", "guard", "security")]) is None


@pytest.mark.parametrize("clock, minutes", [("high", 120), ("medium", 1440), ("low", 4320),
                                            ("flagged_person", 120), ("stock_difference", 4320),
                                            ("missed_checkpoint", 1440)])
def test_default_clocks(clock, minutes):
    assert rules.due_at({}, clock, START) == START + timedelta(minutes=minutes)


def test_site_clocks_override_defaults():
    assert rules.due_at({"clocks": {"high": 30}}, "high", START) == START + timedelta(minutes=30)
    assert rules.due_at({"clocks": {"high": 30}}, "low", START) == START + timedelta(hours=72)


@pytest.mark.parametrize("settings, item_tolerance, expected", [
    ({}, None, Decimal(0)),
    ({"stock_tolerance": {"default": 1}}, None, Decimal(1)),
    ({"stock_tolerance": {"default": 1, "i1": "0.5"}}, None, Decimal("0.5")),
    ({"stock_tolerance": {"default": 1}}, Decimal(2), Decimal(2)),
])
def test_stock_tolerance_item_then_site_then_zero(settings, item_tolerance, expected):
    assert rules.stock_tolerance(settings, {"id": "i1", "tolerance": item_tolerance}) == expected


def test_beyond_tolerance_is_strict():
    assert not rules.beyond_tolerance(Decimal(-1), Decimal(1))
    assert rules.beyond_tolerance(Decimal("-1.001"), Decimal(1))
    assert rules.beyond_tolerance(Decimal("0.001"), Decimal(0))


def test_missed_checkpoints_keep_route_order():
    assert rules.missed_checkpoints(["a", "b", "c", "d"], ["c", "a", "x"]) == ["b", "d"]
