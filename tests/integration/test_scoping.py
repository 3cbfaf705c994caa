"""Site scoping over every route: a person of site 2 can read or change nothing of site 1.

The routes come from ``app.url_map``, so a route added later is covered without editing
this file:

- a route with an id in its URL (``<id>``, ``<something_id>``) is called with every
  method it allows, by every person of site 2 (each role, through the desktop session
  and, for the API, through a phone's token as well), by an admin of another company
  and by nobody signed in, with the ids of site 1's rows. No answer may be a success,
  no answer may show site 1's data, and the database must be exactly as before;
- a GET route without an id is read by the same people, plain and with
  ``?site=<site 1>``, and must show none of site 1's data;
- a route without an id that changes something carries its ids in the body: each is
  either probed below with site 1's ids in the body, or named in ``BODY_ROUTES`` with
  the reason it is safe; anything else fails this test until someone decides;
- a route that answers people who are not signed in is named in ``PUBLIC`` with why.

The admin of the same company sees every site of it by design, so the admin case is an
admin of another company; an admin of this company is the positive control that the
ids used are real.
"""
import io
import itertools
import re
from dataclasses import dataclass
from dataclasses import field

import pytest
from sqlalchemy import select

from app.extensions import db
from tests import factories

# Shown only with site 1's data: its name (also in its routes and stores), its codes and
# references, and what the fixture plants in its units, address and people.
MARKERS = ("翠湖花园", "S1-CP", "RK-S1-", "秘密")

PUBLIC = {
    "auth.login": "the sign-in form",
    "main.healthz": "the load balancer's health check: {ok: true}",
    "static": "CSS, scripts and icons",
    "api.openapi_document": "the API's description, no data",
    "api.session_create": "a phone signs in; it answers with the caller's own sites only",
    "phone.home": "the phone's offline shell: a page with no data, cached by the service worker",
    "phone.screen": "one phone screen's shell, no data; data comes from the API",
    "phone.strings": "the phone's translated strings",
    "phone.webmanifest": "the web app manifest",
    "phone.service_worker": "the service worker script",
}

# Routes without an id in the URL that change something, and why they cannot reach
# site 1's data. Those in BODY_PROBES are also called with site 1's ids in the body.
BODY_ROUTES = {
    "auth.login": "signs the caller in; no site data in or out",
    "auth.logout": "ends the caller's own session",
    "auth.set_language": "stores the caller's own language; <code> is a language code",
    "auth.password": "changes the caller's own password; no ids in the body",
    "api.session_create": "a phone signs in; no ids in the body",
    "api.session_delete": "revokes the caller's own token only",
    "api.sync": "site ids travel inside each mutation; tests/integration/sync checks every "
                "mutation against the caller's sites and journals the refusal",
    "admin.site_new": "creates a site in the admin's own company; there is no site id to give",
    "admin.units_import": "probed below",
    "admin.checkpoint_new": "probed below",
    "admin.route_new": "probed below",
    "admin.store_new": "probed below",
    "admin.item_new": "probed below",
    "admin.user_new": "probed below",
    "gate.vehicle_new": "probed below",
    "gate.watch_new": "probed below",
    "gate.lists_import": "probed below",
}

BODY_PROBES = {
    "admin.units_import": lambda s1: {"site_id": s1.site},
    "admin.checkpoint_new": lambda s1: {"site_id": s1.site, "name": "偷", "code": "STEAL-1"},
    "admin.route_new": lambda s1: {"site_id": s1.site, "name": "偷", "codes": "ANY-1"},
    "admin.store_new": lambda s1: {"site_id": s1.site, "name": "偷"},
    "admin.item_new": lambda s1: {"store_id": s1.store, "name": "偷", "unit": "个"},
    "admin.user_new": lambda s1: {"username": "thief", "display_name": "偷", "role": "guard",
                                  "sites": [s1.site], "password": "x" * 10, "confirm": "x" * 10},
    "gate.vehicle_new": lambda s1: {"site_id": s1.site, "plate": "粤B99999", "unit": "1-1-101", "owner_name": "偷"},
    "gate.watch_new": lambda s1: {"site_id": s1.site, "name": "偷", "reason": "偷"},
    "gate.lists_import": lambda s1: {"site_id": s1.site, "kind": "vehicles",
                                     "file": (io.BytesIO("plate,unit\n粤B27182,1-1-101\n".encode()), "steal.csv")},
}

# Values for URL parts that are not ids.
SAMPLES = {"code": "en", "screen": "gate", "locale": "zh_CN", "filename": "css/desktop.css"}

SITE2_PEOPLE = ("guard2", "manager2", "lead2", "cs2", "repair2", "clean2", "store2", "supervisor2")
OUTSIDER = "outsider"  # admin of another company
ID_PARAM = re.compile(r"(^|_)id$")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
IGNORED_TABLES = {"login_attempts": "failed sign-ins are recorded on purpose"}


@dataclass
class Site1:
    site: str
    store: str
    owned: dict = field(default_factory=dict)  # table name -> ids of rows that are site 1's alone


class Person:
    """One person with a desktop session and, for the API, a phone token."""

    def __init__(self, app, username):
        self.username = username
        self.desk = app.test_client()
        self.csrf = None
        self.phone = None
        if username is None:
            return
        auth_form = factories.csrf_from(self.desk.get("/login"))
        response = self.desk.post("/login", data={"username": username, "password": factories.PASSWORD,
                                                  "csrf_token": auth_form})
        assert response.status_code == 302, username
        self.csrf = factories.csrf_from(self.desk.get("/", follow_redirects=True))
        self.phone = factories.Phone(app.test_client())
        assert self.phone.sign_in(username).status_code == 200

    def calls(self, method, path, form, json):
        """(how, response) for each way this person can reach the path."""
        if path.startswith("/api/"):
            headers = {"X-CSRFToken": self.csrf} if self.csrf else {}
            yield "cookie", self.desk.open(path, method=method, json=json, headers=headers)
            if self.phone is not None:
                self.phone.client.delete_cookie("session")
                yield "token", self.phone.client.open(path, method=method, json=json,
                                                      headers=self.phone.headers())
        else:
            data = dict(form, csrf_token=self.csrf) if method != "GET" and self.csrf else dict(form)
            yield "cookie", self.desk.open(path, method=method, data=data if method != "GET" else None)


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


def site1_rows(site1: str, site2: str) -> dict:
    """Ids of rows that belong to site 1 alone, table by table, following foreign keys."""
    owned: dict[str, set] = {"sites": {site1}}
    tables = {t.name: t for t in db.metadata.sorted_tables}
    with db.engine.connect() as conn:
        for table in tables.values():
            if "id" in table.c and "site_id" in table.c:
                owned[table.name] = set(conn.scalars(select(table.c.id).where(table.c.site_id == site1)))
        # Link tables (e.g. user_sites): a row linked to site 1 and not to site 2 is site 1's.
        for table in tables.values():
            if "id" in table.c:
                continue
            to_sites = [fk for fk in table.foreign_keys if fk.column.table.name == "sites"]
            others = [fk for fk in table.foreign_keys if fk.column.table.name != "sites" and fk.column.name == "id"]
            if len(to_sites) != 1 or len(others) != 1:
                continue
            mine, theirs = to_sites[0].parent, others[0].parent
            with_1 = set(conn.scalars(select(theirs).where(mine == site1)))
            with_2 = set(conn.scalars(select(theirs).where(mine == site2)))
            owned.setdefault(others[0].column.table.name, set()).update(with_1 - with_2)
        # Rows hanging off those rows by a foreign key (e.g. a site 1 person's device tokens).
        grew = True
        while grew:
            grew = False
            for table in tables.values():
                if "id" not in table.c or "site_id" in table.c:
                    continue
                for fk in table.foreign_keys:
                    parents = owned.get(fk.column.table.name)
                    if fk.column.name != "id" or not parents:
                        continue
                    rows = set(conn.scalars(select(table.c.id).where(fk.parent.in_(parents))))
                    if not rows <= owned.get(table.name, set()):
                        owned.setdefault(table.name, set()).update(rows)
                        grew = True
    return {name: sorted(ids) for name, ids in owned.items() if ids}


def candidates(arg: str, owned: dict) -> tuple[list[str], str | None]:
    """Site 1 ids to try for a URL argument, and a note when its table has none of site 1."""
    everything = sorted({i for ids in owned.values() for i in ids})
    if arg == "id":
        return everything, None
    stem = arg[:-3]
    names = {stem, stem + "s", stem + "es", stem[:-1] + "ies"}
    tables = [t for t in owned if t in names or t.endswith("_" + stem + "s")]
    if not tables:
        from app.models import Synced
        tables = [m.__tablename__ for m in Synced.__subclasses__() if getattr(m, "sync_type", "") == stem
                  and m.__tablename__ in owned]
    ids = sorted({i for t in tables for i in owned[t]})
    if ids:
        return ids, None
    return everything, f"no site 1 rows for <{arg}>; tried every id of site 1"


def url_for_rule(rule, values: dict) -> str:
    filled = {arg: values.get(arg, SAMPLES.get(arg, "x")) for arg in rule.arguments}
    return rule.build(filled, append_unknown=False)[1]


def leaks(response) -> list[str]:
    body = response.get_data(as_text=True) if response.mimetype and (
        response.mimetype.startswith("text/") or "json" in response.mimetype
        or "javascript" in response.mimetype or "xml" in response.mimetype) else ""
    return [m for m in MARKERS if m in body]


@pytest.fixture()
def scene(app, world):
    """The world, with marked site 1 data, a site 2 supervisor, an outsider admin and phones."""
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
        _gate_rows(world)
        db.session.commit()
    # Phones of site 1 people record one of each kind, so that site 1 has device tokens,
    # devices, journal rows, records, follow-ups and a conflict for every route to be asked for.
    site1_records(app, world)
    people = [Person(app, name) for name in (*SITE2_PEOPLE, OUTSIDER)] + [Person(app, None)]
    with app.app_context():
        owned = site1_rows(world.site1, world.site2)
    return Site1(world.site1, world.store1, owned), people


def _gate_rows(world):
    """A resident's car and a watch entry of site 1, so the gate's list pages get real ids."""
    from app.models import ResidentVehicle
    from app.models import WatchEntry

    db.session.add(ResidentVehicle(site_id=world.site1, plate="粤B31415", owner_name="秘密车主"))
    db.session.add(WatchEntry(site_id=world.site1, name="秘密人", reason="秘密"))


def site1_records(app, world):
    from app.models import Conflict
    from tests.integration.sync.helpers import Outbox

    def phone(username):
        p = factories.Phone(app.test_client())
        assert p.sign_in(username).status_code == 200
        p.outbox = Outbox(p.user["id"], p.device_id)
        return p

    def push(p, *mutations):
        response = p.post("/api/v1/sync", json=p.outbox.request(list(mutations), pending=1))
        assert [r["status"] for r in response.json["results"]] == ["applied"] * len(mutations), response.json

    guard = phone("guard1")
    visit = guard.outbox.mutation("visit.check_in", {"site_id": world.site1, "visitor_name": "秘密访客",
                                                     "purpose": "visit", "party_size": 1, "plate": "粤B12345"})
    flag = guard.outbox.mutation("visit.flag", {"site_id": world.site1, "visit_id": visit["entity_id"],
                                                "description": "秘密可疑"})
    push(guard, visit, flag)
    manager = phone("manager1")
    patrol = manager.outbox.mutation("patrol.start", {"site_id": world.site1, "route_id": world.route1})
    finding = manager.outbox.mutation("patrol.finding", {
        "patrol_id": patrol["entity_id"], "category": "repair", "severity": "high",
        "description": "秘密漏水", "handled_on_spot": False})
    push(manager, patrol, finding, manager.outbox.mutation("patrol.end", {}, entity_id=patrol["entity_id"]))
    keeper = phone("store1")
    check = keeper.outbox.mutation("stock.check_start", {"site_id": world.site1, "store_id": world.store1})
    count = keeper.outbox.mutation("stock.count", {"check_id": check["entity_id"], "item_id": world.items1[0],
                                                   "counted_qty": 3})
    push(keeper, check, count, keeper.outbox.mutation("stock.check_finish", {}, entity_id=check["entity_id"]))
    cs = phone("cs1")
    push(cs, cs.outbox.mutation("complaint.create", {"site_id": world.site1, "kind": "valid",
                                                     "description": "秘密投诉", "channel": "phone"}))
    with app.app_context():
        db.session.add(Conflict(site_id=world.site1, entity_type="visit", entity_id=visit["entity_id"],
                                field="checked_out_at", kept=None, lost="2026-01-01", reason="秘密"))
        db.session.commit()


def routes(app):
    return sorted(app.url_map.iter_rules(), key=lambda r: r.rule)


def id_args(rule) -> list[str]:
    return [a for a in rule.arguments if ID_PARAM.search(a)]


def test_routes_with_ids_give_nothing_of_site_1(app, scene):
    s1, people = scene
    failures, notes, checked = [], [], 0
    for rule in routes(app):
        args = id_args(rule)
        if not args:
            continue
        methods = [m for m in METHODS if m in rule.methods]
        lists = []
        for arg in args:
            ids, note = candidates(arg, s1.owned)
            lists.append(ids)
            if note:
                notes.append(f"{rule.endpoint}: {note}")
        with app.app_context():
            before = dump()
        for combo in itertools.islice(itertools.product(*lists), 60):
            path = url_for_rule(rule, dict(zip(args, combo)))
            form = {"name": "改掉", "code": "HACKED", "active": "y", "site_id": s1.site, "password": "x" * 10,
                    "confirm": "x" * 10}
            for person, method in itertools.product(people, methods):
                for how, response in person.calls(method, path, form, {"site_id": s1.site}):
                    checked += 1
                    who = f"{person.username or 'anonymous'} ({how}) {method} {path}"
                    if 200 <= response.status_code < 300:
                        failures.append(f"{who}: {response.status_code}")
                    elif response.status_code >= 500:
                        failures.append(f"{who}: server error {response.status_code}")
                    if leaks(response):
                        failures.append(f"{who}: shows {leaks(response)}")
                    response.close()
        with app.app_context():
            after = dump()
        if after != before:
            failures.append(f"{rule.endpoint}: changed {changed_tables(before, after)}")
    for note in sorted(set(notes)):
        print("note:", note)
    print(f"{checked} calls with site 1 ids")
    assert checked > 500
    assert not failures, "\n".join(failures[:40])


def test_pages_without_ids_show_nothing_of_site_1(app, scene):
    s1, people = scene
    failures = []
    with app.app_context():
        before = dump()
    for rule in routes(app):
        if id_args(rule) or "GET" not in rule.methods:
            continue
        path = url_for_rule(rule, {})
        for person in people:
            for query in ("", f"?site={s1.site}"):
                for how, response in person.calls("GET", path + query, {}, None):
                    who = f"{person.username or 'anonymous'} ({how}) GET {path}{query}"
                    if response.status_code >= 500:
                        failures.append(f"{who}: server error {response.status_code}")
                    if leaks(response):
                        failures.append(f"{who}: shows {leaks(response)}")
                    if (person.username is None and 200 <= response.status_code < 300
                            and rule.endpoint not in PUBLIC):
                        failures.append(f"{who}: answers without sign-in; add it to PUBLIC with a reason")
                    response.close()
    with app.app_context():
        assert changed_tables(before, dump()) == []
    assert not failures, "\n".join(failures[:40])


def test_changes_without_ids_are_all_accounted_for(app, scene):
    s1, people = scene
    failures = []
    for rule in routes(app):
        if id_args(rule):
            continue
        changing = [m for m in METHODS if m in rule.methods and m != "GET"]
        if changing and rule.endpoint not in BODY_ROUTES:
            failures.append(f"{rule.endpoint} {rule.rule} {changing}: takes its ids in the body; probe it in "
                            f"BODY_PROBES or name it in BODY_ROUTES with the reason it is safe")
    for endpoint, make_body in BODY_PROBES.items():
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        path = url_for_rule(rule, {})
        with app.app_context():
            before = dump()
        for person in people:
            for how, response in person.calls("POST", path, make_body(s1), make_body(s1)):
                who = f"{person.username or 'anonymous'} ({how}) POST {path}"
                if response.status_code not in (302, 400, 401, 403, 404, 422) or (
                        response.status_code == 302 and person.username is not None):
                    failures.append(f"{who}: {response.status_code}")
                if leaks(response):
                    failures.append(f"{who}: shows {leaks(response)}")
                response.close()
        with app.app_context():
            after = dump()
        if after != before:
            failures.append(f"{endpoint}: changed {changed_tables(before, after)}")
    assert not failures, "\n".join(failures)


def test_the_ids_used_are_real(app, scene, client, auth):
    """Positive control: this company's admin gets each admin page for the same site 1 ids."""
    s1, _ = scene
    assert {"sites", "buildings", "units", "checkpoints", "routes", "stores", "items", "users",
            "device_tokens"} <= set(s1.owned)
    auth.login("admin1")
    pages = 0
    for rule in routes(app):
        if not rule.endpoint.startswith("admin.") or "GET" not in rule.methods or not id_args(rule):
            continue
        lists = [candidates(arg, s1.owned)[0] for arg in id_args(rule)]
        if len(lists) > 1:
            continue
        statuses = set()
        for ident in lists[0]:
            with client.get(url_for_rule(rule, {id_args(rule)[0]: ident})) as response:
                statuses.add(response.status_code)
        assert 200 in statuses, rule.endpoint
        pages += 1
    assert pages >= 10


OFFICE = ("review.", "patrols.", "gate.", "stock.", "complaints.", "followups.")


def test_the_office_pages_answer_for_site_1s_own_supervisor(app, scene, client, auth):
    """Positive control for the office: every page with an id shows site 1's rows to supervisor1."""
    s1, _ = scene
    assert {"patrols", "findings", "visits", "incidents", "stock_checks", "stock_counts", "complaints",
            "followups", "conflicts"} <= set(s1.owned)
    auth.login("supervisor1")
    pages = []
    for rule in routes(app):
        if not rule.endpoint.startswith(OFFICE) or "GET" not in rule.methods or len(id_args(rule)) != 1:
            continue
        arg = id_args(rule)[0]
        statuses = set()
        for ident in candidates(arg, s1.owned)[0]:
            with client.get(url_for_rule(rule, {arg: ident})) as response:
                statuses.add(response.status_code)
        pages.append(rule.endpoint)
        assert 200 in statuses, (rule.endpoint, statuses)
    assert len(pages) >= 6, pages
