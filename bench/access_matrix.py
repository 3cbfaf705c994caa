"""The access matrix: every route × every role × own site and another site.

Runs ``tests/integration/test_access_matrix.py`` (the expected answers are declared in
``tests/integration/access.py``) and prints its figure: routes × roles × sites, the
requests made, and how many answers were not the declared ones.

    .venv/bin/python -m bench.access_matrix                  # SQLite
    .venv/bin/python -m bench.access_matrix --pg postgresql://postgres@127.0.0.1:5432/estate_test
"""
from __future__ import annotations

import argparse
import sys

from bench.figures import run_tests


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", metavar="URL", help="run against this PostgreSQL database instead of SQLite")
    args = parser.parse_args(argv)
    return run_tests("tests/integration/test_access_matrix.py", {}, args.pg)


if __name__ == "__main__":
    sys.exit(main())
