"""The phone's clock is not trusted blindly: measure its offset and correct event times.

Each push says what the phone's clock reads (``client_time``); the difference from the
server's clock at arrival is the phone's offset, applied to every time the push carries.
Offsets under ``NOISE`` are network latency, not a wrong clock, and count as zero so that
retries over a slow connection do not move recorded times around.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from datetime import timezone

SKEW_LIMIT = timedelta(minutes=5)
NOISE = timedelta(seconds=2)

SKEWED = "skewed"  # the phone's clock was more than 5 minutes off
FUTURE = "future"  # still in the future after correction: clamped to arrival


def offset_ms(client_time: datetime | None, now: datetime) -> int:
    """Server time minus phone time in whole milliseconds; 0 within ``NOISE``."""
    if client_time is None:
        return 0
    delta = now - client_time
    if abs(delta) < NOISE:
        return 0
    return int(delta / timedelta(milliseconds=1))


@dataclass(frozen=True)
class Correction:
    """An event time as the phone said it, as corrected, and why it is flagged."""

    phone: datetime
    corrected: datetime
    flags: tuple[str, ...] = ()

    @property
    def flag(self) -> str | None:
        return ",".join(self.flags) or None


def correct(at: datetime, offset: int, received_at: datetime) -> Correction:
    """Shift ``at`` by the device's offset; clamp to ``received_at`` if still in the future.

    :param offset: the device's offset in milliseconds (``offset_ms``)
    :param received_at: when the server received the push (the clamp limit)
    """
    delta = timedelta(milliseconds=offset)
    corrected = (at + delta).astimezone(timezone.utc)
    flags = []
    if abs(delta) > SKEW_LIMIT:
        flags.append(SKEWED)
    if corrected - received_at > SKEW_LIMIT:
        corrected = received_at
        flags.append(FUTURE)
    return Correction(phone=at, corrected=corrected, flags=tuple(flags))
