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
- a route that answers people who are not signed in is open to ``anonymous`` in the
  access table (``tests/integration/access.py``), with why.

The scene (two sites with records of every kind, everyone signed in) is built in
``tests/integration/scene.py``; ``test_access_matrix.py`` walks the same routes by role.

The admin of the same company sees every site of it by design, so the admin case is an
admin of another company; an admin of this company is the positive control that the
ids used are real.
"""
import itertools

from tests.integration.access import ACCESS
from tests.integration.access import ANONYMOUS
from tests.integration.scene import BODY_PROBES
from tests.integration.scene import METHODS
from tests.integration.scene import candidates
from tests.integration.scene import changed_tables
from tests.integration.scene import dump
from tests.integration.scene import id_args
from tests.integration.scene import leaks
from tests.integration.scene import routes
from tests.integration.scene import scene  # noqa: F401 (the fixture)
from tests.integration.scene import url_for_rule

# Routes that answer people who are not signed in: those the access table opens to anyone.
PUBLIC = {endpoint for endpoint, roles in ACCESS.items() if ANONYMOUS in roles}

# Routes without an id in the URL that change something, and why they cannot reach
# site 1's data. Those in BODY_PROBES are also called with site 1's ids in the body.
BODY_ROUTES = {
    "auth.login": "signs the caller in; no site data in or out",
    "auth.logout": "ends the caller's own session",
    "auth.set_language": "stores the caller's own language; <code> is a language code",
    "auth.password": "changes the caller's own password; no ids in the body",
    "api.session_create": "a phone signs in; no ids in the body",
    "api.session_post": "a phone registers with a one-time code; the code alone names the post",
    "api.session_pin": "sets the caller's own shift PIN; no ids in the body",
    "api.session_delete": "revokes the caller's own token only",
    "api.sync": "site ids travel inside each mutation; tests/integration/sync checks every "
                "mutation against the caller's sites and journals the refusal",
    "admin.site_new": "creates a site in the admin's own company; there is no site id to give",
    "notify.read": "marks the caller's own notifications read; no ids in the body",
    "notify.settings": "saves the caller's own notification settings; no ids in the body",
    "api.notifications_read": "marks the caller's own notifications read; no ids in the body",
    "api.push_subscribe": "keeps the caller's own push subscription for their own device; no ids in the body",
    "api.push_unsubscribe": "ends the caller's own push subscription on their own device",
    **{endpoint: "probed below" for endpoint in BODY_PROBES},
}


def test_routes_with_ids_give_nothing_of_site_1(app, scene):
    s1, people = scene.site1, scene.people
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
    s1, people = scene.site1, scene.people
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
                        failures.append(f"{who}: answers without sign-in; open it to anonymous in "
                                        f"tests/integration/access.py with a reason")
                    response.close()
    with app.app_context():
        assert changed_tables(before, dump()) == []
    assert not failures, "\n".join(failures[:40])


def test_changes_without_ids_are_all_accounted_for(app, scene):
    s1, people = scene.site1, scene.people
    failures = []
    for rule in routes(app):
        if id_args(rule):
            continue
        changing = [m for m in METHODS if m in rule.methods and m != "GET"]
        if changing and rule.endpoint not in BODY_ROUTES:
            failures.append(f"{rule.endpoint} {rule.rule} {changing}: takes its ids in the body; probe it in "
                            f"BODY_PROBES (tests/integration/scene.py) or name it in BODY_ROUTES with the "
                            f"reason it is safe")
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
    s1 = scene.site1
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
    s1 = scene.site1
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
