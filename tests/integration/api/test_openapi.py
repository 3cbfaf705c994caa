"""``GET /api/v1/openapi.json``: a valid OpenAPI 3 document that says what the server enforces."""
import pytest
from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

from sync.handlers import HANDLERS
from tests.factories import Phone
from tests.integration.sync.helpers import Outbox
from tests.integration.sync.helpers import check_in

# The minimum of SYNC.md's "Mutation types" table and each type's required data fields.
SYNC_MD_TYPES = {
    "patrol.start": {"site_id"},
    "patrol.checkpoint": {"patrol_id", "checkpoint_id", "method"},
    "patrol.finding": {"patrol_id", "category", "severity", "description", "handled_on_spot"},
    "patrol.end": set(),
    "visit.check_in": {"site_id", "visitor_name", "purpose", "party_size"},
    "visit.check_out": set(),
    "visit.flag": {"site_id", "description"},
    "stock.check_start": {"site_id"},
    "stock.count": {"check_id", "item_id", "counted_qty"},
    "stock.check_finish": set(),
    "followup.update": {"base_version"},
}


@pytest.fixture()
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.json


def resolve(document, node):
    """Follow ``$ref``s, also through the ``anyOf``/``allOf`` wrappers of nullable nested fields."""
    while True:
        if "$ref" in node:
            node = document["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
            continue
        refs = [n for n in node.get("anyOf", []) + node.get("allOf", []) if "$ref" in n]
        if len(refs) == 1 and "properties" not in node:
            node = refs[0]
            continue
        return node


def mutation_schemas(document):
    """type -> the data schema its mutation component points at."""
    items = document["components"]["schemas"]["SyncRequest"]["properties"]["mutations"]["items"]
    found = {}
    for type_, ref in items["discriminator"]["mapping"].items():
        component = document["components"]["schemas"][ref.rsplit("/", 1)[-1]]
        own = component["allOf"][1]["properties"]
        assert own["type"]["enum"] == [type_]
        found[type_] = resolve(document, own["data"])
    return found


def test_the_document_is_valid_openapi_3(document):
    validate(document)
    assert document["openapi"].startswith("3.")


def patterns(node):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from [value] if key == "pattern" and isinstance(value, str) else patterns(value)
    elif isinstance(node, list):
        for item in node:
            yield from patterns(item)


def test_patterns_are_in_the_json_schema_dialect(document):
    """ECMA-262 has no \\A or \\Z (a JavaScript client reads \\A as the letter A): ^ and $ instead."""
    found = set(patterns(document))
    assert found and not [p for p in found if "\\A" in p or "\\Z" in p]
    uuid = document["components"]["schemas"]["Mutation"]["properties"]["id"]["pattern"]
    assert uuid.startswith("^") and uuid.endswith("$")


def test_every_mutation_type_of_sync_md_with_its_required_fields(document):
    schemas = mutation_schemas(document)
    for type_, required in SYNC_MD_TYPES.items():
        assert type_ in schemas, type_
        assert set(schemas[type_].get("required", [])) >= required, type_
    assert set(schemas) == set(HANDLERS)  # and every type the server knows besides
    assert set(document["x-mutation-types"]) == set(HANDLERS)


def test_vocabularies_come_from_the_validating_schemas(document):
    schemas = mutation_schemas(document)
    finding = schemas["patrol.finding"]["properties"]
    assert finding["category"]["enum"] == ["security", "cleaning", "repair", "greenery", "fire",
                                           "parking", "other"]
    assert finding["severity"]["enum"] == ["low", "medium", "high"]
    assert finding["photo_ids"]["items"]["format"] == "uuid"
    check_in_data = schemas["visit.check_in"]["properties"]
    assert check_in_data["party_size"]["minimum"] == 1 and check_in_data["party_size"]["maximum"] == 99
    assert check_in_data["purpose"]["enum"][0] == "visit"
    location = resolve(document, schemas["patrol.checkpoint"]["properties"]["location"])
    assert set(location["required"]) == {"lat", "lng"}


def test_the_envelope_and_the_answer_use_sync_md_field_names(document):
    schemas = document["components"]["schemas"]
    request = schemas["SyncRequest"]
    assert set(request["properties"]) == {"device_id", "client_time", "cursor", "pending", "mutations"}
    assert set(request["required"]) == {"device_id", "client_time"}
    assert request["properties"]["mutations"]["maxItems"] == 500
    mutation = schemas["Mutation"]
    assert set(mutation["required"]) >= {"id", "seq", "type", "entity_id", "user_id", "at"}
    assert mutation["properties"]["at"]["format"] == "date-time"
    response = schemas["SyncResponse"]
    assert set(response["required"]) == {"server_time", "results", "changes", "cursor", "has_more"}
    assert resolve(document, schemas["SyncResponse"]["properties"]["results"]["items"]) == schemas["Result"]
    assert schemas["Result"]["properties"]["status"]["enum"] == ["applied", "duplicate", "deferred",
                                                                 "rejected"]
    assert {"site", "checkpoint", "route", "store", "item", "user", "followup", "patrol", "visit",
            "stock_check"} <= set(schemas["Change"]["properties"]["type"]["enum"])


def test_endpoints_and_the_error_shape(document):
    paths = document["paths"]
    assert set(paths["/session"]) == {"post", "get", "delete"}
    assert set(paths["/photos/{photo_id}"]) >= {"put", "get"}
    assert paths["/sync"]["post"]["security"] == [{"device_token": []}]
    put = paths["/photos/{photo_id}"]["put"]
    assert set(put["requestBody"]["content"]) == {"image/jpeg", "image/png"}
    assert {"200", "201", "401", "404", "409", "413", "415"} <= set(put["responses"])
    error = document["components"]["schemas"]["Error"]
    body = resolve(document, error["properties"]["error"])
    assert set(body["required"]) == {"code", "message", "details"}
    for path in ("/sync", "/photos/{photo_id}"):
        for method, operation in paths[path].items():
            if method == "parameters":
                continue
            for status, answer in operation["responses"].items():
                if status.startswith("4"):
                    assert answer["content"]["application/json"]["schema"] == {
                        "$ref": "#/components/schemas/Error"}, (path, status)


def test_a_real_push_and_its_answer_match_the_document(client, document, world):
    """Does what the server actually accepts and answers fit the published schemas?"""
    def validator(name):
        root = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
        return OAS30Validator(root)

    phone = Phone(client)
    session = phone.sign_in("guard1")
    validator("Session").validate(session.json)
    outbox = Outbox(phone.user["id"], phone.device_id)
    visit = check_in(outbox, world.site1, phone="13812345678")
    push = outbox.request([visit, outbox.mutation("visit.check_out", entity_id=visit["entity_id"])])
    validator("SyncRequest").validate(push)
    answer = phone.post("/api/v1/sync", json=push)
    assert answer.status_code == 200
    validator("SyncResponse").validate(answer.json)
    assert any(change["type"] == "visit" for change in answer.json["changes"])
    again = phone.post("/api/v1/sync", json=push)
    assert [r["status"] for r in again.json["results"]] == ["duplicate", "duplicate"]
    validator("SyncResponse").validate(again.json)
    bad = phone.post("/api/v1/sync", json={"device_id": "x"})
    assert bad.status_code == 422
    validator("Error").validate(bad.json)
    wrong = {**push, "mutations": [{**visit, "data": {**visit["data"], "purpose": "party"}}]}
    with pytest.raises(ValidationError):
        validator("SyncRequest").validate(wrong)  # the document refuses what the server refuses
