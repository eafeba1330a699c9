"""The project's own Neo4j 5.26 Community server, run from Maven Central artifacts.

``fetch`` copies the server's jars into a cache directory once (Maven); ``start``
writes the instance's ``neo4j.conf`` (the repo's ``deploy/neo4j/neo4j.conf`` plus
this instance's port, directories and memory), sets the initial password on a
new database, starts ``org.neo4j.server.CommunityEntryPoint`` on loopback, waits
until Bolt answers, and writes the pid; ``stop`` ends that pid. Starting twice is
harmless: a running instance is reported, not started again.

Every failure a person can fix (no Java, no Maven, a port taken, a wrong
password) is a :class:`Neo4jServerError` whose message says what to do.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, ServiceUnavailable

REPO_CONF = Path(__file__).resolve().parent.parent / "deploy" / "neo4j"

# From Neo4j's own launcher: without them Java 17 can fail on DirectByteBuffer.
JVM_FLAGS = (
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
)


class Neo4jServerError(RuntimeError):
    """The server cannot be fetched, started or reached; the message says what to fix."""


@dataclass(frozen=True)
class ServerConfig:
    """One instance: where its files live and how it listens."""

    version: str
    home: Path
    cache: Path
    host: str
    port: int
    user: str
    password: str
    heap: str = "1g"
    pagecache: str = "512m"
    start_timeout: float = 120.0

    @property
    def uri(self) -> str:
        return f"neo4j://{self.host}:{self.port}"

    @property
    def pid_file(self) -> Path:
        return self.home / "run" / "neo4j.pid"

    @property
    def lib_dir(self) -> Path:
        return self.cache / "lib"


def config_from_uri(
    uri: str, *, version: str, home: Path, cache: Path, user: str, password: str, **extra: object
) -> ServerConfig:
    """A config listening where ``uri`` points (the hub's ``neo4j_uri``)."""
    parts = urlsplit(uri)
    host = parts.hostname or "127.0.0.1"
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise Neo4jServerError(
            f"DOUDI_NEO4J_URI points at {host}: the project's own server listens on loopback only; "
            "use 127.0.0.1, or run that server yourself"
        )
    return ServerConfig(
        version=version,
        home=home,
        cache=cache,
        host="127.0.0.1",
        port=parts.port or 7687,
        user=user,
        password=password,
        **extra,  # type: ignore[arg-type]
    )


# ---------------------------------------------------------------------------


def _need(program: str, hint: str) -> str:
    found = shutil.which(program)
    if not found:
        raise Neo4jServerError(f"{program} was not found on PATH: {hint}")
    return found


def fetch(cfg: ServerConfig, *, quiet: bool = True) -> Path:
    """Copy the server's jars into the cache once; later calls return at once."""
    marker = cfg.lib_dir / ".complete"
    if marker.exists():
        return cfg.lib_dir
    mvn = _need("mvn", "install Maven (apt-get install maven) to fetch Neo4j from Maven Central")
    _need("java", "install Java 17 (apt-get install openjdk-17-jre-headless)")
    cfg.lib_dir.mkdir(parents=True, exist_ok=True)
    cmd = [
        mvn,
        "-B",
        *(["-q"] if quiet else []),
        "-f",
        str(REPO_CONF / "pom.xml"),
        f"-Dneo4j.version={cfg.version}",
        "dependency:copy-dependencies",
        f"-DoutputDirectory={cfg.lib_dir}",
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).strip().splitlines()[-3:]
        raise Neo4jServerError(
            f"Maven could not fetch org.neo4j:neo4j:{cfg.version}: {' / '.join(tail)}"
        )
    marker.write_text(cfg.version, encoding="utf-8")
    return cfg.lib_dir


def _write_conf(cfg: ServerConfig) -> Path:
    conf_dir = cfg.home / "conf"
    conf_dir.mkdir(parents=True, exist_ok=True)
    instance = {
        "server.default_listen_address": "127.0.0.1",
        "server.bolt.listen_address": f"{cfg.host}:{cfg.port}",
        "server.bolt.advertised_address": f"{cfg.host}:{cfg.port}",
        "server.memory.heap.initial_size": cfg.heap,
        "server.memory.heap.max_size": cfg.heap,
        "server.memory.pagecache.size": cfg.pagecache,
        "server.directories.data": str(cfg.home / "data"),
        "server.directories.logs": str(cfg.home / "logs"),
        "server.directories.plugins": str(cfg.home / "plugins"),
        "server.directories.import": str(cfg.home / "import"),
        "server.directories.run": str(cfg.home / "run"),
        "server.directories.transaction.logs.root": str(cfg.home / "data" / "transactions"),
    }
    # Neo4j refuses a key declared twice: the shared file's value gives way to this instance's.
    shared = [
        line
        for line in (REPO_CONF / "neo4j.conf").read_text(encoding="utf-8").splitlines()
        if line.split("=", 1)[0].strip() not in instance
    ]
    lines = [*shared, "", "# --- this instance (written by `hub neo4j start`) ---"]
    lines += [f"{key}={value}" for key, value in instance.items()]
    (conf_dir / "neo4j.conf").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for sub in ("data", "logs", "plugins", "import", "run"):
        (cfg.home / sub).mkdir(parents=True, exist_ok=True)
    return conf_dir


def _java(cfg: ServerConfig, main: str, *args: str) -> list[str]:
    java = _need("java", "install Java 17 (apt-get install openjdk-17-jre-headless)")
    return [java, *JVM_FLAGS, "-cp", f"{cfg.lib_dir}/*", main, *args]


def _env(cfg: ServerConfig) -> dict[str, str]:
    return {**os.environ, "NEO4J_HOME": str(cfg.home), "NEO4J_CONF": str(cfg.home / "conf")}


def running_pid(cfg: ServerConfig) -> int | None:
    """The pid of this instance when it is alive, else None (a stale pid file is removed)."""
    try:
        pid = int(cfg.pid_file.read_text(encoding="utf-8").strip())
    except (FileNotFoundError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        cfg.pid_file.unlink(missing_ok=True)
        return None
    except PermissionError:
        return pid
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.exists() and b"CommunityEntryPoint" not in cmdline.read_bytes():
        cfg.pid_file.unlink(missing_ok=True)  # the pid was reused by another program
        return None
    return pid


def _port_taken(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def bolt_answers(cfg: ServerConfig) -> bool:
    try:
        # bolt:// (direct): a routing neo4j:// driver logs an error for every probe of a starting server.
        with GraphDatabase.driver(f"bolt://{cfg.host}:{cfg.port}", auth=(cfg.user, cfg.password)) as driver:
            driver.verify_connectivity()
        return True
    except AuthError:
        raise Neo4jServerError(
            f"Neo4j at {cfg.uri} refused user {cfg.user!r}: the password in DOUDI_NEO4J_PASSWORD "
            f"differs from the one this database was created with (reset by deleting {cfg.home / 'data'})"
        ) from None
    except (ServiceUnavailable, OSError):
        return False


def start(cfg: ServerConfig, *, log: object = None) -> int:
    """Start the instance (or find it running) and wait until Bolt answers; return its pid."""
    pid = running_pid(cfg)
    if pid is not None:
        if bolt_answers(cfg):
            return pid
        raise Neo4jServerError(f"Neo4j (pid {pid}) is running but Bolt does not answer on {cfg.uri}")
    if _port_taken(cfg.host, cfg.port):
        raise Neo4jServerError(
            f"port {cfg.port} on {cfg.host} is taken by another program: stop it, or set "
            "DOUDI_NEO4J_URI to a free port"
        )
    fetch(cfg)
    _write_conf(cfg)
    if not (cfg.home / "data" / "dbms" / "auth.ini").exists():
        done = subprocess.run(
            _java(cfg, "org.neo4j.cli.AdminTool", "dbms", "set-initial-password", cfg.password),
            env=_env(cfg),
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise Neo4jServerError(f"could not set the initial password: {done.stderr.strip()[-300:]}")
    out = (cfg.home / "logs" / "console.log").open("ab")
    proc = subprocess.Popen(
        _java(
            cfg,
            "org.neo4j.server.CommunityEntryPoint",
            f"--home-dir={cfg.home}",
            f"--config-dir={cfg.home / 'conf'}",
        ),
        env=_env(cfg),
        stdout=out,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # survives the shell that started it; stopped by pid
    )
    out.close()
    cfg.pid_file.write_text(str(proc.pid), encoding="utf-8")
    deadline = time.monotonic() + cfg.start_timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            cfg.pid_file.unlink(missing_ok=True)
            raise Neo4jServerError(
                f"Neo4j exited with status {proc.returncode} while starting; see {cfg.home / 'logs'}"
            )
        if bolt_answers(cfg):
            return proc.pid
        time.sleep(0.5)
    stop(cfg)
    raise Neo4jServerError(f"Neo4j did not answer on {cfg.uri} within {cfg.start_timeout:.0f}s")


def stop(cfg: ServerConfig, *, timeout: float = 60.0) -> bool:
    """Stop the instance by its pid; True when one was running."""
    pid = running_pid(cfg)
    if pid is None:
        return False
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        cfg.pid_file.unlink(missing_ok=True)
        return False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
            _reap(pid)
        except ProcessLookupError:
            break
        time.sleep(0.25)
    else:
        os.kill(pid, signal.SIGKILL)
    cfg.pid_file.unlink(missing_ok=True)
    return True


def _reap(pid: int) -> None:
    # A child of this process stays a zombie until waited for; kill(pid, 0) would see it.
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return
    if done == pid:
        raise ProcessLookupError(pid)


def status(cfg: ServerConfig) -> str:
    """One line: running (pid, uri) or stopped."""
    pid = running_pid(cfg)
    if pid is None:
        return f"stopped (home {cfg.home})"
    answers = "answering" if bolt_answers(cfg) else "not answering yet"
    return f"running, pid {pid}, {cfg.uri}, Bolt {answers}"


if __name__ == "__main__":  # `python -m hub.neo4jserver start|stop|status` for scripts
    from hub.cli import main

    sys.exit(main(["neo4j", *sys.argv[1:]]))
