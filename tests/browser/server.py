"""The real app for browser tests, with a fault switch that exists only here.

``python tests/browser/server.py --port N --db PATH`` creates the tables, seeds the demo
company and serves on http://localhost:N with threads. ``/__test__/*`` endpoints (this
process only) switch faults on /api/v1 requests: a share of them answer 500 before the
app sees them, or are applied and then answered too late for the phone's timeout.
"""
import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


class Faults:
    """Every ``every``-th API request fails (every 5th: 20 %), by ``mode``."""

    def __init__(self):
        self.lock = threading.Lock()
        self.every = 0
        self.mode = "fail"
        self.delay = 3.0
        self.count = 0
        self.failed = 0

    def decide(self) -> str | None:
        with self.lock:
            if not self.every:
                return None
            self.count += 1
            if self.count % self.every != 2 % self.every:
                return None
            self.failed += 1
            if self.mode == "mixed":
                return "fail" if self.failed % 2 else "timeout"
            return self.mode


class TestServer:
    """WSGI wrapper: control endpoints under /__test__/, faults on /api/v1/."""

    def __init__(self, app):
        self.app = app
        self.flask = app
        self.faults = Faults()

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith("/__test__/"):
            return self.control(path, environ, start_response)
        if path.startswith("/api/v1/"):
            fault = self.faults.decide()
            if fault == "fail":
                body = json.dumps({"error": {"code": "server_error", "message": "injected fault",
                                             "details": {}}}).encode()
                start_response("500 INTERNAL SERVER ERROR", [("Content-Type", "application/json"),
                                                             ("Content-Length", str(len(body)))])
                return [body]
            if fault == "timeout":
                chunks = list(self.app.wsgi_app(environ, _Collect()))
                time.sleep(self.faults.delay)
                body = b"".join(chunks)
                start_response("504 GATEWAY TIMEOUT", [("Content-Length", str(len(body)))])
                return [body]
        return self.app.wsgi_app(environ, start_response)

    def control(self, path, environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = json.loads(environ["wsgi.input"].read(length) or b"{}") if length else {}
        result = {"ok": True}
        if path == "/__test__/faults":
            if environ["REQUEST_METHOD"] == "POST":
                with self.faults.lock:
                    self.faults.every = int(body.get("every", 0))
                    self.faults.mode = body.get("mode", "fail")
                    self.faults.delay = float(body.get("delay", 3.0))
                    self.faults.count = self.faults.failed = 0
            result = {"every": self.faults.every, "count": self.faults.count, "failed": self.faults.failed}
        elif path == "/__test__/stats":
            result = {"every": self.faults.every, "count": self.faults.count, "failed": self.faults.failed}
        elif path == "/__test__/sw-salt":
            self.flask.config["PHONE_SW_SALT"] = body.get("salt", "")
        elif path == "/__test__/revoke":
            with self.flask.app_context():
                result["revoked"] = revoke_tokens(body["username"])
        elif path == "/__test__/enrol":
            with self.flask.app_context():
                result["code"] = enrolment_code(body["post"])
        else:
            start_response("404 NOT FOUND", [("Content-Type", "application/json")])
            return [b"{}"]
        data = json.dumps(result).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]


class _Collect:
    """A start_response that keeps nothing: the late answer is never read by the phone."""

    def __call__(self, status, headers, exc_info=None):
        return lambda data: None


def revoke_tokens(username: str) -> int:
    from sqlalchemy import select

    from app.extensions import db
    from app.models import DeviceToken
    from app.models import User
    from app.models import utcnow

    user = db.session.scalar(select(User).where(User.username == username))
    rows = db.session.scalars(select(DeviceToken).where(DeviceToken.user_id == user.id,
                                                        DeviceToken.revoked_at.is_(None))).all()
    for row in rows:
        row.revoked_at = utcnow()
    db.session.commit()
    return len(rows)


def enrolment_code(post_username: str) -> str:
    """What the admin's QR code holds for a post's phone (``/admin/posts``)."""
    from sqlalchemy import select

    from app.auth import enrolment
    from app.extensions import db
    from app.models import User

    post = db.session.scalar(select(User).where(User.username == post_username))
    admin = db.session.scalar(select(User).where(User.username == "admin1"))
    code, _ = enrolment.create(post, admin)
    db.session.commit()
    return code


def build(db_path: str, instance: str):
    os.environ["INSTANCE_PATH"] = instance
    from app import create_app
    from app.demo import seed_demo
    from app.extensions import db

    app = create_app({
        "SECRET_KEY": "browser-test-secret", "DATA_KEY": "dGVzdC1kYXRhLWtleS10aGlydHktdHdvLWJ5dGVzISE",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
        "PHOTO_DIR": str(Path(instance) / "photos"),
    })
    with app.app_context():
        db.create_all()
        seed_demo()
    return app


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--instance", required=True)
    args = parser.parse_args()
    from werkzeug.serving import run_simple

    app = build(args.db, args.instance)
    run_simple("localhost", args.port, TestServer(app), threaded=True, use_reloader=False)


if __name__ == "__main__":
    main()
