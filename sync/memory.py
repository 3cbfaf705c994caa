"""An in-memory ``Store``: the reference implementation, fast enough for property tests."""
from __future__ import annotations

import copy
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any
from typing import Iterable

from sync.envelope import DeviceState
from sync.envelope import JournalEntry
from sync.envelope import content_hash
from sync.store import KINDS
from sync.store import REFERENCE_KINDS
from sync.store import SiteRef
from sync.store import UserRef


class MemoryStore:
    """Plain dicts behind the ``Store`` protocol; ``snapshot()`` shows everything held."""

    def __init__(self, *, users: Iterable[UserRef] = (), sites: Iterable[SiteRef] = (),
                 references: dict[str, Iterable[dict[str, Any]]] | None = None,
                 movements: Iterable[tuple[str, Decimal, datetime]] = ()):
        self.users = {u.id: u for u in users}
        self.sites = {s.id: s for s in sites}
        self.references = {kind: {} for kind in REFERENCE_KINDS}
        for kind, rows in (references or {}).items():
            for row in rows:
                self.references[kind][row["id"]] = {k: row.get(k) for k in REFERENCE_KINDS[kind]}
        self.movements = list(movements)
        self.records: dict[str, dict[str, dict[str, Any]]] = {kind: {} for kind in KINDS}
        self.journal_rows: dict[str, JournalEntry] = {}
        self.devices: dict[str, DeviceState] = {}

    # -- journal -----------------------------------------------------------------------
    def fingerprint(self, raw):
        return content_hash(raw)

    def claim(self, entries):
        claimed = set()
        for entry in entries:
            if entry.mutation_id not in self.journal_rows:
                self.journal_rows[entry.mutation_id] = copy.deepcopy(entry)
                claimed.add(entry.mutation_id)
        return claimed

    def journal(self, mutation_ids, *, bodies=True):
        found = {i: copy.deepcopy(self.journal_rows[i]) for i in mutation_ids if i in self.journal_rows}
        if not bodies:
            for entry in found.values():
                entry.raw = {}
        return found

    def save_journal(self, entries):
        for entry in entries:
            if entry.mutation_id not in self.journal_rows:
                raise KeyError(f"journal row {entry.mutation_id} was never claimed")
            self.journal_rows[entry.mutation_id] = copy.deepcopy(entry)

    def count_duplicates(self, repeats):
        for mutation_id, count in repeats.items():
            self.journal_rows[mutation_id].duplicates += count

    def waiting_for(self, entity_ids):
        wanted = set(entity_ids)
        return [copy.deepcopy(e) for e in sorted(self.journal_rows.values(), key=lambda e: e.mutation_id)
                if e.status == "deferred" and e.waiting_for in wanted]

    # -- devices -----------------------------------------------------------------------
    def device(self, device_id):
        state = self.devices.get(device_id)
        return None if state is None else replace(state, gaps=copy.deepcopy(state.gaps))

    def save_device(self, state):
        self.devices[state.device_id] = replace(state, gaps=copy.deepcopy(state.gaps))

    # -- records -----------------------------------------------------------------------
    def get(self, kind, ident, *, for_update=False):
        record = self.records[kind].get(ident)
        return None if record is None else copy.deepcopy(record)

    def get_many(self, kind, ids):
        table = self.records[kind]
        return {i: copy.deepcopy(table[i]) for i in ids if i in table}

    def find(self, kind, **equals):
        rows = [r for r in self.records[kind].values()
                if all(r.get(k) == v for k, v in equals.items())]
        return [copy.deepcopy(r) for r in sorted(rows, key=lambda r: r["id"])]

    def put(self, kind, record, *, new=False):
        table = self.records[kind]
        old = table.get(record["id"])
        if new and old is not None:
            raise KeyError(f"{kind} {record['id']} exists but was written as new")
        new = copy.deepcopy(record)
        if old is None:
            new["version"] = 1
        else:
            merged = {**old, **new}
            changed = any(merged.get(k) != old.get(k) for k in merged if k != "version")
            new = merged
            new["version"] = old["version"] + (1 if changed else 0)
        table[record["id"]] = new

    # -- reference data ----------------------------------------------------------------
    def user(self, user_id):
        return self.users.get(user_id)

    def site_users(self, site_id):
        return sorted((u for u in self.users.values() if site_id in u.site_ids and u.active),
                      key=lambda u: u.id)

    def site(self, site_id):
        return self.sites.get(site_id)

    def reference(self, kind, ident):
        row = self.references[kind].get(ident)
        return None if row is None else copy.deepcopy(row)

    def book_quantity(self, item_id, at):
        written = [(r["item_id"], r["quantity"] if r["direction"] == "in" else -r["quantity"], r["occurred_at"])
                   for r in self.records["stock_movement"].values()]
        return sum((qty for item, qty, when in [*self.movements, *written] if item == item_id and when <= at),
                   Decimal(0))

    # -- for tests ---------------------------------------------------------------------
    def snapshot(self) -> dict[str, dict[str, dict[str, Any]]]:
        """Every record held, by kind and id (a deep copy)."""
        return copy.deepcopy(self.records)
