"""A day's field work as one push: visits, patrols with findings, stock counts.

Used by the fault tests (a large push to kill a server under) and by ``bench/`` (the
same mix, timed). Every scene is what a manager's phone really sends, in the order it
sends it; ``trouble=True`` adds what a real outbox also holds: a check-out that arrives
before its check-in, one that waits for a visit that never comes, and a record a guard
must correct.
"""
from __future__ import annotations

import itertools
import uuid
from datetime import datetime
from datetime import timedelta
from datetime import timezone

from sync.id_numbers import resident_id

CST = timezone(timedelta(hours=8))


def uid() -> str:
    return str(uuid.uuid4())


def stamp(dt: datetime) -> str:
    return dt.astimezone(CST).isoformat(timespec="milliseconds")


class Recorder:
    """One phone's outbox: mutation ids, ``seq``, the recording user, times a few seconds apart."""

    def __init__(self, user_id: str, device_id: str | None = None, start: datetime | None = None,
                 step: timedelta = timedelta(seconds=7)):
        self.user_id = user_id
        self.device_id = device_id or uid()
        self.seq = 0
        self.clock = start or datetime.now(timezone.utc) - timedelta(hours=3)
        self.step = step

    def mutation(self, type_: str, data: dict | None = None, entity_id: str | None = None) -> dict:
        self.seq += 1
        self.clock += self.step
        return {"id": uid(), "seq": self.seq, "type": type_, "entity_id": entity_id or uid(),
                "user_id": self.user_id, "at": stamp(self.clock), "data": data or {}}

    def request(self, mutations, client_time: datetime | None = None, cursor=None, pending=0) -> dict:
        return {"device_id": self.device_id,
                "client_time": stamp(client_time or datetime.now(timezone.utc)),
                "cursor": cursor, "pending": pending, "mutations": list(mutations)}


def visit_scene(rec: Recorder, site_id: str, n: int) -> list[dict]:
    check_in = rec.mutation("visit.check_in", {
        "site_id": site_id, "visitor_name": f"访客{n}", "purpose": "delivery", "party_size": 1,
        "phone": f"1381234{n % 10000:04d}", "id_number": resident_id(f"1101011990{n % 10000:04d}123"),
        "unit": "1-1-101", "plate": "粤B12345"})
    check_out = rec.mutation("visit.check_out", entity_id=check_in["entity_id"])
    return [check_in, check_out]


def patrol_scene(rec: Recorder, site_id: str, route_id: str, checkpoint_ids: list[str], n: int) -> list[dict]:
    start = rec.mutation("patrol.start", {"site_id": site_id, "route_id": route_id})
    patrol_id = start["entity_id"]
    out = [start]
    for checkpoint_id in checkpoint_ids[:-1]:  # the last stop is missed: a follow-up
        out.append(rec.mutation("patrol.checkpoint", {
            "patrol_id": patrol_id, "checkpoint_id": checkpoint_id, "method": "qr",
            "location": {"lat": 22.54, "lng": 114.06, "accuracy_m": 8}}))
    out.append(rec.mutation("patrol.finding", {
        "patrol_id": patrol_id, "category": "cleaning", "severity": "low",
        "description": f"垃圾桶满了 {n}", "handled_on_spot": True, "action_taken": "已通知保洁",
        "checkpoint_id": checkpoint_ids[0], "photo_ids": [uid()]}))
    out.append(rec.mutation("patrol.finding", {
        "patrol_id": patrol_id, "category": "repair", "severity": "medium",
        "description": f"路灯不亮 {n}", "handled_on_spot": False,
        "checkpoint_id": checkpoint_ids[n % len(checkpoint_ids)], "photo_ids": [uid(), uid()]}))
    out.append(rec.mutation("patrol.end", {"notes": "巡视完毕"}, entity_id=patrol_id))
    return out


def stock_scene(rec: Recorder, site_id: str, store_id: str, item_ids: list[str],
                books: list[int], n: int) -> list[dict]:
    start = rec.mutation("stock.check_start", {"site_id": site_id, "store_id": store_id})
    out = [start]
    for index, (item_id, book) in enumerate(zip(item_ids, books)):
        counted = book - 2 if index == n % len(item_ids) else book  # one difference per check
        out.append(rec.mutation("stock.count", {
            "check_id": start["entity_id"], "item_id": item_id, "counted_qty": counted,
            "defective_qty": 0}))
    out.append(rec.mutation("stock.check_finish", entity_id=start["entity_id"]))
    return out


def field_day(rec: Recorder, world, count: int, *, trouble: bool = False,
              books: tuple[int, ...] = (10, 20, 30)) -> list[dict]:
    """``count`` mutations of site 1's mix, in scenes; ``world`` is ``tests.factories.World``."""
    out: list[dict] = []
    if trouble:
        early_in, early_out = visit_scene(rec, world.site1, 9000)
        never = rec.mutation("visit.check_out")  # its visit never arrives: stays deferred
        wrong = rec.mutation("visit.check_in", {"site_id": world.site1, "visitor_name": " ",
                                                "purpose": "party", "party_size": 0})
        out += [early_out, never, early_in, wrong]
    for n in itertools.count():
        if len(out) >= count:
            break
        kind = n % 4
        if kind in (0, 2):
            out += visit_scene(rec, world.site1, n)
        elif kind == 1:
            out += patrol_scene(rec, world.site1, world.route1, world.checkpoints1, n)
        else:
            out += stock_scene(rec, world.site1, world.store1, world.items1, list(books), n)
    return out[:count]
