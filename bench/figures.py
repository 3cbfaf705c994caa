"""Run one test module of the suite and print the figure it reports.

The fuzz and access-matrix figures are measured by tests (so CI holds them at zero
failures), which report them in the "figures" section of pytest's summary; the commands in
``bench/`` run those tests with bigger settings and show only the figure lines
(``FIGURE_PREFIXES``) and pytest's last line, or everything on a failure.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIGURE_PREFIXES = ("API fuzz:", "Access matrix:")


def run_tests(target: str, env: dict[str, str], pg_url: str | None = None) -> int:
    """pytest ``target`` with ``env`` added (and PostgreSQL when ``pg_url``); pytest's exit status."""
    environment = {**os.environ, **env}
    if pg_url:
        environment["TEST_DATABASE_URL"] = pg_url
    print(f"database: {'PostgreSQL ' + pg_url if pg_url else 'SQLite'}", flush=True)
    command = [sys.executable, "-m", "pytest", target, "-q", "-p", "no:cacheprovider"]
    done = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True,
                          check=False)
    lines = done.stdout.splitlines()
    if done.returncode:
        print(done.stdout, done.stderr, sep="\n")
    else:
        for line in lines:
            if line.startswith(FIGURE_PREFIXES):
                print(line)
        print(lines[-1] if lines else "")
    return done.returncode
