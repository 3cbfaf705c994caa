"""The shapes that cross the engine's edge: a request, its mutations, their results.

These are plain dataclasses so that the app layer, the memory store and the tests can
build them without marshmallow; ``schemas.py`` turns JSON into them.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from typing import Any

APPLIED = "applied"
DUPLICATE = "duplicate"
DEFERRED = "deferred"
REJECTED = "rejected"
RECEIVED = "received"  # journaled, not yet decided (only inside one transaction)


@dataclass(frozen=True)
class Mutation:
    """One thing a phone recorded: SYNC.md's mutation object after header validation."""

    id: str
    seq: int | None
    type: str
    entity_id: str
    user_id: str
    at: datetime
    data: dict[str, Any]


@dataclass
class SyncRequest:
    """A push: who sends it (the token's user), from which device, what its clock reads."""

    user_id: str
    device_id: str
    client_time: datetime
    mutations: list[dict[str, Any]] = field(default_factory=list)
    pending: int = 0


@dataclass
class Result:
    """The answer for one mutation, in request order (SYNC.md's ``results``)."""

    id: str
    status: str
    entity_id: str | None = None
    errors: dict[str, list[str]] | None = None
    waiting_for: str | None = None
    conflict: dict[str, Any] | None = None
    code: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"id": self.id, "status": self.status}
        if self.entity_id is not None:
            body["entity_id"] = self.entity_id
        if self.waiting_for is not None:
            body["waiting_for"] = self.waiting_for
        if self.errors:
            body["errors"] = self.errors
        if self.code:
            body["code"] = self.code
        if self.conflict:
            body["conflict"] = self.conflict
        body.update(self.extra)
        return body

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> "Result":
        known = {"id", "status", "entity_id", "errors", "waiting_for", "conflict", "code"}
        return cls(
            id=body["id"], status=body["status"], entity_id=body.get("entity_id"),
            errors=body.get("errors"), waiting_for=body.get("waiting_for"),
            conflict=body.get("conflict"), code=body.get("code"),
            extra={k: v for k, v in body.items() if k not in known},
        )


@dataclass
class JournalEntry:
    """A row of the append-only journal: the raw mutation, who sent it, what became of it."""

    mutation_id: str
    device_id: str
    user_id: str
    raw: dict[str, Any]
    content_hash: str
    received_at: datetime
    client_time: datetime | None
    clock_offset_ms: int
    type: str | None = None
    entity_id: str | None = None
    seq: int | None = None
    at_phone: datetime | None = None
    at_corrected: datetime | None = None
    clock_flag: str | None = None
    status: str = RECEIVED
    result: dict[str, Any] | None = None
    waiting_for: str | None = None
    applied_at: datetime | None = None
    duplicates: int = 0
    reuses: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class DeviceState:
    """What the server knows of one installation: its sequence, gaps, outbox, clock."""

    device_id: str
    user_id: str | None = None
    last_seq: int = 0
    gaps: list[list[int]] = field(default_factory=list)
    pending: int = 0
    last_seen_at: datetime | None = None
    clock_offset_ms: int = 0
    first_seen_at: datetime | None = None


def content_hash(raw: dict[str, Any]) -> str:
    """A fingerprint of what a mutation says, to tell a retry from a reused id.

    ``seq`` and unknown keys are left out: a retry of the same outbox entry says the same
    thing even if a newer app version adds bookkeeping fields to the envelope.
    """
    core = {key: raw.get(key) for key in ("type", "entity_id", "user_id", "at", "data")}
    text = json.dumps(core, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    # surrogatepass: a lone surrogate must hash (its mutation is then refused), not crash.
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
