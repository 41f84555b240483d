"""Where the sandbox keeps its jars, data, logs and state, and which ports it uses.

The state directory survives `down` (data is kept for the next `up`) and holds
`state.json`: the ports chosen on the first start, so a restart reuses them.
"""

from __future__ import annotations

import base64
import json
import os
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


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
        ports = [
            BrokerPorts(
                node_id=i + 1,
                client=free_port(),
                controller=free_port(),
                sasl_ssl=free_port() if secure else None,
                mtls=free_port() if secure else None,
            )
            for i in range(brokers)
        ]
        return cls(root, cluster_id, ports, free_port(), free_port(), secure, free_port())


def new_cluster_id(random_bytes: Callable[[int], bytes] = os.urandom) -> str:
    """A KRaft cluster id: 16 random bytes in URL-safe base64 without padding. One in 64
    starts with "-", which kafka-storage's argument parser takes for an option (Kafka's
    own generator skips those too), so draw again then."""
    while True:
        cluster_id = base64.urlsafe_b64encode(random_bytes(16)).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id
