"""Password hashing: Argon2id for every new hash; werkzeug's older hashes still verify.

The parameters live here and nowhere else. They are RFC 9106's second recommendation
(the "low memory" profile): 64 MiB, 3 passes, 4 lanes, which is above OWASP's minimum for
Argon2id (19 MiB, 2 passes, 1 lane). One hash or check costs about 0.1 s on one core.

Hashes made before Argon2 (werkzeug's ``pbkdf2:…`` and ``scrypt:…``) still verify; a
correct password stored that way, or with parameters other than these, is re-hashed at
the next successful sign-in (``needs_rehash``).
"""
import os

from argon2 import PasswordHasher
from argon2 import Type
from argon2.exceptions import InvalidHashError
from argon2.exceptions import VerificationError
from werkzeug.security import check_password_hash

#: passes over memory, KiB of memory (64 MiB), lanes
STANDARD = {"time_cost": 3, "memory_cost": 64 * 1024, "parallelism": 4}
#: The test suite's: the same algorithm and code at a fraction of the cost, so that its
#: thousands of sign-ins take seconds, not minutes. ``ESTATE_PASSWORD_PROFILE=test`` in the
#: environment selects it (``tests/conftest.py`` sets it; the servers tests start inherit
#: it); nothing else does, and ``create_app`` warns when an app that is not testing runs
#: with it.
TEST = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
PROFILE = "test" if os.environ.get("ESTATE_PASSWORD_PROFILE") == "test" else "standard"
PARAMETERS = TEST if PROFILE == "test" else STANDARD
TIME_COST, MEMORY_COST, PARALLELISM = (PARAMETERS[k] for k in ("time_cost", "memory_cost", "parallelism"))
HASH_LEN = 32
SALT_LEN = 16

#: Passwords set through the pages, the API or the CLI. The demo seed's documented
#: ``demo1234`` is stored as a hash directly and so is not held to this.
MIN_LENGTH = 10
MAX_LENGTH = 200

HASHER = PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_COST, parallelism=PARALLELISM,
                        hash_len=HASH_LEN, salt_len=SALT_LEN, type=Type.ID)
ARGON2ID = "$argon2id$"
LEGACY = ("pbkdf2:", "scrypt:")
_DUMMY = {}


def hash_password(password: str) -> str:
    """An Argon2id hash (``$argon2id$v=19$m=65536,t=3,p=4$…`` with the standard profile)."""
    return HASHER.hash(password)


def verify(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored`` (Argon2id, or werkzeug's pbkdf2/scrypt)."""
    if not stored:
        return False
    if stored.startswith(ARGON2ID):
        try:
            return HASHER.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
    if stored.startswith(LEGACY):
        return check_password_hash(stored, password)
    return False


def needs_rehash(stored: str) -> bool:
    """Whether a hash that just verified should be replaced by one with today's parameters."""
    if not stored.startswith(ARGON2ID):
        return True
    try:
        return HASHER.check_needs_rehash(stored)
    except InvalidHashError:
        return True


def spend_time(password: str) -> None:
    """Verify against a throwaway hash, so that an unknown username answers as slowly as a
    known one and sign-in timing does not tell which usernames exist."""
    if "hash" not in _DUMMY:
        _DUMMY["hash"] = hash_password("not a password anyone has")
    verify(_DUMMY["hash"], password)
