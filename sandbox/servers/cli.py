"""``python -m sandbox serve DIR``: the four imitation department servers, until interrupted.

Serves each selected department on its own port (defaults 18101 civil, 18102
poverty, 18103 disability, 18104 medical; 0 picks a free one), writes the
endpoints file (``DIR/endpoints.json`` unless ``--endpoints``; merged with what
other ``--only`` processes wrote), and stops on SIGINT or SIGTERM. Faults and
churn are off unless asked for::

    python -m sandbox serve var/pop --faults on --fault-rate 0.05 --churn --seed 7
    python -m sandbox serve /data --host 0.0.0.0 --only civil --public-host civil
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from pathlib import Path

from sandbox import layout
from sandbox.servers.config import DEFAULT_PORTS, SERVER_NAMES, Credentials, FaultSettings, ServerConfig
from sandbox.servers.runner import run_servers, write_endpoints

log = logging.getLogger("sandbox.servers")


def _switch(value: str) -> bool:
    if value not in ("on", "off"):
        raise argparse.ArgumentTypeError(f"expected on or off, not {value!r}")
    return value == "on"


def _names(value: str) -> list[str]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in SERVER_NAMES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"expected some of {', '.join(SERVER_NAMES)}, not {value!r}")
    return names


def build_parser() -> argparse.ArgumentParser:
    """The ``serve`` command's flags."""
    parser = argparse.ArgumentParser(prog="python -m sandbox serve", description=__doc__.split("\n")[0])
    parser.add_argument("directory", type=Path, help="a generated population folder")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--public-host", help="host written into the endpoints file (default: --host)")
    parser.add_argument(
        "--only", type=_names, action="append", help="serve only these (repeat or comma-separate)"
    )
    for name in SERVER_NAMES:
        parser.add_argument(
            f"--{name}-port", type=int, default=DEFAULT_PORTS[name], help=f"default {DEFAULT_PORTS[name]}"
        )
    parser.add_argument("--endpoints", type=Path, help="endpoints file to write (default DIR/endpoints.json)")
    faults = parser.add_argument_group("faults (never happen when off)")
    defaults = FaultSettings()
    faults.add_argument("--faults", type=_switch, default=False, metavar="off|on", help="default off")
    faults.add_argument(
        "--fault-rate", type=float, default=defaults.fault_rate, help="chance a call starts a fault"
    )
    faults.add_argument(
        "--slow-rate", type=float, default=defaults.slow_rate, help="chance an answer is slow"
    )
    faults.add_argument("--slow-seconds", type=float, default=defaults.slow_seconds, help="how slow")
    faults.add_argument(
        "--churn",
        type=_switch,
        nargs="?",
        const=True,
        default=False,
        metavar="off|on",
        help="move the disability total while paging (see sandbox.servers.churn)",
    )
    faults.add_argument(
        "--churn-rate", type=float, default=defaults.churn_rate, help="chance a page call churns"
    )
    faults.add_argument("--seed", type=int, default=defaults.seed, help="makes faults and churn repeatable")
    creds = parser.add_argument_group("credentials")
    given = Credentials()
    for field in (
        "civil_client_id",
        "civil_client_secret",
        "poverty_api_key",
        "disability_api_key",
        "medical_app_id",
        "medical_app_secret",
    ):
        creds.add_argument(f"--{field.replace('_', '-')}", dest=field, default=getattr(given, field))
    creds.add_argument("--token-ttl", type=float, default=3600.0, help="civil token lifetime in seconds")
    return parser


def config_from(args: argparse.Namespace) -> ServerConfig:
    """The server configuration the parsed flags describe."""
    only = frozenset(name for names in args.only for name in names) if args.only else frozenset(SERVER_NAMES)
    return ServerConfig(
        host=args.host,
        ports={name: getattr(args, f"{name}_port") for name in SERVER_NAMES},
        only=only,
        public_host=args.public_host,
        credentials=Credentials(
            **{field: getattr(args, field) for field in Credentials.__dataclass_fields__}
        ),
        faults=FaultSettings(
            enabled=args.faults,
            fault_rate=args.fault_rate,
            slow_rate=args.slow_rate,
            slow_seconds=args.slow_seconds,
            churn=args.churn,
            churn_rate=args.churn_rate,
            seed=args.seed,
        ),
        token_ttl=args.token_ttl,
    )


async def serve(directory: Path, config: ServerConfig, endpoints_path: Path) -> None:
    """Serve until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with run_servers(directory, config, warm=True) as endpoints:
        write_endpoints(endpoints_path, endpoints)
        for name in SERVER_NAMES:
            if name in endpoints:
                log.info("%-10s %s", name, endpoints[name]["base_url"])
        log.info("endpoints written to %s", endpoints_path)
        await stop.wait()


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m sandbox serve`` (a leading ``serve`` in ``argv`` is accepted)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["serve"]:
        args_list = args_list[1:]
    args = build_parser().parse_args(args_list)
    if not args.directory.is_dir():
        print(f"serve: {args.directory} is not a population folder", file=sys.stderr)
        return 1
    try:
        config = config_from(args)
    except ValueError as exc:
        print(f"serve: {exc}", file=sys.stderr)
        return 1
    endpoints_path = args.endpoints or layout.path(args.directory, layout.ENDPOINTS)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        asyncio.run(serve(args.directory, config, endpoints_path))
    except OSError as exc:  # typically a port already in use
        print(f"serve: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
