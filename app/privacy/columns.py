"""Column types that keep visitors' numbers encrypted at rest, transparently to the code.

``Sealed`` encrypts a number on its way into the database and decrypts it on its way out,
so ``visit.phone`` is the number in Python and ciphertext in SQL. SQL can therefore never
compare or search it: exact matches go through the lookup MACs of ``app.privacy.numbers``.
``SealedBody`` and ``SealedReuses`` do the same for the numbers inside the sync journal's
JSON (``app.privacy.journal``).
"""
from sqlalchemy import JSON
from sqlalchemy import String
from sqlalchemy.types import TypeDecorator

from app.privacy import journal
from app.privacy import keys

# "v1:" + base64 of nonce, text and tag: 83 characters for a 32-character ID number.
WIDTH = 255


class Sealed(TypeDecorator):
    """A short text encrypted with the data key, bound to ``context`` (e.g. ``visit.phone``)."""

    impl = String
    cache_ok = True

    def __init__(self, context: str, length: int = WIDTH):
        super().__init__(length)
        self.context = context

    def process_bind_param(self, value, dialect):
        return keys.encrypt(value, self.context)

    def process_result_value(self, value, dialect):
        # Not ciphertext: written before migration 0007 encrypted the table; shown as it is.
        return keys.decrypt(value, self.context) if keys.is_encrypted(value) else value


class SealedBody(TypeDecorator):
    """A mutation's JSON body with its ID and phone numbers sealed."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return journal.seal(value)

    def process_result_value(self, value, dialect):
        return journal.open_(value)


class SealedReuses(TypeDecorator):
    """The list of bodies that reused a mutation id, each body sealed like ``SealedBody``."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return journal.seal_reuses(value)

    def process_result_value(self, value, dialect):
        return journal.open_reuses(value)
