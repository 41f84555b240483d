"""Fetch the sandbox's jars from Maven Central with the project's own pom.xml.

Maven's local repository caches downloads, and a `.complete` marker in the lib dir
makes later starts skip Maven entirely.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from kafkatui.sandbox.layout import lib_dir

POM = Path(__file__).with_name("pom.xml")


class SandboxError(Exception):
    """A sandbox part could not be fetched, started or reached. The message says which."""


def ensure_jars(log: Path | None = None) -> Path:
    """Return the lib dir holding `kafka/*.jar` and `apicurio/quarkus-run.jar`."""
    lib = lib_dir()
    marker = lib / ".complete"
    if marker.exists():
        return lib
    mvn = shutil.which("mvn")
    if mvn is None:
        raise SandboxError("Maven (mvn) is not installed: the sandbox needs Java 17+ and Maven")
    if shutil.which("java") is None:
        raise SandboxError("Java is not installed: the sandbox needs Java 17+ and Maven")
    lib.mkdir(parents=True, exist_ok=True)
    cmd = [mvn, "-B", "-q", "-f", str(POM), f"-Dsandbox.lib={lib}", "process-resources"]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    if log is not None:
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(result.stdout + result.stderr)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise SandboxError(f"fetching the sandbox jars with Maven failed:\n{tail}")
    if not (lib / "apicurio" / "quarkus-run.jar").exists() or not any(
        (lib / "kafka").glob("*.jar")
    ):
        raise SandboxError(f"Maven finished but the jars are missing under {lib}")
    marker.write_text("ok\n")
    return lib
