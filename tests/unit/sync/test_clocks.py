"""The phone's clock: offset from client_time, corrected times, flags."""
from datetime import datetime
from datetime import timedelta
from datetime import timezone

import pytest

from sync import clocks

NOW = datetime(2026, 11, 27, 0, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("phone_off, expected_ms", [
    (timedelta(0), 0),
    (timedelta(seconds=1.5), 0),  # latency, not a wrong clock
    (timedelta(seconds=-1.9), 0),
    (timedelta(minutes=7), -420000),  # phone ahead: subtract
    (timedelta(minutes=-3), 180000),  # phone behind: add
])
def test_offset_is_server_minus_phone_ignoring_latency(phone_off, expected_ms):
    assert clocks.offset_ms(NOW + phone_off, NOW) == expected_ms


def test_no_client_time_means_no_correction():
    assert clocks.offset_ms(None, NOW) == 0


def test_correction_shifts_the_event_time_and_keeps_the_phones():
    at = NOW - timedelta(hours=1) + timedelta(minutes=3)  # phone 3 minutes fast
    fixed = clocks.correct(at, -180000, NOW)
    assert fixed.phone == at
    assert fixed.corrected == NOW - timedelta(hours=1)
    assert fixed.corrected.tzinfo == timezone.utc
    assert fixed.flags == ()


def test_a_phone_more_than_five_minutes_off_is_flagged():
    fixed = clocks.correct(NOW - timedelta(hours=2), 6 * 60000, NOW)
    assert fixed.flags == (clocks.SKEWED,)
    assert clocks.correct(NOW - timedelta(hours=2), 5 * 60000, NOW).flags == ()


def test_a_time_still_in_the_future_after_correction_is_clamped_and_flagged():
    fixed = clocks.correct(NOW + timedelta(minutes=30), 0, NOW)
    assert fixed.corrected == NOW
    assert fixed.flag == clocks.FUTURE
    # within five minutes is tolerated as it is
    assert clocks.correct(NOW + timedelta(minutes=4), 0, NOW).corrected == NOW + timedelta(minutes=4)


def test_both_flags_together():
    fixed = clocks.correct(NOW + timedelta(hours=3), 10 * 60000, NOW)
    assert fixed.flag == "skewed,future"
