"""Kafka Connect over its REST API, for several Connect clusters keyed by endpoint name.

The connector list comes from one call (`GET /connectors?expand=status&expand=info`).
Health is derived by `derive_health`, a pure function. Connector names are validated
before any request and always URL-quoted, so a name can never address another path.
"""

from __future__ import annotations

import builtins
import threading
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

import httpx

from kafkatui.cluster.errors import InvalidInput, KafkaTuiError, NotFound, Refused
from kafkatui.cluster.guard import Guard, changes, is_secret_name, mask_inline_secrets
from kafkatui.cluster.http import build_client, to_error
from kafkatui.cluster.models import ConnectorHealth, ConnectorStatus, TaskStatus
from kafkatui.cluster.settings import HttpEndpoint


def derive_health(connector_state: str, task_states: Sequence[str]) -> ConnectorHealth:
    """One word for a connector and its tasks, worst first.

    A RUNNING connector is DEGRADED when some of its tasks failed and FAILED when all did;
    its tasks restarting or unassigned show through. Other connector states map 1:1.
    """
    state = connector_state.upper()
    tasks = [t.upper() for t in task_states]
    if state == "FAILED":
        return ConnectorHealth.FAILED
    if state in ("PAUSED", "STOPPED", "RESTARTING", "UNASSIGNED"):
        return ConnectorHealth(state)
    if state != "RUNNING":
        return ConnectorHealth.UNASSIGNED  # unknown or missing status: not known to run
    failed = tasks.count("FAILED")
    if failed and failed == len(tasks):
        return ConnectorHealth.FAILED
    if failed:
        return ConnectorHealth.DEGRADED
    if "RESTARTING" in tasks:
        return ConnectorHealth.RESTARTING
    if "UNASSIGNED" in tasks:
        return ConnectorHealth.UNASSIGNED
    if "PAUSED" in tasks:
        return ConnectorHealth.PAUSED
    return ConnectorHealth.HEALTHY


def validate_name(name: str) -> str:
    """Refuse names that could change the request path; return the URL-quoted name."""
    if not name or not name.strip():
        raise InvalidInput("connector name is empty")
    bad = [c for c in ("/", "\\", "?", "#") if c in name]
    if ".." in name:
        bad.append("..")
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        bad.append("control characters")
    if bad:
        shown = name.encode("unicode_escape").decode("ascii")
        raise InvalidInput(f"connector name {shown!r} contains {', '.join(bad)}: not allowed")
    return quote(name, safe="")


def parse_status(
    cluster: str, name: str, status: Mapping[str, Any] | None, info: Mapping[str, Any] | None = None
) -> ConnectorStatus:
    """A ConnectorStatus from Connect's status (and optional info) documents."""
    status = status or {}
    info = info or {}
    connector = status.get("connector") or {}
    tasks = tuple(
        TaskStatus(
            id=int(t.get("id", -1)),
            state=str(t.get("state", "UNASSIGNED")),
            worker_id=str(t.get("worker_id", "")),
            trace=t.get("trace"),
        )
        for t in status.get("tasks") or ()
    )
    state = str(connector.get("state", "UNASSIGNED"))
    config = info.get("config") or {}
    return ConnectorStatus(
        cluster=cluster,
        name=name,
        type=str(status.get("type") or info.get("type") or "unknown"),
        state=state,
        worker_id=str(connector.get("worker_id", "")),
        tasks=tasks,
        health=derive_health(state, [t.state for t in tasks]),
        connector_class=str(config.get("connector.class", "")),
        trace=connector.get("trace"),
    )


def mask_config(config: Mapping[str, Any]) -> dict[str, str]:
    """Connector config as strings: secret-named values replaced by '******', and
    passwords inside other values (a JDBC URL's) masked in place."""
    masked = "******"
    return {
        str(k): masked if is_secret_name(str(k)) and v is not None else mask_inline_secrets(str(v))
        for k, v in config.items()
    }


def _target(cluster: str, name: str, *_: Any, **__: Any) -> str:
    return f"{cluster}/{name}"


class Connect:
    """ConnectApi for every configured Connect cluster."""

    def __init__(self, endpoints: Sequence[HttpEndpoint], guard: Guard) -> None:
        self.guard = guard
        self._endpoints = {e.name: e for e in endpoints}
        self._clients: dict[str, httpx.Client] = {}
        self._lock = threading.Lock()

    # ---- reading -----------------------------------------------------------------
    def clusters(self) -> list[str]:
        return list(self._endpoints)

    def list(self, cluster: str) -> list[ConnectorStatus]:
        body = self._call(
            cluster, "GET", "/connectors", params=[("expand", "status"), ("expand", "info")]
        )
        if not isinstance(body, dict):
            return []
        return sorted(
            (
                parse_status(cluster, name, doc.get("status"), doc.get("info"))
                for name, doc in body.items()
            ),
            key=lambda c: c.name,
        )

    def status(self, cluster: str, name: str) -> ConnectorStatus:
        path = f"/connectors/{validate_name(name)}"
        status = self._call(cluster, "GET", f"{path}/status", what=f"connector {name}")
        info = self._call(cluster, "GET", path, what=f"connector {name}")
        return parse_status(cluster, name, status, info)

    def config(self, cluster: str, name: str) -> dict[str, str]:
        body = self._call(
            cluster, "GET", f"/connectors/{validate_name(name)}/config", what=f"connector {name}"
        )
        return mask_config(body or {})

    def offsets(self, cluster: str, name: str) -> builtins.list[dict[str, Any]]:
        body = self._call(
            cluster, "GET", f"/connectors/{validate_name(name)}/offsets", what=f"connector {name}"
        )
        return builtins.list((body or {}).get("offsets") or [])

    # ---- changing ----------------------------------------------------------------
    @changes("connector.create", target=_target)
    def create(self, cluster: str, name: str, config: Mapping[str, str]) -> None:
        validate_name(name)
        body = {"name": name, "config": {**config, "name": name}}
        self._call(cluster, "POST", "/connectors", json=body, what=f"connector {name}")

    @changes("connector.delete", target=_target)
    def delete(self, cluster: str, name: str) -> None:
        self._call(
            cluster, "DELETE", f"/connectors/{validate_name(name)}", what=f"connector {name}"
        )

    @changes("connector.pause", target=_target)
    def pause(self, cluster: str, name: str) -> None:
        self._put_state(cluster, name, "pause")

    @changes("connector.resume", target=_target)
    def resume(self, cluster: str, name: str) -> None:
        self._put_state(cluster, name, "resume")

    @changes("connector.stop", target=_target)
    def stop(self, cluster: str, name: str) -> None:
        self._put_state(cluster, name, "stop")

    @changes("connector.restart", target=_target)
    def restart(
        self, cluster: str, name: str, include_tasks: bool = False, only_failed: bool = False
    ) -> None:
        params = {"includeTasks": _flag(include_tasks), "onlyFailed": _flag(only_failed)}
        self._call(
            cluster,
            "POST",
            f"/connectors/{validate_name(name)}/restart",
            params=params,
            what=f"connector {name}",
        )

    @changes("connector.restart_task", target=_target)
    def restart_task(self, cluster: str, name: str, task_id: int) -> None:
        if task_id < 0:
            raise InvalidInput(f"task id must be 0 or more, not {task_id}")
        self._call(
            cluster,
            "POST",
            f"/connectors/{validate_name(name)}/tasks/{int(task_id)}/restart",
            what=f"task {task_id} of connector {name}",
        )

    @changes("connector.reset_offsets", target=_target)
    def reset_offsets(self, cluster: str, name: str) -> None:
        self._require_stopped(cluster, name, "reset its offsets")
        self._call(
            cluster,
            "DELETE",
            f"/connectors/{validate_name(name)}/offsets",
            what=f"connector {name}",
        )

    @changes("connector.alter_offsets", target=_target)
    def alter_offsets(
        self, cluster: str, name: str, offsets: builtins.list[dict[str, Any]]
    ) -> None:
        if not offsets or not all(isinstance(o, dict) and "partition" in o for o in offsets):
            raise InvalidInput('offsets must be a non-empty list of {"partition", "offset"} items')
        self._require_stopped(cluster, name, "alter its offsets")
        self._call(
            cluster,
            "PATCH",
            f"/connectors/{validate_name(name)}/offsets",
            json={"offsets": offsets},
            what=f"connector {name}",
        )

    def close(self) -> None:
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()

    # ---- plumbing ----------------------------------------------------------------
    def _put_state(self, cluster: str, name: str, verb: str) -> None:
        self._call(
            cluster, "PUT", f"/connectors/{validate_name(name)}/{verb}", what=f"connector {name}"
        )

    def _require_stopped(self, cluster: str, name: str, doing: str) -> None:
        state = self.status(cluster, name).state
        if state.upper() != "STOPPED":
            raise Refused(
                f"connector {name} is {state}: stop it first, Connect can only {doing} "
                "while the connector is STOPPED"
            )

    def _client(self, cluster: str) -> tuple[httpx.Client, HttpEndpoint]:
        endpoint = self._endpoints.get(cluster)
        if endpoint is None:
            known = ", ".join(self._endpoints) or "none configured"
            raise NotFound(f"no Connect cluster named {cluster!r} (known: {known})")
        with self._lock:
            client = self._clients.get(cluster)
            if client is None:
                client = self._clients[cluster] = build_client(endpoint)
        return client, endpoint

    def _call(
        self,
        cluster: str,
        method: str,
        path: str,
        *,
        what: str = "",
        params: Any = None,
        json: Any = None,
    ) -> Any:
        client, endpoint = self._client(cluster)
        try:
            response = client.request(method, path, params=params, json=json)
        except httpx.HTTPError as exc:
            raise to_error(exc, endpoint, what) from None
        if response.status_code >= 400:
            raise to_error(response, endpoint, what)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise KafkaTuiError(
                f"{endpoint.name}: {method} {path} answered HTTP {response.status_code} "
                "with a body that is not JSON"
            ) from None


def _flag(value: bool) -> str:
    return "true" if value else "false"
