"""Shift PINs (4–6 digits) that a post phone checks with no network.

A post phone holds the PIN hashes of the people of its site, so a PIN is only as strong
as a slow hash and the phone's throttle make it: PBKDF2-HMAC-SHA256 with a salt per
person, which WebCrypto computes natively on the phone (``static/js/lib/pins.js``). It
attributes records to a person at a shared phone; it is not a password and opens
nothing on the server. Stored as ``pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>``.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets

ITERATIONS = 60_000
# Who works shifts on post phones, and so has a PIN (``static/js/lib/pins.js`` too).
SHIFT_ROLES = ("guard", "staff", "manager")
PIN = re.compile(r"\A[0-9]{4,6}\Z")


def valid(pin: str | None) -> bool:
    return isinstance(pin, str) and PIN.match(pin) is not None


def hash_pin(pin: str, *, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    if not valid(pin):
        raise ValueError("a PIN is 4 to 6 digits")
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, iterations, dklen=32)
    return f"pbkdf2-sha256${iterations}${salt.hex()}${digest.hex()}"


def check_pin(stored: str | None, pin: str) -> bool:
    try:
        scheme, iterations, salt, digest = (stored or "").split("$")
    except ValueError:
        return False
    if scheme != "pbkdf2-sha256" or not valid(pin):
        return False
    mine = hashlib.pbkdf2_hmac("sha256", pin.encode(), bytes.fromhex(salt), int(iterations), dklen=32)
    return hmac.compare_digest(mine.hex(), digest)
