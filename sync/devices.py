"""Per-device bookkeeping: highest sequence seen, gaps below it, outbox size, clock."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Iterable

from sync.envelope import DeviceState


def add_seq(last_seq: int, gaps: list[list[int]], seq: int) -> tuple[int, list[list[int]]]:
    """Record one sequence number: a jump opens a gap, a late arrival closes part of one.

    Gaps are inclusive ``[first, last]`` ranges of numbers not seen yet, oldest first.
    """
    if seq > last_seq:
        if seq > last_seq + 1:
            gaps = gaps + [[last_seq + 1, seq - 1]]
        return seq, gaps
    kept = []
    for first, last in gaps:
        if first <= seq <= last:
            if first <= seq - 1:
                kept.append([first, seq - 1])
            if seq + 1 <= last:
                kept.append([seq + 1, last])
        else:
            kept.append([first, last])
    return last_seq, kept


def observe(state: DeviceState | None, device_id: str, *, user_id: str, seqs: Iterable[int],
            pending: int, offset_ms: int, now: datetime) -> DeviceState:
    """The device's state after a push from it."""
    state = state or DeviceState(device_id=device_id, first_seen_at=now)
    last_seq, gaps = state.last_seq, [list(g) for g in state.gaps]
    for seq in seqs:
        last_seq, gaps = add_seq(last_seq, gaps, seq)
    return replace(state, user_id=user_id, last_seq=last_seq, gaps=gaps, pending=pending,
                   last_seen_at=now, clock_offset_ms=offset_ms)


def missing_count(state: DeviceState) -> int:
    """How many sequence numbers this device has skipped so far."""
    return sum(last - first + 1 for first, last in state.gaps)
