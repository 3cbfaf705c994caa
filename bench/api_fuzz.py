"""Schemathesis over every operation of ``/api/v1/openapi.json``, with more examples.

Runs ``tests/integration/api/test_schemathesis.py`` (a signed-in phone; checks
``not_a_server_error``, ``status_code_conformance``, ``response_schema_conformance``)
with ``--examples`` per operation and a random seed, where the suite runs 15 with a fixed
one, and prints the figure: operations × examples, the requests sent, the failures.

    .venv/bin/python -m bench.api_fuzz                    # 200 examples per operation, SQLite
    .venv/bin/python -m bench.api_fuzz --examples 500 --pg postgresql://postgres@127.0.0.1:5432/estate_test
"""
from __future__ import annotations

import argparse
import sys

from bench.figures import run_tests


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=200, help="hypothesis examples per operation")
    parser.add_argument("--pg", metavar="URL", help="run against this PostgreSQL database instead of SQLite")
    args = parser.parse_args(argv)
    return run_tests("tests/integration/api/test_schemathesis.py",
                     {"API_FUZZ_EXAMPLES": str(args.examples)}, args.pg)


if __name__ == "__main__":
    sys.exit(main())
