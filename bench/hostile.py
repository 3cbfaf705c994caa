"""The hostile-input corpus, through real HTTP against gunicorn, on SQLite and PostgreSQL.

Every mutation type is spoiled in every way that applies to it (times and integers out of
range, text with NUL or lone surrogates or a megabyte of it, nesting, over-long ids,
unknown, foreign and malformed ids, other UUID versions, another user, emoji and rare
CJK, SQL and HTML) and pushed in front of a good check-in. Each push must answer 200; a
spoiled mutation the server refuses (``rejected``, or ``deferred`` for a parent that
never comes) must write nothing outside the journal; the good record behind it must be
applied. Envelope damage (bad JSON, nesting past parsing, invalid UTF-8, impossible
clocks, another phone's device id, a body over the limit) must be a 4xx in the error
shape. Prints one line per database and exits 1 on any miss::

    .venv/bin/python -m bench.hostile             # SQLite, then PostgreSQL when it answers
    .venv/bin/python -m bench.hostile --only sqlite
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.integration.faults import harness  # noqa: E402
from tests.integration.faults.workload import Recorder  # noqa: E402

# What a refused mutation may touch: its journal row (a cleaned copy) and the phone's record.
BOOKKEEPING = {"sync_journal", "sync_devices", "change_log"}
MEGABYTE = "x" * 1_000_000


def uid() -> str:
    return str(uuid.uuid4())


def nested(depth: int):
    value = "底"
    for _ in range(depth):
        value = {"x": value}
    return value


@dataclass
class Scene:
    """One mutation type: the records it needs first, the mutation, its text and id fields."""

    type: str
    setup: list = field(default_factory=list)
    target: dict = field(default_factory=dict)
    text: str | None = None
    ref: str | None = None
    foreign: str | None = None


def scenes(rec: Recorder, world, foreign: dict, followup: tuple[str, int]) -> list[Scene]:
    site, out = world.site1, []

    def visit():
        return rec.mutation("visit.check_in", {"site_id": site, "visitor_name": "来访", "purpose": "visit",
                                               "party_size": 1})

    def patrol():
        return rec.mutation("patrol.start", {"site_id": site, "route_id": world.route1})

    def check():
        return rec.mutation("stock.check_start", {"site_id": site, "store_id": world.store1})

    out.append(Scene("visit.check_in", [], rec.mutation("visit.check_in", {
        "site_id": site, "visitor_name": "王五", "purpose": "delivery", "party_size": 1,
        "phone": "13800001111", "id_number": "110101199001061234"}),
        "visitor_name", "site_id", world.site2))
    parent = visit()
    out.append(Scene("visit.check_out", [parent], rec.mutation("visit.check_out", entity_id=parent["entity_id"]),
                     None, "entity_id", foreign["visit"]))
    parent = visit()
    out.append(Scene("visit.flag", [parent], rec.mutation("visit.flag", {
        "site_id": site, "description": "可疑", "visit_id": parent["entity_id"]}),
        "description", "visit_id", foreign["visit"]))
    out.append(Scene("patrol.start", [], rec.mutation("patrol.start", {"site_id": site, "route_id": world.route1}),
                     None, "route_id", world.route2))
    parent = patrol()
    out.append(Scene("patrol.checkpoint", [parent], rec.mutation("patrol.checkpoint", {
        "patrol_id": parent["entity_id"], "checkpoint_id": world.checkpoints1[0], "method": "qr"}),
        None, "checkpoint_id", world.checkpoints2[0]))
    parent = patrol()
    out.append(Scene("patrol.finding", [parent], rec.mutation("patrol.finding", {
        "patrol_id": parent["entity_id"], "category": "repair", "severity": "low",
        "description": "路灯不亮", "handled_on_spot": True}),
        "description", "patrol_id", foreign["patrol"]))
    parent = patrol()
    out.append(Scene("patrol.end", [parent], rec.mutation("patrol.end", {"notes": "完毕"},
                                                          entity_id=parent["entity_id"]),
                     "notes", "entity_id", foreign["patrol"]))
    out.append(Scene("stock.check_start", [], rec.mutation("stock.check_start", {
        "site_id": site, "store_id": world.store1}), None, "store_id", world.store2))
    parent = check()
    out.append(Scene("stock.count", [parent], rec.mutation("stock.count", {
        "check_id": parent["entity_id"], "item_id": world.items1[0], "counted_qty": 3, "defective_qty": 0,
        "note": "好"}), "note", "item_id", world.items2[0]))
    parent = check()
    out.append(Scene("stock.check_finish", [parent], rec.mutation("stock.check_finish",
                                                                  entity_id=parent["entity_id"]),
                     None, "entity_id", foreign["check"]))
    out.append(Scene("complaint.create", [], rec.mutation("complaint.create", {
        "site_id": site, "kind": "valid", "description": "楼道灯坏了", "channel": "phone"}),
        "description", "site_id", world.site2))
    followup_id, version = followup
    out.append(Scene("followup.update", [], rec.mutation("followup.update", {
        "base_version": version, "note": "已处理"}, entity_id=followup_id),
        "note", "entity_id", foreign["followup"]))
    return out


def _set(key):
    def spoil(m, scene):
        m.update(key)
    return spoil


def _data(key, value):
    def spoil(m, scene):
        m["data"][key] = value
    return spoil


def _text(value):
    def spoil(m, scene):
        m["data"][scene.text] = value
    return spoil


def _ref(value):
    def spoil(m, scene):
        if scene.ref == "entity_id":
            m["entity_id"] = value(scene)
        else:
            m["data"][scene.ref] = value(scene)
    return spoil


REFUSED, APPLIED, EITHER = "refused", "applied", "either"

# (name, applies to: "any" / "text" / "ref", spoil, the outcome it must have)
CORPUS = [
    ("at in year 9999", "any", _set({"at": "9999-12-31T23:59:59.000+08:00"}), REFUSED),
    ("at in year 1", "any", _set({"at": "0001-01-01T00:00:00.000+08:00"}), REFUSED),
    ("at not a time", "any", _set({"at": "昨天"}), REFUSED),
    ("seq 2^63", "any", _set({"seq": 2**63}), REFUSED),
    ("seq negative", "any", _set({"seq": -1}), REFUSED),
    ("seq a string", "any", _set({"seq": "1"}), REFUSED),
    ("type of 41", "any", _set({"type": "v" * 41}), REFUSED),
    ("unknown type", "any", _set({"type": "visit.teleport"}), REFUSED),
    ("entity id of 65", "any", _set({"entity_id": "e" * 65}), REFUSED),
    ("entity id not a uuid", "any", _set({"entity_id": "not-a-uuid"}), REFUSED),
    ("user of another", "any", _set({"user_id": uid()}), REFUSED),
    ("data a list", "any", _set({"data": []}), REFUSED),
    ("data a string", "any", _set({"data": "x"}), REFUSED),
    ("nested 50 deep", "any", _data("extra", nested(50)), REFUSED),
    ("NUL in a key", "any", _data("a\x00b", 1), REFUSED),
    ("integer past 2^53", "any", _data("extra", 10**30), REFUSED),
    # Unknown keys are ignored, as a newer phone's fields are; the push limit bounds them.
    ("1 MB in an unknown key", "any", _data("extra", MEGABYTE), EITHER),
    ("lone surrogate", "text", _text("王\ud800五"), REFUSED),
    ("NUL in text", "text", _text("王\x00五"), REFUSED),
    ("1 MB of text", "text", _text(MEGABYTE), REFUSED),
    ("text a number", "text", _text(12345), REFUSED),
    ("emoji and rare CJK", "text", _text("𠀋𪚥😀王"), APPLIED),
    ("SQL", "text", _text("x'); DROP TABLE visits;--"), APPLIED),
    ("HTML", "text", _text("<script>alert(1)</script><img src=x onerror=alert(1)>"), APPLIED),
    ("bidi and zero-width", "text", _text("王\u202e五\u200b"), EITHER),
    ("unknown id", "ref", _ref(lambda s: uid()), REFUSED),
    ("another site's id", "ref", _ref(lambda s: s.foreign), REFUSED),
    ("id not a uuid", "ref", _ref(lambda s: "1 OR 1=1"), REFUSED),
    ("id a number", "ref", _ref(lambda s: 42), REFUSED),
    ("nil uuid", "ref", _ref(lambda s: "00000000-0000-0000-0000-000000000000"), REFUSED),
    ("uuid version 1", "ref", _ref(lambda s: str(uuid.uuid1())), REFUSED),
]


@dataclass
class Tally:
    database: str
    pushes: int = 0
    mutations: int = 0
    server_errors: int = 0
    rows_by_refused: int = 0
    good_applied: int = 0
    envelope: int = 0
    envelope_ok: int = 0
    misses: list = field(default_factory=list)

    def miss(self, text: str) -> None:
        self.misses.append(text)

    @property
    def ok(self) -> bool:
        return (not self.misses and self.server_errors == 0 and self.rows_by_refused == 0
                and self.good_applied == self.mutations and self.envelope_ok == self.envelope)

    def line(self) -> str:
        return (f"{self.database}: {self.pushes} pushes, {self.mutations} spoiled mutations over "
                f"{len(CORPUS)} kinds of damage, {self.server_errors} answers of 500, "
                f"{self.rows_by_refused} rows written by a refused mutation, good record behind it applied "
                f"{self.good_applied}/{self.mutations}, envelope damage answered 4xx "
                f"{self.envelope_ok}/{self.envelope}")


def raw_post(port: int, token: str, body: bytes, content_type="application/json"):
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("POST", "/api/v1/sync", body=body, headers={
            "Content-Type": content_type, "Authorization": f"Bearer {token}"})
        response = conn.getresponse()
        raw = response.read()
        try:
            payload = json.loads(raw)
        except ValueError:
            payload = raw
        return response.status, payload
    finally:
        conn.close()


def _push(port, token, rec, mutations):
    body = json.dumps(rec.request(mutations), ensure_ascii=True).encode()
    return raw_post(port, token, body)


class Snapshots:
    """Every row outside the bookkeeping tables, the schema reflected once."""

    def __init__(self, database):
        self.engine = sa.create_engine(database.url)
        meta = sa.MetaData()
        meta.reflect(self.engine)
        skip = BOOKKEEPING | harness.NOT_PUSHED | {"alembic_version"}
        self.tables = [t for t in meta.sorted_tables if t.name not in skip]

    def take(self) -> dict:
        out = {}
        with self.engine.connect() as conn:
            for table in self.tables:
                columns = [c for c in table.columns if c.name not in harness.ARRIVAL]
                rows = conn.execute(sa.select(*columns)).all()
                out[table.name] = sorted((tuple(harness._plain(v) for v in row) for row in rows), key=repr)
        return out

    def close(self):
        self.engine.dispose()


def _changed_tables(before, after) -> dict:
    return {name: counts for name, counts in harness.difference(before, after).items()
            if name not in BOOKKEEPING}


def _followup(source, finding_id) -> tuple[str, int]:
    with source.engine.connect() as conn:
        row = conn.execute(sa.text(
            "SELECT f.id, f.version FROM followups f JOIN findings x ON x.followup_id = f.id "
            "WHERE x.id = :id"), {"id": finding_id}).one()
    return row[0], row[1]


def run(database, workdir: Path, label: str) -> Tally:
    tally = Tally(label)
    world = harness.build_world(database, workdir / "photos")
    with harness.Server(database, workdir) as server:
        port = server.port
        own = Recorder(world.users["manager1"])
        other = Recorder(world.users["manager2"])
        token = harness.sign_in(port, "manager1", own.device_id)
        other_token = harness.sign_in(port, "manager2", other.device_id)

        # Records of site 2, to be named from site 1; a follow-up of site 1 to update.
        v2 = other.mutation("visit.check_in", {"site_id": world.site2, "visitor_name": "邻居",
                                               "purpose": "visit", "party_size": 1})
        p2 = other.mutation("patrol.start", {"site_id": world.site2, "route_id": world.route2})
        f2 = other.mutation("patrol.finding", {"patrol_id": p2["entity_id"], "category": "repair",
                                               "severity": "high", "description": "漏水",
                                               "handled_on_spot": False})
        c2 = other.mutation("stock.check_start", {"site_id": world.site2, "store_id": world.store2})
        status, body = _push(port, other_token, other, [v2, p2, f2, c2])
        assert status == 200 and all(r["status"] == "applied" for r in body["results"]), body
        p1 = own.mutation("patrol.start", {"site_id": world.site1, "route_id": world.route1})
        f1 = own.mutation("patrol.finding", {"patrol_id": p1["entity_id"], "category": "repair",
                                             "severity": "high", "description": "门禁坏了",
                                             "handled_on_spot": False})
        status, body = _push(port, token, own, [p1, f1])
        assert status == 200 and all(r["status"] == "applied" for r in body["results"]), body
        foreign = {"visit": v2["entity_id"], "patrol": p2["entity_id"], "check": c2["entity_id"],
                   "followup": _followup(database, f2["entity_id"])[0]}

        snapshots = Snapshots(database)
        try:
            for damage, applies, spoil, outcome in CORPUS:
                chosen = [scene for scene in scenes(own, world, foreign, _followup(snapshots, f1["entity_id"]))
                          if not ((applies == "text" and not scene.text) or (applies == "ref" and not scene.ref))]
                _one_kind(tally, port, token, own, world, snapshots, damage, chosen, spoil, outcome)
        finally:
            snapshots.close()
        _envelope(tally, port, token, own, other, world)
    return tally


def _one_kind(tally, port, token, rec, world, snapshots, damage, chosen, spoil, outcome):
    """One kind of damage done to every type it applies to, in one push: each spoiled
    mutation followed by a good check-in."""
    setup = [m for scene in chosen for m in scene.setup]
    if setup:
        status, body = _push(port, token, rec, setup)
        if status != 200 or any(r["status"] != "applied" for r in body["results"]):
            tally.miss(f"{damage}: setup failed {status} {str(body)[:300]}")
            return
    pairs = []
    for scene in chosen:
        bad = json.loads(json.dumps(scene.target))
        spoil(bad, scene)
        good = rec.mutation("visit.check_in", {"site_id": world.site1, "visitor_name": f"好记录{uid()[:8]}",
                                               "purpose": "delivery", "party_size": 1})
        pairs.append((scene, bad, good))
    # As many pairs per push as the 2 MiB limit allows (a megabyte of text goes alone).
    pushes, size = [[]], 0
    for pair in pairs:
        weight = len(json.dumps(pair[1:]))
        if pushes[-1] and size + weight > 1_800_000:
            pushes.append([])
            size = 0
        pushes[-1].append(pair)
        size += weight
    refused_all = True
    before = snapshots.take()
    for chunk in pushes:
        status, body = _push(port, token, rec, [m for _, bad, good in chunk for m in (bad, good)])
        tally.pushes += 1
        if status >= 500:
            tally.server_errors += 1
        if status != 200:
            tally.miss(f"{damage}: answered {status} {str(body)[:200]}")
            return
        results = body["results"]
        for (scene, _, _), first, second in zip(chunk, results[0::2], results[1::2]):
            where = f"{damage} / {scene.type}"
            tally.mutations += 1
            if second["status"] == "applied":
                tally.good_applied += 1
            else:
                tally.miss(f"{where}: the good record behind it was {second}")
            refused = first["status"] in ("rejected", "deferred")
            refused_all = refused_all and refused
            if outcome == REFUSED and not refused:
                tally.miss(f"{where}: expected refused, got {first['status']}")
            if outcome == APPLIED and first["status"] != "applied":
                tally.miss(f"{where}: expected applied, got {first}")
            if first["status"] == "rejected" and not first.get("errors"):
                tally.miss(f"{where}: rejected without a reason")
    after = snapshots.take()
    if refused_all:
        changed = _changed_tables(before, after)
        goods = len(chosen)
        expected = {"visits": (len(before["visits"]), len(before["visits"]) + goods)}
        if changed != expected:
            tally.rows_by_refused += sum(abs(b - a) for a, b in changed.values()) - goods
            tally.miss(f"{damage}: refused mutations changed {changed}")


def _envelope(tally, port, token, rec, other, world):
    good = rec.request([rec.mutation("visit.check_in", {"site_id": world.site1, "visitor_name": "信封",
                                                        "purpose": "visit", "party_size": 1})])
    cases = [
        ("not JSON", b"{", "application/json"),
        ("JSON not an object", b"[1, 2]", "application/json"),
        ("nested past parsing", ('{"x": ' + "[" * 100_000 + "]" * 100_000 + "}").encode(), "application/json"),
        ("invalid UTF-8", b'{"device_id": "\xff\xfe"}', "application/json"),
        ("not JSON at all", b"device_id=1", "application/x-www-form-urlencoded"),
        ("client_time in year 9999", json.dumps({**good, "client_time": "9999-12-31T23:59:59+08:00"}).encode(),
         "application/json"),
        ("another phone's device id", json.dumps({**good, "device_id": other.device_id}).encode(),
         "application/json"),
        ("mutations not a list", json.dumps({**good, "mutations": {"a": 1}}).encode(), "application/json"),
        ("too many mutations", json.dumps({**good, "mutations": good["mutations"] * 501}).encode(),
         "application/json"),
    ]
    for name, body, content_type in cases:
        tally.envelope += 1
        status, payload = raw_post(port, token, body, content_type)
        shaped = isinstance(payload, dict) and isinstance(payload.get("error"), dict) \
            and payload["error"].get("code") and payload["error"].get("message")
        if 400 <= status < 500 and shaped:
            tally.envelope_ok += 1
        else:
            if status >= 500:
                tally.server_errors += 1
            tally.miss(f"envelope {name}: {status} {str(payload)[:200]}")
    tally.envelope += 1
    status, payload = oversized_post(port, token, 9 * 1024 * 1024)
    if status == 413 and isinstance(payload, dict) and payload.get("error", {}).get("code"):
        tally.envelope_ok += 1
    else:
        tally.miss(f"envelope over the size limit: {status} {str(payload)[:200]}")


def oversized_post(port: int, token: str, length: int):
    """Announce a body past the limit and send its first bytes: the answer must come anyway."""
    import socket
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall((f"POST /api/v1/sync HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
                      f"Content-Type: application/json\r\nContent-Length: {length}\r\n"
                      f"Connection: close\r\n\r\n").encode() + b'{"x": "' + b"a" * 65536)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except (ConnectionResetError, TimeoutError):
            pass
    head, _, raw = b"".join(chunks).partition(b"\r\n\r\n")
    if not head:
        return 0, None
    status = int(head.split(b" ", 2)[1])
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw


def databases(only: str | None):
    if only in (None, "sqlite"):
        yield "SQLite", None
    if only in (None, "postgresql"):
        url = os.environ.get("TEST_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/estate_hostile"
        yield "PostgreSQL", url


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args(argv)
    failed = False
    for label, url in databases(args.only):
        with tempfile.TemporaryDirectory() as tmp:
            saved = os.environ.get("TEST_DATABASE_URL")
            try:
                if url:
                    os.environ["TEST_DATABASE_URL"] = url
                    try:
                        database = harness.new_database(Path(tmp), "hostile")
                    except sa.exc.OperationalError:
                        print(f"{label}: does not answer, skipped")
                        continue
                else:
                    os.environ.pop("TEST_DATABASE_URL", None)
                    database = harness.new_database(Path(tmp), "hostile")
                started = time.monotonic()
                tally = run(database, Path(tmp), label)
            finally:
                if saved is None:
                    os.environ.pop("TEST_DATABASE_URL", None)
                else:
                    os.environ["TEST_DATABASE_URL"] = saved
            print(f"{tally.line()} ({time.monotonic() - started:.0f} s)")
            for miss in tally.misses[:40]:
                print("  MISS", miss)
            failed = failed or not tally.ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
