"""What a handler works with: one mutation's buffered writes and the facts around it.

Writes go to a ``Unit`` first and reach the store only when the handler returns, so a
handler that rejects or defers halfway leaves nothing behind, with no database savepoint.
"""
from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from decimal import Decimal
from typing import Any
from typing import Callable

from sync import messages as m
from sync.envelope import JournalEntry
from sync.envelope import Mutation
from sync.errors import reject
from sync.store import Store
from sync.store import UserRef


# Rows the server derives (follow-ups, their events, conflicts) get ids computed from what
# they derive from, so that applying the same facts in another order names the same rows.
NAMESPACE = uuid.UUID("5b0e7c52-3f4e-4f1c-9d55-2d7a1c0e8a41")


def derived_id(*parts: str) -> str:
    """A stable UUID for a row derived from ``parts`` (uuid5)."""
    return str(uuid.uuid5(NAMESPACE, "|".join(parts)))


def jsonable(value: Any) -> Any:
    """Decimals and times as strings, so conflict values fit a JSON column and a response."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value


class Unit:
    """A write buffer over a store: reads see buffered writes, ``commit`` hands them on."""

    def __init__(self, store: Store):
        self.store = store
        self.writes: dict[tuple[str, str], dict[str, Any]] = {}
        self.new: set[tuple[str, str]] = set()

    def get(self, kind: str, ident: str, *, for_update: bool = False) -> dict[str, Any] | None:
        if (kind, ident) in self.writes:
            return copy.deepcopy(self.writes[(kind, ident)])
        return self.store.get(kind, ident, for_update=for_update)

    def find(self, kind: str, **equals: Any) -> list[dict[str, Any]]:
        rows = {r["id"]: r for r in self.store.find(kind, **equals)}
        for (k, ident), record in self.writes.items():
            if k != kind:
                continue
            if all(record.get(key) == value for key, value in equals.items()):
                rows[ident] = copy.deepcopy(record)
            else:
                rows.pop(ident, None)
        return [rows[i] for i in sorted(rows)]

    def put(self, kind: str, record: dict[str, Any]) -> None:
        """Buffer a whole record (handlers always write what they read, changed)."""
        self.writes[(kind, record["id"])] = copy.deepcopy(record)

    def add(self, kind: str, record: dict[str, Any]) -> None:
        """Buffer a record known not to exist yet (its id was just checked or derived anew)."""
        self.put(kind, record)
        self.new.add((kind, record["id"]))

    def commit(self) -> None:
        for key, record in self.writes.items():
            self.store.put(key[0], record, new=key in self.new)
        self.writes.clear()
        self.new.clear()

    def __getattr__(self, name: str):
        # reference reads (user, site, reference, book_quantity...) go straight through
        return getattr(self.store, name)


@dataclass
class Context:
    """One mutation being applied: who, when (phone and corrected), and where to write."""

    store: Unit
    mutation: Mutation
    entry: JournalEntry
    actor: UserRef
    at: datetime  # corrected event time: what the rules reconcile on
    at_phone: datetime
    clock_flag: str | None
    now: datetime
    new_id: Callable[[], str]
    conflicts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def entity_id(self) -> str:
        return self.mutation.entity_id

    def require_site(self, site_id: str | None, field_name: str = "site_id"):
        """The site, if the sender is posted to it; otherwise a rejection that leaks nothing."""
        if site_id is None or site_id not in self.actor.site_ids:
            raise reject(field_name, m.OTHER_SITE)
        site = self.store.site(site_id)
        if site is None:
            raise reject(field_name, m.OTHER_SITE)
        return site

    def ensure_new(self, kind: str) -> None:
        """An entity is created once; a second create under a new mutation id is refused."""
        if self.store.get(kind, self.entity_id) is not None:
            raise reject("entity_id", m.ENTITY_EXISTS, code="entity_exists")

    def stamp(self) -> dict[str, Any]:
        """Fields every record made from a mutation carries: who, which device, when it arrived."""
        return {
            "user_id": self.actor.id,
            "device_id": self.entry.device_id,
            "mutation_id": self.mutation.id,
            "received_at": self.entry.received_at,
            "clock_flag": self.clock_flag,
        }

    def conflict(self, *, entity_type: str, entity_id: str, site_id: str | None, field: str,
                 kept: Any, lost: Any, reason: str, loser_mutation_id: str | None,
                 winner_mutation_id: str | None) -> None:
        """Keep a conflict for review; the first one also goes into this mutation's result.

        One entry per losing mutation and field: seeing the same loss again updates it.
        """
        loser = loser_mutation_id or self.mutation.id
        record = {
            "id": derived_id("conflict", loser, entity_type, entity_id, field),
            "site_id": site_id, "entity_type": entity_type, "entity_id": entity_id,
            "field": field, "kept": jsonable(kept), "lost": jsonable(lost), "reason": reason,
            "winner_mutation_id": winner_mutation_id, "loser_mutation_id": loser,
            "mutation_id": self.mutation.id, "created_at": self.now,
        }
        self.store.put("conflict", record)
        self.conflicts.append({"type": entity_type, "entity_id": entity_id, "field": field,
                               "kept": record["kept"], "lost": record["lost"], "reason": reason})
