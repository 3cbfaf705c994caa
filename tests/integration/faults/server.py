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
    app.add_url_rule("/__least", "bench_least", csrf.exempt(least_storage), methods=["POST"])


LEAST_SITE = "00000000-0000-4000-8000-00000000bea5"


def least_storage():
    """``POST /__least``: the least any push of new check-ins must store, and nothing more.

    Each visit's numbers sealed and their lookup MACs made, then three multi-row inserts
    through SQLAlchemy Core (the visits, their journal rows, their change-log rows) and
    one commit. No token, no validation, no rules, no ORM objects, no answer beyond a
    count. Fresh ids, so that the push measured after it on the same body is not a
    repeat, and change-log rows of no real site, so that no phone pulls them. The benchmark shows its speed beside the push's, as the same share of the
    floor: what the storage alone leaves of the push's target.
    """
    import json
    import uuid
    from datetime import datetime
    from datetime import timezone

    from flask import jsonify
    from flask import request
    from sqlalchemy import insert
    from sqlalchemy import select

    from app.extensions import db
    from app.models.base import ChangeLog
    from app.models.gate import visit_search_text
    from app.models.journal import JournalRow
    from app.models.people import User
    from app.models.records import Visit
    from app.privacy import numbers

    payload = json.loads(request.get_data(cache=False))
    now = datetime.now(timezone.utc)
    user = db.session.scalar(select(User.id).limit(1))
    visits, journal, changes = [], [], []
    for mutation in payload.get("mutations") or []:
        data, entity, mutation_id = mutation["data"], str(uuid.uuid4()), str(uuid.uuid4())
        visits.append({
            "id": entity, "site_id": data["site_id"], "user_id": user, "device_id": payload.get("device_id"),
            "mutation_id": mutation_id, "received_at": now, "version": 1,
            "visitor_name": data["visitor_name"], "purpose": data["purpose"], "party_size": data["party_size"],
            "phone": data["phone"], "id_number": data["id_number"], "unit": data["unit"], "plate": data["plate"],
            "phone_mac": numbers.phone_mac(data["phone"]), "phone_tail": numbers.phone_tail(data["phone"]),
            "id_mac": numbers.id_mac(data["id_number"]),
            "search_text": visit_search_text(data["visitor_name"], data["unit"], None, data["plate"]),
            "checked_in_at": now, "checked_in_at_phone": now, "updated_at": now})
        journal.append({
            "mutation_id": mutation_id, "device_id": payload.get("device_id") or "bench", "user_id": user,
            "type": mutation["type"], "entity_id": entity, "seq": mutation.get("seq"), "raw": mutation,
            "content_hash": "0" * 64, "received_at": now, "clock_offset_ms": 0, "status": "applied",
            "result": {"status": "applied"}, "duplicates": 0, "reuses": [], "has_numbers": True})
        # A site id no phone pulls: the phone measured next must not receive these rows.
        changes.append({"entity_type": "visit", "entity_id": entity, "site_id": LEAST_SITE,
                        "op": "upsert", "version": 1, "at": now})
    if visits:
        db.session.execute(insert(JournalRow), journal)
        db.session.execute(insert(Visit), visits)
        db.session.execute(insert(ChangeLog), changes)
    db.session.commit()
    return jsonify({"stored": len(visits)})


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
