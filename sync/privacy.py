"""Masking of personal data (敏感个人信息): one rule for every kind, the phone's too.

Of a value of ``n`` characters, at most ``⌊2n/3⌋`` stay visible, and of a number (phone,
ID, plate) at least 3 characters are hidden, so a masked number always stands for a
thousand or more. Within that room the tail is kept first (up to 4 characters: what a
guard reads back to a visitor), then the head up to a cap of its kind (3 for a phone, the
operator; 6 for an ID number, the region). Every hidden character is one ``*``, so the
length still shows.

That keeps the familiar forms, ``138****5678`` and ``110101********1234``, and makes the
short ones safe: a 7-digit phone is ``***4567``, a 9-character passport ``E1***5678``,
a 5-digit number ``***45``.

``static/js/lib/util.js`` implements the same rule for the phone; both run the cases of
``tests/fixtures/masking_cases.json``. Characters are counted as code points there too.
"""
from __future__ import annotations

import re

# kind -> (head cap, tail cap, characters always hidden)
SHAPES: dict[str, tuple[int, int, int]] = {
    "phone": (3, 4, 3),
    "id": (6, 4, 3),
    "plate": (2, 2, 3),
    "name": (1, 0, 1),
    # A watch entry's ID number on guards' phones: the tail only, enough to tell two
    # entries apart, too little to narrow a brute force (see ``app/phone/roster.py``).
    "id_tail": (0, 4, 3),
    # A number typed wrongly, repeated back in an error message.
    "typed": (2, 2, 3),
}
NOT_DIGITS = re.compile(r"[^0-9]")


def mask(value: str, head: int, tail: int, hidden: int = 3) -> str:
    """``value`` with at most ``⌊2n/3⌋`` (and at most ``n - hidden``) characters visible:
    up to ``tail`` of its end, then up to ``head`` of its start."""
    chars = list(value)
    n = len(chars)
    room = max(0, min(2 * n // 3, n - hidden))
    keep_tail = min(tail, room)
    keep_head = min(head, room - keep_tail)
    return "".join(chars[:keep_head]) + "*" * (n - keep_head - keep_tail) + "".join(chars[n - keep_tail:])


def mask_as(kind: str, value: str | None) -> str:
    """The mask of ``kind`` (a key of ``SHAPES``); phone numbers are normalised first."""
    if not value:
        return ""
    if kind == "phone":
        digits = normalise_phone(value)
        if not digits:
            return "*" * len(value)
        value = digits
    head, tail, hidden = SHAPES[kind]
    return mask(value, head, tail, hidden)


def normalise_phone(value: str | None) -> str:
    """ASCII digits only, without the 86 of a 13-digit number (``+86 138…``)."""
    digits = NOT_DIGITS.sub("", value or "")
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits


def mask_id_number(value: str | None) -> str:
    """``110101********1234``: enough for a guard to compare, not enough to misuse."""
    return mask_as("id", value)


def mask_phone(value: str | None) -> str:
    """``138****5678`` however it was typed (spaces, dashes, +86); ``***4567`` when short."""
    return mask_as("phone", value)


def mask_plate(value: str | None) -> str:
    """``粤B***45``."""
    return mask_as("plate", value)


def mask_name(value: str | None) -> str:
    """``张三丰`` -> ``张**``: a resident's name on a guard's phone."""
    return mask_as("name", value)
