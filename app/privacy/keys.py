"""The data key, and the two keys derived from it: one encrypts, one makes lookup MACs.

The data key never lives in the database: it comes from ``DATA_KEY`` (config or
environment, 32 bytes as URL-safe base64) or from ``instance/data_key``, created once,
owner-only. It is read on first use, so code that never touches personal data never
needs it. Losing it makes every stored ID and phone number unreadable: back it up apart
from the database.
"""
import base64
import hashlib
import hmac
import os
import secrets

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

from app import config

PREFIX = "v1:"


class DataKeyError(RuntimeError):
    """The configured data key cannot be used."""


def _decode(text: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except ValueError as exc:
        raise DataKeyError("DATA_KEY is not URL-safe base64") from exc
    if len(raw) != 32:
        raise DataKeyError("DATA_KEY must decode to 32 bytes")
    return raw


def new_key_text() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")


def _load() -> bytes:
    configured = current_app.config.get("DATA_KEY") or os.environ.get("DATA_KEY")
    if configured:
        return _decode(configured)
    path = config.private_instance() / "data_key"
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(new_key_text())
    return _decode(path.read_text())


def _derived(purpose: bytes) -> bytes:
    cache = current_app.extensions.setdefault("privacy_keys", {})
    if purpose not in cache:
        root = cache.get(b"root")
        if root is None:
            root = cache[b"root"] = _load()
        cache[purpose] = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                              info=b"estate-patrol " + purpose).derive(root)
    return cache[purpose]


def _aead() -> AESGCM:
    """The cipher, keyed once per app: a push seals and opens a thousand values."""
    cache = current_app.extensions.setdefault("privacy_keys", {})
    cipher = cache.get("aead")
    if cipher is None:
        cipher = cache["aead"] = AESGCM(_derived(b"encrypt"))
    return cipher


def encrypt(value: str | None, context: str) -> str | None:
    """AES-256-GCM with a random nonce; ``context`` (e.g. ``visit.phone``) is bound as AAD,
    so a ciphertext copied into another column does not decrypt."""
    if value is None or value == "":
        return value
    nonce = secrets.token_bytes(12)
    sealed = _aead().encrypt(nonce, value.encode("utf-8"), context.encode())
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")


def decrypt(token: str | None, context: str) -> str | None:
    if token is None or token == "":
        return token
    if not token.startswith(PREFIX):
        raise DataKeyError("not an encrypted value")
    body = token[len(PREFIX):]
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    plain = _aead().decrypt(raw[:12], raw[12:], context.encode())
    return plain.decode("utf-8")


def is_encrypted(value) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def lookup_mac(kind: str, value: str | None) -> str | None:
    """A keyed HMAC for exact-match search (``kind`` is ``phone``, ``id`` or ``plate``):
    equal normalised values give equal MACs; without the key nothing can be tried."""
    if not value:
        return None
    return hmac.new(_derived(b"lookup"), f"{kind}:{value}".encode("utf-8"),
                    hashlib.sha256).hexdigest()
