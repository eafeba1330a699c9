"""``python -m sandbox``: generate a population, mutate it, or serve it.

python -m sandbox generate --persons N --seed S --out DIR [--province CODE]
    [--noise clean|default|dirty] [--case-rate R] [--check-date YYYY-MM-DD]
python -m sandbox mutate DIR --seed S [--fraction 0.01]
python -m sandbox serve ...   (forwarded to sandbox.servers.cli)
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox", description="Doudi sandbox: a synthetic population of four registries."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="write a population folder")
    gen.add_argument("--persons", type=int, required=True)
    gen.add_argument("--seed", type=int, required=True)
    gen.add_argument("--out", type=Path, required=True)
    gen.add_argument("--province", default="53")
    gen.add_argument("--noise", choices=("clean", "default", "dirty"), default="default")
    gen.add_argument(
        "--case-rate",
        type=float,
        default=0.002,
        help="share of persons that are planted-case subjects (at least one case a rule)",
    )
    gen.add_argument(
        "--rate",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a background coverage rate (sandbox.generate.world.Rates)",
    )
    gen.add_argument("--check-date", type=date.fromisoformat, default=None)
    mut = sub.add_parser("mutate", help="apply a batch of realistic changes to a population folder")
    mut.add_argument("folder", type=Path)
    mut.add_argument("--seed", type=int, required=True)
    mut.add_argument("--fraction", type=float, default=0.01)
    sub.add_parser("serve", help="serve a population over HTTP (sandbox.servers)", add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["serve"]:
        # written beside the generator; imported only when asked
        from sandbox.servers.cli import main as serve

        return int(serve(args_list[1:]) or 0)
    args = _parser().parse_args(args_list)
    if args.command == "generate":
        from sandbox.generate.run import generate
        from sandbox.generate.world import Config, Rates

        cfg = Config(
            args.persons,
            args.seed,
            args.province,
            args.noise,
            args.case_rate,
            args.check_date or date.today(),
            Rates.parse(args.rate),
        )
        meta = generate(cfg, args.out)
        print(f"wrote {meta['persons']} persons to {args.out} ({meta['counts']})")
        return 0
    from sandbox.mutate import mutate

    summary = mutate(args.folder, args.seed, args.fraction)
    print(f"mutated {args.folder}: {summary}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
