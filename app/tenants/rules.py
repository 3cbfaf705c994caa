"""The awareness rate of rental households (租赁户知晓率): a pure rule, tested alone.

The work instructions ask the service centre to help the police register every renting
household for temporary residence and to make sure **all** of them know of that duty
(对租赁户知晓率100%). The rate is informed households over rental households living
there now (those moved out no longer count).
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable

TARGET = Fraction(1)  # 100 %


@dataclass(frozen=True)
class Awareness:
    """How many current rental households were told of the duty, and were registered."""

    households: int
    informed: int
    registered: int

    @property
    def rate(self) -> Fraction | None:
        """Informed ÷ households; ``None`` when the site has no rental household."""
        return Fraction(self.informed, self.households) if self.households else None

    @property
    def registered_rate(self) -> Fraction | None:
        return Fraction(self.registered, self.households) if self.households else None

    @property
    def meets_target(self) -> bool:
        """No household means nothing is missing."""
        return self.rate is None or self.rate >= TARGET

    @property
    def percent(self) -> str:
        """``"83.3 %"``, rounded down to a tenth so that 99.96 % never reads as 100 %."""
        if self.rate is None:
            return "—"
        tenths = (self.rate * 1000).numerator // (self.rate * 1000).denominator
        return f"{tenths // 10}.{tenths % 10} %"


def awareness(rows: Iterable[tuple[bool, bool, bool]]) -> Awareness:
    """From ``(current, informed, registered)`` per rental household."""
    households = informed = registered = 0
    for current, was_informed, was_registered in rows:
        if not current:
            continue
        households += 1
        informed += bool(was_informed)
        registered += bool(was_registered)
    return Awareness(households, informed, registered)


def combined(parts: Iterable[Awareness]) -> Awareness:
    """Several sites as one: households and informed added up (not the rates averaged)."""
    parts = list(parts)
    return Awareness(sum(p.households for p in parts), sum(p.informed for p in parts),
                     sum(p.registered for p in parts))
