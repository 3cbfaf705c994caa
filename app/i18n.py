"""Language and time zone choice, and catalogues compiled from per-feature ``.po`` parts.

Each feature keeps its own translations in ``app/translations/<locale>/parts/<feature>.po``
so that features never edit one shared file; they are merged into ``build/<locale>/LC_MESSAGES/messages.mo``
when the app starts (or by ``flask i18n compile``) whenever a part is newer than the catalogue.
"""
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app
from flask import g
from flask import request
from flask_login import current_user

TRANSLATIONS = Path(__file__).parent / "translations"
BUILD = TRANSLATIONS / "build"


def catalogue_messages(locale: str) -> dict[str, str]:
    """All translated messages of a locale from its ``.po`` parts (msgid -> msgstr)."""
    messages = {}
    for part in sorted((TRANSLATIONS / locale / "parts").glob("*.po")):
        with part.open("rb") as fh:
            for message in read_po(fh, locale=locale):
                if message.id and message.string and isinstance(message.id, str):
                    messages[message.id] = message.string
    return messages


def compile_catalogues(force: bool = False) -> list[Path]:
    """Merge each locale's parts into ``LC_MESSAGES/messages.mo`` when out of date."""
    written = []
    for locale_dir in sorted(p for p in TRANSLATIONS.glob("*") if p.is_dir()):
        parts = sorted((locale_dir / "parts").glob("*.po"))
        if not parts:
            continue
        # Babel looks catalogues up by the full locale name, e.g. zh_Hans_CN for zh_CN.
        target = BUILD / str(Locale.parse(locale_dir.name)) / "LC_MESSAGES" / "messages.mo"
        newest = max(p.stat().st_mtime for p in parts)
        if not force and target.exists() and target.stat().st_mtime >= newest:
            continue
        catalog = Catalog(locale=locale_dir.name)
        for msgid, msgstr in catalogue_messages(locale_dir.name).items():
            catalog.add(msgid, msgstr)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        with tmp.open("wb") as fh:
            write_mo(fh, catalog)
        tmp.replace(target)
        written.append(target)
    return written


def select_locale() -> str:
    """The user's saved choice, then the ``lang`` cookie, then Chinese."""
    languages = current_app.config["LANGUAGES"]
    user = getattr(g, "api_user", None) or (current_user if current_user.is_authenticated else None)
    if user is not None and getattr(user, "locale", None) in languages:
        return user.locale
    chosen = request.cookies.get("lang") if request else None
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    """The time zone of the user's first site; all sites of one user share a region."""
    user = getattr(g, "api_user", None) or (current_user if current_user.is_authenticated else None)
    if user is not None and getattr(user, "sites", None):
        return user.sites[0].timezone
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def init_app(app) -> None:
    from app.extensions import babel

    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(BUILD))
    try:
        compile_catalogues()
    except OSError:
        app.logger.warning("could not compile translation catalogues; using the compiled ones")
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
