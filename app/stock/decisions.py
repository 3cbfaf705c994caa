"""The manager's decision on a stock difference, as one policy every caller shares.

A standing count that differs from the books is either **approved** (the books are wrong:
one adjusting movement, 盘点调整, brings them to what was counted) or **sent back** for a
recount (the count is doubted: its follow-up goes back to the person who counted). The
desk page calls these functions today; a phone action can call the same ones later, so
the rules live here and nowhere else. Each refusal raises ``Refused`` with a translated
message before anything is written. The follow-up's part goes last through the follow-up
desk, which commits the whole decision (or, refusing, rolls it all back).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import Item
from app.models import Site
from app.models import StockCheck
from app.models import StockCount
from app.models import StockMovement
from app.models import Store
from app.models import book_quantities
from app.models import utcnow
from app.models.base import _serialise_writers
from app.models.base import touch
from app.followups import desk
from app.scoping import visible_site_ids
from app.stock import followups

APPROVED, RECOUNT = "approved", "recount"
DECIDERS = ("manager", "supervisor", "admin")
MAX_NOTE = 255


class Refused(Exception):
    """A decision that may not be taken; ``message`` says why in the user's language."""

    def __init__(self, message, status: int = 409):
        super().__init__(str(message))
        self.message = message
        self.status = status


@dataclass
class Approval:
    count: StockCount
    movement: StockMovement


def may_decide(user, site_id: str) -> bool:
    """The site's manager, a supervisor of the site, or an admin of its company."""
    return (user is not None and user.is_authenticated and user.role in DECIDERS
            and site_id in visible_site_ids(user))


def _locked(count_id: str) -> StockCount | None:
    """The count, locked in the sync's order (change log first, then the row), re-read."""
    _serialise_writers(db.session)
    return db.session.scalar(select(StockCount).where(StockCount.id == count_id)
                             .with_for_update().execution_options(populate_existing=True))


def _decidable(count_id: str, user) -> tuple[StockCount, StockCheck]:
    """The count, if a decision on it is allowed now; else ``Refused`` saying why."""
    count = _locked(count_id)
    if count is None or count.deleted_at is not None or count.site_id not in visible_site_ids(user):
        raise Refused(_l("This count is not one of your sites'."), 404)
    if not may_decide(user, count.site_id):
        raise Refused(_l("Only the site's manager, a supervisor or an admin decides on stock "
                         "differences."), 403)
    check = db.session.get(StockCheck, count.check_id)
    if check is None or check.finished_at is None:
        raise Refused(_l("This check is not finished yet; decide once the person counting has "
                         "finished it."))
    if count.superseded:
        raise Refused(_l("This count was replaced by a later count of the same item; decide on "
                         "the later one."))
    if count.difference == 0:
        raise Refused(_l("This count agrees with the books; there is nothing to decide."))
    if count.review == APPROVED:
        raise Refused(_l("This difference was already approved and the books adjusted."))
    if count.review == RECOUNT:
        raise Refused(_l("This item was already sent back for a recount; decide on the new count."))
    return count, check


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def approve(count_id: str, user, note: str | None = None, now: datetime | None = None) -> Approval:
    """Accept the count: one adjusting movement (in when more was counted than the books
    hold, out when less) of the difference, and the item's version rises so that phones
    pull its new book quantity."""
    now = now or utcnow()
    note = _clean(note)
    if len(note) > MAX_NOTE:
        raise Refused(_l("The note is too long (at most %(n)d characters).", n=MAX_NOTE), 422)
    count, check = _decidable(count_id, user)
    item = db.session.scalar(select(Item).where(Item.id == count.item_id).with_for_update())
    direction = "in" if count.difference > 0 else "out"
    quantity = abs(Decimal(count.difference))
    if direction == "out":
        available = book_quantities([item.id], now)[item.id]
        if quantity > available:
            raise Refused(_l("Only %(available)s %(unit)s are in the books now; approving would make "
                             "them negative. Check the movements since the count first.",
                             available=plain(available), unit=item.unit))
    site = db.session.get(Site, count.site_id)
    movement = StockMovement(
        site_id=count.site_id, item_id=item.id, direction=direction, quantity=quantity, occurred_at=now,
        reference=_reference(count, site, now), note=_movement_note(count, check, site)[:MAX_NOTE],
        user_id=user.id)
    db.session.add(movement)
    db.session.flush()
    count.review = APPROVED
    count.reviewed_by = user.id
    count.reviewed_at = now
    count.review_note = note or None
    count.adjustment_id = movement.id
    touch(item)  # the book quantity is derived from movements: phones pull the item again
    _through_desk(followups.close_approved, count, user, _settled_note(movement, item, note))
    return Approval(count, movement)


def send_back(count_id: str, user, reason: str | None, now: datetime | None = None) -> StockCount:
    """Doubt the count: it is marked ``recount`` with the reason, and the difference's
    follow-up goes back to ``open`` with the person who counted, so their phone asks again."""
    now = now or utcnow()
    reason = _clean(reason)
    if not reason:
        raise Refused(_l("Say why the item must be counted again."), 422)
    if len(reason) > MAX_NOTE:
        raise Refused(_l("The reason is too long (at most %(n)d characters).", n=MAX_NOTE), 422)
    count, check = _decidable(count_id, user)
    count.review = RECOUNT
    count.reviewed_by = user.id
    count.reviewed_at = now
    count.review_note = reason
    count.followup_id = followups.followup_id(count)
    _through_desk(followups.ask_recount, count, check, user, reason, now)
    return count


def _through_desk(step, *args):
    """The follow-up's part, last (the desk commits); its refusal undoes the decision."""
    try:
        step(*args)
    except desk.Refused as refused:
        db.session.rollback()
        raise Refused(refused.message) from None


# -- the adjusting movement -------------------------------------------------------------

def _reference(count: StockCount, site: Site, now: datetime) -> str:
    """``PD-<yyyymmdd>-<short>`` (盘点调整单号): the site's date and the count's id, unique."""
    day = now.astimezone(ZoneInfo(site.timezone)).strftime("%Y%m%d")
    digits = count.id.replace("-", "").upper()
    for size in (8, 12, 32):
        reference = f"PD-{day}-{digits[:size]}"
        taken = db.session.scalar(select(StockMovement.id).where(StockMovement.reference == reference).limit(1))
        if taken is None:
            return reference
    raise Refused(_l("This difference was already approved and the books adjusted."))


def _movement_note(count: StockCount, check: StockCheck, site: Site) -> str:
    """Which check the adjustment comes from, in the company's language (the ledger's)."""
    store = db.session.get(Store, check.store_id) if check.store_id else None
    started = check.started_at.astimezone(ZoneInfo(site.timezone)).strftime("%Y-%m-%d %H:%M")
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return gettext("Stock check adjustment: check of %(store)s started %(started)s; counted %(counted)s "
                       "against %(book)s in the books.",
                       store=store.name if store else site.name, started=started,
                       counted=plain(count.counted_qty), book=plain(count.book_qty))


def _settled_note(movement: StockMovement, item: Item, note: str) -> str:
    """The follow-up's closing note, in the company's language like the ledger's."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        text = gettext("Difference approved; the books were adjusted by %(reference)s.",
                       reference=movement.reference)
    return f"{text} {note}".strip() if note else text


def plain(value) -> str:
    """``12`` rather than ``12.000``."""
    return format(Decimal(value).normalize(), "f")
