"""``GET /api/v1/openapi.json``: the API described from the schemas that enforce it.

The document is generated with apispec's MarshmallowPlugin from the very marshmallow
schemas the sync engine validates with (``sync/schemas.py``) and from the handler
registry, so a new mutation type or field appears here without anyone editing this file.
The endpoints that validate by hand (session, photos) are described by the small schemas
below and in ``photos.py``.
"""
from __future__ import annotations

from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app
from flask import jsonify
from marshmallow import Schema
from marshmallow import fields

from app.api import bp
from app.api.changes import REGISTRY
from app.api.photos import PhotoSchema
from app.errors import CODES
from sync import schemas as sync_schemas
from sync.handlers import HANDLERS

OPENAPI_VERSION = "3.0.3"
JSON = "application/json"
ANSWERS = ("SyncResponse", "Result", "Change", "Session", "SessionUser", "SessionUserOnly", "Photo",
           "Error", "ErrorBody")


class ErrorBodySchema(Schema):
    code = fields.String(required=True, metadata={
        "description": "machine-readable: " + ", ".join(sorted({*CODES.values(), "conflict",
                                                                  "csrf_failed", "invalid_credentials"}))})
    message = fields.String(required=True, metadata={"description": "translated, for a person"})
    details = fields.Dict(required=True, metadata={
        "description": "e.g. field -> messages for validation_error, limits for payload_too_large"})


class ErrorSchema(Schema):
    """Every error that is not about one mutation, everywhere in the API (SYNC.md)."""

    error = fields.Nested(ErrorBodySchema, required=True)


class SessionRequestSchema(Schema):
    username = fields.String(required=True)
    password = fields.String(required=True, metadata={"format": "password"})
    device_id = fields.String(required=True, metadata={
        "pattern": sync_schemas.DEVICE_ID_RE.pattern,
        "description": "made once per installation of the app and kept"})


class PostSessionRequestSchema(Schema):
    code = fields.String(required=True, metadata={
        "description": "the one-time code of the admin's QR code (12 letters and digits; case, "
                       "spaces and dashes ignored)", "maxLength": 40})
    device_id = fields.String(required=True, metadata={
        "pattern": sync_schemas.DEVICE_ID_RE.pattern,
        "description": "made once per installation of the app and kept"})


class PinRequestSchema(Schema):
    pin = fields.String(required=True, metadata={"pattern": r"^[0-9]{4,6}$",
                                                 "description": "the caller's new shift PIN for post phones"})
    password = fields.String(required=True, metadata={"format": "password"})


class SessionUserSchema(Schema):
    id = fields.String(required=True)
    username = fields.String(required=True)
    display_name = fields.String(required=True)
    role = fields.String(required=True, metadata={"enum": ["guard", "clerk", "staff", "manager", "supervisor", "admin"]})
    post = fields.String(allow_none=True)
    is_team_lead = fields.Boolean()
    site_ids = fields.List(fields.String(), required=True)
    locale = fields.String(allow_none=True)


class SessionSchema(Schema):
    """A sign-in's answer: the user and a device token (shown once, stored only hashed)."""

    user = fields.Nested(SessionUserSchema, required=True)
    token = fields.String(required=True)
    expires_at = fields.String(required=True, metadata={"format": "date-time"})


class SessionUserOnlySchema(Schema):
    user = fields.Nested(SessionUserSchema, required=True)


def _field_limits(self, field, **kwargs) -> dict[str, Any]:
    """Bounds the engine's own field types enforce in code rather than by validators."""
    if isinstance(field, sync_schemas.Text):
        return {"maxLength": field.max_length}
    if isinstance(field, sync_schemas.Count):
        return {"minimum": field.low, "maximum": field.high}
    if isinstance(field, sync_schemas.Ref):
        return {"pattern": sync_schemas.UUID_RE.pattern}
    if isinstance(field, sync_schemas.Quantity):
        return {"minimum": 0, "description": "up to three decimals; a numeric string is accepted too"}
    return {}


def component_name(type_: str) -> str:
    """``visit.check_in`` -> ``VisitCheckInMutation``."""
    words = type_.replace(".", "_").split("_")
    return "".join(word.capitalize() for word in words) + "Mutation"


def data_name(schema: type[Schema]) -> str:
    """``VisitCheckInSchema`` -> ``VisitCheckInData``."""
    return schema.__name__.removesuffix("Schema") + "Data"


def build_spec() -> dict[str, Any]:
    """The whole document as a dict."""
    plugin = MarshmallowPlugin()
    spec = APISpec(
        title="Estate Patrol API", version="1", openapi_version=OPENAPI_VERSION,
        plugins=[plugin],
        info={"description": "Phones push what they recorded offline and pull what they "
                             "should hold (see docs/sync.md). Times are ISO 8601 with offset."},
        servers=[{"url": "/api/v1"}],
    )
    plugin.map_to_openapi_type(sync_schemas.Ref, "string", "uuid")
    plugin.map_to_openapi_type(sync_schemas.Quantity, "number", None)
    plugin.converter.add_attribute_function(_field_limits)
    components = spec.components
    components.security_scheme("device_token", {
        "type": "http", "scheme": "bearer",
        "description": "the token from POST /session; phones use it for everything"})
    components.security_scheme("desktop_session", {
        "type": "apiKey", "in": "cookie", "name": "session",
        "description": "the desktop's sign-in; changes also need the X-CSRFToken header"})

    components.schema("Error", schema=ErrorSchema)
    components.schema("Mutation", schema=sync_schemas.MutationSchema)
    components.schema("SyncRequest", schema=sync_schemas.SyncRequestSchema)
    components.schema("Result", schema=sync_schemas.ResultSchema)
    components.schema("Change", schema=sync_schemas.ChangeSchema)
    components.schema("SyncResponse", schema=sync_schemas.SyncResponseSchema)
    components.schema("SessionRequest", schema=SessionRequestSchema)
    components.schema("PostSessionRequest", schema=PostSessionRequestSchema)
    components.schema("PinRequest", schema=PinRequestSchema)
    components.schema("SessionUser", schema=SessionUserSchema)
    components.schema("Session", schema=SessionSchema)
    components.schema("Photo", schema=PhotoSchema)

    mapping = {}
    data_components: dict[type[Schema], str] = {}
    for type_, handler in sorted(HANDLERS.items()):
        if handler.schema not in data_components:
            data_components[handler.schema] = data_name(handler.schema)
            components.schema(data_components[handler.schema], schema=handler.schema)
        name = component_name(type_)
        components.schema(name, {
            "description": (handler.schema.__doc__ or type_).strip().splitlines()[0],
            "allOf": [
                {"$ref": "#/components/schemas/Mutation"},
                {"type": "object", "required": ["type", "data"], "properties": {
                    "type": {"type": "string", "enum": [type_]},
                    "data": {"$ref": f"#/components/schemas/{data_components[handler.schema]}"},
                }},
            ],
            "x-entity-kind": handler.kind,
        })
        mapping[type_] = f"#/components/schemas/{name}"

    _paths(spec)
    document = spec.to_dict()
    schemas = document["components"]["schemas"]
    schemas["SyncRequest"]["properties"]["mutations"]["items"] = {
        "oneOf": [{"$ref": ref} for ref in mapping.values()],
        "discriminator": {"propertyName": "type", "mapping": mapping},
    }
    schemas["SyncRequest"]["properties"]["mutations"]["maxItems"] = current_app.config["SYNC_MAX_MUTATIONS"]
    schemas["Change"]["properties"]["type"]["enum"] = sorted(REGISTRY)
    for name in ANSWERS:
        # Answers may grow (a duplicate's ``first_status``, new record fields): clients
        # must keep what they do not know rather than fail on it.
        schemas[name].pop("additionalProperties", None)
    document["x-mutation-types"] = sorted(mapping)
    document["x-change-types"] = sorted(REGISTRY)
    ecma_patterns(document)
    return document


def ecma_patterns(node: Any) -> None:
    """Write every ``pattern`` in the regex dialect of JSON Schema (ECMA-262), in place.

    The engine anchors its regexes with Python's ``\\A`` and ``\\Z``, which ECMA-262 does
    not have (a JavaScript client would read ``\\A`` as the letter A). ``^`` and ``$`` say
    the same there: without the multiline flag they match only at the ends of the text.
    """
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                if value.startswith("\\A"):
                    value = "^" + value[2:]
                if value.endswith("\\Z"):
                    value = value[:-2] + "$"
                node[key] = value
            else:
                ecma_patterns(value)
    elif isinstance(node, list):
        for item in node:
            ecma_patterns(item)


def _error(description: str) -> dict:
    return {"description": description, "content": {JSON: {"schema": "Error"}}}


def _paths(spec: APISpec) -> None:
    bearer = [{"device_token": []}]
    either = [{"device_token": []}, {"desktop_session": []}]
    unauthorized = _error("sign in again; the phone keeps its outbox")
    spec.path(path="/sync", operations={"post": {
        "operationId": "sync", "tags": ["sync"], "security": bearer,
        "summary": "Push mutations from the outbox and pull changes since a cursor",
        "parameters": [{"name": "Prefer", "in": "header", "required": False,
                        "description": "`return=minimal`: leave out the results of mutations "
                                       "applied exactly as sent (RFC 7240)",
                        "schema": {"type": "string", "enum": ["return=minimal"]}}],
        "requestBody": {"required": True, "content": {JSON: {"schema": "SyncRequest"}}},
        "responses": {
            "200": {"description": "one result per mutation, in request order (with "
                                   "`Prefer: return=minimal` only those not applied as sent), "
                                   "and a page of changes, less what this push itself wrote",
                    "content": {JSON: {"schema": "SyncResponse"}},
                    "headers": {"Preference-Applied": {"schema": {"type": "string"},
                                                       "description": "`return=minimal` when honoured"}}},
            "400": _error("the body is not a JSON object"),
            "401": unauthorized,
            "413": _error("more than 500 mutations or 2 MiB"),
            "422": _error("the envelope is not valid (details: field -> messages)"),
        },
    }})
    spec.path(path="/session", operations={
        "post": {
            "operationId": "signIn", "tags": ["session"], "security": [],
            "summary": "Sign in once from the app and get a device token",
            "requestBody": {"required": True, "content": {JSON: {"schema": "SessionRequest"}}},
            "responses": {
                "200": {"description": "signed in", "content": {JSON: {"schema": "Session"}}},
                "400": _error("the body is not a JSON object"),
                "401": _error("wrong username or password"),
                "422": _error("a field is missing or not valid"),
                "429": {**_error("too many failed attempts"),
                        "headers": {"Retry-After": {"schema": {"type": "integer"},
                                                    "description": "seconds to wait"}}},
            },
        },
        "get": {
            "operationId": "whoAmI", "tags": ["session"], "security": either,
            "summary": "The signed-in user while the token or desktop session is valid",
            "responses": {
                "200": {"description": "signed in",
                        "content": {JSON: {"schema": SessionUserOnlySchema}}},
                "401": unauthorized,
            },
        },
        "delete": {
            "operationId": "signOut", "tags": ["session"], "security": either,
            "summary": "Revoke the caller's own device token (or end the desktop session)",
            "responses": {"204": {"description": "signed out"}, "401": unauthorized},
        },
    })
    spec.path(path="/session/post", operations={
        "post": {
            "operationId": "registerPostPhone", "tags": ["session"], "security": [],
            "summary": "Register this phone to a gate post with a one-time code; a device token of the post",
            "requestBody": {"required": True, "content": {JSON: {"schema": "PostSessionRequest"}}},
            "responses": {
                "200": {"description": "registered", "content": {JSON: {"schema": "Session"}}},
                "400": _error("the body is not a JSON object"),
                "401": _error("the code is spent, unknown or more than a day old"),
                "422": _error("a field is missing or not valid"),
            },
        },
    })
    spec.path(path="/session/pin", operations={
        "put": {
            "operationId": "setOwnPin", "tags": ["session"], "security": bearer,
            "summary": "Set the caller's own shift PIN for gate posts' phones, with their password",
            "requestBody": {"required": True, "content": {JSON: {"schema": "PinRequest"}}},
            "responses": {
                "204": {"description": "set"},
                "400": _error("the body is not a JSON object"),
                "401": unauthorized,
                "403": _error("a post, a supervisor or an admin has no shift PIN"),
                "422": _error("the PIN is not 4 to 6 digits, or the password is wrong"),
                "429": _error("too many wrong passwords"),
            },
        },
    })
    notice = {"type": "object", "properties": {
        name: {"type": kind} for name, kind in (
            ("id", "string"), ("event", "string"), ("subject_type", "string"), ("title", "string"),
            ("text", "string"), ("at", "string"), ("at_text", "string"), ("site", "string"),
            ("state", "string"), ("read", "boolean"))} | {"link": {"type": "string", "nullable": True}}}
    spec.path(path="/notifications", operations={"get": {
        "operationId": "notifications", "tags": ["notifications"], "security": either,
        "summary": "The caller's own newest notifications, in their language, with the unread count",
        "responses": {
            "200": {"description": "newest first, at most 50", "content": {JSON: {"schema": {
                "type": "object", "properties": {"unread": {"type": "integer"},
                                                 "notifications": {"type": "array", "items": notice}}}}}},
            "401": unauthorized,
        },
    }})
    spec.path(path="/notifications/read", operations={"post": {
        "operationId": "notificationsRead", "tags": ["notifications"], "security": either,
        "summary": "Mark every notification of the caller read",
        "responses": {
            "200": {"description": "how many were marked", "content": {JSON: {"schema": {
                "type": "object", "properties": {"read": {"type": "integer"}}}}}},
            "401": unauthorized,
        },
    }})
    spec.path(path="/push/key", operations={"get": {
        "operationId": "pushKey", "tags": ["notifications"], "security": either,
        "summary": "The server's VAPID public key to subscribe with (Web Push)",
        "responses": {
            "200": {"description": "base64url, an uncompressed P-256 point; null when Web Push is not set up",
                    "content": {JSON: {"schema": {"type": "object", "properties": {
                        "public_key": {"type": "string", "nullable": True}}}}}},
            "401": unauthorized,
        },
    }})
    spec.path(path="/push/subscription", operations={
        "put": {
            "operationId": "pushSubscribe", "tags": ["notifications"], "security": either,
            "summary": "Keep this device's Web Push subscription (the browser's PushSubscription.toJSON())",
            "requestBody": {"required": True, "content": {JSON: {"schema": {
                "type": "object", "required": ["endpoint", "keys"],
                "properties": {"endpoint": {"type": "string", "maxLength": 1000},
                               "keys": {"type": "object", "required": ["p256dh", "auth"],
                                        "properties": {"p256dh": {"type": "string"}, "auth": {"type": "string"}}}}}}}},
            "responses": {"204": {"description": "kept"}, "401": unauthorized,
                          "422": _error("not a push subscription, or Web Push is not set up")},
        },
        "delete": {
            "operationId": "pushUnsubscribe", "tags": ["notifications"], "security": either,
            "summary": "End this device's Web Push subscription",
            "responses": {"204": {"description": "ended"}, "401": unauthorized},
        },
    })
    binary = {"schema": {"type": "string", "format": "binary"}}
    photo_id = {"name": "photo_id", "in": "path", "required": True,
                "description": "the id the phone made for the photo and named in its record",
                "schema": {"type": "string", "format": "uuid"}}
    spec.path(path="/photos/{photo_id}", parameters=[photo_id], operations={
        "put": {
            "operationId": "uploadPhoto", "tags": ["photos"], "security": bearer,
            "summary": "Upload a photo's bytes (JPEG or PNG, at most 5 MiB); idempotent",
            "requestBody": {"required": True,
                            "content": {"image/jpeg": binary, "image/png": binary}},
            "responses": {
                "201": {"description": "the photo arrived now",
                        "content": {JSON: {"schema": "Photo"}}},
                "200": {"description": "the same bytes had arrived before; nothing changed",
                        "content": {JSON: {"schema": "Photo"}}},
                "400": _error("the body is empty"),
                "401": unauthorized,
                "404": _error("not a photo id, or a photo of another site"),
                "409": _error("other bytes were uploaded under this id first; they stand"),
                "413": _error("more than 5 MiB"),
                "415": _error("neither JPEG nor PNG"),
            },
        },
        "get": {
            "operationId": "getPhoto", "tags": ["photos"], "security": either,
            "summary": "A photo of one of the caller's sites",
            "responses": {
                "200": {"description": "the photo",
                        "content": {"image/jpeg": binary, "image/png": binary}},
                "401": unauthorized,
                "404": _error("no such photo, not arrived yet, or another site's"),
            },
        },
    })
    spec.path(path="/openapi.json", operations={"get": {
        "operationId": "openapi", "tags": ["meta"], "security": [],
        "summary": "This document",
        "responses": {"200": {"description": "OpenAPI 3", "content": {JSON: {"schema": {"type": "object"}}}}},
    }})


@bp.route("/openapi.json", methods=["GET"])
def openapi_document():
    """The document, built once per process (the registries are complete by then)."""
    document = current_app.extensions.get("estate_openapi")
    if document is None:
        document = current_app.extensions["estate_openapi"] = build_spec()
    return jsonify(document)
