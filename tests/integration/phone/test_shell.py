"""The phone's server side: shell pages, worker, manifest and strings, over real HTTP."""
import json
import re

import pytest

from app.phone import shell

SCREENS = ["/m/", "/m/login", "/m/patrol", "/m/gate", "/m/stock", "/m/repairs", "/m/followups", "/m/sync"]


@pytest.mark.parametrize("path", SCREENS)
def test_shell_pages_are_the_same_for_everyone(client, auth, world, path):
    """Is a shell page free of per-user data and CSRF tokens, so one cached copy serves all?"""
    anonymous = client.get(path)
    assert anonymous.status_code == 200
    auth.login("guard1")
    signed_in = client.get(path)
    assert signed_in.data == anonymous.data
    body = anonymous.data.decode()
    assert "csrf" not in body.lower()
    assert "guard1" not in body
    assert '<html lang="zh-CN">' in body
    assert anonymous.headers["Cache-Control"] == "no-cache"


def test_unknown_screen_is_404(client):
    assert client.get("/m/nowhere").status_code == 404
    assert client.get("/m/i18n/fr.json").status_code == 404


def test_manifest_has_what_installing_needs(client):
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.data)
    assert manifest["name"] == "物业巡检"
    assert manifest["short_name"]
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/m/"
    assert manifest["theme_color"].startswith("#")
    sizes = {(i["sizes"], i["purpose"]) for i in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as image:
            data = image.data
            assert image.status_code == 200 and data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert f"{width}x{height}" == icon["sizes"]


def worker(client) -> tuple[str, list[str], str]:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    source = response.data.decode()
    version = json.loads(re.search(r"const VERSION = (.+);", source).group(1))
    precache = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", source).group(1))
    return version, precache, source


def test_worker_precaches_every_page_module_style_icon_and_library(app, client):
    """Does the precache list hold every file the phone needs, and does each one answer?"""
    version, precache, _ = worker(client)
    assert re.fullmatch(r"[0-9a-f]{12}", version)
    with app.app_context():
        root = shell.static_root()
    expected = {"/static/" + p.relative_to(root).as_posix() for p in root.glob("js/**/*.js")}
    expected |= {"/static/" + p.relative_to(root).as_posix() for p in root.glob("vendor/**/*.js")}
    expected |= {"/static/" + p.relative_to(root).as_posix() for p in root.glob("icons/*.png")}
    expected |= {"/static/css/phone.css", "/manifest.webmanifest", "/m/i18n/zh_CN.json", "/m/i18n/en.json"}
    expected |= set(SCREENS)
    assert expected <= set(precache)
    assert "/static/css/desktop.css" not in precache
    for url in precache:
        with client.get(url) as response:
            assert response.status_code == 200, url


def test_worker_version_changes_with_its_files(app, client):
    first, _, _ = worker(client)
    assert worker(client)[0] == first
    app.config["PHONE_SW_SALT"] = "next"
    try:
        assert worker(client)[0] != first
    finally:
        app.config.pop("PHONE_SW_SALT")


def test_every_phone_string_has_a_chinese_translation(client):
    """Is each msgid marked in the phone's modules and shell translated to Chinese?"""
    zh = client.get("/m/i18n/zh_CN.json").json
    en = client.get("/m/i18n/en.json").json
    assert zh["locale"] == "zh_CN"
    assert set(zh["messages"]) == set(en["messages"])
    assert len(zh["messages"]) > 150
    untranslated = [k for k, v in zh["messages"].items() if v == k]
    assert untranslated == []
    assert en["messages"]["Sync now"] == "Sync now"
    assert zh["messages"]["Sync now"] == "立即同步"


@pytest.mark.parametrize("screen, needs", [
    ("gate", {"features/gate.js", "lib/watchfilter.js", "lib/util.js", "vendor/idb/idb.js"}),
    ("patrol", {"features/patrol.js", "ui/scanner.js", "lib/db.js"}),
])
def test_each_screen_preloads_its_whole_module_graph_from_the_precache(client, screen, needs):
    """Every module a screen imports is named up front, so the browser fetches them side
    by side instead of one import level at a time; each is precached, so offline works."""
    _, precache, _ = worker(client)
    html = client.get(f"/m/{screen}").get_data(as_text=True)
    preloaded = set(re.findall(r'<link rel="modulepreload" href="([^"]+)">', html))
    assert "/static/js/app.js" in preloaded
    assert {url.split("/static/", 1)[1].removeprefix("js/") for url in preloaded} >= needs
    assert preloaded <= set(precache)
    assert not any("features/" in url and not url.endswith(f"/{screen}.js") for url in preloaded)
    for url in preloaded:  # the graph is closed: every relative import is preloaded too
        with client.get(url) as response:
            source = response.get_data(as_text=True)
        base = url.rsplit("/", 1)[0]
        for target in shell.STATIC_IMPORT.findall(source):
            parts = (base + "/" + target).split("/")
            resolved = []
            for part in parts:
                if part == "..":
                    resolved.pop()
                elif part != ".":
                    resolved.append(part)
            assert "/".join(resolved) in preloaded, (url, target)
