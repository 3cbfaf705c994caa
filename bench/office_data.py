"""One year of a property company with 10 sites, written in bulk, to time the office pages on.

The office lists must stay fast when a company has run for a year: about a million
visitors at the gates, a hundred thousand patrol rounds with their checkpoint visits and
findings, fifty thousand follow-ups with their histories, stock checks, complaints,
conflicts and phones. Making that through the sync API would take hours, so this script
writes the rows directly, in chunks of 10,000 (``executemany`` through SQLAlchemy's own
column types on SQLite, ``COPY`` on PostgreSQL), into a schema built by the migrations
(``flask db upgrade``), as a deployment has it; then ``VACUUM ANALYZE`` on PostgreSQL, as
autovacuum would. SQLite gets no ``ANALYZE``: the app never runs one.

    .venv/bin/python bench/office_data.py --url sqlite:////tmp/office.db
    .venv/bin/python bench/office_data.py --url postgresql://postgres@127.0.0.1:5432/estate_bench_office \
        --skip-key-checks
    .venv/bin/python bench/office_data.py --url sqlite:////tmp/small.db --scale 0.01

The database is emptied first (the SQLite file removed, the PostgreSQL database dropped and
made anew). Everything comes from one seeded random generator, so the same ``--seed``,
``--scale``, ``--sites``, ``--days`` and ``--end`` give the same rows. The year ends at
``--end`` (default: now), so that the lists' default "last days" show data.

Shapes that matter for speed, and are real:
- sites differ in size (the largest has about 3 times the visitors of the smallest);
- visitors come in the gate peaks 07:30-08:30 and 18:00-19:00 (site time), more at
  weekends; patrol rounds start around the even hours and the manager's 08:40 round;
- rows are written in time order, as a live system writes them;
- about 2 % of visits are never checked out; 10 % of patrols have findings and 8 % of
  those are not handled on the spot; about 5 % of follow-ups are overdue, some of them
  escalated; most old follow-ups are closed.
The change log (what phones pull) and the sync journal are not written: no office page
reads them for history.

Sign in as ``supervisor1`` (every site), ``manager01`` (the largest site) and the other
demo names with the password ``demo1234``.
"""
from __future__ import annotations

import argparse
import bisect
import itertools
import json
import math
import os
import random
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/estate_bench_office"
# The bench's data key (visitors' numbers are stored encrypted): made-up data, a fixed key.
DATA_KEY = os.environ.get("BENCH_DATA_KEY", "YmVuY2gtZGF0YS1rZXktbm90LWZvci1yZWFsLWRhdGE")
DEFAULT_SQLITE = "sqlite:///" + os.path.join(tempfile.gettempdir(), "estate_bench_office.db")
CHUNK = 10_000
PASSWORD = "demo1234"
ZONE = "Asia/Shanghai"

# Rows of a full year for 10 sites; --scale multiplies them (reference data stays whole).
FULL = {
    "visits": 1_000_000,
    "patrols": 100_000,
    "followups": 50_000,
    "stock_checks": 2_000,
    "complaints": 20_000,
    "conflicts": 3_000,
    "devices": 300,
    "incidents": 3_000,
}

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
            "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵")
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志宇浩然子涵欣怡梓轩博文俊杰思远雨婷佳琪"
PROVINCES = "粤粤粤粤粤粤湘赣桂闽川鄂豫京沪浙苏"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
PLATE_CHARS = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
PURPOSES = (("visit", 40), ("delivery", 30), ("contractor", 10), ("decoration", 8),
            ("housekeeping", 7), ("other", 5))
CATEGORIES = (("security", 25), ("cleaning", 25), ("repair", 25), ("greenery", 10), ("fire", 5),
              ("parking", 7), ("other", 3))
FINDING_TEXT = {
    "security": ("单元门禁损坏，门无法关闭", "围墙处发现攀爬痕迹", "监控摄像头离线"),
    "cleaning": ("楼道堆放杂物", "垃圾站清运不及时，有异味", "电梯轿厢地面有污渍"),
    "repair": ("路灯不亮", "地下车库漏水", "单元门闭门器损坏", "消防通道指示灯不亮"),
    "greenery": ("草坪有枯黄斑块", "行道树枝条遮挡路灯"),
    "fire": ("灭火器压力不足", "消防通道被车辆占用"),
    "parking": ("车辆占用消防通道", "非机动车乱停放"),
    "other": ("宣传栏破损", "小区公告过期未更换"),
}
COMPLAINT_TEXT = ("楼上漏水到我家天花板", "电梯经常停运", "夜间装修噪音扰民", "小区绿化无人修剪",
                  "快递放在门口被偷", "车库车位被外来车辆占用", "垃圾清运不及时有异味",
                  "门禁卡无法刷开", "物业费收费标准有疑问", "楼道灯坏了一周没人修",
                  "邻居在公共区域堆放杂物", "宠物狗不牵绳", "停车场收费不合理", "水压太低")
CHANNELS = (("in_person", 35), ("phone", 45), ("written", 5), ("email", 5), ("developer", 10))
COMPLAINT_KINDS = (("valid", 50), ("assisted", 20), ("invalid", 25), ("collective", 5))
NOTES = ("已联系业主，约定明天上门处理", "已通知维修工", "材料已申领", "已现场查看", "等待供应商配件",
         "业主不在家，改约时间", "已处理完毕，业主确认")


# -- time ------------------------------------------------------------------------------

def stored_numbers(kind: str, phone: str | None, id_number: str | None) -> dict:
    """A phone and an ID number as the app stores them: encrypted, with their lookup MACs
    (and a visit's phone tail), as ``Visit``/``WatchEntry`` compute them on every write."""
    from app.privacy import keys
    from app.privacy import numbers

    row = {"phone": keys.encrypt(phone, f"{kind}.phone"), "phone_mac": numbers.phone_mac(phone),
           "id_number": keys.encrypt(id_number, f"{kind}.id_number"), "id_mac": numbers.id_mac(id_number)}
    if kind == "visit":
        row["phone_tail"] = numbers.phone_tail(phone)
    return row


def minute_weights(bumps, base: float) -> list[float]:
    """Cumulative weights of the 1440 minutes of a local day: ``base`` plus bumps.

    :param bumps: ``(start_minute, end_minute, weight)``: added to each minute in the range
    """
    weights = [base] * 1440
    for start, end, weight in bumps:
        for minute in range(start, end):
            weights[minute % 1440] += weight
    return list(itertools.accumulate(weights))


def hm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


# Visitors: the two gate peaks, a lunch bump, daytime traffic, quiet nights.
VISIT_MINUTES = minute_weights([
    (hm("06:00"), hm("22:00"), 1.0), (hm("07:30"), hm("08:30"), 3.0),
    (hm("11:30"), hm("13:30"), 0.5), (hm("18:00"), hm("19:00"), 3.0), (hm("19:00"), hm("22:00"), -0.2),
], base=0.06)
# Patrol rounds: around every even hour (night rounds every 2 hours), the manager's 08:40 round.
PATROL_MINUTES = minute_weights(
    [(h * 60 - 10, h * 60 + 15, 2.0) for h in range(0, 24, 2)] + [(hm("08:35"), hm("09:05"), 6.0)],
    base=0.05)
# Complaints and desk work: office hours, busiest in the morning and after dinner.
DESK_MINUTES = minute_weights([
    (hm("08:00"), hm("21:00"), 1.0), (hm("09:00"), hm("11:00"), 1.0), (hm("19:00"), hm("20:30"), 0.8),
], base=0.02)


def pick(rng: random.Random, cumulative: list[float]) -> int:
    """An index drawn with the weights whose running sums are ``cumulative``."""
    return bisect.bisect_right(cumulative, rng.random() * cumulative[-1])


def weighted(pairs) -> tuple[list, list[float]]:
    values = [v for v, _ in pairs]
    return values, list(itertools.accumulate(w for _, w in pairs))


def choose(rng: random.Random, table) -> object:
    values, cumulative = table
    return values[pick(rng, cumulative)]


# -- writing -----------------------------------------------------------------------------

class Sink:
    """Writes lists of row dicts into tables: ``executemany`` (SQLite) or ``COPY`` (PostgreSQL).

    Every column the table has is written; a missing key is NULL, and a NOT NULL column
    left out fails at once with its name, before anything is sent. Values go in as the app
    writes them: on SQLite through each column type's own bind processor (SQLAlchemy
    Core's, applied here directly because Core's per-row work doubled the load time), times
    as the naive UTC text SQLAlchemy stores; on PostgreSQL as ``COPY`` text.

    With ``check_keys=False`` PostgreSQL skips its foreign-key triggers for this session
    (``session_replication_role = replica``, as ``pg_restore --disable-triggers`` does): a
    year's rows load faster. The smoke test loads with the checks on.
    """

    def __init__(self, engine, metadata, check_keys: bool = True):
        self.engine = engine
        self.metadata = metadata
        self.postgres = engine.dialect.name == "postgresql"
        self.counts: dict[str, int] = {}
        self.plans: dict[str, tuple[str, list]] = {}
        self.conn = engine.raw_connection()
        cur = self.conn.cursor()
        if self.postgres:
            cur.execute("SET synchronous_commit = off")
            if not check_keys:
                cur.execute("SET session_replication_role = replica")
        else:
            cur.execute("PRAGMA synchronous = OFF")
            cur.execute("PRAGMA cache_size = -400000")
        cur.close()

    def _plan(self, table, row: dict) -> tuple[str, list]:
        """The statement for ``table`` and a converter per column; checks the first row."""
        from app.models.base import UTCDateTime

        missing = [c.name for c in table.columns if not c.nullable and row.get(c.name) is None]
        unknown = set(row) - {c.name for c in table.columns}
        if missing or unknown:
            raise SystemExit(f"{table.name}: NOT NULL columns without a value {missing}, "
                             f"unknown keys {sorted(unknown)}")
        quoted = ", ".join(f'"{c.name}"' for c in table.columns)
        from app.privacy.columns import Sealed

        converters = []
        for column in table.columns:
            if isinstance(column.type, Sealed):
                converters.append((column.name, None))  # the generator encrypts (stored_numbers)
            elif self.postgres:
                is_json = column.type.__class__.__name__ == "JSON"
                converters.append((column.name, _json_text if is_json else None))
            elif isinstance(column.type, UTCDateTime):
                converters.append((column.name, _sqlite_time))
            else:
                converters.append((column.name, column.type._cached_bind_processor(self.engine.dialect)))
        if self.postgres:
            return f"COPY {table.name} ({quoted}) FROM STDIN", converters
        marks = ", ".join("?" for _ in table.columns)
        return f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})', converters

    def write(self, name: str, rows: list[dict]) -> None:
        if not rows:
            return
        if name not in self.plans:
            self.plans[name] = self._plan(self.metadata.tables[name], rows[0])
        statement, converters = self.plans[name]
        values = ([row.get(c) if f is None else (None if row.get(c) is None else f(row[c]))
                   for c, f in converters] for row in rows)
        cur = self.conn.cursor()
        if self.postgres:
            with cur.copy(statement) as copy:
                for tup in values:
                    copy.write_row(tup)
        else:
            cur.executemany(statement, values)
        cur.close()
        self.counts[name] = self.counts.get(name, 0) + len(rows)

    def commit(self) -> None:
        self.conn.commit()

    def close(self) -> None:
        self.conn.commit()
        self.conn.close()


def _sqlite_time(value: datetime) -> str:
    """An aware time as SQLAlchemy stores a ``UTCDateTime`` in SQLite: naive UTC text."""
    return value.astimezone(timezone.utc).replace(tzinfo=None).isoformat(" ", "microseconds")


def _json_text(value) -> str:
    return json.dumps(value, ensure_ascii=False)


class Buffer:
    """Rows of one table, written in chunks of ``CHUNK``.

    ``parents`` are the buffers of the tables its foreign keys point to: they are written
    first, so that no row reaches the database before the row it refers to.
    """

    def __init__(self, sink: Sink, name: str, parents: tuple["Buffer", ...] = ()):
        self.sink, self.name, self.rows, self.parents = sink, name, [], parents

    def add(self, row: dict) -> None:
        self.rows.append(row)
        if len(self.rows) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        for parent in self.parents:
            parent.flush()
        self.sink.write(self.name, self.rows)
        self.rows = []


# -- the company -----------------------------------------------------------------------

@dataclass
class SiteData:
    index: int
    id: str
    code: str
    name: str
    weight: float
    units: list[str] = field(default_factory=list)
    guards: list[str] = field(default_factory=list)
    manager: str = ""
    by_post: dict[str, list[str]] = field(default_factory=dict)
    leads: dict[str, str] = field(default_factory=dict)
    gate_devices: list[str] = field(default_factory=list)
    devices: dict[str, str] = field(default_factory=dict)  # user id -> device id
    checkpoints: list[str] = field(default_factory=list)
    routes: list[tuple[str, list[str]]] = field(default_factory=list)
    store: str = ""
    items: list[str] = field(default_factory=list)
    plates: list[str] = field(default_factory=list)


@dataclass
class FollowUpSpec:
    """A follow-up some record called for; written with its history at the end."""

    id: str
    site: SiteData
    source_type: str
    source_id: str
    source_user_id: str | None
    category: str
    severity: str | None
    clock: str
    minutes: int
    title: str
    opened_at: datetime
    received_at: datetime
    post: str
    checkpoint_id: str | None = None
    detail: dict = field(default_factory=dict)


CLOCK_MINUTES = {"high": 120, "medium": 1440, "low": 4320, "flagged_person": 120,
                 "stock_difference": 4320, "missed_checkpoint": 1440, "complaint_contact": 120,
                 "complaint_invalid": 120, "complaint_collective": 60, "open_visit": 720,
                 "no_patrol": 1440, "missed_route": 1440, "no_stock_check": 4320}
POST_OF = {"security": "security", "fire": "security", "parking": "security", "cleaning": "cleaning",
           "greenery": "cleaning", "repair": "repair", "other": "customer_service",
           "visitor": "security", "stock": "store", "patrol": "security",
           "complaint": "customer_service"}


class Generator:
    def __init__(self, sink: Sink, *, sites: int, days: int, scale: float, seed: int, end: datetime):
        self.sink = sink
        self.rng = random.Random(seed)
        self.n_sites = sites
        self.days = days
        self.scale = scale
        self.end = end
        self.zone = ZoneInfo(ZONE)
        last = end.astimezone(self.zone).date()
        self.day_list = [last - timedelta(days=days - 1 - i) for i in range(days)]
        self.day_start = [datetime(d.year, d.month, d.day, tzinfo=self.zone).astimezone(timezone.utc)
                          for d in self.day_list]
        self.sites: list[SiteData] = []
        self.followups: list[FollowUpSpec] = []
        self.quality: list[str] = []
        self.supervisors: list[str] = []
        self.samples: dict[str, list] = {"visit": [], "stock_count": []}
        self.hash = None

    # helpers ---------------------------------------------------------------------------
    def uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def want(self, key: str) -> int:
        return max(1, round(FULL[key] * self.scale * self.n_sites / 10))

    def per_day(self, total: int, weekend: float = 1.0) -> list[int]:
        """``total`` spread over the days: a little growth over the year, weekends apart."""
        weights = []
        for i, d in enumerate(self.day_list):
            w = (0.85 + 0.3 * i / max(1, self.days - 1)) * (1 + 0.08 * math.sin(i / 58))
            weights.append(w * (weekend if d.weekday() >= 5 else 1.0))
        scale = total / sum(weights)
        out = []
        for w in weights:
            x = w * scale
            out.append(int(x) + (1 if self.rng.random() < x - int(x) else 0))
        return out

    def site_pick(self) -> SiteData:
        return self.sites[pick(self.rng, self.site_cumulative)]

    def when(self, day: int, minutes: list[float]) -> datetime:
        minute = pick(self.rng, minutes)
        return self.day_start[day] + timedelta(minutes=minute, seconds=self.rng.random() * 60)

    def arrival(self, at: datetime) -> datetime:
        """When a record reached the server: mostly at once, some after hours offline."""
        r = self.rng.random()
        if r < 0.9:
            delay = self.rng.uniform(1, 60)
        elif r < 0.99:
            delay = self.rng.uniform(60, 7200)
        else:
            delay = self.rng.uniform(7200, 3 * 86400)
        return min(at + timedelta(seconds=delay), self.end)

    def person_name(self) -> str:
        given = self.rng.choice(GIVEN) + (self.rng.choice(GIVEN) if self.rng.random() < 0.7 else "")
        return self.rng.choice(SURNAMES) + given

    def phone(self) -> str:
        return "1" + self.rng.choice("3456789") + "".join(self.rng.choices("0123456789", k=9))

    def id_number(self) -> str:
        birth = date(1950, 1, 1) + timedelta(days=self.rng.randrange(0, 20000))
        return (f"{self.rng.randrange(110000, 659000)}{birth:%Y%m%d}{self.rng.randrange(1000):03d}"
                + self.rng.choice("0123456789X"))

    def plate(self) -> str:
        return (self.rng.choice(PROVINCES) + self.rng.choice(PLATE_LETTERS)
                + "".join(self.rng.choices(PLATE_CHARS, k=5)))

    def stamp(self, site: SiteData, user: str, at: datetime, received: datetime | None = None) -> dict:
        """The columns every synced record carries."""
        received = received or self.arrival(at)
        return {"id": self.uid(), "site_id": site.id, "user_id": user,
                "device_id": site.devices.get(user) or self.rng.choice(site.gate_devices),
                "mutation_id": self.uid(), "received_at": received,
                "clock_flag": "skewed" if self.rng.random() < 0.01 else None,
                "version": 1, "updated_at": received, "deleted_at": None}

    # reference data --------------------------------------------------------------------
    def company(self) -> None:
        from app.demo import CHECKPOINTS
        from app.demo import ITEMS
        from app.passwords import hash_password

        self.hash = hash_password(PASSWORD)
        start = self.day_start[0] - timedelta(days=30)
        ref = {"version": 1, "updated_at": start, "deleted_at": None}
        company = self.uid()
        self.sink.write("companies", [{"id": company, "name": "万家物业服务有限公司（性能测试）"}])
        names = ("翠湖花园", "金桂苑", "碧水湾", "香樟园", "锦绣华庭", "丽景湾", "御景山庄", "紫荆苑",
                 "银杏里", "海棠湾", "云栖府", "枫林苑")
        rows = {k: [] for k in ("sites", "buildings", "units", "users", "user_sites", "checkpoints",
                                "routes", "route_checkpoints", "stores", "items", "stock_movements",
                                "resident_vehicles", "watch_entries", "sync_devices")}
        users = rows["users"]

        def user(username, display, role, post=None, lead=False, sites=()):
            uid = self.uid()
            users.append({"id": uid, "company_id": company, "username": username, "display_name": display,
                          "password_hash": self.hash, "role": role, "post": post, "is_team_lead": lead,
                          "active": True, "locale": None, "session_version": 0,
                          "must_change_password": False, **ref})
            for s in sites:
                rows["user_sites"].append({"user_id": uid, "site_id": s.id})
            return uid

        for i in range(self.n_sites):
            name = names[i % len(names)] + ("" if i < len(names) else f"{i // len(names) + 1}期")
            site = SiteData(index=i, id=self.uid(), code=f"S{i + 1:02d}", name=name,
                            weight=1 / (1 + i) ** 0.5)
            self.sites.append(site)
            rows["sites"].append({"id": site.id, "company_id": company, "name": name, "code": site.code,
                                  "address": f"{name}路{(i + 1) * 18}号", "timezone": ZONE, "settings": {},
                                  **ref})
            buildings = 6 + (self.n_sites - i) % 7
            for b in range(1, buildings + 1):
                building = self.uid()
                rows["buildings"].append({"id": building, "site_id": site.id, "name": f"{b}栋", "sort": b,
                                          **ref})
                for entrance in (1, 2):
                    for floor in range(1, 19):
                        for room in (1, 2):
                            code = f"{b}-{entrance}-{floor}{room:02d}"
                            site.units.append(code)
                            rows["units"].append({
                                "id": self.uid(), "site_id": site.id, "building_id": building, "code": code,
                                "resident_name": self.person_name(),
                                "occupancy": "tenant" if self.rng.random() < 0.15 else "owner", **ref})
            n = i + 1
            site.manager = user(f"manager{n:02d}", f"{name}经理", "manager", sites=[site])
            site.by_post = {"security": [], "customer_service": [], "repair": [], "cleaning": [], "store": []}
            for k in range(1, 13):
                lead = k == 1
                g = user(f"guard{n:02d}-{k:02d}", f"{name}保安{k}号" if not lead else f"{name}保安队长",
                         "guard", "security", lead, [site])
                site.guards.append(g)
                site.by_post["security"].append(g)
            for post, count, role in (("customer_service", 3, "staff"), ("repair", 3, "staff"),
                                      ("cleaning", 4, "staff"), ("store", 1, "staff")):
                for k in range(1, count + 1):
                    u = user(f"{post[:5]}{n:02d}-{k}", f"{name}{post}{k}", role, post, k == 1, [site])
                    site.by_post[post].append(u)
            site.leads = {post: people[0] for post, people in site.by_post.items()}
            # checkpoints and routes
            for k, cp_name in enumerate(CHECKPOINTS, start=1):
                cp = self.uid()
                site.checkpoints.append(cp)
                rows["checkpoints"].append({"id": cp, "site_id": site.id, "name": cp_name,
                                            "code": f"{site.code}-CP{k:02d}",
                                            "description": f"{name}{cp_name}",
                                            "lat": None, "lng": None, "active": True, **ref})
            for r, (route_name, start_at, end_at, repeat, size) in enumerate((
                    ("日间巡视路线", "08:40", "11:30", None, 8), ("夜间巡更路线", "20:00", "06:00", 120, 6),
                    ("车库巡查", "09:00", "21:00", 240, 5), ("消防设施巡查", "14:00", "17:00", None, 7))):
                route = self.uid()
                stops = self.rng.sample(site.checkpoints, size)
                site.routes.append((route, stops))
                rows["routes"].append({"id": route, "site_id": site.id, "name": route_name,
                                       "window_start": start_at, "window_end": end_at,
                                       "repeat_minutes": repeat,
                                       "walker_role": "guard" if r else "manager", "walker_ids": [],
                                       "active": True, **ref})
                rows["route_checkpoints"] += [{"route_id": route, "position": p, "checkpoint_id": c}
                                              for p, c in enumerate(stops)]
            # the store
            site.store = self.uid()
            rows["stores"].append({"id": site.store, "site_id": site.id, "name": f"{name}物料仓库", **ref})
            for k, (item_name, unit) in enumerate(ITEMS, start=1):
                item = self.uid()
                site.items.append(item)
                rows["items"].append({"id": item, "site_id": site.id, "store_id": site.store,
                                      "name": item_name,
                                      "unit": unit, "sku": f"WJ-{k:03d}", "tolerance": None, "active": True,
                                      **ref})
                for m in range(self.rng.randint(8, 30)):
                    day = self.rng.randrange(self.days) if m else 0
                    rows["stock_movements"].append({
                        "id": self.uid(), "site_id": site.id, "item_id": item,
                        "direction": "in" if m == 0 or self.rng.random() < 0.4 else "out",
                        "quantity": Decimal(self.rng.randint(50, 100) if m == 0 else self.rng.randint(1, 6)),
                        "occurred_at": self.when(day, DESK_MINUTES),
                        "reference": f"CK-{site.code}-{k:03d}-{m}",
                        "note": "期初入库" if m == 0 else None, "user_id": site.by_post["store"][0],
                        "created_at": self.day_start[day]})
            # the gate's roster
            for k in range(150 + 20 * (self.n_sites - i)):
                plate = self.plate()
                if plate in site.plates:
                    continue
                site.plates.append(plate)
                rows["resident_vehicles"].append({"id": self.uid(), "site_id": site.id, "plate": plate,
                                                  "unit_id": None, "owner_name": self.person_name(),
                                                  "active": True, **ref})
            for k in range(5):
                rows["watch_entries"].append({"id": self.uid(), "site_id": site.id,
                                              "name": self.person_name(),
                                              **stored_numbers("watch", self.phone(), None),
                                              "plate": self.plate() if k % 2 else None,
                                              "reason": "多次无故进入小区", "active": True, **ref})
        self.site_cumulative = list(itertools.accumulate(s.weight for s in self.sites))
        all_sites = self.sites
        self.supervisors.append(user("supervisor1", "品质主管", "supervisor", sites=all_sites))
        self.quality.append(user("quality1", "品质部专员", "supervisor", sites=all_sites))
        for k in range(0, self.n_sites, 3):
            self.supervisors.append(user(f"supervisor{k // 3 + 2}", f"区域主管{k // 3 + 1}", "supervisor",
                                         sites=all_sites[k:k + 3]))
        user("admin1", "系统管理员", "admin", sites=all_sites)
        self.devices(rows["sync_devices"])
        for name, table_rows in rows.items():
            for start_at in range(0, len(table_rows), CHUNK):
                self.sink.write(name, table_rows[start_at:start_at + CHUNK])
        self.sink.commit()

    def devices(self, out: list[dict]) -> None:
        """Phones: the gate phone of each site, then the people who carry one, ~300 in all."""
        wanted = max(self.want("devices"), len(self.sites))
        holders = {s.id: [None] + s.guards + s.by_post["customer_service"] + s.by_post["repair"]
                   + s.by_post["cleaning"] + s.by_post["store"] + [s.manager] for s in self.sites}
        for k in range(wanted):
            s = self.sites[k % len(self.sites)]
            people = holders[s.id]
            u = people[(k // len(self.sites)) % len(people)]
            device = f"dev-{self.uid()}"
            # A second round gives people a newer phone: the old one has gone quiet.
            replaced = k // len(self.sites) >= len(people)
            if u is None and not replaced:
                s.gate_devices.append(device)
            elif u is not None and not replaced:
                s.devices[u] = device
            quiet = replaced or self.rng.random() < 0.06
            seen = self.end - timedelta(days=self.rng.uniform(3, 40) if quiet else self.rng.uniform(0, 0.5))
            out.append({"device_id": device, "user_id": u or s.guards[0],
                        "last_seq": self.rng.randint(100, 40000), "gaps": [],
                        "pending": self.rng.randint(1, 60) if quiet else 0, "last_seen_at": seen,
                        "clock_offset_ms": int(self.rng.gauss(0, 4000)) if self.rng.random() < 0.9
                        else self.rng.randint(-900_000, 900_000),
                        "first_seen_at": self.day_start[0] - timedelta(days=self.rng.randint(1, 200))})

    def followup(self, site: SiteData, source_type: str, source_id: str, user: str | None, category: str,
                 severity: str | None, clock: str, title: str, at: datetime, received: datetime,
                 checkpoint_id: str | None = None, post: str | None = None,
                 detail: dict | None = None) -> str:
        spec = FollowUpSpec(id=self.uid(), site=site, source_type=source_type, source_id=source_id,
                            source_user_id=user, category=category, severity=severity, clock=clock,
                            minutes=CLOCK_MINUTES[clock], title=title[:200], opened_at=at,
                            received_at=received,
                            post=post or POST_OF.get(category, "customer_service"),
                            checkpoint_id=checkpoint_id, detail=detail or {})
        self.followups.append(spec)
        return spec.id

    # the gate ---------------------------------------------------------------------------
    def visits(self) -> None:
        from app.models.gate import visit_search_text

        visits = Buffer(self.sink, "visits")
        incidents = Buffer(self.sink, "incidents", parents=(visits,))
        purposes = weighted(PURPOSES)
        p_incident = self.want("incidents") / self.want("visits")
        seen = 0
        for day, count in enumerate(self.per_day(self.want("visits"), weekend=1.3)):
            todays = sorted((self.when(day, VISIT_MINUTES), self.site_pick()) for _ in range(count))
            for at, site in todays:
                if at > self.end:
                    continue
                guard = self.rng.choice(site.guards)
                row = self.stamp(site, guard, at)
                row["device_id"] = self.rng.choice(site.gate_devices)
                purpose = choose(self.rng, purposes)
                car = self.rng.random() < (0.45 if purpose in ("delivery", "contractor") else 0.25)
                out_at = at + timedelta(minutes=self.rng.expovariate(1 / 50) + 3)
                still_in = self.rng.random() < 0.02 or out_at > self.end
                row.update({
                    "visitor_name": self.person_name(), "purpose": purpose,
                    "party_size": 1 if self.rng.random() < 0.8 else self.rng.randint(2, 6),
                    **stored_numbers("visit", self.phone() if self.rng.random() < 0.95 else None,
                                     self.id_number() if self.rng.random() < 0.7 else None),
                    "unit": self.rng.choice(site.units), "host_name": self.person_name(),
                    "plate": self.plate() if car else None,
                    "note": "送货车辆，已登记车牌" if car and self.rng.random() < 0.05 else None,
                    "checked_in_at": at, "checked_in_at_phone": at,
                    "checked_out_at": None if still_in else out_at,
                    "checked_out_at_phone": None if still_in else out_at,
                    "checked_out_by": None if still_in else self.rng.choice(site.guards),
                    "checked_out_received_at": None if still_in else self.arrival(out_at),
                    "checked_out_mutation_id": None if still_in else self.uid(),
                })
                row["search_text"] = visit_search_text(row["visitor_name"], row["unit"], row["host_name"], row["plate"])
                if not still_in:
                    row["version"] = 2
                    row["updated_at"] = max(row["updated_at"], row["checked_out_received_at"])
                visits.add(row)
                seen += 1
                if len(self.samples["visit"]) < 5000:
                    self.samples["visit"].append((row["id"], site))
                elif self.rng.random() < 5000 / seen:
                    self.samples["visit"][self.rng.randrange(5000)] = (row["id"], site)
                if still_in and at < self.end - timedelta(hours=13) and self.rng.random() < 0.5:
                    self.followup(site, "open_visit", row["id"], None, "visitor", "medium", "open_visit",
                                  f"访客{row['visitor_name']}未登记离开", at + timedelta(hours=12),
                                  at + timedelta(hours=12, minutes=5), post="security")
                if self.rng.random() < p_incident:
                    seen_at = at + timedelta(minutes=1)
                    inc = self.stamp(site, guard, seen_at)
                    text = "可疑人员，多次询问不愿说明来意"
                    inc.update({"visit_id": row["id"], "description": text, "photo_ids": [],
                                "occurred_at": seen_at, "occurred_at_phone": seen_at})
                    inc["followup_id"] = self.followup(site, "incident", inc["id"], guard, "security", "high",
                                                       "flagged_person", text, inc["occurred_at"],
                                                       inc["received_at"])
                    incidents.add(inc)
        visits.flush()
        incidents.flush()
        self.sink.commit()

    # patrols ------------------------------------------------------------------------------
    def patrols(self) -> None:
        patrols = Buffer(self.sink, "patrols")
        visits = Buffer(self.sink, "checkpoint_visits", parents=(patrols,))
        findings, photos = Buffer(self.sink, "findings", parents=(patrols,)), Buffer(self.sink, "photos")
        categories = weighted(CATEGORIES)
        severities = weighted((("low", 50), ("medium", 38), ("high", 12)))
        for day, count in enumerate(self.per_day(self.want("patrols"))):
            todays = sorted((self.when(day, PATROL_MINUTES), self.site_pick()) for _ in range(count))
            for at, site in todays:
                if at > self.end - timedelta(hours=2):
                    continue
                local = (at + timedelta(hours=8)).time()
                walker = site.manager if (8 <= local.hour <= 9 and self.rng.random() < 0.5) \
                    else self.rng.choice(site.guards)
                free = self.rng.random() < 0.1
                if free:
                    route_id, stops = None, self.rng.sample(site.checkpoints, self.rng.randint(3, 6))
                else:
                    route_id, stops = self.rng.choice(site.routes)
                missed = [c for c in stops if self.rng.random() < 0.01] if not free else []
                row = self.stamp(site, walker, at)
                times, t = [], at
                for checkpoint in stops:
                    t += timedelta(minutes=self.rng.uniform(2, 7))
                    times.append(t)
                ended = t + timedelta(minutes=self.rng.uniform(1, 5))
                ended_received = self.arrival(ended)
                row.update({"route_id": route_id, "started_at": at, "started_at_phone": at, "ended_at": ended,
                            "ended_at_phone": ended, "ended_received_at": ended_received, "notes": None,
                            "missed_checkpoint_ids": missed, "version": 2, "updated_at": ended_received})
                patrols.add(row)  # before its visits and findings: they refer to it
                for checkpoint, t in zip(stops, times):
                    if checkpoint in missed:
                        continue
                    v = self.stamp(site, walker, t, row["received_at"] + (t - at))
                    qr = self.rng.random() < 0.93
                    v.update({"patrol_id": row["id"], "checkpoint_id": checkpoint,
                              "method": "qr" if qr else "manual",
                              "lat": None, "lng": None, "accuracy_m": None, "visited_at": t,
                              "visited_at_phone": t})
                    visits.add(v)
                if missed:
                    self.followup(site, "patrol", row["id"], walker, "patrol", "medium", "missed_checkpoint",
                                  f"巡更漏检 {len(missed)} 个点", ended, ended_received,
                                  checkpoint_id=missed[0], detail={"missed": missed})
                if self.rng.random() < 0.10:
                    for _ in range(1 if self.rng.random() < 0.7 else self.rng.randint(2, 3)):
                        category = choose(self.rng, categories)
                        checkpoint = self.rng.choice(stops)
                        found = at + (ended - at) * self.rng.random()
                        f = self.stamp(site, walker, found, ended_received)
                        handled = self.rng.random() >= 0.08
                        text = self.rng.choice(FINDING_TEXT[category])
                        photo_ids = [self.uid() for _ in range(self.rng.choice((0, 1, 1, 2)))]
                        severity = choose(self.rng, severities)
                        f.update({"patrol_id": row["id"], "checkpoint_id": checkpoint, "category": category,
                                  "severity": severity, "description": text, "handled_on_spot": handled,
                                  "action_taken": "已当场处理" if handled else None, "photo_ids": photo_ids,
                                  "found_at": found, "found_at_phone": found, "followup_id": None})
                        if not handled:
                            f["followup_id"] = self.followup(site, "finding", f["id"], walker, category,
                                                             severity,
                                                             severity, text, found, ended_received,
                                                             checkpoint_id=checkpoint)
                        findings.add(f)
                        for p in photo_ids:
                            photos.add({"id": p, "site_id": site.id, "user_id": walker,
                                        "record_type": "finding",
                                        "record_id": f["id"], "uploaded": True, "size": 180_000,
                                        "path": f"bench/{p}.jpg", "content_type": "image/jpeg",
                                        "uploaded_at": ended_received, "created_at": ended_received})
        for b in (patrols, visits, findings, photos):
            b.flush()
        self.sink.commit()

    # stock --------------------------------------------------------------------------------
    def stock(self) -> None:
        checks = Buffer(self.sink, "stock_checks")
        counts = Buffer(self.sink, "stock_counts", parents=(checks,))
        for day, count in enumerate(self.per_day(self.want("stock_checks"), weekend=0.3)):
            for _ in range(count):
                site = self.site_pick()
                at = self.when(day, DESK_MINUTES)
                if at > self.end - timedelta(hours=1):
                    continue
                keeper = site.by_post["store"][0]
                row = self.stamp(site, keeper, at)
                items = self.rng.sample(site.items, self.rng.randint(8, min(20, len(site.items))))
                t, mine = at, []
                for item in items:
                    t += timedelta(minutes=self.rng.uniform(0.5, 3))
                    book = Decimal(self.rng.randint(0, 80))
                    off = self.rng.random() < 0.08
                    error = Decimal(self.rng.choice((-3, -2, -1, 1, 2))) if off else 0
                    counted = max(Decimal(0), book + error)
                    c = self.stamp(site, keeper, t, row["received_at"] + (t - at))
                    defective = Decimal(self.rng.randint(1, 3)) if self.rng.random() < 0.05 else None
                    c.update({"check_id": row["id"], "item_id": item, "counted_qty": counted,
                              "defective_qty": defective,
                              "book_qty": book, "difference": counted - book, "note": None, "counted_at": t,
                              "counted_at_phone": t, "superseded": False, "followup_id": None, "review": None,
                              "reviewed_by": None, "reviewed_at": None, "review_note": None,
                              "adjustment_id": None})
                    if counted != book:
                        c["followup_id"] = self.followup(site, "stock_count", c["id"], keeper, "stock",
                                                         "medium",
                                                         "stock_difference", "库存盘点差异", t, c["received_at"])
                        if self.end - t > timedelta(days=3) and self.rng.random() < 0.8:
                            c.update(review=self.rng.choice(("approved", "approved", "recount")),
                                     reviewed_by=site.manager,
                                     reviewed_at=t + timedelta(days=self.rng.uniform(0.2, 3)))
                    mine.append(c)
                    if len(self.samples["stock_count"]) < 2000:
                        self.samples["stock_count"].append((c["id"], site))
                done = t + timedelta(minutes=2)
                row.update({"store_id": site.store, "started_at": at, "started_at_phone": at,
                            "finished_at": done,
                            "finished_at_phone": done, "finished_received_at": self.arrival(done),
                            "finished_by": keeper, "version": 2})
                checks.add(row)  # before its counts: they refer to it
                for c in mine:
                    counts.add(c)
        checks.flush()
        counts.flush()
        self.sink.commit()

    # complaints ---------------------------------------------------------------------------
    def complaints(self) -> None:
        out = Buffer(self.sink, "complaints")
        kinds, channels = weighted(COMPLAINT_KINDS), weighted(CHANNELS)
        categories = weighted(CATEGORIES)
        earlier: dict[str, list[str]] = {}
        for day, count in enumerate(self.per_day(self.want("complaints"), weekend=1.2)):
            todays = sorted((self.when(day, DESK_MINUTES), self.site_pick()) for _ in range(count))
            for at, site in todays:
                if at > self.end:
                    continue
                taker = self.rng.choice(site.by_post["customer_service"])
                row = self.stamp(site, taker, at)
                kind, channel = choose(self.rng, kinds), choose(self.rng, channels)
                households = self.rng.randint(5, 40) if kind == "collective" else 1
                repeat = None
                mine = earlier.setdefault(site.id, [])
                if mine and self.rng.random() < 0.05:
                    repeat = self.rng.choice(mine[-200:])
                text = self.rng.choice(COMPLAINT_TEXT)
                row.update({"kind": kind, "channel": channel, "description": text,
                            "unit": self.rng.choice(site.units), "owner_name": self.person_name(),
                            "owner_phone": self.phone(), "households": households,
                            "collective": kind == "collective", "category": choose(self.rng, categories),
                            "photo_ids": [], "repeat_of": repeat, "lodged_at": at, "lodged_at_phone": at,
                            "agreed_reply_at": None, "merged_into": None, "common_interest": False,
                            "unsatisfied": False, "classified_by": None, "classified_at": None})
                if kind == "collective":
                    clock, severity, post = "complaint_collective", "high", "manager"
                elif kind == "invalid":
                    clock, severity, post = "complaint_invalid", "low", "customer_service"
                else:
                    clock, severity, post = "complaint_contact", "medium", "customer_service"
                row["followup_id"] = self.followup(
                    site, "complaint", row["id"], taker, "complaint", severity, clock, text, at,
                    row["received_at"], post=post,
                    detail={"kind": kind, "channel": channel, "households": households,
                            "collective": kind == "collective", "unit": row["unit"], "repeat_of": repeat})
                mine.append(row["id"])
                out.add(row)
        out.flush()
        self.sink.commit()

    # the sweep's follow-ups, up to the wanted number -------------------------------------
    def sweep_followups(self) -> None:
        missing = self.want("followups") - len(self.followups)
        kinds = weighted((("missed_route", 50), ("no_patrol", 35), ("no_stock_check", 15)))
        for _ in range(max(0, missing)):
            site = self.site_pick()
            day = self.rng.randrange(self.days - 1)
            kind = choose(self.rng, kinds)
            if kind == "missed_route":
                route, _stops = self.rng.choice(site.routes)
                at = self.day_start[day] + timedelta(hours=self.rng.choice((4, 13, 23)))
                self.followup(site, "missed_route", route, None, "patrol", "medium", "missed_route",
                              "巡更路线未按时完成", at, at + timedelta(minutes=5), post="security")
            elif kind == "no_patrol":
                at = self.day_start[day + 1] - timedelta(minutes=1)
                self.followup(site, "no_patrol", site.manager, None, "patrol", "medium", "no_patrol",
                              "经理当日未巡视", at, at + timedelta(minutes=5), post="manager")
            else:
                at = self.day_start[day] + timedelta(hours=16)
                self.followup(site, "no_stock_check", site.store, None, "stock", "medium", "no_stock_check",
                              "本月未进行库存抽查", at, at + timedelta(minutes=5), post="store")

    # follow-ups and their histories -------------------------------------------------------
    def write_followups(self) -> None:
        rows = Buffer(self.sink, "followups")
        events = Buffer(self.sink, "followup_events", parents=(rows,))
        self.followups.sort(key=lambda s: s.opened_at)
        overdue = 0
        for spec in self.followups:
            site = spec.site
            owner = (site.manager if spec.post == "manager"
                     else site.leads.get(spec.post) or site.manager)
            due = spec.opened_at + timedelta(minutes=spec.minutes)
            age = (self.end - spec.opened_at).total_seconds() / 86400
            p_active = 0.75 if age < 1 else 0.4 if age < 7 else 0.15 if age < 30 else 0.035
            history = []

            def event(kind, at, value=None, note=None, user=None, system=False):
                at = min(at, self.end)
                history.append({"id": self.uid(), "followup_id": spec.id, "kind": kind, "at": at,
                                "received_at": self.arrival(at), "user_id": None if system else user,
                                "device_id": None if system else site.devices.get(user),
                                "mutation_id": None if system else self.uid(), "value": value, "note": note,
                                "effective": True, "base_version": None if system else len(history),
                                "version_after": len(history) + 1})

            event("created", spec.opened_at, {"assignee_id": owner, "post": spec.post}, system=True)
            assignee = owner
            if self.rng.random() < 0.15:
                worker = self.rng.choice(site.by_post.get(spec.post) or [site.manager])
                event("assign", spec.opened_at + timedelta(minutes=self.rng.uniform(5, 60)), worker,
                      user=owner)
                assignee = worker
            level = 0
            resolved = closed = None
            if self.rng.random() < p_active:
                status = "in_progress" if self.rng.random() < 0.5 else "open"
                if status == "in_progress":
                    event("status", spec.opened_at + timedelta(minutes=self.rng.uniform(5, 90)),
                          "in_progress",
                          user=assignee)
                if due < self.end:
                    overdue += 1
                    if self.rng.random() < 0.6:
                        for to_level, person in ((1, site.manager), (2, self.quality[0])):
                            if to_level == 2 and self.rng.random() < 0.5:
                                break
                            at = due + timedelta(minutes=5 + 60 * (to_level - 1))
                            if at > self.end:
                                break
                            event("escalate", at, {"from_level": level, "to_level": to_level,
                                                   "from_user_id": assignee, "to_user_id": person},
                                  note="已超时，升级处理", system=True)
                            event("assign", at, person, system=True)
                            assignee, level = person, to_level
            else:
                late = self.rng.random() < 0.1
                took = spec.minutes * (self.rng.uniform(1.05, 3) if late else self.rng.uniform(0.05, 0.95))
                resolved = spec.opened_at + timedelta(minutes=took)
                if resolved > self.end:
                    resolved = self.end - timedelta(minutes=1)
                if late and self.rng.random() < 0.5 and due < resolved:
                    event("escalate", due + timedelta(minutes=5), {"from_level": 0, "to_level": 1,
                                                                   "from_user_id": assignee,
                                                                   "to_user_id": site.manager},
                          note="已超时，升级处理", system=True)
                    level = 1
                event("status", spec.opened_at + (resolved - spec.opened_at) / 3, "in_progress",
                      user=assignee)
                for _ in range(self.rng.choice((0, 1, 1, 2))):
                    event("note", spec.opened_at + (resolved - spec.opened_at) / 2,
                          note=self.rng.choice(NOTES),
                          user=assignee)
                event("status", resolved, "resolved", user=assignee)
                status = "resolved"
                if self.end - resolved > timedelta(days=2) or self.rng.random() < 0.5:
                    closed = min(resolved + timedelta(hours=self.rng.uniform(1, 48)), self.end)
                    event("status", closed, "closed", user=site.manager)
                    status = "closed"
            last = max(e["received_at"] for e in history)
            rows.add({
                "id": spec.id, "site_id": site.id, "source_type": spec.source_type,
                "source_id": spec.source_id,
                "source_user_id": spec.source_user_id, "created_by": spec.source_user_id,
                "checkpoint_id": spec.checkpoint_id, "category": spec.category, "severity": spec.severity,
                "clock": spec.clock, "title": spec.title, "detail": spec.detail, "status": status,
                "assignee_id": assignee, "post": spec.post, "opened_at": spec.opened_at,
                "received_at": spec.received_at,
                "due_at": due if level == 0 or status not in ("open", "in_progress")
                else max(due, history[-1]["at"] + timedelta(hours=24)),
                "resolved_at": resolved, "closed_at": closed, "escalation_level": level,
                "event_count": len(history), "note_count": sum(e["kind"] == "note" for e in history),
                "sources": [{"type": spec.source_type, "id": spec.source_id}],
                "version": len(history), "updated_at": last, "deleted_at": None})
            for e in history:
                events.add(e)
        rows.flush()
        events.flush()
        self.sink.commit()
        self.overdue = overdue

    # conflicts ---------------------------------------------------------------------------
    def conflicts(self) -> None:
        from sync import messages as m

        out = Buffer(self.sink, "conflicts")
        kinds = weighted((("followup", 60), ("visit", 30), ("stock_count", 10)))
        for _ in range(self.want("conflicts")):
            kind = choose(self.rng, kinds)
            if kind == "followup" or not self.samples[kind]:
                spec = self.rng.choice(self.followups)
                entity, site, field_, kept, lost = spec.id, spec.site, "status", "resolved", "in_progress"
                reason = self.rng.choice((m.CONFLICT_LATER_WINS, m.CONFLICT_STATUS_SKIPPED))
                at = spec.opened_at + timedelta(hours=self.rng.uniform(1, 48))
                kind = "followup"
            elif kind == "visit":
                entity, site = self.rng.choice(self.samples["visit"])
                field_, kept, lost, reason = "checked_out_at", "2026-01-01T10:00:00+08:00", \
                    "2026-01-01T10:20:00+08:00", m.CONFLICT_CHECKOUT
                at = self.day_start[self.rng.randrange(self.days)] + timedelta(hours=self.rng.uniform(0, 24))
            else:
                entity, site = self.rng.choice(self.samples["stock_count"])
                field_, kept, lost, reason = "counted_qty", "12", "11", m.CONFLICT_SECOND_COUNT
                at = self.day_start[self.rng.randrange(self.days)] + timedelta(hours=self.rng.uniform(0, 24))
            at = min(at, self.end)
            reviewed = self.end - at > timedelta(days=7) and self.rng.random() < 0.8
            reviewed_at = at + timedelta(days=self.rng.uniform(0.1, 5)) if reviewed else None
            reviewer = self.rng.choice([site.manager, self.supervisors[0]]) if reviewed else None
            resolution = ("accepted" if self.rng.random() < 0.85 else "restored") if reviewed else None
            out.add({"id": self.uid(), "site_id": site.id, "entity_type": kind, "entity_id": entity,
                     "field": field_, "kept": kept, "lost": lost, "reason": reason,
                     "winner_mutation_id": self.uid(), "loser_mutation_id": self.uid(),
                     "mutation_id": self.uid(), "created_at": at,
                     "reviewed_at": reviewed_at,
                     "reviewed_by": reviewer if reviewed else None,
                     "resolution": resolution if reviewed else None})
        out.flush()
        self.sink.commit()


# -- the database ----------------------------------------------------------------------

def fresh_database(url: str) -> str:
    """An empty database at ``url`` (SQLAlchemy form), the old one removed."""
    import sqlalchemy as sa

    from tests.pg import psycopg_url

    url = psycopg_url(url)
    target = sa.engine.make_url(url)
    if target.get_backend_name() == "sqlite":
        if target.database and os.path.exists(target.database):
            os.remove(target.database)
        return url
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    return url


def migrate(url: str):
    """The schema as ``flask db upgrade`` builds it; returns the app bound to ``url``."""
    from flask_migrate import upgrade

    from app import create_app

    app = create_app({"SECRET_KEY": "bench", "DATA_KEY": DATA_KEY, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    return app


def generate(url: str, *, sites: int = 10, days: int = 365, scale: float = 1.0, seed: int = 20261204,
             end: datetime | None = None, quiet: bool = False, check_keys: bool = True) -> dict[str, int]:
    """Write the company into a fresh database at ``url``; returns rows per table."""
    from app.extensions import db

    say = (lambda *a: None) if quiet else (lambda *a: print(*a, flush=True))
    end = (end or datetime.now(timezone.utc)).replace(microsecond=0)
    url = fresh_database(url)
    started = time.perf_counter()
    app = migrate(url)
    say(f"schema by migrations: {time.perf_counter() - started:.1f} s")
    with app.app_context():
        sink = Sink(db.engine, db.metadata, check_keys=check_keys)
        gen = Generator(sink, sites=sites, days=days, scale=scale, seed=seed, end=end)
        for step in (gen.company, gen.visits, gen.patrols, gen.stock, gen.complaints, gen.sweep_followups,
                     gen.write_followups, gen.conflicts):
            before, t = sum(sink.counts.values()), time.perf_counter()
            step()
            rows = sum(sink.counts.values()) - before
            took = time.perf_counter() - t
            say(f"{step.__name__:<16}{rows:>10,} rows {took:>7.1f} s {rows / max(took, 1e-9):>10,.0f} rows/s")
        sink.close()
        t = time.perf_counter()
        if sink.postgres:
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
            say(f"{'vacuum analyze':<16}{'':>10} {time.perf_counter() - t:>12.1f} s")
        total = sum(sink.counts.values())
        took = time.perf_counter() - started
        say(f"{'total':<16}{total:>10,} rows {took:>7.1f} s {total / took:>10,.0f} rows/s "
            f"({gen.overdue:,} follow-ups overdue of {len(gen.followups):,})")
        db.engine.dispose()
    return dict(sink.counts)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG),
                        help="sqlite:///path or postgresql://… (emptied first)")
    parser.add_argument("--sites", type=int, default=10)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of a full year's rows (0.01)")
    parser.add_argument("--seed", type=int, default=20261204)
    parser.add_argument("--end", help="the last moment of the year, ISO (default: now)")
    parser.add_argument("--tables", action="store_true", help="list rows per table at the end")
    parser.add_argument("--skip-key-checks", action="store_true",
                        help="PostgreSQL: load without foreign-key triggers (faster; the keys are valid "
                             "by construction and checked by the smoke test)")
    args = parser.parse_args(argv)
    end = datetime.fromisoformat(args.end).astimezone(timezone.utc) if args.end else None
    counts = generate(args.url, sites=args.sites, days=args.days, scale=args.scale, seed=args.seed, end=end,
                      check_keys=not args.skip_key_checks)
    if args.tables:
        for name, n in sorted(counts.items(), key=lambda kv: -kv[1]):
            print(f"{n:>10,}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
