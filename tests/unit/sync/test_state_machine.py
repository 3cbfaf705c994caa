"""The follow-up state machine, and replaying status changes in time order."""
from datetime import datetime
from datetime import timedelta
from datetime import timezone

import pytest

from sync.followups import can_move
from sync.followups import replay

T = datetime(2026, 11, 27, tzinfo=timezone.utc)


@pytest.mark.parametrize("current, target, ok", [
    ("open", "in_progress", True), ("open", "resolved", True), ("open", "closed", False),
    ("in_progress", "resolved", True), ("in_progress", "open", True), ("in_progress", "closed", False),
    ("resolved", "closed", True), ("resolved", "open", True), ("resolved", "in_progress", True),
    ("closed", "open", True), ("closed", "resolved", False), ("closed", "in_progress", False),
    ("open", "open", True), ("closed", "closed", True),
])
def test_transitions(current, target, ok):
    assert can_move(current, target) is ok


def change(ident, minutes, value, mutation=None):
    return {"id": ident, "at": T + timedelta(minutes=minutes), "mutation_id": mutation or ident, "value": value}


def test_replay_goes_by_time_not_by_arrival():
    arrived = [change("c", 30, "closed"), change("a", 10, "in_progress"), change("b", 20, "resolved")]
    status, effective = replay(arrived)
    assert status == "closed" and all(effective.values())


def test_a_change_that_does_not_fit_its_time_has_no_effect():
    status, effective = replay([change("a", 10, "closed"), change("b", 20, "resolved")])
    assert status == "resolved"
    assert effective == {"a": False, "b": True}


def test_reopen_after_close():
    status, _ = replay([change("a", 1, "resolved"), change("b", 2, "closed"), change("c", 3, "open")])
    assert status == "open"


def test_equal_times_are_ordered_by_mutation_id():
    one = replay([change("x", 5, "resolved", "m2"), change("y", 5, "in_progress", "m1")])
    two = replay([change("y", 5, "in_progress", "m1"), change("x", 5, "resolved", "m2")])
    assert one == two == ("resolved", {"y": True, "x": True})
