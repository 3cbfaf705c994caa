"""The server's own watch-list match: every visit that arrives is compared with its site's list.

Guards' phones warn offline through a filter that may be wrong one time in a thousand and
that a guard may not heed; the server's match is the record. When a push applies a
``visit.check_in``, the lookup MACs (``app.privacy.keys.lookup_mac``, keyed with a key
only the server holds) of the visit's normalised phone number, ID number and plate are
compared with those of the site's active watch entries, and each agreement is kept as a
``WatchHit`` that the visit's page, the visitor list and the dashboard show. Comparing
MACs rather than numbers means the match keeps working once numbers are stored
encrypted: nothing needs decrypting. A site keeps tens of entries, so their MACs are
computed when needed rather than stored.

Names are not recorded here: the desk's lists compare names as they are
(``app.gate.queries.watch_matches``).
"""
from __future__ import annotations

from datetime import datetime
from typing import Callable
from typing import Iterable

from sqlalchemy import select

from app.extensions import db
from app.models.base import new_id
from app.models.gate import WatchEntry
from app.models.gate import WatchHit
from app.models.gate import normalise_id_number
from app.models.gate import normalise_phone
from app.models.gate import normalise_plate
from app.privacy.keys import lookup_mac
from sync.envelope import APPLIED
from sync.envelope import Result

# A visit's field -> the kind of lookup MAC it is compared by, and the least length the
# phone's check-in form compares (a 3-digit phone number names nobody).
FIELDS = {"phone": ("phone", 7), "id_number": ("id", 1), "plate": ("plate", 5)}
# Mutations whose data carries a visitor's numbers (only the check-in, today).
VISIT_MUTATIONS = ("visit.check_in",)


def normalised(field: str, value) -> str:
    if not isinstance(value, str):
        return ""
    if field == "phone":
        return normalise_phone(value)
    if field == "plate":
        return normalise_plate(value)
    return normalise_id_number(value)


def macs(values: dict) -> dict[str, str]:
    """``{field: MAC}`` of a visit's (or an entry's) phone, ID number and plate that are
    long enough to compare."""
    out = {}
    for field, (kind, shortest) in FIELDS.items():
        value = normalised(field, values.get(field))
        if len(value) >= shortest:
            out[field] = lookup_mac(kind, value)
    return out


def entry_macs(site_id: str) -> list[tuple[str, dict[str, str]]]:
    """(entry id, its MACs) of the site's active watch entries."""
    entries = db.session.scalars(select(WatchEntry).where(
        WatchEntry.site_id == site_id, WatchEntry.active.is_(True), WatchEntry.deleted_at.is_(None)))
    return [(e.id, macs({"phone": e.phone, "id_number": e.id_number, "plate": e.plate})) for e in entries]


def match(visits: list[tuple[str, str, dict]], now: datetime,
          make_id: Callable[[], str] = new_id) -> list[WatchHit]:
    """Record the watch entries whose phone, ID number or plate equals a visit's.

    :param visits: ``(site id, visit id, values)``, the values as the visit carried them
    A match of the same visit, entry and field already recorded is not recorded again.
    """
    listed = {site_id: entry_macs(site_id) for site_id in sorted({site for site, _, _ in visits})}
    found: dict[tuple[str, str, str], str] = {}
    for site_id, visit_id, values in visits:
        if not listed[site_id]:
            continue  # most sites, most days: nothing to compare, no MAC to compute
        mine = macs(values)
        for entry_id, theirs in listed[site_id]:
            for field, mac in mine.items():
                if theirs.get(field) == mac:
                    found.setdefault((visit_id, entry_id, field), site_id)
    if not found:
        return []
    db.session.flush()  # the visits' rows first: hits refer to them
    known = set(db.session.execute(
        select(WatchHit.visit_id, WatchHit.watch_entry_id, WatchHit.field)
        .where(WatchHit.visit_id.in_(sorted({visit_id for visit_id, _, _ in found})))).all())
    hits = [WatchHit(id=make_id(), site_id=site_id, visit_id=visit_id, watch_entry_id=entry_id, field=field,
                     matched_at=now)
            for (visit_id, entry_id, field), site_id in sorted(found.items()) if (visit_id, entry_id, field) not in known]
    db.session.add_all(hits)
    return hits


def record_hits(mutations: Iterable[dict], results: list[Result], now: datetime,
                make_id: Callable[[], str] = new_id) -> int:
    """After a push is applied (same transaction): match each visit it brought in.

    ``mutations`` are the raw mutations of the push and ``results`` their answers, in the
    same order. Returns how many hits were recorded.
    """
    visits = []
    for raw, result in zip(mutations, results):
        if result.status != APPLIED or not isinstance(raw, dict) or raw.get("type") not in VISIT_MUTATIONS:
            continue
        data = raw.get("data") if isinstance(raw.get("data"), dict) else {}
        site_id = data.get("site_id")
        if isinstance(site_id, str) and result.entity_id and any(data.get(field) for field in FIELDS):
            visits.append((site_id, result.entity_id, data))
    return len(match(visits, now, make_id)) if visits else 0
