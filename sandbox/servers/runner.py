"""Running the imitation servers: uvicorn in the current event loop, and the endpoints file.

:func:`run_servers` is the whole in-process API for tests and tools::

    async with run_servers(population_dir, ServerConfig(faults=FaultSettings(enabled=True))) as endpoints:
        endpoints["civil"]["base_url"]   # "http://127.0.0.1:<free port>"

It binds each selected server's socket first (port 0 picks a free one), serves
it with uvicorn as a task of the running loop, yields the endpoints dict of
``contracts/README.md`` (plus ``year`` and ``check_date`` from ``meta.json``)
and shuts everything down on exit. It never touches signal handlers or logging
configuration: the CLI owns those.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import os
import socket
from collections.abc import AsyncIterator, Callable, Generator, Mapping
from pathlib import Path
from typing import Any, Protocol

import uvicorn
from starlette.applications import Starlette

from sandbox import layout
from sandbox.servers.civil import CivilServer
from sandbox.servers.config import SERVER_NAMES, ServerConfig
from sandbox.servers.disability import DisabilityServer
from sandbox.servers.index import IndexedFile
from sandbox.servers.medical import MedicalServer
from sandbox.servers.poverty import PovertyServer

Endpoints = dict[str, Any]


class Department(Protocol):
    """One imitation system: its app and the files it holds open."""

    name: str
    app: Starlette

    @property
    def files(self) -> tuple[IndexedFile, ...]: ...

    def close(self) -> None: ...


BUILDERS: Mapping[str, Callable[[Path, ServerConfig], Department]] = {
    "civil": CivilServer,
    "poverty": PovertyServer,
    "disability": DisabilityServer,
    "medical": MedicalServer,
}


class _Server(uvicorn.Server):
    """A uvicorn server that leaves signals alone (four share one process) and stops without polling."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self._stopping = asyncio.Event()

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield

    async def main_loop(self) -> None:
        # uvicorn's own loop polls every 0.1 s; waking on stop() makes a test's teardown quicker.
        counter = 0
        while not self.should_exit:
            counter = (counter + 1) % 864000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), 0.1)
            if self.should_exit or await self.on_tick(counter):
                return

    def stop(self) -> None:
        """Ask the server to finish its answers and stop."""
        self.should_exit = True
        self._stopping.set()


def endpoints_for(root: Path, config: ServerConfig, ports: Mapping[str, int]) -> Endpoints:
    """The endpoints dict for servers listening on ``ports``, with ``year``/``check_date`` from meta.json."""
    creds, host = config.credentials, config.advertised_host()
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    secrets: dict[str, dict[str, str]] = {
        "civil": {"client_id": creds.civil_client_id, "client_secret": creds.civil_client_secret},
        "poverty": {"api_key": creds.poverty_api_key},
        "disability": {"api_key": creds.disability_api_key},
        "medical": {"app_id": creds.medical_app_id, "app_secret": creds.medical_app_secret},
    }
    endpoints: Endpoints = {
        name: {"base_url": f"http://{host}:{ports[name]}", **secrets[name]}
        for name in SERVER_NAMES
        if name in ports
    }
    try:
        meta = json.loads(layout.path(root, layout.META).read_text(encoding="utf-8"))
    except FileNotFoundError:
        meta = {}
    for key in ("year", "check_date"):
        if key in meta:
            endpoints[key] = meta[key]
    return endpoints


def write_endpoints(path: Path, endpoints: Mapping[str, Any], *, merge: bool = True) -> None:
    """Write the endpoints file atomically; with ``merge``, keep the keys other servers wrote.

    Several ``serve --only …`` processes (one a container) may share one file,
    so the read-modify-write happens under an exclusive lock.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        current: dict[str, Any] = {}
        if merge and path.exists():
            with contextlib.suppress(ValueError):
                loaded = json.loads(path.read_text(encoding="utf-8"))
                current = loaded if isinstance(loaded, dict) else {}
        current.update(endpoints)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(current, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        os.replace(temporary, path)


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto must say TCP: asyncio sets TCP_NODELAY only on such sockets, and without it
    # every answer written in two parts waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(512)
    except OSError:
        sock.close()
        raise
    return sock


@contextlib.asynccontextmanager
async def run_servers(
    root: Path, config: ServerConfig | None = None, *, warm: bool = False
) -> AsyncIterator[Endpoints]:
    """Serve the selected departments over ``root`` until the block ends; yields the endpoints.

    With ``warm``, the data files are indexed before yielding, so the first call
    does not wait for it (seconds for a million persons; tests leave it off).
    """
    config = config or ServerConfig()
    departments = [BUILDERS[name](root, config) for name in SERVER_NAMES if name in config.only]
    sockets: dict[str, socket.socket] = {}
    servers: list[_Server] = []
    tasks: list[asyncio.Task[None]] = []
    try:
        for department in departments:
            sockets[department.name] = _listen(config.host, config.port(department.name))
        for department in departments:
            uv_config = uvicorn.Config(
                department.app,
                log_config=None,
                log_level="warning",
                access_log=False,
                lifespan="off",
                timeout_graceful_shutdown=2,
            )
            server = _Server(uv_config)
            servers.append(server)
            tasks.append(asyncio.create_task(server.serve(sockets=[sockets[department.name]])))
        while not all(server.started for server in servers):
            for task in tasks:
                if task.done():
                    task.result()  # a server that failed to start raises here
                    raise RuntimeError("an imitation server stopped while starting")
            await asyncio.sleep(0.01)
        if warm:
            await asyncio.gather(*(file.current() for department in departments for file in department.files))
        ports = {name: int(sock.getsockname()[1]) for name, sock in sockets.items()}
        yield endpoints_for(root, config, ports)
    finally:
        for server in servers:
            server.stop()
        await asyncio.gather(*tasks, return_exceptions=True)
        for sock in sockets.values():
            sock.close()
        for department in departments:
            department.close()
