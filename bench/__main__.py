"""``python -m bench``: every figure against its target, one table, and JSON in bench/results/.

    .venv/bin/python -m bench                 # the full run: SQLite, PostgreSQL, the phone
    .venv/bin/python -m bench --quick         # small sizes, one run each: does the harness work?
    .venv/bin/python -m bench --only sqlite   # or postgresql, or phone

The quick form is for CI: it proves every figure can still be measured, not that it meets
its target, so its exit status says only whether the harness ran. The full form exits 1
when a figure is below its target.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.report import BELOW  # noqa: E402
from bench.report import Figure  # noqa: E402
from bench.report import save  # noqa: E402
from bench.report import table  # noqa: E402
from bench.sync_throughput import pg_answers  # noqa: E402

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/estate_bench"


def server_figures(label: str, pg_url: str | None, quick: bool) -> list[Figure]:
    from bench import push

    saved = os.environ.get("TEST_DATABASE_URL")
    try:
        if pg_url:
            os.environ["TEST_DATABASE_URL"] = pg_url
        else:
            os.environ.pop("TEST_DATABASE_URL", None)
        with tempfile.TemporaryDirectory(prefix="estate-bench-") as tmp:
            return push.measure(label, quick=quick, workdir=Path(tmp))
    finally:
        if saved is None:
            os.environ.pop("TEST_DATABASE_URL", None)
        else:
            os.environ["TEST_DATABASE_URL"] = saved


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one run each (CI)")
    parser.add_argument("--only", choices=("sqlite", "postgresql", "phone"))
    parser.add_argument("--pg", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG),
                        help="PostgreSQL URL; its database is dropped and made again")
    args = parser.parse_args(argv)
    started = time.monotonic()
    figures: list[Figure] = []
    if args.only in (None, "sqlite"):
        print("SQLite …", flush=True)
        figures += server_figures("SQLite", None, args.quick)
    if args.only in (None, "postgresql"):
        if pg_answers(args.pg):
            print("PostgreSQL …", flush=True)
            figures += server_figures("PostgreSQL", args.pg, args.quick)
        else:
            figures.append(Figure("every PostgreSQL figure", None, "", backend="PostgreSQL",
                                  note=f"PostgreSQL does not answer at {args.pg}"))
    if args.only in (None, "phone"):
        print("the phone, in Chromium …", flush=True)
        from bench import phone

        figures += phone.measure(quick=args.quick)
    print()
    print(table(figures))
    path = save(figures, quick=args.quick)
    print(f"\n{len(figures)} figures in {time.monotonic() - started:.0f} s; saved to {path.relative_to(ROOT)}")
    if args.quick:
        return 0
    return 1 if any(f.verdict == BELOW for f in figures) else 0


if __name__ == "__main__":
    sys.exit(main())
