"""Assembling the sandbox's jars writes only into the cache dir, never beside the pom:
an installed package may be read-only, and a Maven output left there (an unpack marker)
once made a fresh machine skip the registry's unpack."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kafkatui.sandbox import jars

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def test_assembly_leaves_the_package_untouched_and_reassembles_a_fresh_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if shutil.which("mvn") is None:
        pytest.skip("Maven is not installed")
    package = tmp_path / "site-packages" / "kafkatui" / "sandbox"
    package.mkdir(parents=True)
    shutil.copyfile(jars.POM, package / "pom.xml")
    monkeypatch.setattr(jars, "POM", package / "pom.xml")
    cache = tmp_path / "cache" / "lib"
    monkeypatch.setenv("KAFKATUI_SANDBOX_LIB", str(cache))
    before = _tree(package)

    lib = jars.ensure_jars(log=tmp_path / "maven.log")

    assert lib == cache
    assert _tree(package) == before, "Maven wrote into the package"
    assert (lib / "apicurio" / "quarkus-run.jar").is_file()
    assert any((lib / "kafka").glob("kafka-clients-*.jar"))
    assert any((lib / "kafka").glob("connect-basic-auth-extension-*.jar"))

    # A cache whose jars are gone but whose Maven outputs remain must be assembled again,
    # not trusted: this is the fresh-machine failure, reproduced.
    shutil.rmtree(lib / "apicurio")
    (lib / ".complete").unlink()
    jars.ensure_jars()
    assert (lib / "apicurio" / "quarkus-run.jar").is_file()


def test_a_changed_pom_assembles_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "lib"
    (cache / "kafka").mkdir(parents=True)
    (cache / ".complete").write_text("0000000000000000\n")  # the hash of some older pom
    monkeypatch.setenv("KAFKATUI_SANDBOX_LIB", str(cache))
    monkeypatch.setattr(jars.shutil, "which", lambda _name: None)
    with pytest.raises(jars.SandboxError, match="Maven"):
        jars.ensure_jars()  # it tried to assemble, instead of trusting the old marker
