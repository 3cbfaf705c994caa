"""Masking of visitors' personal data: ID numbers and phone numbers (敏感个人信息)."""


def mask_id_number(value: str | None) -> str:
    """``110101********1234``: enough for a guard to compare, not enough to misuse."""
    if not value:
        return ""
    if len(value) <= 8:
        return value[:1] + "*" * (len(value) - 1)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    """``138****5678``."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "****" + value[-4:]
