"""Two sites with records of every kind, and the people who call every route of the app.

Shared by the site-scoping tests (``test_scoping.py``) and the access matrix
(``test_access_matrix.py``): both walk ``app.url_map`` and fill each route's URL with the
ids of one site's rows. The ``scene`` fixture gives:

- both sites of the ``world`` with records made the way the field makes them, through
  phones pushing to ``/api/v1/sync`` (a visit and a flag, a patrol with a finding and its
  photo, a stock check with a count, a complaint), plus a conflict, a resident's car and
  a watch entry;
- each site's data marked (``MARKERS``, ``SITE2_MARKERS``): its name, its codes, and a
  word ("秘密", "机密") in what the scene plants there, so an answer that shows a site's
  data can be caught;
- a supervisor of site 2 alone, an admin of another company (``OUTSIDER``) and a
  follow-up at site 2 assigned to each person of site 2;
- every person of site 2 signed in at the desk and on a phone (``Person``), and nobody.
"""
import io
import re
import uuid
from dataclasses import dataclass
from dataclasses import field
from datetime import timedelta

import pytest
from sqlalchemy import String
from sqlalchemy import select

from app.extensions import db
from tests import factories

# Shown only with site 1's data: its name (also in its routes and stores), its codes and
# references, and what the scene plants in its units, address and people.
MARKERS = ("翠湖花园", "S1-CP", "RK-S1-", "秘密")
# Likewise for site 2, for people of neither site (another company's admin, nobody).
SITE2_MARKERS = ("金桂苑", "S2-CP", "RK-S2-", "机密")
# The other company's site, for everyone of this company.
OTHER_COMPANY_MARKERS = ("别处花园", "S3-CP")

# A photo's bytes (the server checks the JPEG signature only).
JPEG = b"\xff\xd8\xff\xe0" + bytes(64)

# Values for URL parts that are not ids.
SAMPLES = {"code": "en", "screen": "gate", "locale": "zh_CN", "filename": "css/desktop.css", "month": "2026-11"}

SITE2_PEOPLE = ("guard2", "manager2", "lead2", "cs2", "clerk2", "repair2", "clean2", "store2", "supervisor2")
OUTSIDER = "outsider"  # admin of another company
ID_PARAM = re.compile(r"(^|_)id$")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
IGNORED_TABLES = {"login_attempts": "failed sign-ins are recorded on purpose"}

# Routes without an id in the URL whose body names a site's rows, with a body for one site.
BODY_PROBES = {
    "worklog.note": lambda s: {"site": s.site, "day": "2026-12-01", "text": "偷"},
    "meetings.new": lambda s: {"site_id": s.site, "kind": "morning", "attendee_ids": s.owned["users"][0],
                               "assignments": "偷", "yesterday_summary": "偷"},
    "complaints.new": lambda s: {"site_id": s.site, "kind": "valid", "channel": "phone", "description": "偷"},
    "complaints.merge": lambda s: {"complaint_id": s.owned["complaints"], "description": "偷"},
    "admin.units_import": lambda s: {"site_id": s.site},
    "admin.checkpoint_new": lambda s: {"site_id": s.site, "name": "偷", "code": "STEAL-1"},
    "admin.route_new": lambda s: {"site_id": s.site, "name": "偷", "codes": "ANY-1"},
    "admin.store_new": lambda s: {"site_id": s.site, "name": "偷"},
    "admin.channel_new": lambda s: {"site_id": s.site, "kind": "wecom", "name": "偷", "url": "https://steal.example"},
    "admin.posts": lambda s: {"site_id": s.site, "name": "偷岗"},
    "admin.item_new": lambda s: {"store_id": s.store, "name": "偷", "unit": "个"},
    "admin.user_new": lambda s: {"username": "thief", "display_name": "偷", "role": "guard",
                                 "sites": [s.site], "password": "x" * 10, "confirm": "x" * 10},
    "gate.vehicle_new": lambda s: {"site_id": s.site, "plate": "粤B99999", "unit": "1-1-101", "owner_name": "偷"},
    "gate.watch_new": lambda s: {"site_id": s.site, "name": "偷", "reason": "偷"},
    "decoration.permit_new": lambda s: {"site_id": s.site, "unit": "1-1-101", "applicant_name": "偷",
                                        "contractor": "偷", "start_date": "2026-12-01", "end_date": "2026-12-09",
                                        "hours_start": "08:00", "hours_end": "18:00", "status": "active"},
    "tenants.household_new": lambda s: {"site_id": s.site, "unit": "1-1-101", "tenant_count": "1",
                                        "move_in_on": "2026-12-01"},
    "repairs.new": lambda s: {"site_id": s.site, "description": "偷修", "urgency": "normal",
                              "channel": "phone"},
    "manager_reports.new": lambda s: {"site_id": s.site, "kind": "daily", "period": "2026-12-01", "done": "偷"},
    "manager_reports.sign": lambda s: {"site_id": s.site, "item": "attendance", "year": "2026", "month": "12"},
    "repairs.approve": lambda s: {"order_id": s.owned.get("repair_orders", ["x"])[0]},
    "gate.lists_import": lambda s: {"site_id": s.site, "kind": "vehicles",
                                    "file": (io.BytesIO("plate,unit\n粤B27182,1-1-101\n".encode()), "steal.csv")},
}


@dataclass
class SiteRows:
    site: str
    store: str
    owned: dict = field(default_factory=dict)  # table name -> ids of rows that are this site's alone


@dataclass
class Scene:
    site1: SiteRows
    site2: SiteRows
    people: list  # every person of site 2, the outsider, and nobody (username None)
    followups: dict  # username -> the site 2 follow-up assigned to that person


class Person:
    """One person with a desktop session and, for the API, a phone token."""

    def __init__(self, app, username):
        self.app = app
        self.username = username
        self.desk = app.test_client()
        self.csrf = None
        self.phone = None
        if username is None:
            # Nobody signed in still has the sign-in page's CSRF token, so that a change
            # reaches the route's own gate rather than stopping at the CSRF check.
            self.csrf = factories.csrf_from(self.desk.get("/login"))
            return
        self.sign_in_at_desk()
        self.phone = factories.Phone(app.test_client())
        assert self.phone.sign_in(username).status_code == 200

    def sign_in_at_desk(self):
        """Through the sign-in form, as at the start of a day."""
        auth_form = factories.csrf_from(self.desk.get("/login"))
        response = self.desk.post("/login", data={"username": self.username, "password": factories.PASSWORD,
                                                  "csrf_token": auth_form})
        assert response.status_code == 302, self.username
        self.csrf = factories.csrf_from(self.desk.get("/", follow_redirects=True))

    def new_phone_token(self):
        """A fresh token for the same phone, as a sign-in on it gives (without the slow password check)."""
        from app.auth import tokens
        from app.models import User

        with self.app.app_context():
            user = db.session.scalar(select(User).where(User.username == self.username))
            self.phone.token, _row = tokens.issue(user, self.phone.device_id)
            db.session.commit()

    def by_cookie(self, method, path, form, json):
        """The desk's call: form fields (and the CSRF token) for a page, JSON for the API."""
        if path.startswith("/api/"):
            headers = {"X-CSRFToken": self.csrf} if self.csrf else {}
            return self.desk.open(path, method=method, json=json, headers=headers)
        data = dict(form, csrf_token=self.csrf) if method != "GET" and self.csrf else dict(form)
        return self.desk.open(path, method=method, data=data if method != "GET" else None)

    def by_token(self, method, path, **request):
        """The phone's call: the bearer token and no cookie; nobody, who has no phone, sends neither."""
        if self.phone is None:
            return self.desk.open(path, method=method, **request)
        self.phone.client.delete_cookie("session")
        return self.phone.client.open(path, method=method, headers=self.phone.headers(), **request)

    def calls(self, method, path, form, json):
        """(how, response) for each way this person can reach the path."""
        yield "cookie", self.by_cookie(method, path, form, json)
        if path.startswith("/api/") and self.phone is not None:
            yield "token", self.by_token(method, path, json=json)


def dump() -> dict:
    """Every row of every table, for before/after comparison."""
    out = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            if table.name in IGNORED_TABLES:
                continue
            out[table.name] = sorted(tuple(str(v) for v in row) for row in conn.execute(select(table)))
    return out


def changed_tables(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after.get(name)]


def key(table):
    """A table's one text primary key (``id``, or a phone's ``device_id``), else ``None``.

    Rows with a numeric key (the change log's ``seq``) or a composite one are never named
    in a URL.
    """
    columns = list(table.primary_key.columns)
    if len(columns) != 1 or not isinstance(columns[0].type, String):
        return None
    return columns[0]


def site_rows(site: str, other: str) -> dict:
    """Ids of rows that belong to ``site`` alone, table by table, following foreign keys."""
    owned: dict[str, set] = {"sites": {site}}
    tables = {t.name: t for t in db.metadata.sorted_tables}
    with db.engine.connect() as conn:
        for table in tables.values():
            if key(table) is not None and "site_id" in table.c:
                owned[table.name] = set(conn.scalars(select(key(table)).where(table.c.site_id == site)))
        # Link tables (e.g. user_sites): a row linked to this site and not to the other is this site's.
        for table in tables.values():
            if key(table) is not None:
                continue
            to_sites = [fk for fk in table.foreign_keys if fk.column.table.name == "sites"]
            others = [fk for fk in table.foreign_keys if fk.column.table.name != "sites" and fk.column.name == "id"]
            if len(to_sites) != 1 or len(others) != 1:
                continue
            mine, theirs = to_sites[0].parent, others[0].parent
            with_this = set(conn.scalars(select(theirs).where(mine == site)))
            with_other = set(conn.scalars(select(theirs).where(mine == other)))
            owned.setdefault(others[0].column.table.name, set()).update(with_this - with_other)
        # Rows hanging off those rows by a foreign key (e.g. a person's device tokens and phones).
        grew = True
        while grew:
            grew = False
            for table in tables.values():
                if key(table) is None or "site_id" in table.c:
                    continue
                for fk in table.foreign_keys:
                    parents = owned.get(fk.column.table.name)
                    if fk.column is not key(fk.column.table) or not parents:
                        continue
                    rows = set(conn.scalars(select(key(table)).where(fk.parent.in_(parents))))
                    if not rows <= owned.get(table.name, set()):
                        owned.setdefault(table.name, set()).update(rows)
                        grew = True
        # A gate post is a user of role post, and its phones are its device tokens.
        users = tables["users"]
        owned["posts"] = set(conn.scalars(select(users.c.id).where(
            users.c.id.in_(owned.get("users", [])), users.c.role == "post")))
        tokens = tables["device_tokens"]
        owned["phones"] = set(conn.scalars(select(tokens.c.id).where(tokens.c.user_id.in_(owned["posts"]))))
    return {name: sorted(ids) for name, ids in owned.items() if ids}


def candidates(arg: str, owned: dict) -> tuple[list[str], str | None]:
    """A site's ids to try for a URL argument, and a note when its table has none of that site."""
    everything = sorted({i for ids in owned.values() for i in ids})
    if arg == "id":
        return everything, None
    ids = sorted({i for t in tables_for(arg, owned) for i in owned[t]})
    if ids:
        return ids, None
    return everything, f"no rows of the site for <{arg}>; tried every id of the site"


def tables_for(arg: str, owned: dict) -> list[str]:
    """The tables whose rows a URL argument names (``check_id`` -> ``stock_checks``)."""
    stem = arg[:-3]
    names = {stem, stem + "s", stem + "es", stem[:-1] + "ies"}
    tables = [t for t in owned if t in names or t.endswith("_" + stem + "s")]
    if not tables:
        from app.models import Synced
        tables = [m.__tablename__ for m in Synced.__subclasses__() if getattr(m, "sync_type", "") == stem
                  and m.__tablename__ in owned]
    return tables


def url_for_rule(rule, values: dict) -> str:
    filled = {arg: values.get(arg, SAMPLES.get(arg, "x")) for arg in rule.arguments}
    return rule.build(filled, append_unknown=False)[1]


def leaks(response, markers=MARKERS) -> list[str]:
    body = response.get_data(as_text=True) if response.mimetype and (
        response.mimetype.startswith("text/") or "json" in response.mimetype
        or "javascript" in response.mimetype or "xml" in response.mimetype) else ""
    return [m for m in markers if m in body]


def routes(app):
    return sorted(app.url_map.iter_rules(), key=lambda r: r.rule)


def id_args(rule) -> list[str]:
    return [a for a in rule.arguments if ID_PARAM.search(a)]


@pytest.fixture()
def scene(app, world):
    """The world, with records at both sites, site 1's marked, and everyone signed in."""
    from app.models import Company
    from app.models import Site
    from app.models import Unit
    from app.models import User

    with app.app_context():
        site1 = db.session.get(Site, world.site1)
        site1.address = "翠湖路88号"
        for unit in db.session.scalars(select(Unit).where(Unit.site_id == world.site1)):
            unit.resident_name = "林秘密"
        for user in db.session.scalars(select(User)):
            if user.site_ids == [world.site1]:
                user.display_name = f"秘密{user.username}"
        site2 = db.session.get(Site, world.site2)
        company = db.session.get(Company, world.company_id)
        factories.make_user(company, "supervisor2", "supervisor", [site2])
        other = Company(name="别家物业")
        db.session.add(other)
        db.session.flush()
        factories.make_site(other, "别处花园", "S3")
        factories.make_user(other, OUTSIDER, "admin", [])
        _gate_rows(world.site1, "秘密")
        _gate_rows(world.site2, "机密")
        from app.auth import tokens
        for n in (1, 2):
            tokens.issue(db.session.get(User, world.users[f"post{n}"]), f"post-phone-000{n}")
        db.session.commit()
    # Phones of each site's people record one of each kind, so that each site has device
    # tokens, devices, journal rows, records, follow-ups and a conflict for every route.
    site_records(app, world, 1, "秘密")
    site_records(app, world, 2, "机密")
    followups = _assigned_followups(app, world)
    people = [Person(app, name) for name in (*SITE2_PEOPLE, OUTSIDER)] + [Person(app, None)]
    with app.app_context():
        one = SiteRows(world.site1, world.store1, site_rows(world.site1, world.site2))
        two = SiteRows(world.site2, world.store2, site_rows(world.site2, world.site1))
    return Scene(one, two, people, followups)


def _gate_rows(site_id, secret):
    """A resident's car, a watch entry and a notification channel, so the gate's list pages and the
    admin's channel pages get real ids."""
    from app.models import NotifyChannel
    from app.models import ResidentVehicle
    from app.models import WatchEntry

    plate = "粤B31415" if secret == "秘密" else "粤B92653"
    db.session.add(ResidentVehicle(site_id=site_id, plate=plate, owner_name=f"{secret}车主"))
    db.session.add(WatchEntry(site_id=site_id, name=f"{secret}人", reason=secret))
    db.session.add(NotifyChannel(site_id=site_id, kind="wecom", name=f"{secret}群", url="https://robot.example/send",
                                 options={}, active=True))
    _front_desk_rows(site_id, secret)


def _front_desk_rows(site_id, secret):
    """A decoration permit and a rental household, so the front desk's pages get real ids."""
    from datetime import date

    from app.models import DecorationPermit
    from app.models import RentalHousehold
    from app.models import Unit

    unit = db.session.scalar(select(Unit).where(Unit.site_id == site_id, Unit.code == "1-1-102"))
    db.session.add(DecorationPermit(site_id=site_id, unit_id=unit.id, applicant_name=f"{secret}业主",
                                    contractor=f"{secret}装饰", workers=[f"{secret}工"],
                                    start_date=date(2026, 1, 1), end_date=date(2026, 12, 31)))
    db.session.add(RentalHousehold(site_id=site_id, unit_id=unit.id, tenant_names=[f"{secret}租户"],
                                   tenant_count=1, move_in_on=date(2026, 1, 1)))


def _assigned_followups(app, world) -> dict:
    """A follow-up at site 2 held by each person of site 2: staff and leads see only such."""
    from app.models import FollowUp
    from app.models import User
    from app.models import utcnow

    made = {}
    with app.app_context():
        for username in SITE2_PEOPLE:
            user = db.session.scalar(select(User).where(User.username == username))
            row = FollowUp(site_id=world.site2, source_type="complaint", category="other",
                           title=f"机密跟进 {username}", assignee_id=user.id, post=user.post,
                           opened_at=utcnow() - timedelta(hours=1), due_at=utcnow() + timedelta(days=1))
            db.session.add(row)
            db.session.flush()
            made[username] = row.id
        db.session.commit()
    return made


def site_records(app, world, n: int, secret: str):
    """Site ``n``'s people record a visit, a flag, a patrol with a finding and its photo, a
    stock check, a complaint and a repair order."""
    from app.models import Conflict
    from tests.integration.sync.helpers import Outbox
    from sync import inspection_rules

    site = getattr(world, f"site{n}")

    def phone(username):
        p = factories.Phone(app.test_client())
        assert p.sign_in(username).status_code == 200
        p.outbox = Outbox(p.user["id"], p.device_id)
        return p

    def push(p, *mutations):
        response = p.post("/api/v1/sync", json=p.outbox.request(list(mutations), pending=1))
        assert [r["status"] for r in response.json["results"]] == ["applied"] * len(mutations), response.json

    guard = phone(f"guard{n}")
    visit = guard.outbox.mutation("visit.check_in", {"site_id": site, "visitor_name": f"{secret}访客",
                                                     "purpose": "visit", "party_size": 1,
                                                     "plate": "粤B12345" if n == 1 else "粤B54321"})
    flag = guard.outbox.mutation("visit.flag", {"site_id": site, "visit_id": visit["entity_id"],
                                                "description": f"{secret}可疑"})
    push(guard, visit, flag)
    manager = phone(f"manager{n}")
    patrol = manager.outbox.mutation("patrol.start", {"site_id": site, "route_id": getattr(world, f"route{n}")})
    photo = str(uuid.uuid4())
    finding = manager.outbox.mutation("patrol.finding", {
        "patrol_id": patrol["entity_id"], "category": "repair", "severity": "high",
        "description": f"{secret}漏水", "handled_on_spot": False, "photo_ids": [photo]})
    push(manager, patrol, finding, manager.outbox.mutation("patrol.end", {}, entity_id=patrol["entity_id"]))
    assert manager.put(f"/api/v1/photos/{photo}", data=JPEG, content_type="image/jpeg").status_code == 201
    keeper = phone(f"store{n}")
    check = keeper.outbox.mutation("stock.check_start", {"site_id": site, "store_id": getattr(world, f"store{n}")})
    count = keeper.outbox.mutation("stock.count", {"check_id": check["entity_id"],
                                                   "item_id": getattr(world, f"items{n}")[0], "counted_qty": 3})
    push(keeper, check, count, keeper.outbox.mutation("stock.check_finish", {}, entity_id=check["entity_id"]))
    cs = phone(f"cs{n}")
    push(cs, cs.outbox.mutation("complaint.create", {"site_id": site, "kind": "valid",
                                                     "description": f"{secret}投诉", "channel": "phone"}),
         cs.outbox.mutation("repair.create", {"site_id": site, "urgency": "normal", "channel": "phone",
                                              "description": f"{secret}报修"}))
    push(manager, manager.outbox.mutation("inspection.record", {
        "site_id": site, "person_id": world.users[f"clean{n}"], "score": 80, "notes": f"{secret}考核",
        "checklist": {key: True for key, _ in inspection_rules.checklist("cleaning")}}))
    push(manager, manager.outbox.mutation("report.submit", {
        "site_id": site, "kind": "daily", "period": "2026-12-01", "done": f"{secret}日清"}))
    push(manager, manager.outbox.mutation("meeting.record", {
        "site_id": site, "kind": "morning", "attendee_ids": [world.users[f"guard{n}"], world.users[f"clean{n}"]],
        "assignments": f"{secret}安排", "yesterday_summary": f"{secret}总结"}))
    with app.app_context():
        db.session.add(Conflict(site_id=site, entity_type="visit", entity_id=visit["entity_id"],
                                field="checked_out_at", kept=None, lost="2026-01-01", reason=secret))
        db.session.commit()
