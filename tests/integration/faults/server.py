"""The real app under gunicorn for the fault tests, with pause points that exist only here.

``gunicorn 'tests.integration.faults.server:serve()'`` reads the environment:

``FAULT_DATABASE_URL``, ``FAULT_PHOTO_DIR``
    where the app keeps its data
``FAULT_PAUSE_AT`` (optional)
    ``statement:<n>`` (after the n-th SQL statement of a ``POST /api/v1/sync``),
    ``before_commit`` (everything flushed, the commit not yet sent) or ``after_commit``
    (committed, the answer not yet written): there the worker writes ``FAULT_MARKER``
    and sleeps, so that the test can ``kill -9`` the server at exactly that point
``FAULT_STATEMENT_DELAY`` (optional)
    seconds slept after every SQL statement of a sync request, so that a kill at a
    random moment lands inside the work

The app itself is untouched: the hooks are SQLAlchemy events and a WSGI wrapper, and
every sync answer says in ``X-Test-Statements`` how many SQL statements it took (and
every answer in ``X-Test-Worker`` which worker process gave it).
"""
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

_request = threading.local()


def serve():
    """The WSGI app for gunicorn (an app factory: ``module:serve()``)."""
    from app import create_app
    from app.extensions import db

    app = create_app({
        "SECRET_KEY": "fault-test-secret", "DATA_KEY": "dGVzdC1kYXRhLWtleS10aGlydHktdHdvLWJ5dGVzISE",
        "SQLALCHEMY_DATABASE_URI": os.environ["FAULT_DATABASE_URL"],
        "PHOTO_DIR": os.environ["FAULT_PHOTO_DIR"],
    })
    with app.app_context():
        install_faults(db.engine)
    add_floor(app)
    return Wrapper(app)


def add_floor(app) -> None:
    """``POST /__floor``: the benchmark's baseline, a route that parses a push and stores nothing.

    It reads and parses the same body on the same gunicorn, Flask and JSON provider, so a
    push's speed over this one's is what the app does beyond HTTP and parsing.
    """
    import json

    from flask import jsonify
    from flask import request

    from app.extensions import csrf

    @csrf.exempt
    def floor():
        payload = json.loads(request.get_data(cache=False))
        return jsonify({"results": len(payload.get("mutations") or []), "changes": []})

    app.add_url_rule("/__floor", "bench_floor", floor, methods=["POST"])


class Wrapper:
    """Marks sync requests for the hooks and reports their statement count."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        _request.sync = environ.get("PATH_INFO") == "/api/v1/sync"
        _request.statements = 0

        def counted(status, headers, exc_info=None):
            headers = [*headers, ("X-Test-Worker", str(os.getpid()))]
            if _request.sync:
                headers = [*headers, ("X-Test-Statements", str(_request.statements))]
            return start_response(status, headers, exc_info)
        try:
            return self.app(environ, counted)
        finally:
            _request.sync = False


def _in_sync() -> bool:
    return getattr(_request, "sync", False)


def pause() -> None:
    """Say where we are, then wait for the kill."""
    marker = Path(os.environ["FAULT_MARKER"])
    tmp = marker.with_suffix(".tmp")
    tmp.write_text(str(os.getpid()))
    tmp.replace(marker)
    time.sleep(3600)


def install_faults(engine) -> None:
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    pause_at = os.environ.get("FAULT_PAUSE_AT", "")
    delay = float(os.environ.get("FAULT_STATEMENT_DELAY") or 0)

    @event.listens_for(engine, "after_cursor_execute")
    def after_statement(conn, cursor, statement, parameters, context, executemany):
        if not _in_sync():
            return
        _request.statements += 1
        if delay:
            time.sleep(delay)
        if pause_at == f"statement:{_request.statements}":
            pause()

    if pause_at == "before_commit":
        @event.listens_for(Session, "before_commit")
        def before_commit(session):
            if _in_sync():
                session.flush()
                pause()

    if pause_at == "after_commit":
        @event.listens_for(Session, "after_commit")
        def after_commit(session):
            if _in_sync():
                pause()
