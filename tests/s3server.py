"""A real S3 API for the tests: moto's standalone server, in its own process on a local port.

The photo store talks to it over HTTP with boto3 exactly as it would to AWS S3, MinIO or
Aliyun OSS: signed requests, real status codes, conditional writes, versioned buckets.
``S3_TEST_PORT`` pins the port; otherwise the system picks a free one.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

# moto accepts any keys; boto3 needs some to sign with.
ACCESS_KEY_ID = "testing-key"
SECRET_ACCESS_KEY = "testing-secret"
REGION = "us-east-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MotoServer:
    """``python -m moto.server`` on 127.0.0.1; ``endpoint`` is its URL."""

    def __init__(self, port: int | None = None):
        self.port = port or int(os.environ.get("S3_TEST_PORT") or 0) or free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> "MotoServer":
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"moto's server exited with {self.process.returncode} "
                                   f"(is port {self.port} taken?)")
            try:
                urllib.request.urlopen(f"{self.endpoint}/moto-api/data.json", timeout=1).close()
                return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"moto's server did not answer on {self.endpoint} within {timeout} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def settings(self, bucket: str, **extra) -> dict:
        """The app settings (``PHOTO_STORE=s3`` and ``S3_*``) for a bucket on this server."""
        return {"PHOTO_STORE": "s3", "S3_ENDPOINT_URL": self.endpoint, "S3_BUCKET": bucket,
                "S3_REGION": REGION, "S3_ACCESS_KEY_ID": ACCESS_KEY_ID,
                "S3_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY, "S3_ADDRESSING_STYLE": "path", **extra}

    def client(self):
        """A boto3 client of its own, to look into buckets behind the app's back."""
        from app.photostore import make_client
        return make_client(self.endpoint, REGION, ACCESS_KEY_ID, SECRET_ACCESS_KEY, "path")
