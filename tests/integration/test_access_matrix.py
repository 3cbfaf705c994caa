"""The access matrix: every route × every role × its own site and another site.

Each cell is one person calling one route (every method it allows) for rows of a site:

- roles: a guard, a team lead, a member of staff, a manager, a supervisor (people of
  site 2), an admin of the company, and nobody signed in;
- sites: "own" fills the URL with site 2's rows (``?site=<site 2>`` for a list, site 2's
  ids in the body of a route that takes them there); "other" with site 1's. The admin's
  company holds both sites, so the admin's "other" cells are asked by an admin of
  another company.

The answer must be the one ``tests/integration/access.py`` declares for the role (see
``expected``) and no answer may show data of a site the person does not work at (site 1
for site 2's people; both for the other company's admin and for nobody). Pages go
through the desk's session, the API through a phone's token. That the database is
unchanged after every refused call is ``test_scoping.py``'s part.

pytest's summary shows the figure (``python -m bench.access_matrix`` prints it alone).
"""
from collections import Counter

from tests.figures import report
from tests.integration.access import ACCESS
from tests.integration.access import ANONYMOUS
from tests.integration.access import ROLES
from tests.integration.access import SITE_FILTER_ABSENT
from tests.integration.scene import BODY_PROBES
from tests.integration.scene import JPEG
from tests.integration.scene import MARKERS
from tests.integration.scene import OTHER_COMPANY_MARKERS
from tests.integration.scene import METHODS
from tests.integration.scene import OUTSIDER
from tests.integration.scene import SITE2_MARKERS
from tests.integration.scene import Person
from tests.integration.scene import id_args
from tests.integration.scene import leaks
from tests.integration.scene import routes
from tests.integration.scene import scene  # noqa: F401 (the fixture)
from tests.integration.scene import tables_for
from tests.integration.scene import url_for_rule

# Who plays each role: site 2's people; the admin sees every site of the company.
PLAYERS = {"guard": "guard2", "lead": "lead2", "clerk": "clerk2", "staff": "repair2", "manager": "manager2",
           "supervisor": "supervisor2", "admin": "admin1", ANONYMOUS: None}
OTHER_SITE_PLAYERS = {"admin": OUTSIDER}
# Whom the admin's own-site actions on people act on (deactivate, new password, revoke a
# phone): a person of site 2 who plays no role here.
TARGET_PERSON = "clean2"
# Routes that sign the caller out, and how the person signs in again after each call.
SIGNS_OUT = {"auth.logout": Person.sign_in_at_desk, "api.session_delete": Person.new_phone_token}

SIGN_IN, REFUSED, ABSENT, DONE, REJECTED = "sign-in", "refused", "absent", "done", "rejected"
# What each outcome is on the wire.
OUTCOMES = {
    SIGN_IN: "302 to /login at the desk, 401 from the API",
    REFUSED: "403",
    ABSENT: "404",
    DONE: "2xx, or a redirect elsewhere than the sign-in page",
    REJECTED: "400, 409, 415 or 422: past the gate, refused by the form or by the rules",
}


def outcome(response) -> str:
    """The answer in the words of ``OUTCOMES``; a 5xx or a 405 is named by its status."""
    status = response.status_code
    if status == 401 or (status in (301, 302, 303) and "/login" in response.headers.get("Location", "")):
        return SIGN_IN
    if status == 403:
        return REFUSED
    if status == 404:
        return ABSENT
    if 200 <= status < 400:
        return DONE
    if status in (400, 409, 415, 422):
        return REJECTED
    return str(status)


def expected(endpoint: str, method: str, role: str, site: str, names_rows: bool) -> set[str]:
    """The outcomes the access table allows for one call."""
    if role not in ACCESS[endpoint]:
        return {SIGN_IN if role == ANONYMOUS else REFUSED}
    if endpoint == "auth.logout":
        return {SIGN_IN}  # signed out: on to the sign-in page
    if site == "other" and method == "GET" and endpoint in SITE_FILTER_ABSENT:
        return {ABSENT}
    if site == "other" and names_rows:
        # Another site's row in the URL is not there for this person; one in the body is
        # refused, or rejected by the form (it is not among the person's sites).
        return {ABSENT} if endpoint not in BODY_PROBES else {ABSENT, REFUSED, REJECTED}
    # A page is shown; a change is made, or rejected for what the generic form says.
    return {DONE} if method == "GET" else {DONE, REJECTED}


def own_ids(app, scene, player) -> dict:
    """Site 2 ids to fill URLs with: a row of each table, and the player's own follow-up."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import DeviceToken
    from app.models import User

    with app.app_context():
        target = db.session.scalar(select(User.id).where(User.username == TARGET_PERSON))
        token = db.session.scalar(select(DeviceToken.id).where(DeviceToken.user_id == target))
        post_id = db.session.scalar(select(User.id).where(User.username == "post2"))
        phone = db.session.scalar(select(DeviceToken.id).where(DeviceToken.user_id == post_id,
                                                               DeviceToken.revoked_at.is_(None)))
    return {"user_id": target, "token_id": token, "post_id": post_id, "phone_id": phone,
            "followup_id": scene.followups.get(player, scene.followups["manager2"])}


def site_values(rule, rows, overrides: dict) -> dict | None:
    """One id per URL argument from ``rows`` (a ``SiteRows``); ``None`` if a table has none."""
    values = {}
    for arg in id_args(rule):
        if arg in overrides:
            values[arg] = overrides[arg]
            continue
        ids = sorted(i for table in tables_for(arg, rows.owned) for i in rows.owned[table])
        if not ids:
            return None
        values[arg] = ids[0]
    return values


def forbidden_markers(player: str | None) -> tuple:
    """What this person must never be shown: data of sites they do not work at."""
    if player == "admin1":
        return OTHER_COMPANY_MARKERS
    if player == OUTSIDER:
        return MARKERS + SITE2_MARKERS
    if player is None:
        return MARKERS + SITE2_MARKERS + OTHER_COMPANY_MARKERS
    return MARKERS + OTHER_COMPANY_MARKERS


def call(person, method, path, site_rows, endpoint):
    """One call as the person makes it: a phone's token for the API, the desk otherwise."""
    body_probe = BODY_PROBES.get(endpoint)
    form = body_probe(site_rows) if body_probe and method != "GET" else {
        "name": "改掉", "code": "HACKED", "active": "y", "site_id": site_rows.site,
        "password": "x" * 10, "confirm": "x" * 10}
    if endpoint == "api.photo_put":
        return person.by_token(method, path, data=JPEG, content_type="image/jpeg")
    if path.startswith("/api/"):
        return person.by_token(method, path, json=form)
    return person.by_cookie(method, path, form, form)


def check_cell(person, rule, role: str, site: str, rows, overrides: dict, calls: Counter) -> list[str]:
    """Call the route with each method it allows; what was not as declared."""
    values = site_values(rule, rows, overrides)
    assert values is not None, f"{rule.endpoint}: no row of site {rows.site} for {id_args(rule)}"
    path = url_for_rule(rule, values)
    problems = []
    for method in (m for m in METHODS if m in rule.methods):
        query = f"?site={rows.site}" if method == "GET" and not id_args(rule) else ""
        response = call(person, method, path + query, rows, rule.endpoint)
        calls[method] += 1
        got = outcome(response)
        names_rows = bool(id_args(rule)) or (rule.endpoint in BODY_PROBES and method != "GET")
        want = expected(rule.endpoint, method, role, site, names_rows)
        who = f"{role} ({person.username or 'nobody'}) {method} {path}{query} [{site} site]"
        if got not in want:
            problems.append(f"{who}: {response.status_code}, expected "
                            + " or ".join(f"{w} ({OUTCOMES[w]})" for w in sorted(want)))
        shown = leaks(response, forbidden_markers(person.username))
        if shown:
            problems.append(f"{who}: shows {shown}")
        response.close()
        if rule.endpoint in SIGNS_OUT and person.username is not None:
            SIGNS_OUT[rule.endpoint](person)
    return problems


def test_every_route_by_every_role_at_both_sites(app, scene):
    """Does every role get what the access table says, at its own site and at another?"""
    rules = routes(app)
    undeclared = sorted({r.endpoint for r in rules} - set(ACCESS))
    assert not undeclared, f"declare who may use these in tests/integration/access.py: {undeclared}"
    assert not set(ACCESS) - {r.endpoint for r in rules}, "access.py names routes the app no longer has"

    people = {p.username: p for p in scene.people}
    people["admin1"] = Person(app, "admin1")
    own = {player: own_ids(app, scene, player) for player in PLAYERS.values()}
    unexpected, cells, calls = [], 0, Counter()
    for rule in rules:
        for role in ROLES:
            for site in ("own", "other"):
                if site == "own":
                    player, rows, overrides = PLAYERS[role], scene.site2, own[PLAYERS[role]]
                else:
                    player, rows, overrides = OTHER_SITE_PLAYERS.get(role, PLAYERS[role]), scene.site1, {}
                unexpected += check_cell(people[player], rule, role, site, rows, overrides, calls)
                cells += 1
    report(f"Access matrix: {len(rules)} routes × {len(ROLES)} roles × 2 sites = {cells} cells "
           f"({sum(calls.values())} requests: {', '.join(f'{n} {m}' for m, n in calls.most_common())}), "
           f"{len(unexpected)} unexpected")
    assert not unexpected, "\n".join(unexpected[:60])
