"""Theme files: the shipped ones load with every semantic colour; bad files never crash."""

from __future__ import annotations

from pathlib import Path

from kafkatui.ui.themes import SEMANTIC_DEFAULTS, load_themes, shipped_theme_dirs
from tests.ui.support import new_app


def test_shipped_themes_load_with_all_semantic_colours() -> None:
    loaded = load_themes(shipped_theme_dirs())
    assert loaded.problems == []
    assert {"dark", "light", "high-contrast"} <= set(loaded.themes)
    for theme in loaded.themes.values():
        assert set(SEMANTIC_DEFAULTS) <= set(theme.variables), theme.name
    assert loaded.themes["light"].dark is False


def test_bad_files_are_reported_and_skipped(tmp_path: Path) -> None:
    (tmp_path / "broken.toml").write_text("name = 'broken'\nprimary = [", encoding="utf-8")
    (tmp_path / "nocolour.toml").write_text("name = 'nocolour'\n", encoding="utf-8")
    (tmp_path / "badvalue.toml").write_text(
        "name = 'badvalue'\nprimary = '#123456'\n[variables]\nlag-ok = 'not-a-colour'\n",
        encoding="utf-8",
    )
    (tmp_path / "mine.toml").write_text(
        "name = 'mine'\nprimary = '#ff8800'\n[variables]\nlag-critical = '#ff0000'\n",
        encoding="utf-8",
    )
    loaded = load_themes([tmp_path])
    assert set(loaded.themes) == {"mine"}
    assert loaded.themes["mine"].variables["lag-critical"] == "#ff0000"
    assert loaded.themes["mine"].variables["lag-ok"] == SEMANTIC_DEFAULTS["lag-ok"]
    assert len(loaded.problems) == 3
    assert all(p.startswith("theme ") for p in loaded.problems)


async def test_user_theme_dir_is_offered_and_problems_are_notified(tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text("name = 'mine'\nprimary = '#ff8800'\n", encoding="utf-8")
    (tmp_path / "bad.toml").write_text("primary = ", encoding="utf-8")
    app = new_app(theme="mine", themes_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == "mine"
        assert "theme mine" in app.command_words()
        assert any("bad.toml" in n.message for n in app._notifications)
