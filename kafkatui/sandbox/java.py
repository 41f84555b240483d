"""Find a Java runtime new enough for each part.

Kafka 4 runs on Java 17. Apicurio Registry 3.3 is compiled for Java 21, so the
registry may need a newer JDK than the default `java`: it is looked up in
KAFKATUI_REGISTRY_JAVA_HOME, JAVA_HOME, the `java` on PATH and /usr/lib/jvm.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from pathlib import Path

from kafkatui.sandbox.jars import SandboxError


@functools.cache
def java_major(java: str) -> int | None:
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not match:
        return None
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def _candidates() -> list[str]:
    found: list[str] = []
    for var in ("KAFKATUI_REGISTRY_JAVA_HOME", "JAVA_HOME"):
        home = os.environ.get(var)
        if home:
            found.append(str(Path(home) / "bin" / "java"))
    on_path = shutil.which("java")
    if on_path:
        found.append(on_path)
    jvm = Path("/usr/lib/jvm")
    if jvm.is_dir():
        found += [str(p / "bin" / "java") for p in sorted(jvm.iterdir(), reverse=True)]
    return [j for j in dict.fromkeys(found) if os.access(j, os.X_OK)]


def find_java(min_major: int, purpose: str) -> str:
    """The first Java at least `min_major`, preferring the default `java`."""
    candidates = _candidates()
    default = shutil.which("java")
    if default and (java_major(default) or 0) >= min_major:
        return default
    for java in candidates:
        if (java_major(java) or 0) >= min_major:
            return java
    seen = ", ".join(f"{j} ({java_major(j)})" for j in candidates) or "none"
    raise SandboxError(
        f"{purpose} needs Java {min_major}+; found: {seen}. "
        f"Install a JDK {min_major}+ or set KAFKATUI_REGISTRY_JAVA_HOME"
    )
