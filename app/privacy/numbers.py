"""Visitors' ID and phone numbers as the database indexes them, without holding them.

A number is stored encrypted (``app.privacy.columns.Sealed``); beside it the row keeps a
keyed MAC of its normalised form (``phone_mac``, ``id_mac``) for exact-match search and
watch-list matching, and, for phones, the last four digits (``phone_tail``), which the
office search has always matched and the masked form shows anyway. Without the data key
a MAC cannot be tried against guesses, so it gives nothing away.
"""
from __future__ import annotations

import re

from sqlalchemy import false
from sqlalchemy import or_

from app.privacy import keys

# Columns computed from the numbers; the sync engine neither reads nor writes them.
DERIVED = ("phone_mac", "id_mac", "phone_tail")
MIN_PHONE = 7  # digits a phone number needs before it is compared (as the gate's phones do)
MAX_PHONE = 15
TYPED_PHONE = re.compile(r"\A\+?[0-9 ()\-]+\Z")
ID_NUMBER = re.compile(r"\A[0-9A-Z]{5,32}\Z")
TAIL = re.compile(r"\A[0-9]{4}\Z")


def phone_key(value: str | None) -> str:
    """The digits phones compare (``app.models.gate.normalise_phone``)."""
    from app.models.gate import normalise_phone

    return normalise_phone(value)


def id_key(value: str | None) -> str:
    return (value or "").strip().upper()


def phone_mac(value: str | None) -> str | None:
    """The lookup MAC of a phone number, or ``None`` when it is too short to compare."""
    key = phone_key(value)
    return keys.lookup_mac("phone", key) if len(key) >= MIN_PHONE else None


def id_mac(value: str | None) -> str | None:
    key = id_key(value)
    return keys.lookup_mac("id", key) if key else None


def phone_tail(value: str | None) -> str | None:
    """The last four digits of a real phone number (never of a number that short)."""
    key = phone_key(value)
    return key[-4:] if len(key) >= MIN_PHONE else None


def searched(model, q: str) -> list:
    """Conditions under which a row of ``model`` (with the three derived columns) matches a
    search box's text: the whole phone number, the whole ID number, or a phone's last four
    digits. Empty when the text can be none of these."""
    return tail_searched(model, q) + whole_searched(model, q)


def tail_searched(model, q: str) -> list:
    """A phone's last four digits, as typed."""
    text = (q or "").strip()
    return [model.phone_tail == text] if TAIL.match(text) else []


def whole_searched(model, q: str) -> list:
    """A whole phone or ID number, by its lookup MAC (each has its own index)."""
    text = (q or "").strip()
    conditions = []
    if TYPED_PHONE.match(text) and MIN_PHONE <= len(phone_key(text)) <= MAX_PHONE:
        conditions.append(model.phone_mac == phone_mac(text))
    number = id_key(text)
    if ID_NUMBER.match(number) and any(ch.isdigit() for ch in number):
        conditions.append(model.id_mac == id_mac(number))
    return conditions


def matches_any(model, q: str):
    """``searched`` as one condition (false when there is none)."""
    conditions = searched(model, q)
    return or_(*conditions) if conditions else false()
