"""The phone's figures of ``python -m bench`` come back, in their quick form.

Only that they were measured: names, units, a positive value. Never the targets: tests
do not assert on time (bench/README.md has the numbers).
"""
import pytest

from bench.phone import measure

pytestmark = pytest.mark.browser


def test_quick_measure_returns_the_three_phone_figures():
    figures = measure(quick=True)
    assert [f.name for f in figures] == ["phone precache, gzip, icons aside",
                                         "phone cold start offline to gate screen, 4× CPU throttle",
                                         "phone tap register to saved, p95"]
    assert [f.unit for f in figures] == ["KB", "ms", "ms"]
    for figure in figures:
        assert figure.value is not None, figure
        assert figure.value > 0, figure
        assert figure.backend == ""
