"""The phone's pages under ``/m/``, its worker at ``/sw.js`` and its manifest.

Views stay static: the app in the browser reads everything else from IndexedDB.
"""
import json

from flask import Response
from flask import abort
from flask import jsonify
from flask import render_template
from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from app.i18n import catalogue_messages
from app.phone import bp
from app.phone import shell
from sync import form_rules

NO_CACHE = {"Cache-Control": "no-cache"}


def render_screen(screen: str) -> str:
    """A screen's shell in Chinese; the app translates it again if English is chosen."""
    with force_locale("zh_CN"):
        return render_template("phone/shell.html", screen=screen, screens=shell.SCREENS,
                               modules=shell.modules_of(screen))


def _page(screen: str) -> Response:
    return Response(render_screen(screen), mimetype="text/html", headers=NO_CACHE)


@bp.route("/m/")
def home():
    return _page("home")


@bp.route("/m/<screen>")
def screen(screen):
    if screen not in shell.SCREENS or screen == "home":
        abort(404)
    return _page(screen)


def catalogue(locale: str) -> dict[str, str]:
    """The phone's msgids and their translations; English is the msgid itself."""
    ids = sorted({*shell.phone_msgids(), *form_rules.msgids()})
    if locale == "en":
        return {i: i for i in ids}
    messages = catalogue_messages(locale)
    return {i: messages.get(i, i) for i in ids}


@bp.route("/m/i18n/<locale>.json")
def strings(locale):
    if locale not in shell.LOCALES:
        abort(404)
    response = jsonify({"locale": locale, "messages": catalogue(locale)})
    response.headers.update(NO_CACHE)
    return response


@bp.route("/m/rules.json")
def rules():
    """The rules forms are checked by before saving: the server's own (``sync.form_rules``)."""
    response = jsonify(form_rules.rules())
    response.headers.update(NO_CACHE)
    return response


def manifest() -> dict:
    with force_locale("zh_CN"):
        description = _("Patrols, gate registration and stock checks, with or without a network.")
    icons = []
    for size in (192, 512):
        icons.append({"src": url_for("static", filename=f"icons/icon-{size}.png"),
                      "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any"})
        icons.append({"src": url_for("static", filename=f"icons/maskable-{size}.png"),
                      "sizes": f"{size}x{size}", "type": "image/png", "purpose": "maskable"})
    return {
        "id": "/m/",
        "name": "物业巡检",
        "short_name": "巡检",
        "description": description,
        "lang": "zh-CN",
        "dir": "ltr",
        "start_url": "/m/",
        "scope": "/m/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#f4f6f5",
        "theme_color": "#0f766e",
        "icons": icons,
    }


@bp.route("/manifest.webmanifest")
def webmanifest():
    body = json.dumps(manifest(), ensure_ascii=False, indent=1)
    return Response(body, mimetype="application/manifest+json", headers=NO_CACHE)


def worker_source() -> str:
    """``static/sw.js`` with its version and precache list filled in."""
    rendered = [render_screen(s).encode() for s in shell.SCREENS]
    rendered += [json.dumps(catalogue(loc), sort_keys=True).encode() for loc in shell.LOCALES]
    rendered.append(json.dumps(manifest(), sort_keys=True).encode())
    rendered.append(json.dumps(form_rules.rules(), sort_keys=True).encode())
    source = (shell.static_root() / "sw.js").read_text(encoding="utf-8")
    return (source
            .replace('"__VERSION__"', json.dumps(shell.version(rendered)))
            .replace('["__PRECACHE__"]', json.dumps(shell.precache_urls())))


@bp.route("/sw.js")
def service_worker():
    headers = dict(NO_CACHE)
    headers["Service-Worker-Allowed"] = "/m/"
    return Response(worker_source(), mimetype="text/javascript", headers=headers)
