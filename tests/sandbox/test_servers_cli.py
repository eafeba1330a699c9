"""``python -m sandbox serve``: flags, the endpoints file, and a real process serving until SIGTERM."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from pathlib import Path
from typing import Any

import httpx

from sandbox.servers import ServerConfig, run_servers, write_endpoints
from sandbox.servers.cli import build_parser, config_from


def test_flags_make_the_config() -> None:
    args = build_parser().parse_args(
        [
            "pop",
            "--host",
            "0.0.0.0",
            "--only",
            "civil",
            "--only",
            "medical,poverty",
            "--civil-port",
            "9001",
            "--faults",
            "on",
            "--fault-rate",
            "0.1",
            "--churn",
            "--seed",
            "7",
            "--poverty-api-key",
            "k",
        ]
    )
    config = config_from(args)
    assert config.only == {"civil", "medical", "poverty"} and config.port("civil") == 9001
    assert config.port("medical") == 18104 and config.advertised_host() == "127.0.0.1"
    assert (
        config.faults.enabled
        and config.faults.fault_rate == 0.1
        and config.faults.churn
        and config.faults.seed == 7
    )
    assert config.credentials.poverty_api_key == "k"
    quiet = config_from(build_parser().parse_args(["pop", "--public-host", "civil"]))
    assert not quiet.faults.enabled and not quiet.faults.churn and quiet.advertised_host() == "civil"


async def test_endpoints_name_every_server_with_year_and_check_date(
    servers_population: Any, tmp_path: Path
) -> None:
    async with run_servers(servers_population.root, ServerConfig()) as endpoints:
        assert set(endpoints) == {"civil", "poverty", "disability", "medical", "year", "check_date"}
        assert (endpoints["year"], endpoints["check_date"]) == (2026, "2026-11-23")
        assert set(endpoints["medical"]) == {"base_url", "app_id", "app_secret"}
        assert (
            len({endpoints[name]["base_url"] for name in ("civil", "poverty", "disability", "medical")}) == 4
        )


def test_endpoints_files_merge_what_each_process_serves(tmp_path: Path) -> None:
    path = tmp_path / "endpoints.json"
    write_endpoints(path, {"civil": {"base_url": "http://civil:18101"}, "year": 2026})
    write_endpoints(path, {"medical": {"base_url": "http://medical:18104"}, "year": 2026})
    assert json.loads(path.read_text()) == {
        "civil": {"base_url": "http://civil:18101"},
        "medical": {"base_url": "http://medical:18104"},
        "year": 2026,
    }


async def test_serve_runs_until_sigterm(servers_population: Any, tmp_path: Path) -> None:
    endpoints_path = tmp_path / "endpoints.json"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "import sys; from sandbox.servers.cli import main; sys.exit(main())",
        "serve",
        str(servers_population.root),
        "--only",
        "poverty",
        "--poverty-port",
        "0",
        "--endpoints",
        str(endpoints_path),
        "--poverty-api-key",
        "from-flag",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        for _ in range(200):
            if endpoints_path.exists():
                break
            await asyncio.sleep(0.05)
        endpoints = json.loads(endpoints_path.read_text())
        assert (
            set(endpoints) == {"poverty", "year", "check_date"}
            and endpoints["poverty"]["api_key"] == "from-flag"
        )
        async with httpx.AsyncClient() as http:
            answer = await http.get(
                endpoints["poverty"]["base_url"] + "/exports", headers={"X-Api-Key": "from-flag"}
            )
        assert answer.status_code == 200 and len(answer.json()) == 2
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 10)
    assert process.returncode == 0, stderr.decode()


def test_a_missing_folder_is_one_line_and_status_1(tmp_path: Path, capsys: Any) -> None:
    from sandbox.servers.cli import main

    assert main(["serve", str(tmp_path / "missing")]) == 1
    assert "not a population folder" in capsys.readouterr().err
