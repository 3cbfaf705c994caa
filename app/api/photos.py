"""``PUT`` and ``GET /api/v1/photos/<uuid>``: the bytes of the photos that records name.

The phone makes a photo's id when the picture is taken, names it in a finding or an
incident, and uploads the bytes whenever the network allows, before or after the record.
An upload is idempotent: the same bytes again change nothing, other bytes for the same id
are a conflict and the first upload stands. The first arrival bumps the owning record so
that its pulled ``photos`` state ("2 missing" -> "complete") reaches the phone.

The bytes live in the photo store (``app.photostore``): ``PHOTO_DIR`` on this server's
disk by default, or an S3-compatible bucket shared by every app server. Either way one
object per photo, named by its id, written once and never seen half-written. Photo bytes
never reach a log.
"""
from __future__ import annotations

from flask import Response
from flask import current_app
from flask import g
from flask import jsonify
from flask import request
from flask_babel import gettext as _
from marshmallow import Schema
from marshmallow import fields
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import RequestedRangeNotSatisfiable
from werkzeug.wsgi import wrap_file

from app.api import bp
from app.api.auth import login_required_api
from app.api.auth import token_required
from app.api.changes import REGISTRY
from app.errors import api_error
from app.extensions import db
from app.models import Photo
from app.models import utcnow
from app.models.base import touch
from app.photostore import DIFFERENT
from app.photostore import StoredPhoto
from app.photostore import photo_store
from app.scoping import visible_site_ids
from sync.schemas import UUID_RE

SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


class PhotoSchema(Schema):
    """What an upload answers: the photo, whether it arrived, and the record naming it."""

    id = fields.String(required=True, metadata={"format": "uuid"})
    uploaded = fields.Boolean(required=True)
    size = fields.Integer(allow_none=True, metadata={"description": "bytes"})
    content_type = fields.String(allow_none=True, metadata={"enum": ["image/jpeg", "image/png"]})
    uploaded_at = fields.DateTime(allow_none=True)
    record_type = fields.String(allow_none=True, metadata={
        "description": "the kind of record naming the photo (finding, incident); null until it arrives"})
    record_id = fields.String(allow_none=True)


def sniff(body: bytes) -> str | None:
    """The image type the first bytes prove (JPEG or PNG), whatever the header claims."""
    for signature, content_type in SIGNATURES:
        if body.startswith(signature):
            return content_type
    return None


def may_see(photo: Photo, user) -> bool:
    """A photo of the user's sites, or one they uploaded before any record named it."""
    if photo.site_id is None:
        return photo.user_id == user.id
    return photo.site_id in visible_site_ids(user)


def normal_id(raw: str) -> str | None:
    """The photo id in lower case, or ``None`` when it is not a UUID (answered 404)."""
    return raw.lower() if UUID_RE.match(raw) else None


def _body(photo: Photo) -> dict:
    return PhotoSchema().dump(photo)


@bp.route("/photos/<photo_id>", methods=["PUT"])
@token_required
def photo_put(photo_id):
    """Receive a photo's bytes: 201 when they arrive, 200 when they had already."""
    ident = normal_id(photo_id)
    if ident is None:
        return api_error(404)
    limit = current_app.config["PHOTO_MAX_BYTES"]
    if request.content_length is not None and request.content_length > limit:
        return _too_large(limit)
    body = request.stream.read(limit + 1)
    if len(body) > limit:
        return _too_large(limit)
    if not body:
        return api_error(400, "bad_request", _("No photo was sent."))
    content_type = sniff(body)
    if content_type is None:
        return api_error(415, "unsupported_media", _("Only JPEG or PNG photos are accepted."))

    user = g.api_user
    photo = db.session.get(Photo, ident)
    if photo is not None and not may_see(photo, user):
        return api_error(404)
    outcome = photo_store().put_if_absent(ident, body, content_type)
    if outcome == DIFFERENT:
        return api_error(409, "conflict",
                         _("Another photo was already uploaded under this id; the first one is kept."),
                         details={"id": ident})
    for attempt in range(2):
        try:
            arrived = _mark_arrived(ident, user, len(body), content_type)
            db.session.commit()
            break
        except IntegrityError:
            # The record naming this photo arrived at the same moment and made its row.
            db.session.rollback()
            if attempt:
                raise
    photo = db.session.get(Photo, ident)
    if not may_see(photo, user):
        return api_error(404)
    response = jsonify(_body(photo))
    response.status_code = 201 if arrived else 200
    return response


def _mark_arrived(ident: str, user, size: int, content_type: str) -> bool:
    """Note that the bytes are here; whether this request was the one that brought them.

    The record naming the photo is touched so that its next pull carries the new state.
    """
    photo = db.session.get(Photo, ident, populate_existing=True)
    if photo is None:
        photo = Photo(id=ident, user_id=user.id)
        db.session.add(photo)
    elif photo.uploaded:
        return False
    photo.uploaded = True
    photo.size = size
    photo.content_type = content_type
    photo.path = ident
    photo.uploaded_at = utcnow()
    owner = owning_record(photo)
    if owner is not None:
        touch(owner)
    db.session.flush()
    return True


def owning_record(photo: Photo):
    """The finding or incident that names the photo, if it has arrived."""
    kind = REGISTRY.get(photo.record_type or "")
    if kind is None or not photo.record_id:
        return None
    return db.session.get(kind.model, photo.record_id)


@bp.route("/photos/<photo_id>", methods=["GET"])
@login_required_api
def photo_get(photo_id):
    """A photo's bytes, for people of the photo's site; 404 for anyone else or before arrival."""
    ident = normal_id(photo_id)
    if ident is None:
        return api_error(404)
    photo = db.session.get(Photo, ident)
    if photo is None or not photo.uploaded or not may_see(photo, g.api_user):
        return api_error(404)
    stored = photo_store().open(photo.path or ident)
    if stored is None:
        current_app.logger.error("photo %s is marked uploaded but its file is missing", ident)
        return api_error(404)
    return _send(stored, photo.content_type)


def _send(stored: StoredPhoto, content_type: str) -> Response:
    """Stream a stored photo through the app (same origin: the desk's session and CSP hold).

    As ``send_file`` would for a file: a length, an ETag and Last-Modified, ``304`` to a
    browser that has it, ranges. The stored bytes are closed when the response is.
    """
    response = Response(wrap_file(request.environ, stored.file), mimetype=content_type,
                        direct_passthrough=True)
    response.content_length = stored.size
    response.set_etag(stored.etag)
    if stored.last_modified is not None:
        response.last_modified = stored.last_modified
    try:
        response = response.make_conditional(request.environ, accept_ranges=True,
                                             complete_length=stored.size)
    except RequestedRangeNotSatisfiable:
        stored.file.close()
        raise
    response.headers["Cache-Control"] = "private, max-age=86400"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _too_large(limit: int):
    return api_error(413, "payload_too_large",
                     _("The photo is too large: at most %(mib)d MiB.", mib=limit // (1024 * 1024)),
                     details={"max_bytes": limit})
