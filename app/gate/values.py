"""What a plate, a phone number and an ID number on the gate's lists must look like.

The forms and the CSV import check with the same functions, so a value refused on one is
refused on the other, and both store what ``app.models.gate`` normalises (what phones
compare against).
"""
import re

from flask_babel import gettext as _

from app.models.gate import normalise_phone
from app.models.gate import normalise_plate
from sync.privacy import mask_as

# A mainland plate after normalising: province, letter, 5 or 6 letters/digits (new-energy
# plates have 6), or 4 and a suffix such as 学 (learner), 挂 (trailer), 港/澳, 警.
PLATE_RE = re.compile(r"\A[\u4e00-\u9fff][A-Z](?:[A-Z0-9]{5,6}|[A-Z0-9]{4}[\u4e00-\u9fff])\Z")
PHONE_DIGITS = (7, 15)
ID_RE = re.compile(r"\A[0-9A-Z]{5,32}\Z")


def clean_plate(value: str | None) -> tuple[str, str | None]:
    """(normalised plate, error message or ``None``); an empty value is no error."""
    plate = normalise_plate(value)
    if plate and not PLATE_RE.match(plate):
        return plate, _("“%(value)s” is not a plate number (e.g. 粤B12345).", value=(value or "").strip()[:20])
    return plate, None


def clean_phone(value: str | None) -> tuple[str, str | None]:
    raw = (value or "").strip()
    digits = normalise_phone(raw)
    if raw and (not PHONE_DIGITS[0] <= len(digits) <= PHONE_DIGITS[1]
                or re.search(r"[^0-9 +()\-]", raw)):
        return digits, _("“%(value)s” is not a phone number (7 to 15 digits).", value=mask_typed(raw))
    return digits, None


def clean_id_number(value: str | None) -> tuple[str, str | None]:
    number = (value or "").strip().upper()
    if number and not ID_RE.match(number):
        return number, _("“%(value)s” is not an ID number (5 to 32 letters and digits).", value=mask_typed(number))
    return number, None


def mask_typed(value: str) -> str:
    """A wrong phone or ID number is repeated back masked: an error page is a page too."""
    return mask_as("typed", value[:32])
