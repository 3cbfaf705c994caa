"""Visitors' numbers inside the sync journal: each mutation's body as the phone sent it.

The journal keeps every body whole (SYNC.md), so a check-in's ``data.phone`` and
``data.id_number`` would sit there in plain text. They are sealed field by field: each
value (whatever JSON it is) is encrypted as its JSON text, bound to the journal and the
field, and opened again when the row is read, so the engine, the review pages and a
deferred mutation replayed later all see the body exactly as it came. The same goes for
the bodies kept in ``reuses``.

``fingerprint`` is the journal's content hash, which tells a retry from a reused id. The
plain SHA-256 of a body is a fine fingerprint, but beside a body whose other fields are
readable it would let anyone with the database try every phone number until one hashes
right; a body that carries a number is therefore fingerprinted with a keyed MAC of that
hash instead.
"""
from __future__ import annotations

import json
from typing import Any

from app.privacy import keys
from sync.envelope import content_hash

FIELDS = ("phone", "id_number")
CONTEXTS = {name: f"sync_journal.data.{name}" for name in FIELDS}


def _data(raw: Any) -> dict | None:
    data = raw.get("data") if isinstance(raw, dict) else None
    return data if isinstance(data, dict) else None


def has_numbers(raw: Any) -> bool:
    """The body carries an ID or phone number (any value but null or empty)."""
    data = _data(raw)
    return data is not None and any(data.get(name) not in (None, "") for name in FIELDS)


def seal(raw: Any) -> Any:
    """A copy of the body with each number replaced by its ciphertext (the body itself when
    it has none)."""
    data = _data(raw)
    if data is None or not any(data.get(name) is not None for name in FIELDS):
        return raw
    sealed = dict(data)
    for name in FIELDS:
        if sealed.get(name) is not None:
            sealed[name] = keys.encrypt(json.dumps(sealed[name]), CONTEXTS[name])
    return {**raw, "data": sealed}


def open_(raw: Any) -> Any:
    """The body as the phone sent it. A value that is not ciphertext is left as it is: a
    number already blanked by the purge, or a row written before migration 0007."""
    data = _data(raw)
    if data is None or not any(keys.is_encrypted(data.get(name)) for name in FIELDS):
        return raw
    opened = dict(data)
    for name in FIELDS:
        if keys.is_encrypted(opened.get(name)):
            opened[name] = json.loads(keys.decrypt(opened[name], CONTEXTS[name]))
    return {**raw, "data": opened}


def blanked(raw: Any) -> Any:
    """The body with its numbers set to null (the privacy purge)."""
    data = _data(raw)
    if data is None:
        return raw
    return {**raw, "data": {**data, **{name: None for name in FIELDS if name in data}}}


def seal_reuses(reuses: Any) -> Any:
    return _each_body(reuses, seal)


def open_reuses(reuses: Any) -> Any:
    return _each_body(reuses, open_)


def blanked_reuses(reuses: Any) -> Any:
    return _each_body(reuses, blanked)


def reuses_have_numbers(reuses: Any) -> bool:
    return isinstance(reuses, list) and any(isinstance(r, dict) and has_numbers(r.get("raw")) for r in reuses)


def _each_body(reuses: Any, change) -> Any:
    if not isinstance(reuses, list):
        return reuses
    out = []
    for reuse in reuses:
        if isinstance(reuse, dict) and "raw" in reuse:
            reuse = {**reuse, "raw": change(reuse["raw"])}
        out.append(reuse)
    return out


def fingerprint(raw: dict[str, Any]) -> str:
    """The content hash the journal keeps: keyed when the body carries a number."""
    digest = content_hash(raw)
    return keyed(digest) if has_numbers(raw) else digest


def keyed(digest: str) -> str:
    """A plain content hash turned into the keyed one (also used by migration 0007)."""
    return keys.lookup_mac("mutation", digest)
