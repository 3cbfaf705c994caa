"""What a reviewer does with a conflict: accept the kept value, or put the lost one back.

Putting a value back never edits history in place: a follow-up gets a NEW event through
the follow-up desk (the same policy and replay as any other change), and a stock count is
made the standing count of its item again, the way the sync settles counts. A conflict is
decided once; the conflict row is locked (after the change-log lock, in the same order as
the sync takes them) so that two reviewers cannot both act on it.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.models import Conflict
from app.models import FollowUp
from app.models import StockCount
from app.models import utcnow
from app.models.base import _serialise_writers
from sync.context import derived_id

# A lost status is put back by the desk action that leads to it; a resolved follow-up is
# closed by verifying it (the desk's "close" resolves and verifies an open one).
STATUS_ACTIONS = {"in_progress": "start", "resolved": "resolve", "closed": "close", "open": "reopen"}


def status_action(current: str, lost: str) -> str | None:
    if lost == "closed" and current == "resolved":
        return "verify"
    return STATUS_ACTIONS.get(lost)


class Refusal(Exception):
    """A reviewer's action that cannot be done, with the reason to show and the HTTP status."""

    def __init__(self, message: str, status: int = 409):
        super().__init__(message)
        self.message = message
        self.status = status


def lock(conflict_id: str) -> Conflict:
    _serialise_writers(db.session)
    return db.session.scalar(select(Conflict).where(Conflict.id == conflict_id).with_for_update())


def _undecided(conflict: Conflict) -> None:
    if conflict.reviewed_at is not None:
        raise Refusal(_("This conflict was already reviewed; nothing was changed."))


def _decide(conflict: Conflict, actor, resolution: str) -> None:
    conflict.reviewed_at = utcnow()
    conflict.reviewed_by = actor.id
    conflict.resolution = resolution


def accept(conflict: Conflict, actor) -> None:
    """The kept value stands; the conflict leaves the waiting list."""
    _undecided(conflict)
    _decide(conflict, actor, "accepted")


def restore(conflict: Conflict, actor) -> None:
    """Put the lost value back by a new change and mark the conflict ``restored``.

    The conflict is marked first: the desk commits the follow-up's new event, and the
    decision must be in that same transaction (a refusal rolls both back).
    """
    _undecided(conflict)
    if conflict.entity_type == "followup" and conflict.field in ("status", "assignee_id"):
        _decide(conflict, actor, "restored")
        _restore_followup(conflict, actor)
    elif conflict.entity_type == "stock_count" and conflict.field == "counted_qty":
        _decide(conflict, actor, "restored")
        _restore_count(conflict, actor)
    else:
        raise Refusal(_("This kind of value cannot be put back; accept the conflict instead."), 422)


def _restore_followup(conflict: Conflict, actor) -> None:
    from app.followups.desk import Refused
    from app.followups.desk import perform

    followup = db.session.get(FollowUp, conflict.entity_id)
    if followup is None or followup.deleted_at is not None:
        raise Refusal(_("The record this conflict is about no longer exists."), 422)
    if getattr(followup, conflict.field) == conflict.lost:
        raise Refusal(_("The lost value is already in place; accept the conflict instead."))
    try:
        if conflict.field == "status":
            action = status_action(followup.status, conflict.lost)
            if action is None:
                raise Refusal(_("This kind of value cannot be put back; accept the conflict instead."), 422)
            perform(actor, followup.id, action)
        else:
            perform(actor, followup.id, "assign", assignee_id=conflict.lost)
    except Refused as refused:
        raise Refusal(refused.message, 422) from refused


def _restore_count(conflict: Conflict, actor) -> None:
    """The lost count stands again; the others of its item in the check are superseded.

    The item's follow-up (if a difference opened one) moves to the standing count, as the
    sync would link it, and gets a note saying which count now stands; it is not opened or
    withdrawn here: the people working it decide with the new figure in front of them.
    """
    lost = db.session.get(StockCount, conflict.entity_id)
    if lost is None or lost.deleted_at is not None:
        raise Refusal(_("The record this conflict is about no longer exists."), 422)
    counts = list(db.session.scalars(
        select(StockCount).where(StockCount.check_id == lost.check_id, StockCount.item_id == lost.item_id,
                                 StockCount.deleted_at.is_(None)).with_for_update()))
    if not lost.superseded:
        raise Refusal(_("The lost value is already in place; accept the conflict instead."))
    if any(c.review for c in counts):
        raise Refusal(_("A manager has already decided on this item's difference; the count cannot "
                        "be changed any more."), 422)
    followup_id = next((c.followup_id for c in counts if c.followup_id), None)
    for count in counts:
        count.superseded = count.id != lost.id
        count.followup_id = followup_id if count.id == lost.id else None
    ident = followup_id or derived_id("followup", "stock", lost.check_id, lost.item_id)
    followup = db.session.get(FollowUp, ident)
    if followup is not None and followup.status != "closed":
        _note(actor, followup.id, lost)


def _note(actor, followup_id: str, count: StockCount) -> None:
    """Tell the people on the item's follow-up which count stands now (in the company's language)."""
    from app.followups.desk import Refused
    from app.followups.desk import perform
    from app.review.conflict_rows import quantity

    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        text = _("After review the count of %(qty)s (book %(book)s, difference %(diff)s) stands for this item.",
                 qty=quantity(count.counted_qty), book=quantity(count.book_qty),
                 diff=quantity(count.difference))
    try:
        perform(actor, followup_id, "note", note=text)
    except Refused:
        pass  # the note is a courtesy; the count stands either way
