"""The watch list's full numbers on guards' phones: one Bloom filter per site.

A guard who types a full phone number, ID number or plate must learn offline whether it is
on the site's watch list; the phone must not hold anything from which an entry's number
can be worked out. Each site's phones therefore get one filter (a ``watch_filter``
reference row, id = the site's id) built from the normalised phone numbers, ID numbers
and plates of all the site's active entries together, never a value per entry:

- An item ``(kind, value)`` sets ``K`` = 10 bits: SHA-256 of ``"<salt>:<kind>:<value>"``
  gives ``h1`` (bytes 0–3) and an odd ``h2`` (bytes 4–7, big-endian), and bit ``i`` is
  ``(h1 + i·h2) mod m``. ``m`` is a power of two, so the 10 bits are distinct.
- ``m`` is at least 1024 and large enough that the entries set under 40 % of the bits;
  then bits from a stream only the server can compute (a keyed MAC of the site) are set
  until exactly half the bits are set. Whatever the number of entries, any value not on
  the list then passes with probability about ``0.5^10`` ≈ 1/1000: a guard sees "possibly
  on the watch list" for about one visitor in a thousand, and asks.
- The salt is public, per site, and stable (derived from the server's key), so the
  filter a phone holds is the same function of the list every time it is rebuilt.

Why that is not reversible enough to matter: a watch row shows ``139****1111``, which
leaves 10^4 numbers. Tried against the filter, the true one passes, and so do about 10
others (1/1000 each); nothing in the filter says which bits belong to which entry, so
the phone cannot tell the true number from those 10. An ID row shows only its last four
characters and a plate its ends, leaving far more candidates (10^7 and more for an ID),
so thousands pass. Were the salt changed at each rebuild, two filters would each pass 1 in
1000 independently and together single the number out; it is therefore kept.

What it does not hide: someone who keeps every filter a phone receives and compares the
one before an entry was added with the one after sees the bits that entry added, and
with its mask can narrow it to very few numbers. That is a deliberate attack on a phone
over time; the server's own match at sync (``app/gate/watch.py``) needs no filter at all.

``static/js/lib/watchfilter.js`` computes the same bits; both are tested against each
other (``tests/browser/test_gate.py``).
"""
from __future__ import annotations

import base64
import hashlib

K = 10
MIN_BITS = 1024
TRUE_FILL = 0.4  # the entries alone set less than this share of the bits...
FILL = 0.5  # ...and noise brings it to exactly this: 0.5 ** 10 ≈ 1/1000


def positions(salt: str, kind: str, value: str, m: int, k: int = K) -> list[int]:
    """The ``k`` bits of one item in a filter of ``m`` bits (``m`` a power of two)."""
    digest = hashlib.sha256(f"{salt}:{kind}:{value}".encode("utf-8")).digest()
    h1 = int.from_bytes(digest[0:4], "big")
    h2 = int.from_bytes(digest[4:8], "big") | 1
    return [(h1 + i * h2) % m for i in range(k)]


def size_for(items: int) -> int:
    """The number of bits for ``items`` values: a power of two, at least ``MIN_BITS``,
    with the expected share of bits they set below ``TRUE_FILL``."""
    m = MIN_BITS
    # 1 - e^(-items·K/m) < 0.4  <=>  m > items·K / ln(1/0.6) ≈ items·K·1.96
    while m * 0.51 < items * K:
        m *= 2
    return m


def build(salt: str, items: list[tuple[str, str]], noise) -> dict:
    """The filter of ``items`` (kind, normalised value) as its reference row carries it.

    :param noise: an iterator of integers only the server can compute; bits it names are
        set (if not set yet) until half of all bits are
    """
    if not items:
        return {"salt": salt, "k": K, "m": 0, "bits": ""}
    m = size_for(len(items))
    bits = bytearray(m // 8)
    set_count = 0

    def set_bit(i: int) -> bool:
        if bits[i >> 3] & (1 << (i & 7)):
            return False
        bits[i >> 3] |= 1 << (i & 7)
        return True

    for kind, value in items:
        for i in positions(salt, kind, value, m):
            set_count += set_bit(i)
    target = int(m * FILL)
    for i in noise:
        if set_count >= target:
            break
        set_count += set_bit(i % m)
    return {"salt": salt, "k": K, "m": m, "bits": base64.b64encode(bytes(bits)).decode("ascii")}


def may_hold(row: dict, kind: str, value: str) -> bool:
    """What the phone asks: could ``value`` be on the list? (Never a false "no".)"""
    m = row.get("m") or 0
    if not m or not value:
        return False
    bits = base64.b64decode(row["bits"])
    return all(bits[i >> 3] & (1 << (i & 7)) for i in positions(row["salt"], kind, value, m, row["k"]))


def noise_stream(seed: str):
    """Integers from a secret seed (SHA-256 in counter mode), four bytes at a time."""
    counter = 0
    while True:
        block = hashlib.sha256(f"{seed}:{counter}".encode()).digest()
        for j in range(0, 32, 4):
            yield int.from_bytes(block[j:j + 4], "big")
        counter += 1
