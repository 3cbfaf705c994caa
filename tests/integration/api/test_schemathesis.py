"""Schemathesis against the published document, signed in as a phone.

Every operation in ``/api/v1/openapi.json`` gets requests generated from the document
(valid ones and ones that break it), sent to the app under test with a manager's device
token, and each answer must pass three checks: no 5xx (``not_a_server_error``), a status
the document lists for the operation (``status_code_conformance``) and a body that fits
the schema it gives for that status (``response_schema_conformance``). A failure is a bug
in the server or in the document; fix whichever is wrong.

The number of examples per operation is ``API_FUZZ_EXAMPLES`` (15 in the suite, with a
fixed seed so that CI is repeatable); ``python -m bench.api_fuzz --examples 200`` is the
full, randomised run. pytest's summary shows the figure.
"""
import os
import uuid
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance
from schemathesis.specs.openapi.checks import status_code_conformance

from sync.schemas import UUID_RE
from tests.conftest import make_config
from tests.factories import Phone
from tests.figures import report

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "15"))
FULL_RUN = "API_FUZZ_EXAMPLES" in os.environ
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
USERNAME = "manager1"


def published_document() -> dict:
    """The document as ``GET /api/v1/openapi.json`` serves it, built at collection time.

    Schemathesis makes one test per operation when the module is collected, before any
    fixture exists, so the document comes from an app of its own (nothing but its config
    is read); the requests go to the ``app`` fixture's app and database.
    """
    from app import create_app
    from app.api.openapi import build_spec

    app = create_app(make_config(SQLALCHEMY_DATABASE_URI="sqlite://"))
    with app.app_context():
        return build_spec()


schema = schemathesis.openapi.from_dict(published_document())
REQUESTS: Counter = Counter()  # operation -> requests sent
FAILED: set = set()  # operations with a failed check


@pytest.fixture(scope="module", autouse=True)
def _figure():
    """Report the figure once the module's operations have run."""
    yield
    if REQUESTS:
        report(f"API fuzz: {len(REQUESTS)} operations × {EXAMPLES} examples "
               f"({sum(REQUESTS.values())} requests), {len(FAILED)} failures"
               + (f": {', '.join(sorted(FAILED))}" if FAILED else ""))


@pytest.fixture()
def phone(app, world):
    phone = Phone(app.test_client())
    assert phone.sign_in(USERNAME).status_code == 200
    phone.world = world
    return phone


def aim(case, phone) -> None:
    """Point a generated push at this phone, so it gets past the envelope into the engine.

    The document cannot say that ``device_id`` must be the token's device, that a
    mutation's ``user_id`` must be the signed-in user or that a mutation id is new: with
    generated ones nearly every push stops at 401, and nearly every mutation is rejected
    as another user's or as a reused id (generators repeat simple values). Site ids are
    this user's for the same reason. Values that break the document are left as they are.
    """
    body = case.body
    if not isinstance(body, dict):
        return
    if isinstance(body.get("device_id"), str):
        body["device_id"] = phone.device_id
    for mutation in body.get("mutations") or []:
        if not isinstance(mutation, dict):
            continue
        if isinstance(mutation.get("id"), str) and UUID_RE.match(mutation["id"]):
            mutation["id"] = str(uuid.uuid4())
        if isinstance(mutation.get("user_id"), str):
            mutation["user_id"] = phone.user["id"]
        data = mutation.get("data")
        if isinstance(data, dict) and isinstance(data.get("site_id"), str):
            data["site_id"] = phone.world.site1


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=not FULL_RUN,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_every_operation_answers_as_documented(case, app, phone):
    """Does every answer to a generated request fit the published document?"""
    label = case.operation.label
    if case.operation.method.upper() == "DELETE" and case.operation.path == "/session":
        # Signing out revokes the token: each example signs in first, so each has one to revoke.
        assert phone.sign_in(USERNAME).status_code == 200
    if case.operation.path == "/sync":
        aim(case, phone)
    REQUESTS[label] += 1
    try:
        # The WSGI transport hands schemathesis the body as sent: ask for it uncompressed
        # (gzip itself is tested in tests/integration/sync/test_push_answer.py).
        case.call_and_validate(headers={**phone.headers(), "Accept-Encoding": "identity"},
                               checks=CHECKS, app=app)
    except BaseException:
        FAILED.add(label)
        raise
