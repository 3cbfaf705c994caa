"""Figures that tests measure (the API fuzz, the access matrix), shown after the run.

A test calls ``report(line)``; ``tests/conftest.py`` prints every line in a "figures"
section of pytest's summary, so CI's log has them with or without ``-s``.
"""
FIGURES: list[str] = []


def report(line: str) -> None:
    FIGURES.append(line)
