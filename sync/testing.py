"""Test support shared by every store: a sample world and the ``StoreContract`` suite.

A store implementation's tests subclass ``StoreContract`` and define ``make_store(world)``,
which loads the world's reference data into a fresh store (Kinto's storage testing idea):
the in-memory store and the SQLAlchemy store must pass the same tests.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from decimal import Decimal
from typing import Any

from sync.envelope import DeviceState
from sync.envelope import JournalEntry
from sync.memory import MemoryStore
from sync.store import SiteRef
from sync.store import UserRef

_NS = uuid.UUID("0f6f4a8e-8f2a-4a0f-b6a5-1c3b2f5e9d10")
T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def wid(name: str) -> str:
    """A stable id for a named thing of the sample world."""
    return str(uuid.uuid5(_NS, name))


@dataclass
class World:
    """Reference data as plain values, loadable into any store."""

    sites: list[SiteRef]
    site_names: dict[str, str]
    users: list[UserRef]
    usernames: dict[str, str]
    checkpoints: list[dict[str, Any]]
    routes: list[dict[str, Any]]
    stores: list[dict[str, Any]]
    items: list[dict[str, Any]]
    movements: list[tuple[str, Decimal, datetime]] = field(default_factory=list)

    def user(self, name: str) -> str:
        return wid(f"user:{name}")

    def site(self, n: int) -> str:
        return wid(f"site:{n}")

    def checkpoints_of(self, n: int) -> list[str]:
        return [c["id"] for c in self.checkpoints if c["site_id"] == self.site(n)]

    def items_of(self, n: int) -> list[str]:
        return [i["id"] for i in self.items if i["site_id"] == self.site(n)]


def sample_world() -> World:
    """Two sites, each with a person on every post and a gate post's phone (``post1``),
    three checkpoints on a route, a store
    with two items (10 in on 1 January, 3 out on 1 June), and a supervisor over both."""
    sites, users, checkpoints, routes, stores, items, movements = [], [], [], [], [], [], []
    names, usernames = {}, {}
    posts = [("guard", "guard", "security", False), ("lead", "guard", "security", True),
             ("manager", "manager", None, False), ("repair", "staff", "repair", False),
             ("clean", "staff", "cleaning", False), ("store", "staff", "store", False),
             ("cs", "staff", "customer_service", True), ("post", "post", None, False)]
    for n in (1, 2):
        site_id = wid(f"site:{n}")
        sites.append(SiteRef(id=site_id, settings={}))
        names[site_id] = f"小区{n}"
        for name, role, post, lead in posts:
            ident = wid(f"user:{name}{n}")
            users.append(UserRef(id=ident, role=role, post=post, is_team_lead=lead,
                                 site_ids=(site_id,)))
            usernames[ident] = f"{name}{n}"
        cps = [{"id": wid(f"cp:{n}:{i}"), "site_id": site_id, "active": True,
                "name": f"巡更点{n}-{i}", "code": f"W{n}-CP{i}"} for i in (1, 2, 3)]
        checkpoints += cps
        routes.append({"id": wid(f"route:{n}"), "site_id": site_id, "name": f"路线{n}",
                       "checkpoint_ids": [c["id"] for c in cps], "active": True})
        store_id = wid(f"store:{n}")
        stores.append({"id": store_id, "site_id": site_id, "name": f"仓库{n}"})
        for i, name in ((1, "灯泡"), (2, "手套")):
            item_id = wid(f"item:{n}:{i}")
            items.append({"id": item_id, "site_id": site_id, "store_id": store_id, "name": name,
                          "tolerance": None, "active": True})
            movements.append((item_id, Decimal(10), T0))
            movements.append((item_id, Decimal(-3), T0 + timedelta(days=151)))
    supervisor = wid("user:supervisor")
    users.append(UserRef(id=supervisor, role="supervisor", site_ids=tuple(s.id for s in sites)))
    usernames[supervisor] = "supervisor"
    return World(sites, names, users, usernames, checkpoints, routes, stores, items, movements)


def memory_store(world: World) -> MemoryStore:
    return MemoryStore(
        users=world.users, sites=world.sites,
        references={"checkpoint": world.checkpoints, "route": world.routes,
                    "store": world.stores, "item": world.items},
        movements=world.movements,
    )


def journal_entry(mutation_id: str, world: World, **fields: Any) -> JournalEntry:
    """A journal row as ``reconcile`` would claim it, for contract tests."""
    base = dict(
        mutation_id=mutation_id, device_id="device-0001", user_id=world.user("guard1"),
        raw={"id": mutation_id, "type": "visit.check_in", "data": {"visitor_name": "王五"}},
        content_hash="h" * 64, received_at=T0, client_time=T0, clock_offset_ms=0,
        type="visit.check_in", entity_id=wid(f"entity:{mutation_id}"), seq=1,
    )
    base.update(fields)
    return JournalEntry(**base)


def visit_record(world: World, ident: str, **fields: Any) -> dict[str, Any]:
    record = {
        "id": ident, "site_id": world.site(1), "user_id": world.user("guard1"),
        "device_id": "device-0001", "mutation_id": wid(f"m:{ident}"), "received_at": T0,
        "clock_flag": None, "visitor_name": "王五", "purpose": "delivery", "party_size": 1,
        "phone": None, "id_number": None, "unit": None, "host_name": None, "plate": None,
        "note": None, "checked_in_at": T0, "checked_in_at_phone": T0, "checked_out_at": None,
        "checked_out_at_phone": None, "checked_out_by": None, "checked_out_received_at": None,
        "checked_out_mutation_id": None,
    }
    record.update(fields)
    return record


class StoreContract:
    """What every ``Store`` must do. Subclass it in a test module and define ``make_store``."""

    def make_store(self, world: World):  # pragma: no cover - provided by subclasses
        raise NotImplementedError

    def setup_store(self):
        self.world = sample_world()
        return self.make_store(self.world)

    # -- journal -----------------------------------------------------------------------
    def test_claim_takes_each_id_once(self):
        store = self.setup_store()
        a, b = wid("m:a"), wid("m:b")
        assert store.claim([journal_entry(a, self.world), journal_entry(b, self.world)]) == {a, b}
        assert store.claim([journal_entry(a, self.world), journal_entry(wid("m:c"), self.world)]) == {wid("m:c")}
        assert store.claim([]) == set()

    def test_journal_round_trips_every_field(self):
        store = self.setup_store()
        entry = journal_entry(wid("m:a"), self.world, raw={"id": "x", "data": {"名": "王五", "n": [1, 2]}},
                              clock_offset_ms=-360000, at_phone=T0, at_corrected=T0 + timedelta(minutes=6),
                              clock_flag="skewed")
        store.claim([entry])
        got = store.journal([entry.mutation_id, wid("m:missing")])
        assert list(got) == [entry.mutation_id]
        assert got[entry.mutation_id] == entry

    def test_journal_without_bodies_leaves_only_the_body_out(self):
        store = self.setup_store()
        entry = journal_entry(wid("m:a"), self.world, raw={"id": "x", "data": {"phone": "13812345678"}},
                              status="applied", result={"id": "x", "status": "applied"})
        store.claim([entry])
        entry.reuses = [{"raw": {"id": "x", "data": {}}}]
        store.save_journal([entry])
        got = store.journal([entry.mutation_id], bodies=False)[entry.mutation_id]
        assert got.raw == {}
        got.raw = entry.raw
        assert got == entry

    def test_save_journal_updates_status_result_and_counters(self):
        store = self.setup_store()
        entry = journal_entry(wid("m:a"), self.world)
        store.claim([entry])
        entry.status, entry.waiting_for = "deferred", wid("parent")
        entry.result = {"id": entry.mutation_id, "status": "deferred"}
        entry.duplicates, entry.reuses = 2, [{"raw": {"id": "x"}}]
        store.save_journal([entry])
        assert store.journal([entry.mutation_id])[entry.mutation_id] == entry

    def test_duplicates_are_counted_without_rewriting_the_row(self):
        store = self.setup_store()
        a, b = journal_entry(wid("m:a"), self.world), journal_entry(wid("m:b"), self.world, duplicates=4)
        store.claim([a, b])
        store.count_duplicates({a.mutation_id: 1, b.mutation_id: 2})
        store.count_duplicates({})
        got = store.journal([a.mutation_id, b.mutation_id])
        assert (got[a.mutation_id].duplicates, got[b.mutation_id].duplicates) == (1, 6)
        assert got[a.mutation_id].raw == a.raw

    def test_bodies_and_reuses_come_back_as_given_whatever_the_store_hides(self):
        store = self.setup_store()
        raw = {"id": "x", "type": "visit.check_in",
               "data": {"phone": "+86 138-1234-5678", "id_number": "11010119900107123X", "unit": None}}
        entry = journal_entry(wid("m:a"), self.world, raw=raw, content_hash=store.fingerprint(raw),
                              status="deferred", waiting_for=wid("parent"))
        store.claim([entry])
        entry.reuses = [{"raw": {**raw, "data": {"phone": "13598765432", "id_number": ""}}},
                        {"raw": {"truncated": True}}]
        store.save_journal([entry])
        assert store.journal([entry.mutation_id])[entry.mutation_id] == entry
        assert store.waiting_for([wid("parent")]) == [entry]

    def test_a_fingerprint_depends_on_the_content_only(self):
        store = self.setup_store()
        raw = {"id": "x", "seq": 1, "type": "visit.check_in", "entity_id": "e", "user_id": "u",
               "at": "2026-01-01T08:00:00+08:00", "data": {"phone": "13812345678"}}
        print_ = store.fingerprint(raw)
        assert len(print_) == 64 and print_ == store.fingerprint({**raw, "seq": 2})
        assert print_ != store.fingerprint({**raw, "data": {"phone": "13812345679"}})
        assert store.fingerprint({**raw, "data": {}}) != store.fingerprint({**raw, "data": {"note": "x"}})

    def test_waiting_for_lists_only_deferred_rows_for_those_ids(self):
        store = self.setup_store()
        parent, other = wid("parent"), wid("other")
        rows = [journal_entry(wid(f"m:{i}"), self.world) for i in range(4)]
        store.claim(rows)
        rows[0].status, rows[0].waiting_for = "deferred", parent
        rows[1].status, rows[1].waiting_for = "deferred", other
        rows[2].status, rows[2].waiting_for = "applied", None
        store.save_journal(rows[:3])
        assert [e.mutation_id for e in store.waiting_for([parent])] == [rows[0].mutation_id]
        assert sorted(e.mutation_id for e in store.waiting_for([parent, other])) == \
            sorted([rows[0].mutation_id, rows[1].mutation_id])
        assert store.waiting_for([]) == []

    # -- devices -----------------------------------------------------------------------
    def test_device_state_is_saved_and_replaced(self):
        store = self.setup_store()
        assert store.device("device-0001") is None
        state = DeviceState("device-0001", self.world.user("guard1"), 5, [[2, 3]], 4, T0, 1500, T0)
        store.save_device(state)
        assert store.device("device-0001") == state
        later = DeviceState("device-0001", self.world.user("guard1"), 9, [], 0, T0 + timedelta(hours=1), 0, T0)
        store.save_device(later)
        assert store.device("device-0001") == later

    # -- records -----------------------------------------------------------------------
    def test_put_then_get_returns_the_record_with_a_version(self):
        store = self.setup_store()
        ident = wid("visit:1")
        assert store.get("visit", ident) is None
        store.put("visit", visit_record(self.world, ident, phone="13812345678"))
        got = store.get("visit", ident)
        assert got["phone"] == "13812345678" and got["version"] == 1
        assert got["checked_in_at"] == T0

    def test_a_changing_put_raises_the_version_and_an_unchanged_one_does_not(self):
        store = self.setup_store()
        ident = wid("visit:1")
        store.put("visit", visit_record(self.world, ident))
        store.put("visit", visit_record(self.world, ident, checked_out_at=T0 + timedelta(hours=1)))
        assert store.get("visit", ident)["version"] == 2
        store.put("visit", visit_record(self.world, ident, checked_out_at=T0 + timedelta(hours=1)))
        assert store.get("visit", ident)["version"] == 2

    def test_editing_a_returned_dict_changes_nothing_until_put(self):
        store = self.setup_store()
        ident = wid("visit:1")
        store.put("visit", visit_record(self.world, ident))
        got = store.get("visit", ident)
        got["visitor_name"] = "赵六"
        assert store.get("visit", ident)["visitor_name"] == "王五"

    def test_get_many_returns_those_found(self):
        store = self.setup_store()
        ids = [wid("visit:1"), wid("visit:2")]
        store.put("visit", visit_record(self.world, ids[0]))
        got = store.get_many("visit", ids)
        assert list(got) == [ids[0]]
        store.put("visit", visit_record(self.world, ids[1]))
        assert store.get("visit", ids[1]) is not None

    def test_find_matches_fields_including_none(self):
        store = self.setup_store()
        ids = sorted([wid("visit:1"), wid("visit:2"), wid("visit:3")])
        store.put("visit", visit_record(self.world, ids[0]))
        store.put("visit", visit_record(self.world, ids[1], checked_out_at=T0))
        store.put("visit", visit_record(self.world, ids[2], site_id=self.world.site(2)))
        found = store.find("visit", site_id=self.world.site(1), checked_out_at=None)
        assert [r["id"] for r in found] == [ids[0]]
        assert [r["id"] for r in store.find("visit", site_id=self.world.site(1))] == ids[:2]

    def test_json_fields_round_trip(self):
        store = self.setup_store()
        ident = wid("followup:1")
        store.put("followup", {
            "id": ident, "site_id": self.world.site(1), "source_type": "complaint", "source_id": None,
            "source_user_id": None, "created_by": None, "checkpoint_id": None, "category": "other",
            "severity": "low", "clock": "low", "title": "漏水", "detail": {"a": [1, "二"]},
            "status": "open", "assignee_id": None, "post": None, "opened_at": T0, "received_at": T0,
            "due_at": T0, "resolved_at": None, "closed_at": None, "escalation_level": 0,
            "event_count": 0, "note_count": 0, "sources": [{"type": "complaint", "id": "x"}],
            "deleted_at": None,
        })
        got = store.get("followup", ident)
        assert got["detail"] == {"a": [1, "二"]} and got["sources"] == [{"type": "complaint", "id": "x"}]

    # -- reference data ----------------------------------------------------------------
    def test_people_and_sites(self):
        store = self.setup_store()
        guard = store.user(self.world.user("guard1"))
        assert guard.role == "guard" and guard.post == "security"
        assert guard.site_ids == (self.world.site(1),)
        assert store.user(wid("nobody")) is None
        names = {u.id for u in store.site_users(self.world.site(1))}
        assert self.world.user("guard1") in names and self.world.user("guard2") not in names
        assert self.world.user("supervisor") in names
        site = store.site(self.world.site(1))
        assert site.id == self.world.site(1)
        assert store.site(wid("nowhere")) is None

    def test_reference_views(self):
        store = self.setup_store()
        route = store.reference("route", wid("route:1"))
        assert route["site_id"] == self.world.site(1)
        assert route["checkpoint_ids"] == self.world.checkpoints_of(1)
        item = store.reference("item", wid("item:1:1"))
        assert item["store_id"] == wid("store:1") and item["name"] == "灯泡"
        assert store.reference("checkpoint", wid("cp:2:1"))["site_id"] == self.world.site(2)
        assert store.reference("store", wid("nothing")) is None

    def test_book_quantity_is_the_ledger_as_of_a_time(self):
        store = self.setup_store()
        item = wid("item:1:1")
        assert store.book_quantity(item, T0 - timedelta(seconds=1)) == 0
        assert store.book_quantity(item, T0) == 10
        assert store.book_quantity(item, T0 + timedelta(days=200)) == 7
