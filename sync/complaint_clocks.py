"""The clocks of one complaint, and whether it was handled within all of them.

客服投诉作业指导书 sets them; a site's settings may change the minutes:

* **contact** (every complaint but an invalid one): the owner is contacted within 2 hours
  of the complaint being taken (``complaint_contact``); for a collective complaint, which
  goes to the manager at once, within 1 hour (``complaint_collective``).
* **reply**:
  - invalid: a reply within 2 hours (``complaint_invalid``);
  - valid and collective: the same local day of the site (and never before the contact is
    due), unless a reply time was agreed with the owner and recorded on a contact;
  - assisted: the agreed reply time, else 3 days (``complaint_assisted``), since the
    developer or another party does the work;
  - a collective complaint is answered by a home visit, a written one in writing: a reply
    by another method does not stop this clock.
* **report back** (transferred by the developer's service centre): within 12 hours of the
  reply that closed the handling (``complaint_report_back``).

A complaint is *timely* when every clock stopped by its due time, *late* when one stopped
after it or ran out unstopped, and *running* otherwise. The timely-handling rate
(报事处理及时率) counts timely ÷ (timely + late): complaints whose clocks still run are
not yet decided either way. Nothing here reads a clock: ``now`` is given.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from datetime import time
from datetime import timedelta
from datetime import tzinfo
from typing import Any
from typing import Iterable

from sync import rules

CONTACT, REPLY, REPORT_BACK = "contact", "reply", "report_back"
STAGES = (CONTACT, REPLY, REPORT_BACK)
METHODS = ("phone", "visit", "written")
KEPT, LATE, RUNNING = "kept", "late", "running"
RATE_LINE = 0.9  # the instruction's floor for the timely-handling rate


@dataclass(frozen=True)
class Clock:
    name: str
    due: datetime | None  # None: not started (a report back before the handling ends)
    stopped_at: datetime | None
    method: str | None = None  # the only reply method that stops it, when there is one

    def state(self, now: datetime) -> str:
        if self.due is None:
            return RUNNING
        if self.stopped_at is not None:
            return KEPT if self.stopped_at <= self.due else LATE
        return LATE if now > self.due else RUNNING


def end_of_local_day(moment: datetime, tz: tzinfo) -> datetime:
    local = moment.astimezone(tz)
    return datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=tz).astimezone(moment.tzinfo)


def required_method(complaint: dict[str, Any]) -> str | None:
    """Collective complaints are answered at home, written ones in writing (visit wins)."""
    if complaint.get("collective") or complaint.get("kind") == "collective":
        return "visit"
    if complaint.get("channel") == "written":
        return "written"
    return None


def clocks(complaint: dict[str, Any], replies: Iterable[dict[str, Any]], settings: dict[str, Any],
           tz: tzinfo) -> list[Clock]:
    """The clocks of ``complaint`` (needs ``lodged_at``, ``kind``, ``channel``,
    ``collective``, ``agreed_reply_at``) given its replies (``stage``, ``method``,
    ``replied_at``), earliest first."""
    lodged = complaint["lodged_at"]
    kind = "collective" if complaint.get("collective") else complaint["kind"]
    ordered = sorted((r for r in replies if not r.get("deleted_at")), key=lambda r: (r["replied_at"], r.get("id", "")))
    method = required_method(complaint)
    found: list[Clock] = []

    def first(stages: tuple[str, ...], only: str | None = None) -> datetime | None:
        return next((r["replied_at"] for r in ordered if r["stage"] in stages
                     and (only is None or r["method"] == only)), None)

    if kind == "invalid":
        found.append(Clock(REPLY, rules.due_at(settings, "complaint_invalid", lodged), first((CONTACT, REPLY)), method))
    else:
        # A collective complaint reaches the manager at once: its contact clock is shorter.
        contact = rules.due_at(settings, "complaint_collective" if kind == "collective" else "complaint_contact",
                               lodged)
        found.append(Clock(CONTACT, contact, first((CONTACT, REPLY))))
        agreed = complaint.get("agreed_reply_at")
        if agreed is not None:
            due = agreed
        elif kind == "assisted":
            due = rules.due_at(settings, "complaint_assisted", lodged)
        else:
            # The same day, but never before the contact is due: a complaint taken at 23:30
            # is answered when the owner is contacted, not late at midnight.
            due = max(end_of_local_day(lodged, tz), contact)
        found.append(Clock(REPLY, due, first((REPLY,), method), method))
    if complaint.get("channel") == "developer":
        handled = next((c.stopped_at for c in found if c.name == REPLY), None)
        if handled is not None:
            found.append(Clock(REPORT_BACK, rules.due_at(settings, "complaint_report_back", handled),
                               first((REPORT_BACK,))))
        else:
            # Not handled yet: the report-back clock has not started, and the complaint
            # cannot be timely before it stops.
            found.append(Clock(REPORT_BACK, None, None))
    return found


def verdict(found: list[Clock], now: datetime) -> str:
    states = [c.state(now) for c in found]
    if LATE in states:
        return LATE
    return RUNNING if RUNNING in states else KEPT


def next_due(found: list[Clock]) -> datetime | None:
    """The earliest due time of a clock still running: the follow-up's due time."""
    running = [c.due for c in found if c.stopped_at is None and c.due is not None]
    return min(running) if running else None


@dataclass(frozen=True)
class Rate:
    timely: int
    late: int
    running: int

    @property
    def decided(self) -> int:
        return self.timely + self.late

    @property
    def value(self) -> float | None:
        return self.timely / self.decided if self.decided else None

    @property
    def below_line(self) -> bool:
        return self.value is not None and self.value < RATE_LINE


def rate(verdicts: Iterable[str]) -> Rate:
    verdicts = list(verdicts)
    return Rate(verdicts.count(KEPT), verdicts.count(LATE), verdicts.count(RUNNING))


def is_repeat(earlier: dict[str, Any], lodged_at: datetime, unit: str | None, category: str | None,
              window_days: int = 30) -> bool:
    """Same unit and category within 30 days before: a repeat complaint (重复投诉)."""
    return bool(unit and category and earlier.get("unit") == unit and earlier.get("category") == category
                and timedelta(0) <= lodged_at - earlier["lodged_at"] <= timedelta(days=window_days))


@dataclass(frozen=True)
class CollectiveGroup:
    """Complaints of one site and category from five or more households within 48 hours."""

    category: str
    complaint_ids: tuple[str, ...]
    units: tuple[str, ...]


def collective_groups(complaints: Iterable[dict[str, Any]], *, households: int = 5,
                      window: timedelta = timedelta(hours=48)) -> list[CollectiveGroup]:
    """Suggest merges: for each category, the widest run of complaints within ``window``
    whose distinct units reach ``households``. Complaints already collective or merged
    are left out. A complaint with no unit counts as a household of its own."""
    by_category: dict[str, list[dict[str, Any]]] = {}
    for c in complaints:
        if c.get("category") and not c.get("merged_into") and not c.get("collective"):
            by_category.setdefault(c["category"], []).append(c)
    groups = []
    for category, rows in sorted(by_category.items()):
        rows.sort(key=lambda c: (c["lodged_at"], c["id"]))
        best: list[dict[str, Any]] = []
        start = 0
        for end in range(len(rows)):
            while rows[end]["lodged_at"] - rows[start]["lodged_at"] > window:
                start += 1
            run = rows[start:end + 1]
            if len({c.get("unit") or c["id"] for c in run}) > len({c.get("unit") or c["id"] for c in best}):
                best = run
        units = {c.get("unit") or c["id"] for c in best}
        if len(units) >= households:
            groups.append(CollectiveGroup(category, tuple(c["id"] for c in best),
                                          tuple(sorted(c.get("unit") or "" for c in best))))
    return groups
