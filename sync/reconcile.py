"""Journal, apply, defer: one push of mutations against a store, in one transaction.

``apply_batch`` is the engine's entry point. It reads which ids the journal already holds
and answers those repeats from it, applies the rest through their handlers, parks the
ones whose parent has not arrived, applies parked ones as soon as their parent does
(whichever request brings it), and journals each new mutation once, as decided, under the
store's unique key. If another transaction journaled one of those ids in the meantime,
``Raced`` is raised: the caller rolls back and runs the push again, which then finds them.
"""
from __future__ import annotations

import json
from collections import Counter
from collections import defaultdict
from datetime import datetime
from typing import Any
from typing import Callable

from marshmallow import ValidationError

from sync import clocks
from sync import devices
from sync import hostile
from sync import messages as m
from sync import shifts
from sync.context import Context
from sync.context import Unit
from sync.envelope import APPLIED
from sync.envelope import DEFERRED
from sync.envelope import DUPLICATE
from sync.envelope import REJECTED
from sync.envelope import JournalEntry
from sync.envelope import Mutation
from sync.envelope import Result
from sync.envelope import SyncRequest
from sync.errors import Deferred
from sync.errors import Raced
from sync.errors import Rejected
from sync.errors import reject
from sync.handlers import HANDLERS
from sync.handlers import PARENT_FIELDS
from sync.handlers import built
from sync.handlers import lookup
from sync.schemas import MutationSchema
from sync.schemas import flatten_errors
from sync.store import POST_ROLE
from sync.store import Store
from sync.store import UserRef


def _column(value: Any, length: int) -> str | None:
    """A header value as its journal column can hold it; anything else is left out."""
    if not isinstance(value, str) or len(value) > length or hostile.problems({"v": value}):
        return None
    return value


MAX_REUSES = 10
MAX_REUSE_BYTES = 8192


def bounded(raw: dict[str, Any], digest: str) -> dict[str, Any]:
    """A body as kept beside a journal row: whole when small, else its size and ``digest``."""
    size = len(json.dumps(raw, ensure_ascii=False, default=str).encode("utf-8", "replace"))
    if size <= MAX_REUSE_BYTES:
        return raw
    return {"truncated": True, "bytes": size, "content_hash": digest}


def apply_batch(request: SyncRequest, store: Store, now: datetime,
                new_id: Callable[[], str]) -> list[Result]:
    """Journal and apply one push; one ``Result`` per mutation, in request order.

    :param now: the server's clock at arrival (aware UTC), injected
    :param new_id: makes ids for rows the server creates (follow-ups are derived instead)
    """
    return _Batch(request, store, now, new_id).run()


def parse_mutation(raw: dict[str, Any]) -> Mutation:
    """The header of a raw mutation, validated; ``Rejected`` with field messages otherwise."""
    try:
        loaded = built(MutationSchema).load(raw)
    except ValidationError as err:
        raise Rejected(flatten_errors(err.messages)) from None
    return Mutation(id=loaded["id"], seq=loaded["seq"], type=loaded["type"],
                    entity_id=loaded["entity_id"], user_id=loaded["user_id"], at=loaded["at"],
                    data=loaded.get("data") or {})


class _Batch:
    def __init__(self, request: SyncRequest, store: Store, now: datetime, new_id):
        self.request = request
        self.store = store
        self.now = now
        self.new_id = new_id
        self.offset = clocks.offset_ms(request.client_time, now)
        self.touched: dict[str, JournalEntry] = {}
        self.unstorable: dict[str, dict[str, list[str]]] = {}
        self.parked: dict[str, list[JournalEntry]] = defaultdict(list)
        self.waiting_cache: dict[str, list[JournalEntry]] = {}
        # A post phone's shifts by (device, person), read once per push: every record of
        # the push is checked against them (dropped when a shift mutation may change them).
        self.shift_cache: dict[tuple[str, str], list[dict[str, Any]]] = {}
        # Mutations decided (applied, parked, refused) in this push, and repeats by id.
        self.decided: set[str] = set()
        self.repeats: Counter[str] = Counter()

    # -- the request ---------------------------------------------------------------------
    def run(self) -> list[Result]:
        entries = [self._entry(raw) for raw in self.request.mutations]
        firsts: dict[str, JournalEntry] = {}
        for entry in entries:
            firsts.setdefault(entry.mutation_id, entry)
        # A repeat is answered from the row's hash and first answer; only a row still
        # parked may be applied now, and only that needs its body.
        earlier = self.store.journal(list(firsts), bodies=False)
        unsettled = [i for i, e in earlier.items() if e.status not in (APPLIED, REJECTED)]
        if unsettled:
            earlier.update(self.store.journal(unsettled))
        fresh = [firsts[i] for i in sorted(firsts) if i not in earlier]
        self._prefetch(fresh)

        answers: list[Result | str] = []
        done: set[str] = set()
        for entry in entries:
            ident = entry.mutation_id
            if ident not in earlier and ident not in done:
                done.add(ident)
                self.touched[ident] = entry
                if ident in self.unstorable:
                    entry.status = REJECTED
                    entry.result = Result(ident, REJECTED, errors=self.unstorable[ident],
                                          code="unstorable").to_json()
                else:
                    self._apply(entry)
                answers.append(ident)  # read at the end: a parked one may apply later on
            else:
                first = self.touched.get(ident) or earlier[ident]
                answers.append(self._repeat(entry, first))

        self._observe_device(entries)
        # Each new row is written once, as decided; sorted so that two transactions
        # inserting overlapping ids take their locks in one order.
        claimed = self.store.claim(fresh)
        if len(claimed) != len(fresh):
            raise Raced(sorted({e.mutation_id for e in fresh} - claimed))
        # Rows journaled before: a decided one is written whole, its counter with it; one
        # only repeated gets its counter raised, nothing else rewritten.
        rewritten = {i for i in self.touched if i not in claimed and i in self.decided}
        self.store.save_journal([self.touched[i] for i in sorted(rewritten)])
        self.store.count_duplicates({i: n for i, n in self.repeats.items()
                                     if i not in claimed and i not in rewritten})
        results = [Result.from_json(self.touched[a].result) if isinstance(a, str) else a
                   for a in answers]
        for result, entry in zip(results, entries):
            result.id = entry.raw["id"]  # as the phone wrote it, which may not be lower case
        return results

    def _entry(self, raw: dict[str, Any]) -> JournalEntry:
        """The journal row of a raw mutation, storable whatever it holds (``sync.hostile``)."""
        seq = raw.get("seq")
        issues = hostile.problems(raw)
        entry = JournalEntry(
            mutation_id=raw["id"].strip().lower(),
            device_id=self.request.device_id,
            user_id=self.request.user_id,
            raw=hostile.cleaned(raw) if issues else raw,
            content_hash=self.store.fingerprint(raw),
            received_at=self.now,
            client_time=self.request.client_time,
            clock_offset_ms=self.offset,
            type=_column(raw.get("type"), 40),
            entity_id=_column(raw.get("entity_id"), 64),
            seq=seq if isinstance(seq, int) and not isinstance(seq, bool) and 0 <= seq <= hostile.MAX_INT
            else None,
        )
        if issues:
            self.unstorable[entry.mutation_id] = issues
        return entry

    def _prefetch(self, entries: list[JournalEntry]) -> None:
        """Load, in one query per kind, every record this push names, and who waits for them."""
        wanted: dict[str, set[str]] = defaultdict(set)
        entity_ids = set()
        for entry in entries:
            found = HANDLERS.get(entry.type or "")
            if found is None or not entry.entity_id:
                continue
            entity_id = entry.entity_id.lower()
            entity_ids.add(entity_id)
            wanted[found.kind].add(entity_id)
            data = entry.raw.get("data")
            if isinstance(data, dict):
                for field, kind in PARENT_FIELDS.items():
                    if isinstance(data.get(field), str):
                        wanted[kind].add(data[field].lower())
                for kind, ident in found.related(entity_id, data):
                    wanted[kind].add(ident)
        for kind, ids in wanted.items():
            self.store.get_many(kind, sorted(ids))
        for parked in self.store.waiting_for(sorted(entity_ids)):
            self.waiting_cache.setdefault(parked.waiting_for, []).append(parked)
        for ident in entity_ids:
            self.waiting_cache.setdefault(ident, [])

    def _repeat(self, entry: JournalEntry, first: JournalEntry) -> Result:
        """A mutation id seen before: the same answer again, or ``mutation_id_reused``.

        A reuse is kept for the record, but only the first ``MAX_REUSES`` of them, each with
        at most ``MAX_REUSE_BYTES`` of its body, so that a phone replaying one id cannot
        grow a journal row without bound.
        """
        self.touched[first.mutation_id] = first
        if entry.content_hash != first.content_hash:
            if len(first.reuses) < MAX_REUSES:
                self.decided.add(first.mutation_id)
                first.reuses.append({"received_at": self.now.isoformat(), "device_id": entry.device_id,
                                     "user_id": entry.user_id, "content_hash": entry.content_hash,
                                     "raw": bounded(entry.raw, entry.content_hash)})
            return Result(entry.mutation_id, REJECTED, errors={"id": [m.MUTATION_ID_REUSED]},
                          code="mutation_id_reused")
        first.duplicates += 1
        self.repeats[first.mutation_id] += 1
        previous = Result.from_json(first.result) if first.result else None
        if first.status == REJECTED and previous is not None:
            # Still `duplicate` (SYNC.md), but carrying the first answer's errors so that a
            # phone which lost that answer puts the record in "needs attention", not the bin.
            return Result(entry.mutation_id, DUPLICATE, entity_id=previous.entity_id,
                          errors=previous.errors, code=previous.code,
                          extra={"first_status": REJECTED})
        return Result(entry.mutation_id, DUPLICATE, entity_id=first.entity_id,
                      extra={"first_status": first.status})

    def _observe_device(self, entries: list[JournalEntry]) -> None:
        state = self.store.device(self.request.device_id)
        seqs = [e.seq for e in entries if e.seq is not None and e.seq >= 0]
        self.store.save_device(devices.observe(
            state, self.request.device_id, user_id=self.request.user_id, seqs=seqs,
            pending=self.request.pending, offset_ms=self.offset, now=self.now))

    # -- one mutation --------------------------------------------------------------------
    def _apply(self, entry: JournalEntry) -> None:
        """Decide one journaled mutation: applied, deferred or rejected; wake its waiters."""
        self.decided.add(entry.mutation_id)
        mutation = None
        try:
            mutation = parse_mutation(entry.raw)
            entry.type, entry.entity_id, entry.seq = mutation.type, mutation.entity_id, mutation.seq
            correction = clocks.correct(mutation.at, entry.clock_offset_ms, entry.received_at)
            entry.at_phone, entry.at_corrected = correction.phone, correction.corrected
            entry.clock_flag = correction.flag
            actor = self._actor(entry, mutation, correction.phone)
            found = lookup(mutation.type)
            data = found.load(mutation.data)
            unit = Unit(self.store)
            ctx = Context(store=unit, mutation=mutation, entry=entry, actor=actor,
                          at=correction.corrected, at_phone=correction.phone,
                          clock_flag=correction.flag, now=self.now, new_id=self.new_id)
            found.apply(ctx, data)
        except Deferred as parked:
            entry.status, entry.waiting_for = DEFERRED, parked.waiting_for
            entry.result = Result(entry.mutation_id, DEFERRED, entity_id=entry.entity_id,
                                  waiting_for=parked.waiting_for).to_json()
            self.parked[parked.waiting_for].append(entry)
            return
        except Rejected as refused:
            entry.status, entry.waiting_for = REJECTED, None
            entry.result = Result(entry.mutation_id, REJECTED,
                                  entity_id=mutation.entity_id if mutation else None,
                                  errors=refused.errors, code=refused.code).to_json()
            return
        unit.commit()
        entry.status, entry.waiting_for, entry.applied_at = APPLIED, None, self.now
        entry.result = Result(entry.mutation_id, APPLIED, entity_id=mutation.entity_id,
                              conflict=ctx.conflicts[0] if ctx.conflicts else None).to_json()
        self._wake(mutation.entity_id)

    def _actor(self, entry: JournalEntry, mutation, at_phone) -> UserRef:
        """Who the mutation is recorded by, if the phone that sent it may speak for them.

        A person's phone sends its person's records. A post's phone sends the records of
        whoever was on shift on it at the time: a person of the post's site, within a
        shift of theirs on that same phone (``sync.shifts``).
        """
        sender = self.store.user(entry.user_id)
        if sender is None or not sender.active:
            raise reject("user_id", m.OTHER_USER, code="other_user")
        if sender.role != POST_ROLE:
            if mutation.user_id != entry.user_id:
                raise reject("user_id", m.OTHER_USER, code="other_user")
            if mutation.type.startswith("shift."):
                raise reject("type", m.SHIFTS_ON_POST_PHONES)
            return sender
        actor = self.store.user(mutation.user_id) if mutation.user_id != entry.user_id else None
        if actor is None or not actor.active or actor.role == POST_ROLE or not set(actor.site_ids) & set(sender.site_ids):
            raise reject("user_id", m.NOT_AT_THIS_POST, code="other_user")
        if mutation.type.startswith("shift."):
            self.shift_cache.clear()
        if mutation.type == "shift.start":
            return actor
        key = (entry.device_id, actor.id)
        if key not in self.shift_cache:
            self.shift_cache[key] = self.store.find("shift", device_id=entry.device_id, user_id=actor.id)
        if not shifts.covers(self.shift_cache[key], at_phone):
            raise reject("user_id", m.NO_SHIFT_OPEN, code="no_shift")
        return actor

    def _wake(self, entity_id: str) -> None:
        """Apply, in corrected-time order, every parked mutation waiting for ``entity_id``."""
        stored = self.waiting_cache.get(entity_id)
        if stored is None:
            stored = self.store.waiting_for([entity_id])
        # Whoever waited has now been tried; later waiters of this id are parked here.
        self.waiting_cache[entity_id] = []
        candidates: dict[str, JournalEntry] = {}
        for entry in stored + self.parked.pop(entity_id, []):
            entry = self.touched.get(entry.mutation_id, entry)
            if entry.status == DEFERRED and entry.waiting_for == entity_id:
                candidates[entry.mutation_id] = entry
        order = sorted(candidates.values(),
                       key=lambda e: (e.at_corrected or e.received_at, e.mutation_id))
        for entry in order:
            self.touched[entry.mutation_id] = entry
            self._apply(entry)
