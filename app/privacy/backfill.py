"""Encrypting the numbers already stored in plain text (migration 0007), and back (its downgrade).

Runs on an Alembic connection inside the Flask app context that ``flask db upgrade``
provides, because it needs the data key. It works through plain table definitions, not
the models, so that later model changes do not change what the migration did; and in
batches keyed by id, so that a year of visits never sits in memory at once. A value
already encrypted is left alone, so a second run changes nothing.
"""
from __future__ import annotations

import sqlalchemy as sa

from app.privacy import journal
from app.privacy import keys
from app.privacy import numbers
from sync.envelope import content_hash

BATCH = 500

VISITS = sa.table("visits", sa.column("id"), sa.column("phone"), sa.column("id_number"),
                  sa.column("phone_mac"), sa.column("id_mac"), sa.column("phone_tail"))
WATCH = sa.table("watch_entries", sa.column("id"), sa.column("phone"), sa.column("id_number"),
                 sa.column("phone_mac"), sa.column("id_mac"))
JOURNAL = sa.table("sync_journal", sa.column("mutation_id"), sa.column("raw", sa.JSON),
                   sa.column("reuses", sa.JSON), sa.column("content_hash"),
                   sa.column("has_numbers", sa.Boolean))
CONTEXTS = {"visits": "visit", "watch_entries": "watch"}


def _batches(conn, table, key, *conditions):
    """Rows of ``table`` in order of ``key``, ``BATCH`` at a time (keyset paging)."""
    last = None
    while True:
        stmt = sa.select(table).where(*conditions).order_by(key).limit(BATCH)
        if last is not None:
            stmt = stmt.where(key > last)
        rows = conn.execute(stmt).mappings().all()
        if not rows:
            return
        yield rows
        last = rows[-1][key.name]


def _plain(value) -> bool:
    return value is not None and value != "" and not keys.is_encrypted(value)


def encrypt_numbers(conn, table) -> int:
    """Encrypt the phone and ID numbers of ``visits`` or ``watch_entries``; fill the MACs."""
    prefix = CONTEXTS[table.name]
    has_tail = "phone_tail" in table.c
    changed = 0
    stmt = (table.update().where(table.c.id == sa.bindparam("_id"))
            .values({name: sa.bindparam(f"_{name}") for name in table.c.keys() if name != "id"}))
    for rows in _batches(conn, table, table.c.id,
                         sa.or_(table.c.phone.is_not(None), table.c.id_number.is_not(None))):
        updates = []
        for row in rows:
            if not (_plain(row["phone"]) or _plain(row["id_number"])):
                continue
            values = {f"_{name}": value for name, value in row.items()}
            if _plain(row["phone"]):
                values["_phone"] = keys.encrypt(row["phone"], f"{prefix}.phone")
                values["_phone_mac"] = numbers.phone_mac(row["phone"])
                if has_tail:
                    values["_phone_tail"] = numbers.phone_tail(row["phone"])
            if _plain(row["id_number"]):
                values["_id_number"] = keys.encrypt(row["id_number"], f"{prefix}.id_number")
                values["_id_mac"] = numbers.id_mac(row["id_number"])
            updates.append(values)
        if updates:
            conn.execute(stmt, updates)
            changed += len(updates)
    return changed


def _unsealed(raw) -> bool:
    """The body carries a number that is not encrypted yet."""
    data = raw.get("data") if isinstance(raw, dict) else None
    return isinstance(data, dict) and any(_plain_json(data.get(name)) for name in journal.FIELDS)


def _plain_json(value) -> bool:
    return value is not None and not keys.is_encrypted(value)


def _candidates():
    """Bodies whose text names a number field: a cheap filter before each body is read."""
    text = [sa.cast(column, sa.Text) for column in (JOURNAL.c.raw, JOURNAL.c.reuses)]
    return sa.or_(*[t.like(f'%"{name}"%') for t in text for name in journal.FIELDS])


def seal_journal(conn) -> int:
    """Seal the numbers in journal bodies and their reuses; key the content hashes of those
    bodies as ``journal.fingerprint`` does for new ones; mark ``has_numbers``."""
    changed = 0
    stmt = (JOURNAL.update().where(JOURNAL.c.mutation_id == sa.bindparam("_id"))
            .values(raw=sa.bindparam("_raw"), reuses=sa.bindparam("_reuses"),
                    content_hash=sa.bindparam("_content_hash"), has_numbers=sa.bindparam("_has_numbers")))
    for rows in _batches(conn, JOURNAL, JOURNAL.c.mutation_id, _candidates()):
        updates = []
        for row in rows:
            raw, reuses, digest = row["raw"], row["reuses"] or [], row["content_hash"]
            touched = False
            if _unsealed(raw):
                if journal.has_numbers(raw):
                    digest = journal.keyed(digest)
                raw = journal.seal(raw)
                touched = True
            kept = []
            for reuse in reuses:
                if isinstance(reuse, dict) and _unsealed(reuse.get("raw")):
                    if journal.has_numbers(reuse["raw"]) and reuse.get("content_hash"):
                        reuse = {**reuse, "content_hash": journal.keyed(reuse["content_hash"])}
                    reuse = {**reuse, "raw": journal.seal(reuse["raw"])}
                    touched = True
                kept.append(reuse)
            if touched:
                opened = journal.open_(raw)
                updates.append({"_id": row["mutation_id"], "_raw": raw, "_reuses": kept, "_content_hash": digest,
                                "_has_numbers": journal.has_numbers(opened)
                                or journal.reuses_have_numbers(journal.open_reuses(kept))})
        if updates:
            conn.execute(stmt, updates)
            changed += len(updates)
    return changed


def encrypt_existing(conn) -> dict[str, int]:
    """Everything migration 0007 encrypts; how many rows of each table it changed."""
    return {"visits": encrypt_numbers(conn, VISITS), "watch_entries": encrypt_numbers(conn, WATCH),
            "sync_journal": seal_journal(conn)}


# --- back to plain text (the downgrade) ------------------------------------------------

def decrypt_numbers(conn, table) -> None:
    prefix = CONTEXTS[table.name]
    stmt = (table.update().where(table.c.id == sa.bindparam("_id"))
            .values(phone=sa.bindparam("_phone"), id_number=sa.bindparam("_id_number")))
    for rows in _batches(conn, table, table.c.id,
                         sa.or_(table.c.phone.is_not(None), table.c.id_number.is_not(None))):
        updates = [{"_id": row["id"],
                    "_phone": _open(row["phone"], f"{prefix}.phone"),
                    "_id_number": _open(row["id_number"], f"{prefix}.id_number")} for row in rows]
        conn.execute(stmt, updates)


def _open(value, context):
    return keys.decrypt(value, context) if keys.is_encrypted(value) else value


def open_journal(conn) -> None:
    """Bodies back in plain text, with the plain content hash again (computed from the body:
    a body cleaned of unstorable text, or blanked by the purge, no longer matches a retry)."""
    stmt = (JOURNAL.update().where(JOURNAL.c.mutation_id == sa.bindparam("_id"))
            .values(raw=sa.bindparam("_raw"), reuses=sa.bindparam("_reuses"),
                    content_hash=sa.bindparam("_content_hash")))
    for rows in _batches(conn, JOURNAL, JOURNAL.c.mutation_id, JOURNAL.c.has_numbers.is_(True)):
        updates = []
        for row in rows:
            raw = journal.open_(row["raw"])
            reuses = []
            for reuse in row["reuses"] or []:
                if isinstance(reuse, dict) and journal.has_numbers(journal.open_(reuse.get("raw"))):
                    opened = journal.open_(reuse["raw"])
                    reuse = {**reuse, "raw": opened, "content_hash": content_hash(opened)}
                reuses.append(reuse)
            digest = content_hash(raw) if journal.has_numbers(raw) else row["content_hash"]
            updates.append({"_id": row["mutation_id"], "_raw": raw, "_reuses": reuses, "_content_hash": digest})
        if updates:
            conn.execute(stmt, updates)


def decrypt_existing(conn) -> None:
    decrypt_numbers(conn, VISITS)
    decrypt_numbers(conn, WATCH)
    open_journal(conn)
