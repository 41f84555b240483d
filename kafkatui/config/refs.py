"""`${env:NAME}` and `${file:PATH}` references inside config values.

A reference may stand alone or sit inside a longer string; `$${` writes a literal `${`.
File references expand `~`, are relative to the config file's directory, and lose one
trailing newline. The resolver remembers which files fed secret-named keys, so the
loader can warn when one of them is readable by group or others.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kafkatui.cluster.guard import is_secret_name
from kafkatui.config.errors import ConfigError

_REFERENCE = re.compile(r"\$\$\{|\$\{([A-Za-z]+):([^}]*)\}")


@dataclass
class SourceText:
    """The config file's path and raw text, to point errors at a line."""

    path: Path | None
    text: str = ""

    def where(self, needle: str | None = None, after: str | None = None) -> str:
        """'FILE line N' for the first line with `needle` (past `after`), else 'FILE'."""
        name = str(self.path) if self.path else "command line"
        if needle and self.text:
            start = max(self.text.find(after), 0) if after else 0
            index = self.text.find(needle, start)
            if index < 0:
                index = self.text.find(needle)
            if index >= 0:
                return f"{name} line {self.text.count(chr(10), 0, index) + 1}"
        return name

    @property
    def directory(self) -> Path:
        return self.path.parent if self.path else Path.cwd()


@dataclass
class Resolver:
    source: SourceText
    env: Mapping[str, str]
    anchor: str | None = None  # text the references sit after, e.g. "profiles.prod"
    secret_files: list[Path] = field(default_factory=list)

    def resolve_tree(self, value: Any, key: str = "") -> Any:
        """Resolve every string inside nested tables and arrays."""
        if isinstance(value, dict):
            return {k: self.resolve_tree(v, str(k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve_tree(v, key) for v in value]
        if isinstance(value, str):
            return self.resolve(value, key)
        return value

    def resolve(self, value: str, key: str = "") -> str:
        """`value` with its references replaced; `key` names the setting it belongs to."""
        return _REFERENCE.sub(lambda match: self._replace(match, key), value)

    def _replace(self, match: re.Match[str], key: str) -> str:
        kind, arg = match.group(1), match.group(2)
        if kind is None:
            return "${"  # the `$${` escape
        reference = match.group(0)
        where = self.source.where(reference, self.anchor)
        if kind == "env":
            name = arg.strip()
            if name not in self.env:
                raise ConfigError(
                    f"{where}: environment variable {name} is not set (referenced as {reference})"
                )
            return self.env[name]
        if kind == "file":
            return self._read_file(arg.strip(), key, reference, where)
        raise ConfigError(
            f"{where}: unknown reference {reference}: use ${{env:NAME}} or ${{file:PATH}}"
        )

    def _read_file(self, raw_path: str, key: str, reference: str, where: str) -> str:
        if not raw_path:
            raise ConfigError(f"{where}: {reference} names no file")
        path = Path(raw_path).expanduser()
        if not path.is_absolute():
            path = self.source.directory / path
        try:
            content = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(
                f"{where}: file {path} does not exist (referenced as {reference})"
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or type(exc).__name__
            raise ConfigError(
                f"{where}: cannot read file {path} (referenced as {reference}): {reason}"
            ) from None
        if is_secret_name(key):
            self.secret_files.append(path)
        if content.endswith("\r\n"):
            return content[:-2]
        return content[:-1] if content.endswith("\n") else content


def has_reference(value: str) -> bool:
    return any(m.group(1) for m in _REFERENCE.finditer(value))


def is_only_references(value: str) -> bool:
    """True when nothing but references (and blanks) make up the value."""
    return not _REFERENCE.sub("", value).strip() and has_reference(value)
