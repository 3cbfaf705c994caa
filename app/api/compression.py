"""Gzip for the API's larger answers: a gate phone's signal is often one bar.

A reverse proxy may compress too; one that sees ``Content-Encoding`` already set leaves the
body alone. Small bodies go as they are: below a kilobyte gzip saves less than it costs.
"""
from __future__ import annotations

import gzip

from flask import Response
from flask import request

MIN_BYTES = 1024
LEVEL = 5  # most of level 9's saving on JSON for a fraction of its time


def compressed(response: Response) -> Response:
    """``response`` gzipped when the caller accepts it and the body is worth it."""
    response.vary.add("Accept-Encoding")
    if (response.direct_passthrough or "Content-Encoding" in response.headers
            or request.accept_encodings["gzip"] <= 0):
        return response
    body = response.get_data()
    if len(body) < MIN_BYTES:
        return response
    response.set_data(gzip.compress(body, compresslevel=LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    return response
