"""Every page says how it may be used: no framing by others, no sniffing, no inline script."""
import re
from pathlib import Path

import pytest

from tests import factories

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.mark.parametrize("path", ["/login", "/m/", "/sw.js", "/api/v1/openapi.json", "/healthz", "/nowhere"])
def test_headers_on_every_kind_of_response(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'self'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP in tests


def test_hsts_behind_https(app):
    from app import create_app
    from tests.conftest import make_config
    secure = create_app(make_config(PREFERRED_URL_SCHEME="https"))
    assert "max-age=" in secure.test_client().get("/login").headers["Strict-Transport-Security"]


def test_the_worker_is_never_cached(client):
    assert client.get("/sw.js").headers["Cache-Control"] == "no-cache"


def test_no_template_carries_inline_script():
    inline = re.compile(r"<script(?![^>]*\bsrc=)|\son[a-z]+=", re.I)
    found = [f"{p.relative_to(TEMPLATES)}: {m.group(0)}" for p in TEMPLATES.rglob("*.html")
             for m in inline.finditer(p.read_text(encoding="utf-8"))]
    assert found == []


def test_the_desk_pages_load_their_behaviour_script(app, world):
    desk = factories.desk_client(app, "admin1")
    page = desk.get("/admin/users").get_data(as_text=True)
    assert "/static/js/desk/behaviour.js" in page and "data-autosubmit" in page


def test_no_script_of_ours_needs_eval_or_inline_handlers():
    """The policy forbids eval and inline handlers: none of our scripts may rely on them."""
    static = TEMPLATES.parent / "static"
    banned = re.compile(r"\beval\(|new Function\(|setAttribute\(\s*[\"']on|\.innerHTML\s*=|javascript:")
    found = [f"{p.relative_to(static)}: {m.group(0)}" for p in static.rglob("*.js")
             for m in banned.finditer(p.read_text(encoding="utf-8"))]
    assert found == []
