"""What one mutation may not carry, checked before anything of it is stored.

A journal row must always be writable, whatever a phone (or an attacker) sent: text with
NUL or lone surrogates cannot be stored by PostgreSQL or encoded as UTF-8, integers past
2^53 do not fit a BIGINT or a JavaScript number, and a deeply nested body costs the
server stack and time. Such a mutation is rejected on its own, with the reason, and what
is journaled is a cleaned copy (bad characters replaced, deep parts and huge numbers cut),
so the rest of the push still applies and the phone's outbox moves on.
"""
from __future__ import annotations

import re
from typing import Any

from sync import messages as m

MAX_DEPTH = 12
MAX_INT = 2**53
MAX_KEY = 64
CUT = "…"


# NUL and lone surrogates (the "Cs" category is exactly U+D800 to U+DFFF).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _bad_text(text: str) -> bool:
    return _UNSTORABLE.search(text) is not None


def _clean_text(text: str) -> str:
    return _UNSTORABLE.sub("\ufffd", text)


def problems(raw: dict[str, Any]) -> dict[str, list[str]]:
    """Field messages for what cannot be stored; empty when the mutation is storable."""
    found: dict[str, list[str]] = {}

    def walk(value: Any, path: str, depth: int) -> None:
        if depth > MAX_DEPTH:
            found.setdefault(path or "data", [m.TOO_DEEP])
            return
        if isinstance(value, str):
            if _bad_text(value):
                found.setdefault(path, [m.BAD_CHARACTERS])
        elif isinstance(value, bool) or value is None or isinstance(value, float):
            return
        elif isinstance(value, int):
            if not -MAX_INT <= value <= MAX_INT:
                found.setdefault(path, [m.NUMBER_TOO_LARGE])
        elif isinstance(value, dict):
            for key, item in value.items():
                name = key if isinstance(key, str) and not _bad_text(key) and len(key) <= MAX_KEY else "data"
                walk(item, name if depth <= 1 else path, depth + 1)
                if isinstance(key, str) and (len(key) > MAX_KEY or _bad_text(key)):
                    found.setdefault(path or "data", [m.BAD_CHARACTERS])
        elif isinstance(value, list):
            for item in value:
                walk(item, path, depth + 1)

    walk(raw, "", 0)
    return found


def cleaned(value: Any, depth: int = 0) -> Any:
    """A copy that any database stores: bad characters replaced, deep parts and huge numbers cut."""
    if depth > MAX_DEPTH:
        return CUT
    if isinstance(value, str):
        return _clean_text(value) if _bad_text(value) else value
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return value
    if isinstance(value, int):
        return value if -MAX_INT <= value <= MAX_INT else str(value)[:40]
    if isinstance(value, dict):
        return {(_clean_text(k)[:MAX_KEY] if isinstance(k, str) else str(k)): cleaned(v, depth + 1)
                for k, v in value.items()}
    if isinstance(value, list):
        return [cleaned(v, depth + 1) for v in value]
    return str(value)[:40]
