"""The front desk's pure rules: when a permit covers a day, and the awareness rate."""
from datetime import date
from fractions import Fraction

import pytest

from app.tenants.rules import awareness
from sync.rules import permit_active_on

D = date.fromisoformat
PERMIT = {"start_date": D("2026-12-01"), "end_date": D("2026-12-10"), "status": "active", "closed_on": None}


@pytest.mark.parametrize("changes, day, active", [
    ({}, "2026-11-30", False),
    ({}, "2026-12-01", True),
    ({}, "2026-12-10", True),
    ({}, "2026-12-11", False),
    ({"status": "revoked", "closed_on": D("2026-12-05")}, "2026-12-05", True),   # the day it was revoked
    ({"status": "revoked", "closed_on": D("2026-12-05")}, "2026-12-06", False),
    ({"status": "finished", "closed_on": D("2026-12-20")}, "2026-12-11", False),  # never past its last day
    ({"status": "revoked", "closed_on": None}, "2026-12-02", False),
    ({"start_date": None}, "2026-12-02", False),
])
def test_permit_active_on(changes, day, active):
    assert permit_active_on({**PERMIT, **changes}, D(day)) is active


def test_awareness_rate_with_a_known_answer():
    """(current, informed, registered): 3 living there, 2 informed; the gone one is left out."""
    result = awareness([(True, True, True), (True, True, False), (True, False, False), (False, False, False)])
    assert (result.households, result.informed, result.registered) == (3, 2, 1)
    assert result.rate == Fraction(2, 3) and result.percent == "66.6 %"
    assert not result.meets_target


def test_all_informed_meets_the_target_and_none_is_no_rate():
    assert awareness([(True, True, False)]).meets_target
    assert awareness([(True, True, False)]).percent == "100.0 %"
    empty = awareness([])
    assert empty.rate is None and empty.percent == "—" and empty.meets_target


def test_a_rate_just_short_of_the_target_never_reads_as_100():
    result = awareness([(True, True, True)] * 2499 + [(True, False, False)])
    assert result.percent == "99.9 %" and not result.meets_target
