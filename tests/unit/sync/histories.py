"""Offline histories on several phones, and deliveries of them clean or messy.

A *history* is what each phone recorded while offline: visits, patrols with checkpoints and
findings, stock counts, edits of shared follow-ups. A *delivery* pushes it to a store:
``deliver_clean`` once, in order; ``deliver_messy`` with duplicates, reordering, lost
requests, lost answers (so the phone retries) and random request splits. The engine
promises both end in the same state; ``canonical`` says what "the same" means.
"""
from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from typing import Any

from hypothesis import strategies as st

from sync.envelope import SyncRequest
from sync.reconcile import apply_batch
from sync.testing import T0
from sync.testing import World
from sync.testing import wid

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
CST = timezone(timedelta(hours=8))
SEEDED = [wid("followup:seed:1"), wid("followup:seed:2")]
CATEGORIES = ["cleaning", "repair"]


def seed_followups(store, world: World) -> None:
    """Two open complaints at site 1 that phones edit concurrently (version 1)."""
    for n, ident in enumerate(SEEDED):
        store.put("followup", {
            "id": ident, "site_id": world.site(1), "source_type": "complaint", "source_id": None,
            "source_user_id": None, "created_by": world.user("cs1"), "checkpoint_id": None,
            "category": "complaint", "severity": "medium", "clock": "medium", "title": f"投诉{n}",
            "detail": {}, "status": "open", "assignee_id": world.user("cs1"),
            "post": "customer_service", "opened_at": T0, "received_at": T0,
            "due_at": T0 + timedelta(days=1), "resolved_at": None, "closed_at": None,
            "escalation_level": 0, "event_count": 0, "note_count": 0, "sources": [],
            "deleted_at": None,
        })


@dataclass
class Phone:
    username: str
    user_id: str
    device_id: str
    skew: timedelta
    outbox: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class History:
    phones: list[Phone]

    def mutation_ids(self) -> set[str]:
        return {m["id"] for p in self.phones for m in p.outbox}


# -- generating histories --------------------------------------------------------------

class _Recorder:
    """Builds one phone's outbox from drawn episodes; ids are stable per example."""

    def __init__(self, draw, world: World, username: str, n: int, skew: timedelta):
        self.draw, self.world, self.n = draw, world, n
        self.phone = Phone(username, world.user(username), f"device-{username}-{n:02d}", skew)
        self.counter = 0
        self.pending: list[tuple[datetime, dict[str, Any]]] = []

    def ident(self, what: str) -> str:
        self.counter += 1
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.phone.device_id}/{what}/{self.counter}"))

    def record(self, type_: str, entity_id: str, at: datetime, data: dict[str, Any]) -> None:
        self.pending.append((at, {"id": self.ident("m"), "seq": 0, "type": type_, "entity_id": entity_id,
                                  "user_id": self.phone.user_id,
                                  "at": (at + self.phone.skew).astimezone(CST).isoformat(timespec="milliseconds"),
                                  "data": data}))

    def when(self) -> datetime:
        return NOW - timedelta(hours=12) + timedelta(minutes=self.draw(st.integers(0, 600)))

    def finish(self) -> Phone:
        self.pending.sort(key=lambda pair: pair[0])
        for seq, (_, mutation) in enumerate(self.pending, start=1):
            mutation["seq"] = seq
            self.phone.outbox.append(mutation)
        return self.phone

    # episodes
    def visit(self, site: int) -> None:
        visit_id, at = self.ident("visit"), self.when()
        self.record("visit.check_in", visit_id, at, {
            "site_id": self.world.site(site), "visitor_name": "王五", "party_size": 1,
            "purpose": self.draw(st.sampled_from(["visit", "delivery", "contractor"])),
            "phone": "13812345678"})
        if self.draw(st.booleans()):
            self.record("visit.check_out", visit_id, at + timedelta(minutes=self.draw(st.integers(1, 90))), {})
        if self.draw(st.integers(0, 4)) == 0:
            self.record("visit.flag", self.ident("incident"), at + timedelta(minutes=1),
                        {"site_id": self.world.site(site), "description": "可疑", "visit_id": visit_id})

    def patrol(self, site: int) -> None:
        patrol_id, at = self.ident("patrol"), self.when()
        cps = self.world.checkpoints_of(site)
        self.record("patrol.start", patrol_id, at, {"site_id": self.world.site(site),
                                                    "route_id": wid(f"route:{site}")})
        step = 0
        for cp in cps:
            if self.draw(st.booleans()):
                step += 1
                self.record("patrol.checkpoint", self.ident("cpv"), at + timedelta(minutes=step),
                            {"patrol_id": patrol_id, "checkpoint_id": cp, "method": "qr"})
        for _ in range(self.draw(st.integers(0, 2))):
            step += 1
            data = {"patrol_id": patrol_id, "category": self.draw(st.sampled_from(CATEGORIES)),
                    "severity": self.draw(st.sampled_from(["low", "medium", "high"])),
                    "description": "发现问题", "handled_on_spot": self.draw(st.booleans())}
            checkpoint = self.draw(st.sampled_from(cps + [None]))
            if checkpoint:
                data["checkpoint_id"] = checkpoint
            self.record("patrol.finding", self.ident("finding"), at + timedelta(minutes=step), data)
        if self.draw(st.booleans()):
            self.record("patrol.end", patrol_id, at + timedelta(minutes=step + 5), {"notes": "完成"})

    def stock(self, site: int) -> None:
        check_id, at = self.ident("check"), self.when()
        self.record("stock.check_start", check_id, at, {"site_id": self.world.site(site),
                                                        "store_id": wid(f"store:{site}")})
        step = 0
        for item in self.world.items_of(site):
            for _ in range(self.draw(st.integers(0, 2))):  # twice: a conflict for review
                step += 1
                self.record("stock.count", self.ident("count"), at + timedelta(minutes=step),
                            {"check_id": check_id, "item_id": item,
                             "counted_qty": self.draw(st.integers(5, 8)),
                             "defective_qty": self.draw(st.integers(0, 1))})
        if self.draw(st.booleans()):
            self.record("stock.check_finish", check_id, at + timedelta(minutes=step + 1), {})

    def edit_followup(self) -> None:
        data: dict[str, Any] = {"base_version": 1}
        choice = self.draw(st.sampled_from(["status", "note", "assignee", "status+note"]))
        if "status" in choice:
            data["status"] = self.draw(st.sampled_from(["in_progress", "resolved", "closed", "open"]))
        if "note" in choice:
            data["note"] = f"进展{self.counter}"
        if choice == "assignee":
            data["assignee_id"] = self.world.user(self.draw(st.sampled_from(["repair1", "clean1", "cs1"])))
        self.record("followup.update", self.draw(st.sampled_from(SEEDED)), self.when(), data)


PHONES = [("guard1", 1, ("visit", "patrol")), ("manager1", 1, ("patrol", "edit")),
          ("store1", 1, ("stock", "edit")), ("cs1", 1, ("edit", "visit")), ("guard2", 2, ("visit", "patrol"))]


@st.composite
def histories(draw, world: World, max_episodes: int = 4, phones: int = len(PHONES)) -> History:
    """Offline histories for several phones of the sample world, clocks a few minutes off."""
    out = []
    for n, (username, site, kinds) in enumerate(PHONES[:phones]):
        skew = timedelta(minutes=draw(st.sampled_from([0, 0, 3, -4, 9, -12])))
        recorder = _Recorder(draw, world, username, n, skew)
        for _ in range(draw(st.integers(0, max_episodes))):
            kind = draw(st.sampled_from(kinds))
            if kind == "edit":
                recorder.edit_followup()
            else:
                getattr(recorder, kind)(site)
        out.append(recorder.finish())
    return History(out)


@dataclass
class Step:
    phone: int
    size: int
    seed: int
    repeat: int  # how many already answered mutations to send again
    lose_request: bool
    lose_answer: bool


def schedules(phones: int = len(PHONES), max_steps: int = 12):
    return st.lists(st.builds(
        Step, phone=st.integers(0, phones - 1), size=st.integers(1, 6), seed=st.integers(0, 2**16),
        repeat=st.integers(0, 2), lose_request=st.integers(0, 5).map(lambda n: n == 0),
        lose_answer=st.integers(0, 4).map(lambda n: n == 0)), max_size=max_steps)


# -- delivering ------------------------------------------------------------------------

class Clock:
    """The server's clock: a minute later for every request."""

    def __init__(self):
        self.now = NOW

    def tick(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


def push(store, phone: Phone, mutations: list[dict[str, Any]], clock: Clock, run=None):
    now = clock.tick()
    request = SyncRequest(user_id=phone.user_id, device_id=phone.device_id,
                          client_time=now + phone.skew, mutations=[dict(m) for m in mutations],
                          pending=0)
    if run is not None:
        return run(request, now)
    return apply_batch(request, store, now, lambda: str(uuid.uuid4()))


def deliver_clean(store, history: History, run=None) -> None:
    """Each phone's outbox once, in order, one request per phone."""
    clock = Clock()
    for phone in history.phones:
        if phone.outbox:
            results = push(store, phone, phone.outbox, clock, run)
            assert len(results) == len(phone.outbox)


def deliver_messy(store, history: History, steps: list[Step], run=None) -> None:
    """Random subsets in random order, repeats of answered ones, lost requests and lost answers;
    then every phone empties its outbox, as a phone does when the network holds."""
    clock = Clock()
    outboxes = [list(p.outbox) for p in history.phones]
    answered: list[list[dict[str, Any]]] = [[] for _ in history.phones]
    for step in steps:
        index = step.phone % len(history.phones)
        phone, outbox = history.phones[index], outboxes[index]
        rng = random.Random(step.seed)
        batch = rng.sample(outbox, min(step.size, len(outbox)))
        batch += rng.sample(answered[index], min(step.repeat, len(answered[index])))
        rng.shuffle(batch)
        if not batch or step.lose_request:
            continue
        results = push(store, phone, batch, clock, run)
        assert [r.id for r in results] == [m["id"] for m in batch]
        if step.lose_answer:
            continue  # the phone never heard back: everything stays in its outbox
        for mutation in batch:
            if mutation in outbox:
                outbox.remove(mutation)
                answered[index].append(mutation)
    for index, phone in enumerate(history.phones):
        rng = random.Random(index)
        remaining = outboxes[index]
        rng.shuffle(remaining)
        while remaining:
            size = rng.randint(1, 5)
            batch, remaining = remaining[:size], remaining[size:]
            push(store, phone, batch, clock, run)


# -- comparing -------------------------------------------------------------------------

VOLATILE = {"version", "updated_at", "received_at", "ended_received_at", "finished_received_at",
            "checked_out_received_at", "created_at", "version_after"}


def _clean(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in VOLATILE and k != "deleted_at"}


def canonical(snapshot: dict[str, dict[str, dict[str, Any]]]) -> dict[str, Any]:
    """What must not depend on the order of delivery.

    Left out: versions and arrival times; conflicts (checked by ``losers_are_recorded``);
    withdrawn follow-ups. A follow-up that several findings at one place share is named by
    its place and category, since which finding opened it depends on which arrived first.
    """
    followups = {i: r for i, r in snapshot["followup"].items() if r.get("deleted_at") is None}
    names: dict[str, Any] = {}
    shared = {}
    for ident, record in followups.items():
        if record["source_type"] == "finding" and record.get("checkpoint_id"):
            key = ("place", record["site_id"], record["checkpoint_id"], record["category"])
            names[ident] = key
            shared[key] = {"status": record["status"], "assignee_id": record["assignee_id"],
                           "sources": sorted(s["id"] for s in record["sources"])}
        else:
            names[ident] = ident
    out: dict[str, Any] = {}
    for kind, rows in snapshot.items():
        if kind in ("conflict", "followup", "followup_event"):
            continue
        out[kind] = {}
        for ident, record in rows.items():
            record = _clean(record)
            if "followup_id" in record and record["followup_id"] is not None:
                record["followup_id"] = names.get(record["followup_id"], ("withdrawn",))
            out[kind][ident] = record
    out["followup"] = {i: _clean(r) for i, r in followups.items() if names[i] == i}
    out["shared_followup"] = shared
    out["followup_event"] = {i: _clean(e) for i, e in snapshot["followup_event"].items()
                             if names.get(e["followup_id"]) == e["followup_id"]}
    return out


def losers_are_recorded(snapshot: dict[str, dict[str, dict[str, Any]]]) -> list[str]:
    """Follow-up edits that did not take effect and have no conflict naming them.

    (All edits of a history are concurrent: each phone edits the version it last pulled.)
    """
    losers = {c["loser_mutation_id"] for c in snapshot["conflict"].values()}
    missing = []
    events = snapshot["followup_event"].values()
    for event in events:
        if event["kind"] == "status" and not event["effective"] and event["mutation_id"] not in losers:
            missing.append(event["mutation_id"])
    by_followup: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        if event["kind"] == "assign" and event["user_id"] is not None:
            by_followup.setdefault(event["followup_id"], []).append(event)
    for assigns in by_followup.values():
        assigns.sort(key=lambda e: (e["at"], e["mutation_id"], e["id"]))
        winner = assigns[-1]
        for event in assigns[:-1]:
            if (event["value"] != winner["value"] and event["device_id"] != winner["device_id"]
                    and event["mutation_id"] not in losers):
                missing.append(event["mutation_id"])
    return missing


def journal_statuses(entries) -> dict[str, str]:
    return {e.mutation_id: e.status for e in entries}
