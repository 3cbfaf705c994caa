"""Photos a record names: known before they arrive, so a record can say what is missing."""
from __future__ import annotations

from typing import Any

from sync.context import Context


def name_photos(ctx: Context, photo_ids: list[str], *, site_id: str, record_type: str,
                record_id: str) -> None:
    """Note each photo a record names; an upload may come before or after the record."""
    for photo_id in photo_ids:
        photo = ctx.store.get("photo", photo_id)
        if photo is None:
            ctx.store.put("photo", {
                "id": photo_id, "site_id": site_id, "user_id": ctx.actor.id,
                "record_type": record_type, "record_id": record_id, "uploaded": False,
                "size": None, "path": None, "content_type": None, "uploaded_at": None,
            })
        elif photo.get("record_id") is None:
            photo.update(site_id=site_id, record_type=record_type, record_id=record_id)
            ctx.store.put("photo", photo)


def named(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The photos raw mutation data names, as (kind, id) for prefetching."""
    ids = data.get("photo_ids")
    if not isinstance(ids, list):
        return []
    return [("photo", i.lower()) for i in ids if isinstance(i, str)]


def photo_state(photo_ids: list[str], uploaded_ids: set[str]) -> dict[str, Any]:
    """``{"named": 3, "missing": 2, "complete": False}`` for the phone's record view."""
    missing = [p for p in photo_ids if p not in uploaded_ids]
    return {"named": len(photo_ids), "missing": len(missing), "complete": not missing}
