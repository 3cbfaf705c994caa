"""What a push's answer leaves out: records the phone already holds because it made them.

The pull in a push's answer would otherwise send a phone back what it has just sent, on
the gate's weak signal. Two kinds of change-log rows are left out (``pull(leave_out=…)``
still sends a record whole when any other change of it is on the page):

- the writes of this push to the records its applied mutations name (``echoes``);
- the creation of a record by a mutation the phone sent again (``held_repeats``): a phone
  that lost a push's answer pushes the same batch with its old cursor, and would
  otherwise get back every record of the first push.

A follow-up is never left out: the server derives it, and its version is the next edit's
``base_version``. Nor is a record whose mutation met a conflict (the server kept
something else).
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from app.api.store import KIND_MODELS
from app.extensions import db
from app.models import ChangeLog
from app.models.base import among
from sync.envelope import APPLIED
from sync.envelope import DUPLICATE
from sync.handlers import HANDLERS

# Rows the server makes from a phone's record rather than the phone's record itself.
DERIVED_TYPES = frozenset({"followup"})


def echoes(results, written) -> frozenset[int]:
    """Change-log rows of this push that would only send the phone what it just sent."""
    own = {r.entity_id for r in results if r.status == APPLIED and r.entity_id and not r.conflict}
    return frozenset(seq for seq, entity_type, entity_id in written
                     if entity_id in own and entity_type not in DERIVED_TYPES)


def held_repeats(results, mutations, cursor: int) -> frozenset[int]:
    """Change-log rows after ``cursor`` that created a record by a mutation sent again.

    Only a record's first version is left out, and only when the record itself names the
    repeated mutation as the one that made it (``mutation_id``): the phone then holds it as
    it was made. A record made by someone else, or changed since, still goes out whole.
    """
    made: dict[type, dict[str, str]] = defaultdict(dict)  # model -> {entity id: mutation id}
    for result, sent in zip(results, mutations):
        if result.status != DUPLICATE or result.extra.get("first_status") != APPLIED or not result.entity_id:
            continue
        kind = sent.get("type") if isinstance(sent, dict) else None
        found = HANDLERS.get(kind) if isinstance(kind, str) else None
        model = KIND_MODELS.get(found.kind) if found else None
        if model is None or getattr(model, "sync_type", None) in (None, *DERIVED_TYPES) \
                or "mutation_id" not in model.__table__.c:
            continue
        made[model][result.entity_id.lower()] = str(sent.get("id", "")).strip().lower()
    held: dict[str, set[str]] = defaultdict(set)  # sync type -> entity ids
    for model, wanted in made.items():
        rows = db.session.execute(select(model.id, model.mutation_id).where(among(model.id, list(wanted))))
        held[model.sync_type].update(ident for ident, mutation_id in rows if wanted.get(ident) == mutation_id)
    log = ChangeLog.__table__
    seqs: set[int] = set()
    for sync_type, ids in held.items():
        seqs.update(db.session.scalars(select(log.c.seq).where(
            log.c.seq > cursor, log.c.entity_type == sync_type, among(log.c.entity_id, sorted(ids)),
            log.c.version == 1)))
    return frozenset(seqs)
