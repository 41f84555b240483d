"""Where the sandbox keeps its jars, data, logs and state, and which ports it uses.

The state directory survives `down` (data is kept for the next `up`) and holds
`state.json`: the ports chosen on the first start, so a restart reuses them.
"""

from __future__ import annotations

import base64
import functools
import json
import os
import random
import socket
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

KAFKA_VERSION = "4.3.1"
APICURIO_VERSION = "3.3.3"


def state_dir() -> Path:
    explicit = os.environ.get("KAFKATUI_SANDBOX_DIR")
    if explicit:  # absolute: the processes run with the state dir as their cwd
        return Path(explicit).absolute()
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "kafkatui" / "sandbox"


def lib_dir() -> Path:
    """Jars are cached outside the state dir, so `down --purge` keeps downloads."""
    explicit = os.environ.get("KAFKATUI_SANDBOX_LIB")
    if explicit:
        return Path(explicit).absolute()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kafkatui" / f"sandbox-lib-{KAFKA_VERSION}-{APICURIO_VERSION}"


# Listening ports are drawn below the kernel's ephemeral range. The kernel hands ports in
# that range to outgoing connections, so a port picked there (as `bind(0)` does) can be
# taken by any client between the choice and the JVM's own bind.
LISTEN_FLOOR = 10_000
EPHEMERAL_RANGE_FILE = Path("/proc/sys/net/ipv4/ip_local_port_range")


def ephemeral_low(source: Path = EPHEMERAL_RANGE_FILE) -> int | None:
    try:
        return int(source.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None  # not Linux: other systems start theirs at 49152 or above


def free_port(
    chosen: set[int] | None = None, low: int | None = None, draw: random.Random | None = None
) -> int:
    """A port nothing listens on, outside the ephemeral range, and not already in `chosen`
    (the ports one layout picked so far: none of them is listening yet)."""
    chosen = chosen if chosen is not None else set()
    top = ephemeral_low() if low is None else low
    top = min(top or 49152, 65536)
    draw = draw or random.SystemRandom()
    if top - LISTEN_FLOOR >= 1000:  # a range wide enough to draw from
        for _ in range(200):
            port = draw.randrange(LISTEN_FLOOR, top)
            if port not in chosen and _can_listen(port):
                chosen.add(port)
                return port
    while True:  # a kernel whose ephemeral range starts low: let it choose
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        if port not in chosen:
            chosen.add(port)
            return port


def _can_listen(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@dataclass
class BrokerPorts:
    node_id: int
    client: int
    controller: int
    sasl_ssl: int | None = None
    mtls: int | None = None


@dataclass
class SandboxLayout:
    """Persisted choices of one sandbox: ports, cluster id, broker count, security."""

    root: Path
    cluster_id: str
    brokers: list[BrokerPorts]
    connect_port: int
    registry_port: int
    secure: bool = False
    registry_management_port: int = 0  # Quarkus' management interface (health, metrics)
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def bootstrap_servers(self) -> str:
        return ",".join(f"127.0.0.1:{b.client}" for b in self.brokers)

    @property
    def connect_url(self) -> str:
        return f"{self._scheme}://127.0.0.1:{self.connect_port}"

    @property
    def registry_url(self) -> str:
        return f"{self._scheme}://127.0.0.1:{self.registry_port}/apis/ccompat/v7"

    @property
    def _scheme(self) -> str:
        return "https" if self.secure else "http"  # a secure sandbox serves REST over TLS

    def path(self, *parts: str) -> Path:
        return self.root.joinpath(*parts)

    def save(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        data = asdict(self)
        data["root"] = str(self.root)
        self.path("state.json").write_text(json.dumps(data, indent=2))

    @classmethod
    def load(cls, root: Path) -> SandboxLayout | None:
        try:
            data = json.loads((root / "state.json").read_text())
        except (OSError, ValueError):
            return None
        data["root"] = root
        data["brokers"] = [BrokerPorts(**b) for b in data["brokers"]]
        return cls(**data)

    @classmethod
    def fresh(cls, root: Path, brokers: int, secure: bool) -> SandboxLayout:
        cluster_id = new_cluster_id()
        chosen: set[int] = set()
        port = functools.partial(free_port, chosen)
        ports = [
            BrokerPorts(
                node_id=i + 1,
                client=port(),
                controller=port(),
                sasl_ssl=port() if secure else None,
                mtls=port() if secure else None,
            )
            for i in range(brokers)
        ]
        return cls(root, cluster_id, ports, port(), port(), secure, port())


def new_cluster_id(random_bytes: Callable[[int], bytes] = os.urandom) -> str:
    """A KRaft cluster id: 16 random bytes in URL-safe base64 without padding. One in 64
    starts with "-", which kafka-storage's argument parser takes for an option (Kafka's
    own generator skips those too), so draw again then."""
    while True:
        cluster_id = base64.urlsafe_b64encode(random_bytes(16)).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id
