"""A photo taken in at the desk (a scan of a signed form): kept like a phone's upload, then
named by the record the desk submits, so it is shown and guarded the same way."""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext

from app.api.photos import sniff
from app.extensions import db
from app.models import Photo
from app.models import new_id
from app.models import utcnow
from app.office.desk_push import Refused
from app.photostore import photo_store


def keep(upload, user, field: str = "photo") -> str | None:
    """The new photo's id, or ``None`` when no file was chosen.

    :raises Refused: too large, or not a JPEG or PNG
    """
    if upload is None or not upload.filename:
        return None
    limit = current_app.config["PHOTO_MAX_BYTES"]
    body = upload.stream.read(limit + 1)
    if len(body) > limit:
        raise Refused(gettext("The photo is larger than %(mb)s MB.", mb=limit // (1024 * 1024)), field)
    content_type = sniff(body) if body else None
    if content_type is None:
        raise Refused(gettext("Only JPEG or PNG photos are accepted."), field)
    ident = new_id()
    photo_store().put_if_absent(ident, body, content_type)
    db.session.add(Photo(id=ident, user_id=user.id, uploaded=True, size=len(body), content_type=content_type,
                         path=ident, uploaded_at=utcnow()))
    db.session.flush()
    return ident
