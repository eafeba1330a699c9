"""Benchmark the population generator: persons per second and peak memory.

    .venv/bin/python bench/generate.py --persons 1000000 [--seed 1] [--noise default] [--out DIR]

Writes into a temporary folder unless ``--out`` is given.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from datetime import date
from pathlib import Path

from sandbox.generate.run import generate
from sandbox.generate.world import Config


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--noise", default="default", choices=("clean", "default", "dirty"))
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    cfg = Config(args.persons, args.seed, "53", args.noise, 0.002, date(2026, 11, 23))
    with tempfile.TemporaryDirectory(prefix="doudi-bench-") as tmp:
        out = args.out or Path(tmp)
        started = time.perf_counter()
        meta = generate(cfg, out)
        elapsed = time.perf_counter() - started
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    print(f"persons        {meta['persons']}")
    print(f"seconds        {elapsed:.1f}")
    print(f"persons/s      {meta['persons'] / elapsed:,.0f}")
    print(
        f"cpu seconds    {usage.ru_utime + usage.ru_stime:.1f} (wall time counts other processes on a shared machine)"
    )
    print(f"peak memory    {peak_mb:,.0f} MB")
    print(f"written        {size / 1e6:,.1f} MB")


if __name__ == "__main__":
    main()
