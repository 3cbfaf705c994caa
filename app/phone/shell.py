"""What the service worker precaches, and the version that changes whenever any of it does.

The shell pages are the same for everyone (no cookie, no CSRF token, no user data), so
one cached copy serves every person who signs in on the phone.
"""
import hashlib
import re
from pathlib import Path

from flask import current_app

SCREENS = ("home", "login", "patrol", "gate", "stock", "complaints", "repairs", "followups", "sync",
           "notifications")
LOCALES = ("zh_CN", "en")
PRECACHE_GLOBS = ("js/**/*.js", "css/phone.css", "icons/*.png", "vendor/**/*.js")
T_CALL = re.compile(r"""\bt\(\s*(["'])((?:\\.|(?!\1).)+)\1""")
DATA_T = re.compile(r"""data-t(?:-[a-z-]+)?="([^"]+)\"""")
# Static imports of a module: ``import … from "./x.js"``, ``import "./x.js"``, ``export … from``.
STATIC_IMPORT = re.compile(r"""^\s*(?:import|export)\b[^;"']*?["'](\.{1,2}/[^"']+\.js)["']""", re.M)


def static_root() -> Path:
    return Path(current_app.static_folder)


def screen_path(screen: str) -> str:
    return "/m/" if screen == "home" else f"/m/{screen}"


def static_files() -> list[Path]:
    root = static_root()
    files = set()
    for pattern in PRECACHE_GLOBS:
        files.update(p for p in root.glob(pattern) if p.is_file())
    return sorted(files)


def precache_urls() -> list[str]:
    """Every URL a phone needs to open every screen with no network."""
    root = static_root()
    urls = [screen_path(s) for s in SCREENS]
    urls += [f"/m/i18n/{locale}.json" for locale in LOCALES]
    urls.append("/m/rules.json")
    urls.append("/manifest.webmanifest")
    urls += ["/static/" + p.relative_to(root).as_posix() for p in static_files()]
    return urls


def modules_of(screen: str) -> list[str]:
    """The static URLs of every module a screen runs: ``app.js``, the screen's feature
    module and everything they import, for ``<link rel="modulepreload">``.

    Without the list the browser meets each import only after the module above it has
    been fetched and parsed, one level at a time; on a slow phone that chain is most of
    a cold start.
    """
    root = static_root()
    start = [root / "js" / "app.js", root / "js" / "features" / f"{screen}.js"]
    seen: set[Path] = set()
    todo = [p.resolve() for p in start if p.is_file()]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for target in STATIC_IMPORT.findall(path.read_text(encoding="utf-8")):
            found = (path.parent / target).resolve()
            if found.is_file() and found.is_relative_to(root.resolve()):
                todo.append(found)
    return sorted("/static/" + p.relative_to(root.resolve()).as_posix() for p in seen)


def phone_msgids() -> list[str]:
    """The English msgids the phone uses: ``t("…")`` in its modules, ``data-t`` in its shell."""
    found = set()
    for path in sorted((static_root() / "js").glob("**/*.js")):
        for match in T_CALL.finditer(path.read_text(encoding="utf-8")):
            found.add(match.group(2).replace("\\'", "'").replace('\\"', '"'))
    templates = Path(current_app.template_folder) / "phone"
    for path in sorted(templates.glob("*.html")):
        found.update(DATA_T.findall(path.read_text(encoding="utf-8")))
    return sorted(found)


def version(rendered: list[bytes]) -> str:
    """A digest of the worker source, every precached file and the rendered pages."""
    digest = hashlib.sha256()
    digest.update((static_root() / "sw.js").read_bytes())
    for path in static_files():
        digest.update(path.as_posix().encode())
        digest.update(path.read_bytes())
    for body in rendered:
        digest.update(body)
    digest.update(str(current_app.config.get("PHONE_SW_SALT", "")).encode())
    return digest.hexdigest()[:12]
