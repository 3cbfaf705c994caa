"""Filters and globals for Jinja: times in the site's zone, masking of personal data."""
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import format_datetime
from flask_babel import get_locale

from sync.privacy import mask_id_number
from sync.privacy import mask_phone


def local_time(value: datetime | None, tz: str | None = None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    """A UTC time shown in the given site zone (or the user's), in the chosen language."""
    if value is None:
        return ""
    if tz:
        value = value.astimezone(ZoneInfo(tz))
        return value.strftime("%Y-%m-%d %H:%M")
    return format_datetime(value, fmt)


def current_locale() -> str:
    """``zh_CN`` or ``en``: the catalogue in use (Babel spells Chinese ``zh_Hans_CN``)."""
    locale = get_locale()
    return "zh_CN" if locale is None or locale.language == "zh" else "en"


def register(app) -> None:
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["mask_id"] = mask_id_number
    app.jinja_env.filters["mask_phone"] = mask_phone
    app.jinja_env.globals["current_locale"] = current_locale
    from app.passwords import MIN_LENGTH
    app.jinja_env.globals["password_min_length"] = MIN_LENGTH

    def unread_notices() -> int:
        """The signed-in person's unread notifications, for the header's link."""
        from flask_login import current_user

        from app.notify.queries import unread
        return unread(current_user) if current_user.is_authenticated else 0

    app.jinja_env.globals["unread_notices"] = unread_notices

    @app.context_processor
    def navigation():
        from app.navigation import home_links
        from app.navigation import nav_items
        return {"home_links": home_links(), "nav_items": nav_items}
