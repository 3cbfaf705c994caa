"""Per-device sequence numbers: gaps reported, never blocking."""
from datetime import datetime
from datetime import timezone

import pytest

from sync import devices

NOW = datetime(2026, 11, 27, tzinfo=timezone.utc)


@pytest.mark.parametrize("seqs, last, gaps", [
    ([1, 2, 3], 3, []),
    ([1, 4], 4, [[2, 3]]),
    ([1, 4, 2], 4, [[3, 3]]),
    ([1, 4, 3, 2], 4, []),
    ([5], 5, [[1, 4]]),
    ([1, 5, 3], 5, [[2, 2], [4, 4]]),
    ([3, 3, 1], 3, [[2, 2]]),  # a repeat changes nothing
])
def test_gaps_open_on_a_jump_and_close_on_late_arrivals(seqs, last, gaps):
    state = devices.observe(None, "device-1", user_id="u", seqs=seqs, pending=0, offset_ms=0, now=NOW)
    assert (state.last_seq, state.gaps) == (last, gaps)


def test_state_keeps_outbox_size_clock_and_first_contact():
    first = devices.observe(None, "device-1", user_id="u", seqs=[1], pending=7, offset_ms=1200, now=NOW)
    later = devices.observe(first, "device-1", user_id="u", seqs=[3], pending=0, offset_ms=0,
                            now=NOW.replace(hour=5))
    assert first.pending == 7 and first.clock_offset_ms == 1200
    assert later.first_seen_at == NOW and later.last_seen_at.hour == 5
    assert devices.missing_count(later) == 1
