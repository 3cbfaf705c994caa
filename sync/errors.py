"""Named outcomes a handler raises instead of returning: rejected or deferred."""
from __future__ import annotations


class SyncError(Exception):
    """Base of the engine's own exceptions."""


class Rejected(SyncError):
    """The mutation is journaled but not applied; ``errors`` maps field -> English msgids."""

    def __init__(self, errors: dict[str, list[str]], code: str | None = None):
        super().__init__(errors)
        self.errors = errors
        self.code = code


class Deferred(SyncError):
    """The mutation waits for the entity ``waiting_for`` to arrive, then applies by itself."""

    def __init__(self, waiting_for: str):
        super().__init__(waiting_for)
        self.waiting_for = waiting_for


class Raced(SyncError):
    """Another transaction journaled some of this push's ids first: roll back, run it again."""

    def __init__(self, mutation_ids: list[str]):
        super().__init__(f"journaled meanwhile by another push: {', '.join(mutation_ids[:5])}")
        self.mutation_ids = mutation_ids


class UnknownType(SyncError):
    """No handler is registered for this mutation type."""


def reject(field: str, message: str, code: str | None = None) -> Rejected:
    """A one-field rejection, for ``raise reject("site_id", messages.OTHER_SITE)``."""
    return Rejected({field: [message]}, code)
