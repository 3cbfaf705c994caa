"""Identity documents at the gate: which kind, and the check a mistyped ID number fails.

Mainland resident ID numbers (居民身份证号码) follow GB 11643-1999: 17 digits, then a check
character computed from them (a digit or ``X``), so one wrong digit or two swapped ones
are caught before the visitor walks off. The residence permits of Hong Kong, Macao and
Taiwan residents and the foreigners' permanent residence ID card use the same 18
characters and the same check, so every number of that shape is checked, whatever kind
the guard chose. Any other document (a passport, a permit) is only shaped, as before.

``static/js/lib/rules.js`` implements the same check for the phone; both run the cases of
``tests/fixtures/id_number_cases.json``.
"""
from __future__ import annotations

import re

# The guard's explicit choice; a visit without it (an older phone) is judged by its number.
KINDS = ("resident", "other", "none")
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECKS = "10X98765432"
EIGHTEEN = re.compile(r"[0-9]{17}[0-9X]")


def check_character(first17: str) -> str:
    """The 18th character GB 11643 gives the first 17 digits."""
    return CHECKS[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


def has_check(value: str) -> bool:
    """Whether ``value`` has the 18-character shape whose last character is a check."""
    return EIGHTEEN.fullmatch(value.upper()) is not None


def check_holds(value: str) -> bool:
    """For a number of that shape: whether its last character is the one its digits give."""
    upper = value.upper()
    return has_check(upper) and check_character(upper[:17]) == upper[17]


def resident_id(first17: str) -> str:
    """``first17`` completed with its check character: a number the check accepts."""
    return first17 + check_character(first17)
