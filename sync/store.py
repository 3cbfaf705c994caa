"""The storage interface the engine talks to; the app implements it with SQLAlchemy.

Records cross this interface as plain dicts of plain values (str, int, bool, Decimal,
aware datetime, lists and dicts), keyed by *kind*; reference data (sites, people, places,
items) is read-only here and comes back as small frozen views. A store never commits: the
caller owns the transaction, so journal and effects land together or not at all.
"""
from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from decimal import Decimal
from typing import Any
from typing import Iterable
from typing import Protocol

from sync.envelope import DeviceState
from sync.envelope import JournalEntry

# What the engine writes, by kind; each is a table on the app side.
KINDS = (
    "visit", "incident", "patrol", "checkpoint_visit", "finding", "stock_check",
    "stock_count", "followup", "followup_event", "conflict", "photo", "complaint", "complaint_reply",
    "shift", "repair", "repair_work", "stock_movement", "attendance", "worklog_note",
    "inspection", "manager_report", "checklist_signoff", "meeting",
)
# Read-only places and things: keys each view carries.
REFERENCE_KINDS = {
    "checkpoint": ("id", "site_id", "active"),
    "route": ("id", "site_id", "name", "checkpoint_ids", "active"),
    "store": ("id", "site_id"),
    "item": ("id", "site_id", "store_id", "name", "tolerance", "active"),
    # A decoration permit (装修许可) as the rules judge a visit or finding that names it.
    "permit": ("id", "site_id", "unit_code", "status", "start_date", "end_date", "closed_on"),
}


POST_ROLE = "post"  # a gate post's shared phone: records in the name of the person on shift


@dataclass(frozen=True)
class UserRef:
    """A person as the rules see them: role, post, team lead, the sites they may act for."""

    id: str
    role: str
    post: str | None = None
    is_team_lead: bool = False
    site_ids: tuple[str, ...] = ()
    active: bool = True


@dataclass(frozen=True)
class SiteRef:
    """A site with its settings already merged with the defaults."""

    id: str
    settings: dict[str, Any] = field(default_factory=dict)
    timezone: str = "Asia/Shanghai"


class Store(Protocol):
    """What ``reconcile`` needs from storage. See ``testing.StoreContract`` for the rules."""

    # -- journal -----------------------------------------------------------------------
    def fingerprint(self, raw: dict[str, Any]) -> str:
        """The content hash journaled with a body, to tell a retry from a reused id.

        ``envelope.content_hash`` unless the store keeps some fields of bodies secret: then
        a keyed hash, so that the fingerprint cannot be used to guess what was hidden. The
        same body must always give the same fingerprint.
        """

    def claim(self, entries: list[JournalEntry]) -> set[str]:
        """Insert journal rows for ids never seen; return the ids this call inserted.

        The engine claims each new row once, already decided, at the end of the push.

        The unique key on the mutation id decides races: of two transactions claiming one
        id at once, exactly one gets it back; the other sees it as already journaled.
        """

    def journal(self, mutation_ids: Iterable[str], *, bodies: bool = True) -> dict[str, JournalEntry]:
        """Journal rows by mutation id (missing ids are left out).

        With ``bodies=False`` each entry's ``raw`` is ``{}``: answering a repeat needs only
        its hash, status and first answer, and the body is the dearest column to read (a
        store that seals bodies decrypts them).
        """

    def save_journal(self, entries: Iterable[JournalEntry]) -> None:
        """Write back what deciding a journaled row sets: status, result, times, reuses.

        The body and the arrival fields are written once, by ``claim``, and never again.
        """

    def count_duplicates(self, repeats: dict[str, int]) -> None:
        """Add ``repeats[id]`` to each journaled row's ``duplicates`` counter."""

    def waiting_for(self, entity_ids: Iterable[str]) -> list[JournalEntry]:
        """Deferred rows waiting for any of these entity ids."""

    # -- devices -----------------------------------------------------------------------
    def device(self, device_id: str) -> DeviceState | None: ...

    def save_device(self, state: DeviceState) -> None: ...

    # -- records -----------------------------------------------------------------------
    def get(self, kind: str, ident: str, *, for_update: bool = False) -> dict[str, Any] | None:
        """One record as a fresh dict (mutating it changes nothing until ``put``)."""

    def get_many(self, kind: str, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Several records in one go; also primes the store for later ``get`` calls."""

    def find(self, kind: str, **equals: Any) -> list[dict[str, Any]]:
        """Records whose fields equal the given values, in id order."""

    def put(self, kind: str, record: dict[str, Any], *, new: bool = False) -> None:
        """Insert or update by ``record["id"]``; the store keeps ``version`` itself.

        ``new=True`` promises the id is not stored yet, so the store need not look.
        """

    # -- reference data ----------------------------------------------------------------
    def user(self, user_id: str) -> UserRef | None: ...

    def site_users(self, site_id: str) -> list[UserRef]:
        """Active people posted to a site, in id order."""

    def site(self, site_id: str) -> SiteRef | None: ...

    def reference(self, kind: str, ident: str) -> dict[str, Any] | None:
        """A checkpoint, route, store or item as a dict of ``REFERENCE_KINDS[kind]``."""

    def book_quantity(self, item_id: str, at: datetime) -> Decimal:
        """The item's book quantity from its movements up to and including ``at``.

        Movements the engine itself writes (kind ``stock_movement``: materials a repair
        used) count from the moment they are ``put``.
        """
