"""The demo company of ARCHITECTURE.md: realistic enough to try every screen.

Deterministic (a fixed random seed) and idempotent: a second run finds the company by
name and changes nothing. Its last two weeks of work are played through the sync engine
by ``app.demo_history``, which has its own marker.
"""
import random
import secrets
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from app import passwords
from app import pins
from app.demo_frontdesk import seed_front_desk
from app.extensions import db
from app.models import Building
from app.models import Checkpoint
from app.models import Company
from app.models import Item
from app.models import Route
from app.models import Site
from app.models import StockMovement
from app.models import Store
from app.models import Unit
from app.models import User
from app.models import utcnow

COMPANY = "万家物业服务有限公司"
# The demo's documented password (README, ARCHITECTURE.md), shorter than the 10 characters
# a password set through the pages needs: the seed stores its hash directly.
PASSWORD = "demo1234"
DEMO_PIN = "2468"

SITES = [
    {"code": "CHHY", "name": "翠湖花园", "address": "翠湖路88号", "buildings": 5, "entrances": 2,
     "floors": 11, "rooms": 2},
    {"code": "JGY", "name": "金桂苑", "address": "金桂大道168号", "buildings": 4, "entrances": 2,
     "floors": 9, "rooms": 2},
]

CHECKPOINTS = ["东门岗", "西门岗", "地下车库入口", "地下车库B区", "1号楼大堂", "3号楼大堂",
               "中心花园", "儿童游乐区", "消防控制室", "配电房", "水泵房", "垃圾站", "南侧围墙"]

ITEMS = [("LED灯泡 12W", "个"), ("灯管 T5", "根"), ("水龙头", "个"), ("角阀", "个"),
         ("PPR水管 20mm", "米"), ("电工胶布", "卷"), ("开关面板", "个"), ("插座面板", "个"),
         ("门锁芯", "个"), ("闭门器", "个"), ("垃圾袋 大号", "卷"), ("洗洁精", "桶"),
         ("消毒液", "桶"), ("拖把", "把"), ("扫帚", "把"), ("灭火器 4kg", "具"),
         ("应急灯", "个"), ("安全出口指示牌", "个"), ("草坪种子", "袋"), ("复合肥", "袋"),
         ("绿化剪刀", "把"), ("手套", "双"), ("对讲机电池", "块"), ("铁锹", "把")]

STAFF = [
    # username suffix, display name, role, post, team lead
    ("guard{n}", "保安{n}号", "guard", "security", False),
    ("manager{n}", "经理{n}", "manager", None, False),
    ("lead{n}", "保安队长{n}", "guard", "security", True),
    ("cs{n}", "客服主管{n}", "staff", "customer_service", True),
    ("clerk{n}", "客服助理{n}", "clerk", "customer_service", False),
    ("repair{n}", "维修工{n}", "staff", "repair", False),
    ("clean{n}", "保洁员{n}", "staff", "cleaning", False),
    ("store{n}", "库管{n}", "staff", "store", False),
]


def _user(company, username, display_name, role, post=None, lead=False, sites=(), hashed=None):
    user = User(company_id=company.id, username=username, display_name=display_name, role=role,
                post=post, is_team_lead=lead, password_hash=hashed)
    if hashed is None:
        user.set_password(PASSWORD)
    user.sites = list(sites)
    db.session.add(user)
    return user


def sign_ins() -> list[str]:
    """Every demo sign-in, a line per site and one for the people of every site."""
    company = db.session.scalar(select(Company).where(Company.name == COMPANY))
    if company is None:
        return []
    people = db.session.scalars(select(User).where(User.company_id == company.id, User.role != "post")
                                .order_by(User.username)).all()
    lines = []
    for site in company.sites:
        here = [u for u in people if [s.id for s in u.sites] == [site.id]]
        lines.append(f"  {site.name}: " + "  ".join(f"{u.username} {u.display_name}" for u in here))
    everywhere = [u for u in people if len(u.sites) != 1]
    lines.append("  " + "  ".join(f"{u.username} {u.display_name}" for u in everywhere))
    return lines


def seed_demo() -> bool:
    """Create the demo company and its recent history unless they exist; whether anything was."""
    from app.demo_history import seed_history

    company = db.session.scalar(select(Company).where(Company.name == COMPANY))
    created = company is None
    if created:
        company = seed_company()
    return seed_history(company) or created


def seed_company() -> Company:
    """The company, its two sites with their places and store, and its people."""
    rng = random.Random(20261127)
    from app.passwords import hash_password
    hashed = hash_password(PASSWORD)  # one slow hash for every demo sign-in
    pin = pins.hash_pin(DEMO_PIN)  # the guards' and managers' shift PIN on post phones
    company = Company(name=COMPANY)
    db.session.add(company)
    db.session.flush()
    sites = []
    for n, spec in enumerate(SITES, start=1):
        site = Site(company_id=company.id, name=spec["name"], code=spec["code"],
                    address=spec["address"], timezone="Asia/Shanghai", settings={})
        db.session.add(site)
        db.session.flush()
        sites.append(site)
        _seed_buildings(site, spec)
        _seed_patrol(site, n)
        _seed_store(site, rng)
        seed_gate_roster(site)
        seed_front_desk(site)
        for username, display, role, post, lead in STAFF:
            person = _user(company, username.format(n=n), display.format(n=n), role, post, lead, [site], hashed)
            if role in ("guard", "manager"):
                person.pin_hash = pin
        gate = _user(company, f"post{n}", "东门岗", "post", None, False, [site], hashed)
        gate.password_hash = passwords.hash_password(secrets.token_urlsafe(32))  # a post has no password
    _user(company, "supervisor1", "品质主管", "supervisor", None, False, sites, hashed)
    _user(company, "quality1", "品质部专员", "supervisor", None, False, sites, hashed)
    _user(company, "admin1", "系统管理员", "admin", None, False, sites, hashed)
    db.session.commit()
    return company


def _seed_buildings(site, spec):
    for b in range(1, spec["buildings"] + 1):
        building = Building(site_id=site.id, name=f"{b}栋", sort=b)
        db.session.add(building)
        db.session.flush()
        for entrance in range(1, spec["entrances"] + 1):
            for floor in range(1, spec["floors"] + 1):
                for room in range(1, spec["rooms"] + 1):
                    db.session.add(Unit(
                        site_id=site.id, building_id=building.id,
                        code=f"{b}-{entrance}-{floor}{room:02d}",
                        occupancy="tenant" if (floor + room) % 7 == 0 else "owner",
                    ))


def _seed_patrol(site, n):
    points = []
    for i, name in enumerate(CHECKPOINTS, start=1):
        cp = Checkpoint(site_id=site.id, name=name, code=f"{site.code}-CP{i:02d}",
                        description=f"{site.name}{name}")
        db.session.add(cp)
        points.append(cp)
    db.session.flush()
    day = Route(site_id=site.id, name="日间巡视路线", window_start="08:40", window_end="11:30")
    day.set_checkpoints([p.id for p in points])
    night = Route(site_id=site.id, name="夜间巡更路线", window_start="21:00", window_end="23:30")
    night.set_checkpoints([p.id for p in points[:2] + points[8:]])
    db.session.add_all([day, night])


def _seed_store(site, rng):
    store = Store(site_id=site.id, name=f"{site.name}物料仓库")
    db.session.add(store)
    db.session.flush()
    now = utcnow()
    for i, (name, unit) in enumerate(ITEMS, start=1):
        item = Item(site_id=site.id, store_id=store.id, name=name, unit=unit, sku=f"WJ-{i:03d}")
        db.session.add(item)
        db.session.flush()
        stock = rng.randint(20, 60)
        db.session.add(StockMovement(site_id=site.id, item_id=item.id, direction="in",
                                     quantity=Decimal(stock), occurred_at=now - timedelta(days=60),
                                     reference=f"RK-{site.code}-{i:03d}-0", note="期初入库"))
        for k in range(rng.randint(2, 6)):
            qty = rng.randint(1, 5)
            if qty > stock:
                continue
            stock -= qty
            db.session.add(StockMovement(
                site_id=site.id, item_id=item.id, direction="out", quantity=Decimal(qty),
                occurred_at=now - timedelta(days=rng.randint(1, 59), hours=rng.randint(0, 8)),
                reference=f"CK-{site.code}-{i:03d}-{k + 1}", note="维修领用"))


def seed_gate_roster(site):
    """A few residents' cars and one watch-list entry per site, for the gate screen."""
    from app.models.gate import ResidentVehicle
    from app.models.gate import WatchEntry

    db.session.flush()
    units = list(db.session.scalars(select(Unit).where(Unit.site_id == site.id).order_by(Unit.code).limit(4)))
    region = "粤B" if site.code == "CHHY" else "粤A"
    for n, (unit, owner) in enumerate(zip(units, ["陈建国", "李秀英", "王志强", "刘芳"]), start=1):
        db.session.add(ResidentVehicle(site_id=site.id, plate=f"{region}{n}{n}{n}88", unit_id=unit.id,
                                       owner_name=owner))
    db.session.add(WatchEntry(site_id=site.id, name="赵六", phone="13900001111",
                              plate=f"{region}66666", reason="多次尾随进入小区，需核实身份"))
