"""Read-only enforcement and the audit log, below every UI.

Every changing operation in the cluster layer is decorated with `@changes("kind.verb")`.
The decorator is the single place that (1) refuses when read-only is on and (2) appends
one JSON line to the audit log. `CHANGING_ACTIONS` lists every decorated operation, so a
test can prove that each one refuses without anyone keeping a second list.

Classes using the decorator expose a `guard: Guard` attribute.

A long write (copy, redrive) also calls `audit_start` when its first write is about to
go out: that appends a `"phase": "start"` line at once, and the line written when the
method returns becomes its `"phase": "end"` twin with the same `"run"` id. A process
killed in between (SIGKILL) leaves the start line without an end.
"""

from __future__ import annotations

import functools
import getpass
import json
import os
import re
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ParamSpec, Protocol, TypeVar

from kafkatui.cluster.errors import ReadOnlyError

P = ParamSpec("P")
R = TypeVar("R")

#: action id -> qualified name of the method that performs it
CHANGING_ACTIONS: dict[str, str] = {}

#: the guard and the audit entry of the `@changes` method running in this thread
_OPEN_ENTRY: ContextVar[tuple[Guard, dict[str, Any]] | None] = ContextVar(
    "kafkatui_open_audit_entry", default=None
)

_SECRET_WORDS = (
    "password",
    "secret",
    "token",
    "credential",
    "private",
    "jaas",
    "key.pem",
    "apikey",
)


def is_secret_name(name: str) -> bool:
    """True for config/parameter names whose values must never be shown or logged."""
    lowered = name.lower()
    return any(word in lowered for word in _SECRET_WORDS)


# Secrets inside an ordinary value: a URL's user:password@, and name=value pairs in
# connection strings (JDBC `;password=x`, `?password=x&`, `token: x`).
_URL_PASSWORD = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*:)[^@\s/]+(?=@)")
_INLINE_PAIR = re.compile(
    r"(?P<head>\b[\w.-]*(?:password|passwd|pwd|secret|token|apikey|api_key|credential)"
    r"[\w.-]*\s*[=:]\s*)(?P<quote>[\"']?)[^\s;&,\"'}]+",
    re.IGNORECASE,
)


def mask_inline_secrets(text: str) -> str:
    """`text` with passwords inside URLs and name=value pairs replaced by '******'."""
    if "://" in text:
        text = _URL_PASSWORD.sub(r"\g<head>******", text)
    return _INLINE_PAIR.sub(r"\g<head>\g<quote>******", text)


def mask_secrets(value: Any) -> Any:
    """Return a copy of `value` with every secret-named mapping entry replaced by '******',
    and secrets inside other strings masked too (see `mask_inline_secrets`)."""
    if isinstance(value, Mapping):
        return {
            k: ("******" if is_secret_name(str(k)) and v is not None else mask_secrets(v))
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [mask_secrets(v) for v in value]
    if isinstance(value, str):
        return mask_inline_secrets(value)
    return value


def default_audit_path() -> Path:
    state = os.environ.get("XDG_STATE_HOME") or os.path.join(Path.home(), ".local", "state")
    return Path(state) / "kafkatui" / "audit.jsonl"


@dataclass
class Guard:
    """Shared by every sub-client of one connection: read-only flag, profile name, audit file."""

    read_only: bool = False
    profile: str = "default"
    audit_path: Path | None = field(default_factory=default_audit_path)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def check(self, action: str) -> None:
        if self.read_only:
            raise ReadOnlyError(action)

    def record(self, entry: dict[str, Any]) -> None:
        """Append one audit line. Audit failures never break the action itself."""
        if self.audit_path is None:
            return
        line = json.dumps(mask_secrets(entry), default=str, sort_keys=True)
        try:
            self.audit_path.parent.mkdir(parents=True, exist_ok=True)
            with self._lock:
                fd = os.open(self.audit_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
                with os.fdopen(fd, "a", encoding="utf-8") as fh:
                    fh.write(line + "\n")
        except OSError:
            pass  # an unwritable audit file must not turn a done change into an error

    def read_audit(self, limit: int = 500) -> list[dict[str, Any]]:
        if self.audit_path is None or not self.audit_path.exists():
            return []
        lines = self.audit_path.read_text(encoding="utf-8").splitlines()[-limit:]
        return [json.loads(line) for line in lines if line.strip()]


class Guarded(Protocol):
    guard: Guard


def changes(
    action: str,
    target: Callable[..., str] | None = None,
    details: Callable[[Any], Mapping[str, Any]] | None = None,
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Mark a method as changing the cluster: refused when read-only, audited always.

    `target(*args, **kwargs)` names what is changed for the audit line; by default the
    first positional argument after self. The method may return a dict with "before"
    and "after" keys; they are copied into the audit entry. A method that returns
    something else gives `details(result)`, a dict with "before" and "after" (and
    optionally "parameters", merged into the entry's parameters).
    """

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        CHANGING_ACTIONS[action] = fn.__qualname__

        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            owner: Guarded = args[0]  # type: ignore[assignment]
            guard = owner.guard
            guard.check(action)
            rest = args[1:]
            what = target(*rest, **kwargs) if target else (str(rest[0]) if rest else "")
            entry: dict[str, Any] = {
                "time": _now(),
                "profile": guard.profile,
                "user": _user(),
                "action": action,
                "target": what,
                "parameters": _params(rest[1:], kwargs),
            }
            opened = _OPEN_ENTRY.set((guard, entry))
            try:
                result = fn(*args, **kwargs)
            except Exception as exc:
                entry["result"] = f"error: {exc}"
                guard.record(_ended(entry))
                raise
            finally:
                _OPEN_ENTRY.reset(opened)
            found = details(result) if details else result
            if isinstance(found, Mapping):
                entry["before"] = _plain(found.get("before"))
                entry["after"] = _plain(found.get("after"))
                entry["parameters"].update(_plain(found.get("parameters") or {}))
            entry["result"] = "ok"
            guard.record(_ended(entry))
            return result

        wrapper.__kafkatui_action__ = action  # type: ignore[attr-defined]
        return wrapper

    return decorate


def audit_start(**fields: Any) -> None:
    """Inside a `@changes` method: append its `"phase": "start"` line now, with `fields`
    (for example the plan). The method's closing line then says `"phase": "end"`.
    Outside such a method (a dry run) it does nothing."""
    found = _OPEN_ENTRY.get()
    if found is None:
        return
    guard, entry = found
    entry["run"] = uuid.uuid4().hex[:12]
    entry["phase"] = "start"
    extra = {k: _plain(v) for k, v in fields.items()}
    guard.record({**entry, **extra, "time": _now(), "result": "started"})


def audit_note(**fields: Any) -> None:
    """Inside a `@changes` method: add `fields` to its closing line, also when it fails
    (for example how far a write got before an error)."""
    found = _OPEN_ENTRY.get()
    if found is not None:
        found[1].update({k: _plain(v) for k, v in fields.items()})


def _ended(entry: dict[str, Any]) -> dict[str, Any]:
    """The closing line: the time it ended, and `"phase": "end"` after a start line."""
    if "phase" not in entry:
        return entry
    return {**entry, "time": _now(), "phase": "end"}


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _params(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    params: dict[str, Any] = {f"arg{i}": _plain(a) for i, a in enumerate(args)}
    params.update({k: _plain(v) for k, v in kwargs.items()})
    return params


def _plain(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, Mapping | list | tuple):
        return mask_secrets(value)
    return repr(value)
