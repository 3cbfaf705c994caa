"""The report as PDF through WeasyPrint, when it is installed; it is optional.

WeasyPrint needs Debian's pango, so it is not in ``requirements.txt``: a server that has
it (``pip install weasyprint``) offers the PDF, one that has not prints from the browser.
The page's stylesheets are read from the static folder on disk, never fetched over the
network: the PDF is made inside the request, and nothing else is to be reached from there.
"""
from __future__ import annotations

import importlib.util
import mimetypes
from pathlib import Path
from urllib.parse import urlsplit


def available() -> bool:
    """Whether WeasyPrint can be imported (checked without importing it)."""
    return importlib.util.find_spec("weasyprint") is not None


def render(html: str, static_folder: str, static_url: str = "/static/") -> bytes:
    """The page as a PDF; only files under ``static_url`` are read, from ``static_folder``."""
    from weasyprint import HTML  # lazily: a heavy import, and optional

    return HTML(string=html, base_url="http://localhost/",
                url_fetcher=_static_only(Path(static_folder).resolve(), static_url)).write_pdf()


def _static_only(root: Path, static_url: str):
    """A URL fetcher that answers the app's static files and refuses every other address."""
    def read(url: str) -> tuple[bytes, str]:
        path = urlsplit(url).path
        if not path.startswith(static_url):
            raise ValueError(f"not a static file: {url}")
        target = (root / path[len(static_url):]).resolve()
        if root not in target.parents or not target.is_file():
            raise ValueError(f"no such static file: {url}")
        return target.read_bytes(), mimetypes.guess_type(target.name)[0] or "application/octet-stream"

    try:
        from weasyprint.urls import URLFetcher
        from weasyprint.urls import URLFetcherResponse
    except ImportError:  # WeasyPrint before 68: a function that answers a dict
        def fetch(url, *args, **kwargs):
            body, mime = read(url)
            return {"string": body, "mime_type": mime, "redirected_url": url}
        return fetch

    class StaticOnly(URLFetcher):
        def fetch(self, url, headers=None):
            body, mime = read(url)
            return URLFetcherResponse(url, body, {"Content-Type": mime})

    return StaticOnly()
