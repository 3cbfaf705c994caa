"""``POST /api/v1/sync``: push the phone's outbox, pull what it should hold (SYNC.md).

Thin on purpose: check size, parse the envelope, hand the mutations to ``sync`` inside one
transaction, translate its messages, then read a page of changes for the caller.
"""
import json

from flask import current_app
from flask import g
from flask import jsonify
from flask import request
from flask_babel import gettext
from marshmallow import ValidationError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.exc import OperationalError

from app.api import bp
from app.api.auth import token_required
from app.api.changes import iso
from app.api.changes import parse_cursor
from app.api.changes import pull
from app.api.compression import compressed
from app.api.echoes import echoes
from app.api.echoes import held_repeats
from app.api.store import SqlStore
from app.errors import api_error
from app.extensions import db
from app.followups.sweep import settle_after_sync
from app.gate.watch import record_hits as record_watch_hits
from app.models import new_id
from app.models import utcnow
from app.models.base import written_changes
from app.scoping import visible_site_ids
from sync import messages as m
from sync.envelope import APPLIED
from sync.envelope import SyncRequest
from sync.errors import Raced
from sync.handlers import built
from sync.reconcile import apply_batch
from sync.schemas import SyncRequestSchema
from sync.schemas import flatten_errors

ATTEMPTS = 3


@bp.route("/sync", methods=["POST"])
@token_required
def sync():
    limit_bytes = current_app.config["SYNC_MAX_BYTES"]
    limit_count = current_app.config["SYNC_MAX_MUTATIONS"]
    if request.content_length is not None and request.content_length > limit_bytes:
        return _too_large()
    body = request.get_data(cache=False)
    if len(body) > limit_bytes:
        return _too_large()
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, or nested past what can be parsed
        payload = None
    if not isinstance(payload, dict):
        return api_error(400, "bad_request", gettext("The request body must be a JSON object."))
    if isinstance(payload.get("mutations"), list) and len(payload["mutations"]) > limit_count:
        return _too_large()
    try:
        envelope = built(SyncRequestSchema).load(payload)
    except ValidationError as err:
        return api_error(422, "validation_error", details=translate_errors(flatten_errors(err.messages)))
    cursor = parse_cursor(envelope["cursor"])
    if cursor is None:
        return api_error(422, "validation_error", details={"cursor": [gettext(m.CURSOR_INVALID)]})

    user = g.api_user
    token = getattr(g, "device_token", None)
    if token is not None and envelope["device_id"].lower() != token.device_id.lower():
        # Another phone's device record is not this token's to write: sign in on this one.
        return api_error(401, "device_mismatch",
                         gettext("This sign-in belongs to another phone. Please sign in again on this one."))
    push = SyncRequest(user_id=user.id, device_id=envelope["device_id"],
                       client_time=envelope["client_time"], mutations=envelope["mutations"],
                       pending=envelope["pending"])
    try:
        results, written = _push(push)
    except DBAPIError as err:
        # The parameters could hold a visitor's phone or ID number: log the kind only.
        current_app.logger.error("sync push failed: %s", type(err.orig).__name__)
        db.session.rollback()
        return api_error(500)

    now = utcnow()
    changes, next_cursor, has_more = pull(
        user, cursor, now, visible_site_ids(user),
        limit=current_app.config.get("SYNC_PAGE_SIZE", 1000),
        leave_out=echoes(results, written) | held_repeats(results, envelope["mutations"], cursor)
        if cursor else frozenset())
    db.session.rollback()  # the pull only read
    answered = [translate_result(r.to_json()) for r in results]
    body = {"server_time": iso(now), "results": answered, "changes": changes,
            "cursor": next_cursor, "has_more": has_more}
    minimal = prefers_minimal()
    if minimal:
        body["results"] = [r for r, sent in zip(answered, envelope["mutations"]) if not plain(r, sent)]
        body["results_minimal"] = True
    response = jsonify(body)
    if minimal:
        response.headers["Preference-Applied"] = "return=minimal"
    return compressed(response)


def _push(push: SyncRequest):
    """Journal and apply in one transaction; a lost race or a lock timeout retries it whole.

    A retry is safe: the first attempt left nothing behind, and the second one sees what
    the winning connection committed, so a racing duplicate is answered ``duplicate``.
    """
    for attempt in range(ATTEMPTS):
        try:
            results = apply_batch(push, SqlStore(db.session), utcnow(), new_id)
            record_watch_hits(push.mutations, results, utcnow())
            settle_after_sync(visible_site_ids(g.api_user) if push.mutations else [], utcnow())
            written = written_changes(db.session)
            db.session.commit()
            return results, written
        except (IntegrityError, OperationalError, Raced):
            db.session.rollback()
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def prefers_minimal() -> bool:
    """``Prefer: return=minimal`` (RFC 7240): the phone can rebuild plain results itself."""
    wanted = request.headers.get("Prefer", "").replace(" ", "").lower().split(",")
    return "return=minimal" in wanted


def plain(result: dict, sent: dict) -> bool:
    """A result that says no more than "applied, as you sent it", so a minimal answer omits it."""
    return (result.get("status") == APPLIED and set(result) == {"id", "status", "entity_id"}
            and result["id"] == sent.get("id") and result["entity_id"] == sent.get("entity_id"))


def _too_large():
    limits = {"max_mutations": current_app.config["SYNC_MAX_MUTATIONS"],
              "max_bytes": current_app.config["SYNC_MAX_BYTES"]}
    return api_error(413, "payload_too_large",
                     gettext("Too much at once: at most %(count)d records and 2 MiB per sync.",
                             count=limits["max_mutations"]), details=limits)


def translate_errors(errors: dict) -> dict:
    """Field messages from ``sync`` (English msgids) in the caller's language."""
    return {field: [gettext(message) for message in messages] for field, messages in errors.items()}


def translate_result(body: dict) -> dict:
    if body.get("errors"):
        body["errors"] = translate_errors(body["errors"])
    if body.get("conflict") and body["conflict"].get("reason"):
        body["conflict"] = {**body["conflict"], "reason": gettext(body["conflict"]["reason"])}
    return body
