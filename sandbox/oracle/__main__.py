"""``python -m sandbox.oracle DIR``: print the cases a population folder holds, one JSON line each.

Sorted by rule, then subjects, so that the output diffs cleanly against a
sorted truth file.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from sandbox.oracle import evaluate


def main(argv: list[str] | None = None) -> int:
    """Evaluate a folder and write its cases to standard output."""
    parser = argparse.ArgumentParser(prog="python -m sandbox.oracle", description=__doc__)
    parser.add_argument("folder", type=Path, help="a generated population folder")
    parser.add_argument("--check-date", type=date.fromisoformat, default=None, help="YYYY-MM-DD")
    parser.add_argument("--year", type=int, default=None, help="the insurance year asked")
    args = parser.parse_args(argv)
    for case in sorted(evaluate(args.folder, check_date=args.check_date, year=args.year)):
        sys.stdout.write(case.to_json() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
