"""The registry of mutation types: each type names its entity kind, data schema and handler.

Feature modules register with ``@handler(...)``; an unknown type is rejected by name so a
phone with a newer app is told to wait for the server rather than silently ignored.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any
from typing import Callable

from marshmallow import Schema
from marshmallow import ValidationError

from sync import messages as m
from sync.context import Context
from sync.errors import Rejected
from sync.errors import reject
from sync.schemas import flatten_errors

# Data fields that name a parent entity, and the parent's kind (for prefetching and deferral).
PARENT_FIELDS = {"patrol_id": "patrol", "check_id": "stock_check", "visit_id": "visit", "repair_id": "repair"}


@dataclass(frozen=True)
class Handler:
    """How one mutation type is validated and applied."""

    type: str
    kind: str
    schema: type[Schema]
    apply: Callable[[Context, dict[str, Any]], None]
    # (kind, id) of rows the handler will read besides the entity and its parent, so that a
    # push loads them all in one query per kind; ``data`` here is raw, not yet validated.
    related: Callable[[str, dict[str, Any]], list[tuple[str, str]]] = lambda entity_id, data: []

    def load(self, data: Any) -> dict[str, Any]:
        """The mutation's data, validated; ``Rejected`` with field messages otherwise."""
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise reject("data", m.NOT_A_LIST)
        try:
            return built(self.schema).load(data)
        except ValidationError as err:
            raise Rejected(flatten_errors(err.messages)) from None


@cache
def built(schema: type[Schema]) -> Schema:
    """One instance per schema and process: building one deep-copies all its fields.

    Loading keeps no state on the instance, so one serves every mutation and request.
    """
    return schema()


HANDLERS: dict[str, Handler] = {}


def handler(type_: str, kind: str, schema: type[Schema], related=None):
    """Register ``fn(ctx, data)`` as the handler of ``type_`` (whose entity is a ``kind``)."""
    def register(fn: Callable[[Context, dict[str, Any]], None]):
        extra = {"related": related} if related is not None else {}
        HANDLERS[type_] = Handler(type_, kind, schema, fn, **extra)
        return fn
    return register


def lookup(type_: str) -> Handler:
    found = HANDLERS.get(type_)
    if found is None:
        raise reject("type", m.UNKNOWN_TYPE, code="unknown_type")
    return found


from sync import gate  # noqa: E402,F401
from sync import patrols  # noqa: E402,F401
from sync import stock  # noqa: E402,F401
from sync import followup_updates  # noqa: E402,F401
from sync import complaints  # noqa: E402,F401
from sync import shifts  # noqa: E402,F401
from sync import repairs  # noqa: E402,F401
from sync import attendance  # noqa: E402,F401
from sync import inspections  # noqa: E402,F401
from sync import manager_report_handlers  # noqa: E402,F401
from sync import meetings  # noqa: E402,F401
