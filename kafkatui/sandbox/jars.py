"""Fetch the sandbox's jars from Maven Central with the project's own pom.xml.

Maven's local repository caches downloads, and a `.complete` marker in the lib dir
makes later starts skip Maven entirely. The marker holds a hash of the pom, so a pom
that lists other jars assembles the lib dir again.

Maven runs on a copy of the pom inside the lib dir, so its build outputs (unpack
markers among them) land in the user's cache, never in the installed package, which
may be read-only.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

from kafkatui.sandbox.layout import lib_dir

POM = Path(__file__).with_name("pom.xml")


class SandboxError(Exception):
    """A sandbox part could not be fetched, started or reached. The message says which."""


def ensure_jars(log: Path | None = None) -> Path:
    """Return the lib dir holding `kafka/*.jar` and `apicurio/quarkus-run.jar`."""
    lib = lib_dir()
    marker = lib / ".complete"
    pom_hash = hashlib.sha256(POM.read_bytes()).hexdigest()[:16]
    if marker.exists() and marker.read_text().strip() == pom_hash:
        return lib
    mvn = shutil.which("mvn")
    if mvn is None:
        raise SandboxError("Maven (mvn) is not installed: the sandbox needs Java 17+ and Maven")
    if shutil.which("java") is None:
        raise SandboxError("Java is not installed: the sandbox needs Java 17+ and Maven")
    build = lib / ".maven-build"
    shutil.rmtree(build, ignore_errors=True)  # stale markers would skip the unpack
    build.mkdir(parents=True)
    shutil.copyfile(POM, build / "pom.xml")
    print(f"kafkatui sandbox: assembling the sandbox jars with Maven into {lib}", file=sys.stderr)
    cmd = [
        mvn, "-B", "-q", "-f", str(build / "pom.xml"),
        f"-Dsandbox.lib={lib}", f"-Dsandbox.build={build / 'target'}", "process-resources",
    ]
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
    marker.write_text(pom_hash + "\n")
    return lib
