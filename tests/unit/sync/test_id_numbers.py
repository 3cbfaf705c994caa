"""Visitors' document numbers: the GB 11643 check and the rule for each kind of document."""
import json
from pathlib import Path

import pytest

from sync import messages as m
from sync.id_numbers import check_character
from sync.id_numbers import check_holds
from sync.id_numbers import resident_id
from sync.schemas import VisitCheckInSchema
from sync.schemas import id_number_problem

CASES = json.loads((Path(__file__).parents[2] / "fixtures" / "id_number_cases.json").read_text("utf-8"))["cases"]
VALID = "440304198506123455"


@pytest.mark.parametrize("case", CASES, ids=[c["note"] for c in CASES])
def test_shared_case(case):
    """The phone runs the same table (tests/browser/test_form_checks.py)."""
    expected = getattr(m, case["problem"]) if case["problem"] else None
    assert id_number_problem(case["kind"], case["number"]) == expected


def test_the_standards_own_example():
    assert check_character("11010519491231002") == "X"
    assert check_holds("11010519491231002X") and check_holds("11010519491231002x")


def test_every_single_mistyped_digit_is_caught():
    assert check_holds(VALID)
    for position in range(18):
        for digit in "0123456789X":
            if digit == VALID[position] or (digit == "X" and position < 17):
                continue
            typo = VALID[:position] + digit + VALID[position + 1:]
            assert not check_holds(typo), typo


def test_every_swap_of_two_neighbouring_digits_is_caught():
    number = resident_id("31011519770823451")
    for position in range(16):
        a, b = number[position], number[position + 1]
        if a == b:
            continue
        swapped = number[:position] + b + a + number[position + 2:]
        assert not check_holds(swapped), swapped


def test_the_schema_refuses_a_wrong_check_and_keeps_the_kind():
    schema = VisitCheckInSchema()
    base = {"site_id": "6f1c6a7e-1111-4d6a-9a57-3a3b3c3d3e3f", "visitor_name": "王五", "purpose": "visit",
            "party_size": 1}
    errors = schema.validate({**base, "id_number": VALID[:17] + "0"})
    assert errors == {"id_number": [m.ID_CHECK_FAILED]}
    loaded = schema.load({**base, "id_kind": "resident", "id_number": VALID})
    assert loaded["id_kind"] == "resident" and loaded["id_number"] == VALID
    assert schema.validate({**base, "id_kind": "passport"}) == {"id_kind": [m.ID_KIND_INVALID]}
    assert schema.validate({**base, "id_kind": "none", "id_number": VALID}) == {"id_number": [m.ID_WITH_NO_DOCUMENT]}
