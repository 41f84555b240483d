"""The sandbox: a real Kafka 4 KRaft cluster, a Kafka Connect worker and Apicurio Registry.

`Sandbox().up()` fetches jars once, starts whatever is not running (reusing ports and
data), and returns only when every part answers: broker metadata, `GET /connectors`
and `GET /subjects`. On failure it names the part, shows its log tail and stops what it
started. `down()` stops every process; data stays for the next `up()` unless purged.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kafkatui.sandbox import configs, ownership, processes
from kafkatui.sandbox.jars import SandboxError, ensure_jars
from kafkatui.sandbox.java import find_java
from kafkatui.sandbox.layout import SandboxLayout, state_dir

BROKER_HEAP_MB = 1024
CONNECT_HEAP_MB = 768
REGISTRY_HEAP_MB = 512
READY_TIMEOUT_S = 240.0
TRAFFIC_PART = "traffic"


# what a JVM's BindException says, and what Quarkus says instead when it catches one
PORTS_IN_USE = ("Address already in use", "seems to be in use by another process")


class PortClash(SandboxError):
    """A part could not listen: another process holds one of the ports chosen for it."""

    port_note = "another process holds a port chosen for it"

    def __init__(self, part: str, failure: str) -> None:
        super().__init__(
            f"{failure}\n{self.port_note}: stop that process, or run "
            "`kafkatui sandbox down --purge` to start over on new ports (this deletes "
            "the sandbox's data)"
        )
        self.part = part


@dataclass
class SandboxStatus:
    layout: SandboxLayout
    alive: dict[str, bool]

    @property
    def running(self) -> bool:
        return bool(self.alive) and all(
            ok for part, ok in self.alive.items() if part != TRAFFIC_PART
        )

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "running": self.running,
            "bootstrap_servers": self.layout.bootstrap_servers,
            "schema_registry": self.layout.registry_url,
            "connect": self.layout.connect_url,
            "brokers": len(self.layout.brokers),
            "cluster_id": self.layout.cluster_id,
            "state_dir": str(self.layout.root),
            "parts": self.alive,
        }
        if self.layout.secure:
            from kafkatui.sandbox.secure import secure_status

            doc["secure"] = secure_status(self.layout)
        return doc


def broker_parts(layout: SandboxLayout) -> list[str]:
    return [f"broker-{b.node_id}" for b in layout.brokers]


def all_parts(layout: SandboxLayout) -> list[str]:
    return [*broker_parts(layout), "registry", "connect"]


class Sandbox:
    def __init__(self, root: Path | None = None, say: Callable[[str], None] | None = None):
        self.root = root or state_dir()
        self.say = say or (lambda _msg: None)

    # ---- queries -------------------------------------------------------------------
    def layout(self) -> SandboxLayout | None:
        return SandboxLayout.load(self.root)

    def status(self) -> SandboxStatus | None:
        layout = self.layout()
        if layout is None:
            return None
        alive = {p: processes.running_pid(self.root, p) is not None for p in all_parts(layout)}
        if processes.running_pid(self.root, TRAFFIC_PART) is not None:
            alive[TRAFFIC_PART] = True
        return SandboxStatus(layout, alive)

    # ---- up ------------------------------------------------------------------------
    def up(self, brokers: int = 1, secure: bool = False) -> SandboxStatus:
        ownership.reap_orphans()  # a killed test run's JVMs must not outlive it
        layout, created = self._layout_for(brokers, secure)
        try:
            return self._start(layout)
        except PortClash as clash:
            if not created:
                raise
            # Nothing of a new sandbox is worth keeping: draw new ports and start over once.
            self.say(f"{clash.part}: {clash.port_note}; starting again on new ports")
            self._wipe()
            layout, _ = self._layout_for(brokers, secure)
            return self._start(layout)

    def _start(self, layout: SandboxLayout) -> SandboxStatus:
        secure = layout.secure
        lib = ensure_jars(log=self.root / "logs" / "maven.log")
        started: list[str] = []
        try:
            if secure:
                from kafkatui.sandbox.secure import ensure_http_material, ensure_material

                ensure_material(layout)
                ensure_http_material(layout)
            self._start_registry(layout, lib, started)
            self._start_brokers(layout, lib, started)
            self._wait("brokers", layout, lambda: _brokers_ready(layout), started)
            if secure:
                from kafkatui.sandbox.secure import ensure_scram_user

                ensure_scram_user(layout)
            self._start_connect(layout, lib, started)
            for part, url in (
                ("registry", layout.registry_url + "/subjects"),
                ("connect", layout.connect_url + "/connectors"),
            ):
                self._wait(part, layout, functools.partial(_http_ok, url, layout, part), started)
        except BaseException:
            for part in reversed(started):
                processes.stop(self.root, part, grace_s=5)
            raise
        status = self.status()
        assert status is not None
        return status

    def _wipe(self) -> None:
        """Delete the sandbox's state but not who owns it: a test run's claim must hold."""
        boss = ownership.owner(self.root)
        shutil.rmtree(self.root, ignore_errors=True)
        if boss is not None:
            ownership.claim(self.root, boss)

    def _layout_for(self, brokers: int, secure: bool) -> tuple[SandboxLayout, bool]:
        """The saved layout, or a new one (then True) when there is none or it differs."""
        layout = self.layout()
        if layout is not None and (len(layout.brokers) != brokers or layout.secure != secure):
            status = self.status()
            if status is not None and any(status.alive.values()):
                raise SandboxError(
                    f"a sandbox with {len(layout.brokers)} broker(s)"
                    f"{' (secure)' if layout.secure else ''} is running in {self.root}: "
                    "run `kafkatui sandbox down` first"
                )
            self._wipe()
            layout = None
        if layout is not None:
            return layout, False
        layout = SandboxLayout.fresh(self.root, brokers, secure)
        layout.save()
        return layout, True

    def _start_brokers(self, layout: SandboxLayout, lib: Path, started: list[str]) -> None:
        classpath = str(lib / "kafka" / "*")
        log4j = configs.write(layout.path("config", "log4j2.properties"), configs.LOG4J2)
        common = [f"-Dlog4j2.configurationFile={log4j}", "-cp", classpath]
        for broker in layout.brokers:
            part = f"broker-{broker.node_id}"
            if processes.running_pid(self.root, part) is not None:
                continue
            props = configs.write(
                layout.path("config", f"{part}.properties"),
                configs.broker_properties(layout, broker),
            )
            data = layout.path(part, "data")
            if not (data / "meta.properties").exists():
                self._format(layout, lib, part, props, common)
            self.say(f"starting {part} on 127.0.0.1:{broker.client}")
            processes.start_java(
                self.root, part, [*common, "kafka.Kafka", str(props)], BROKER_HEAP_MB
            )
            started.append(part)

    def _format(
        self, layout: SandboxLayout, lib: Path, part: str, props: Path, common: list[str]
    ) -> None:
        args = ["java", *common, "kafka.tools.StorageTool", "format", "-t", layout.cluster_id]
        args += ["-c", str(props)]
        if len(layout.brokers) == 1:
            args.append("--standalone")
        if layout.secure:
            from kafkatui.sandbox.secure import format_scram_args

            args += format_scram_args(layout)
        result = subprocess.run(args, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            out = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
            raise SandboxError(f"formatting {part}'s storage failed:\n{out}")

    def _start_registry(self, layout: SandboxLayout, lib: Path, started: list[str]) -> None:
        if processes.running_pid(self.root, "registry") is not None:
            return
        layout.path("registry").mkdir(parents=True, exist_ok=True)
        self.say(f"starting registry on 127.0.0.1:{layout.registry_port}")
        args = [
            *configs.registry_system_properties(layout),
            "-jar",
            str(lib / "apicurio" / "quarkus-run.jar"),
        ]
        java = find_java(21, "Apicurio Registry 3.3")
        processes.start_java(self.root, "registry", args, REGISTRY_HEAP_MB, java=java)
        started.append("registry")

    def _start_connect(self, layout: SandboxLayout, lib: Path, started: list[str]) -> None:
        if processes.running_pid(self.root, "connect") is not None:
            return
        props = configs.write(
            layout.path("config", "connect.properties"), configs.connect_properties(layout)
        )
        log4j = layout.path("config", "log4j2.properties")
        self.say(f"starting connect on 127.0.0.1:{layout.connect_port}")
        args = [
            f"-Dlog4j2.configurationFile={log4j}",
            *configs.connect_jvm_args(layout),
            "-cp",
            str(lib_classpath(lib)),
            "org.apache.kafka.connect.cli.ConnectDistributed",
            str(props),
        ]
        processes.start_java(self.root, "connect", args, CONNECT_HEAP_MB)
        started.append("connect")

    def _wait(
        self, what: str, layout: SandboxLayout, ready: Callable[[], bool], started: list[str]
    ) -> None:
        parts = broker_parts(layout) if what == "brokers" else [what]
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            dead = [p for p in parts if processes.running_pid(self.root, p) is None]
            if dead:
                failure = self._failure(dead[0], "exited during start-up")
                tail = processes.log_tail(self.root, dead[0], lines=400)
                if any(sign in tail for sign in PORTS_IN_USE):
                    raise PortClash(dead[0], failure)
                raise SandboxError(failure)
            if ready():
                self.say(f"{what} ready")
                return
            time.sleep(0.5)
        raise SandboxError(self._failure(parts[0], f"did not answer within {READY_TIMEOUT_S:.0f}s"))

    def _failure(self, part: str, what: str) -> str:
        log = processes.log_file(self.root, part)
        return f"{part} {what}. Last lines of {log}:\n{processes.log_tail(self.root, part)}"

    # ---- down ----------------------------------------------------------------------
    def down(self, purge: bool = False) -> list[str]:
        layout = self.layout()
        stopped: list[str] = []
        if layout is not None:
            for part in [TRAFFIC_PART, "connect", "registry", *reversed(broker_parts(layout))]:
                if processes.stop(self.root, part):
                    stopped.append(part)
        if purge:
            shutil.rmtree(self.root, ignore_errors=True)
        return stopped

    # ---- fault drills --------------------------------------------------------------
    def kill(self, part: str) -> None:
        processes.kill(self.root, part)

    def signal(self, part: str, sig: Any) -> bool:
        return processes.send(self.root, part, sig)


def lib_classpath(lib: Path) -> str:
    return str(lib / "kafka" / "*")


def _http_ok(url: str, layout: SandboxLayout, part: str) -> bool:
    import httpx

    options: dict[str, Any] = {}
    if layout.secure:
        from kafkatui.sandbox.secure import http_probe_options

        options = http_probe_options(layout, part)
    try:
        return httpx.get(url, timeout=3.0, **options).status_code == 200
    except httpx.HTTPError:
        return False


def _brokers_ready(layout: SandboxLayout) -> bool:
    """Every broker is registered and the cluster has a controller."""
    from confluent_kafka.admin import AdminClient

    admin = AdminClient(
        {
            "bootstrap.servers": layout.bootstrap_servers,
            "socket.timeout.ms": 3000,
            "log_level": 0,
            "logger": _quiet_logger(),
        }
    )
    try:
        cluster = admin.describe_cluster(request_timeout=3).result(timeout=4)
    except Exception:  # any failure just means "not ready yet"
        return False
    return len(cluster.nodes) == len(layout.brokers) and cluster.controller is not None


def _quiet_logger() -> Any:
    import logging

    logger = logging.getLogger("kafkatui.sandbox.probe")
    logger.addHandler(logging.NullHandler())
    logger.propagate = False
    return logger


def start_traffic(root: Path | None = None) -> bool:
    """Start the demo traffic process unless it runs. True if it was started now."""
    import sys

    root = root or state_dir()
    if processes.running_pid(root, TRAFFIC_PART) is not None:
        return False
    cmd = [
        sys.executable,
        "-m",
        "kafkatui.sandbox.traffic",
        str(root),
        processes.marker(root, TRAFFIC_PART),
    ]
    processes.start(root, TRAFFIC_PART, cmd)
    return True


def stop_traffic(root: Path | None = None) -> None:
    processes.stop(root or state_dir(), TRAFFIC_PART, grace_s=10)
