"""Small builders for test data; each returns plain ids so tests need no session."""
import re
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

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

PASSWORD = "demo1234"
_HASH = {}


def password_hash() -> str:
    """Hashing is slow on purpose; tests hash the shared password once."""
    if "h" not in _HASH:
        from app.passwords import hash_password
        _HASH["h"] = hash_password(PASSWORD)
    return _HASH["h"]


def csrf_from(response) -> str:
    match = re.search(rb'name="csrf-token" content="([^"]+)"', response.data)
    assert match, "page has no CSRF token"
    return match.group(1).decode()


def make_user(company, username, role, sites, post=None, lead=False, display_name=None):
    user = User(company_id=company.id, username=username, role=role, post=post, is_team_lead=lead,
                display_name=display_name or username)
    user.password_hash = password_hash()
    user.sites = list(sites)
    db.session.add(user)
    return user


def make_site(company, name, code):
    site = Site(company_id=company.id, name=name, code=code, timezone="Asia/Shanghai", settings={})
    db.session.add(site)
    db.session.flush()
    building = Building(site_id=site.id, name="1栋", sort=1)
    db.session.add(building)
    db.session.flush()
    for room in ("1-1-101", "1-1-102", "1-2-201"):
        db.session.add(Unit(site_id=site.id, building_id=building.id, code=room))
    cps = [Checkpoint(site_id=site.id, name=f"{name}巡更点{i}", code=f"{code}-CP{i}") for i in range(1, 4)]
    db.session.add_all(cps)
    db.session.flush()
    route = Route(site_id=site.id, name=f"{name}路线", window_start="08:40", window_end="11:30")
    route.set_checkpoints([c.id for c in cps])
    store = Store(site_id=site.id, name=f"{name}仓库")
    db.session.add_all([route, store])
    db.session.flush()
    items = []
    for i, name_ in enumerate(("灯泡", "水龙头", "手套"), start=1):
        item = Item(site_id=site.id, store_id=store.id, name=name_, unit="个")
        db.session.add(item)
        db.session.flush()
        db.session.add(StockMovement(site_id=site.id, item_id=item.id, direction="in",
                                     quantity=Decimal(10 * i), occurred_at=utcnow() - timedelta(days=10),
                                     reference=f"RK-{code}-{i}"))
        items.append(item)
    return site, building, cps, route, store, items


@dataclass
class World:
    company_id: str
    site1: str
    site2: str
    building1: str
    checkpoints1: list
    checkpoints2: list
    route1: str
    route2: str
    store1: str
    store2: str
    items1: list
    items2: list
    users: dict


def make_world() -> World:
    company = Company(name="测试物业")
    db.session.add(company)
    db.session.flush()
    s1, b1, cps1, r1, st1, it1 = make_site(company, "翠湖花园", "S1")
    s2, b2, cps2, r2, st2, it2 = make_site(company, "金桂苑", "S2")
    users = {}
    for n, site in ((1, s1), (2, s2)):
        users[f"guard{n}"] = make_user(company, f"guard{n}", "guard", [site], "security")
        users[f"manager{n}"] = make_user(company, f"manager{n}", "manager", [site])
        users[f"lead{n}"] = make_user(company, f"lead{n}", "guard", [site], "security", lead=True)
        users[f"cs{n}"] = make_user(company, f"cs{n}", "staff", [site], "customer_service", lead=True)
        users[f"clerk{n}"] = make_user(company, f"clerk{n}", "clerk", [site], "customer_service")
        users[f"repair{n}"] = make_user(company, f"repair{n}", "staff", [site], "repair")
        users[f"clean{n}"] = make_user(company, f"clean{n}", "staff", [site], "cleaning")
        users[f"store{n}"] = make_user(company, f"store{n}", "staff", [site], "store")
        users[f"post{n}"] = make_user(company, f"post{n}", "post", [site], display_name=f"东门岗{n}")
    users["supervisor1"] = make_user(company, "supervisor1", "supervisor", [s1, s2])
    users["admin1"] = make_user(company, "admin1", "admin", [])
    db.session.commit()
    return World(company.id, s1.id, s2.id, b1.id, [c.id for c in cps1], [c.id for c in cps2],
                 r1.id, r2.id, st1.id, st2.id, [i.id for i in it1], [i.id for i in it2],
                 {k: v.id for k, v in users.items()})


class Phone:
    """A phone's API client over the Flask test client: bearer token, no cookies."""

    def __init__(self, client, device_id: str | None = None):
        self.client = client
        self.device_id = device_id or str(uuid.uuid4())
        self.token = None
        self.user = None
        self.seq = 0

    def sign_in(self, username: str, password: str = PASSWORD):
        response = self.client.post("/api/v1/session", json={
            "username": username, "password": password, "device_id": self.device_id})
        if response.status_code == 200:
            self.token = response.json["token"]
            self.user = response.json["user"]
        return response

    def headers(self):
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path, **kw):
        self.client.delete_cookie("session")
        return self.client.get(path, headers=self.headers(), **kw)

    def post(self, path, **kw):
        self.client.delete_cookie("session")
        return self.client.post(path, headers=self.headers(), **kw)

    def put(self, path, **kw):
        self.client.delete_cookie("session")
        return self.client.put(path, headers=self.headers(), **kw)

    def delete(self, path, **kw):
        self.client.delete_cookie("session")
        return self.client.delete(path, headers=self.headers(), **kw)


def desk_client(app, username: str, password: str = PASSWORD):
    """A browser of the desk: its own test client, signed in through the real form."""
    client = app.test_client()
    token = csrf_from(client.get("/login"))
    response = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    assert response.status_code == 302, (username, response.status_code)
    return client
