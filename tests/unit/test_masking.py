"""One masking rule for the server and the phone: the shared cases, and the 2/3 bound."""
import json
import random
from pathlib import Path

import pytest

from sync.privacy import SHAPES
from sync.privacy import mask
from sync.privacy import mask_as
from sync.privacy import mask_id_number
from sync.privacy import mask_phone
from sync.privacy import normalise_phone

CASES = json.loads((Path(__file__).parents[1] / "fixtures" / "masking_cases.json").read_text("utf-8"))["cases"]


def visible(masked: str) -> int:
    return sum(1 for ch in masked if ch != "*")


@pytest.mark.parametrize("case", CASES, ids=[f"{c['kind']}-{c['note']}" for c in CASES])
def test_shared_case(case):
    """The phone runs the same table (tests/browser/test_masking.py)."""
    assert mask_as(case["kind"], case["value"]) == case["masked"]


@pytest.mark.parametrize("case", CASES, ids=[f"{c['kind']}-{c['note']}" for c in CASES])
def test_no_case_shows_more_than_two_thirds(case):
    value = normalise_phone(case["value"]) if case["kind"] == "phone" else case["value"]
    masked = case["masked"]
    assert visible(masked) <= 2 * len(value) // 3
    if value and case["kind"] != "name":
        assert masked.count("*") >= min(3, len(masked))


@pytest.mark.parametrize("kind", sorted(SHAPES))
def test_any_value_of_any_length_keeps_to_the_rule(kind):
    """Random values of 1 to 40 characters: the length kept, at most 2/3 visible, and what
    shows is the value's own tail and head."""
    rng = random.Random(kind)
    alphabet = "0123456789ABCDEFXYZ粤京"
    for _ in range(400):
        value = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
        head, tail, hidden = SHAPES[kind]
        masked = mask(value, head, tail, hidden)
        assert len(masked) == len(value)
        assert visible(masked) <= 2 * len(value) // 3
        assert visible(masked) <= max(0, len(value) - hidden)
        for shown, original in zip(masked, value):
            assert shown in ("*", original)


def test_the_familiar_forms_stay():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number("110101199001061234") == "110101********1234"
    assert mask_phone(None) == mask_id_number(None) == ""
