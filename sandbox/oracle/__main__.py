"""``python -m sandbox.oracle DIR``: print the cases a population folder holds, one JSON line each.

Sorted by rule, then subjects, so that the output diffs cleanly against a
sorted truth file. With ``--against FILE`` it prints only the differences
(``-`` a case of the file the oracle does not find, ``+`` one it finds beyond
the file) and exits 1 when there are any.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from sandbox.oracle import evaluate, read_cases


def main(argv: list[str] | None = None) -> int:
    """Evaluate a folder and write its cases (or their differences from a file) to standard output."""
    parser = argparse.ArgumentParser(prog="python -m sandbox.oracle", description=__doc__)
    parser.add_argument("folder", type=Path, help="a generated population folder")
    parser.add_argument("--check-date", type=date.fromisoformat, default=None, help="YYYY-MM-DD")
    parser.add_argument("--year", type=int, default=None, help="the insurance year asked")
    parser.add_argument("--against", type=Path, default=None, help="a truth file to compare with")
    args = parser.parse_args(argv)
    found = evaluate(args.folder, check_date=args.check_date, year=args.year)
    if args.against is None:
        for case in sorted(found):
            sys.stdout.write(case.to_json() + "\n")
        return 0
    expected = read_cases(args.against)
    for case in sorted(expected - found):
        sys.stdout.write("- " + case.to_json() + "\n")
    for case in sorted(found - expected):
        sys.stdout.write("+ " + case.to_json() + "\n")
    return 1 if expected != found else 0


if __name__ == "__main__":
    sys.exit(main())
