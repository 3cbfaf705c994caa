"""A group robot's webhook, for tests: a real HTTP server on a free port in a thread that
keeps every request (path, query, headers, JSON body) and answers as the robots do."""
from __future__ import annotations

import json
import threading
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer


@dataclass
class Received:
    path: str
    query: dict
    headers: dict
    body: dict | None
    raw: bytes


class Receiver:
    """``url`` to give a channel; ``received`` what came; ``fail`` the next n with HTTP 500,
    ``status`` the others' answer;
    ``hold_at`` blocks the n-th request (1-based) until ``release`` (``reached`` is set)."""

    def __init__(self):
        self.received: list[Received] = []
        self.fail = 0
        self.status = 200  # what a request that does not fail is answered with (a push service: 201, 410)
        self.hold_at: int | None = None
        self.reached = threading.Event()
        self.release = threading.Event()
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with owner.lock:
                    if owner.fail:
                        owner.fail -= 1
                        self.send_response(500)
                        self.end_headers()
                        return
                    parsed = urllib.parse.urlsplit(self.path)
                    try:
                        body = json.loads(raw)
                    except ValueError:
                        body = None  # a push service's message is encrypted: the test decrypts ``raw``
                    owner.received.append(Received(parsed.path, dict(urllib.parse.parse_qsl(parsed.query)),
                                                   dict(self.headers), body, raw))
                    count = len(owner.received)
                if owner.hold_at == count:
                    owner.reached.set()
                    owner.release.wait(30)
                answer = json.dumps({"errcode": 0, "errmsg": "ok", "code": 0}).encode()
                try:
                    self.send_response(owner.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender was killed while it waited: as a robot would, carry on

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
