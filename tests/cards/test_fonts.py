"""The Chinese font is found through one helper: an override first, then shipped, then system fonts."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.cards import fonts


@pytest.fixture
def fresh_lookup():
    fonts.cjk_font.cache_clear()
    yield
    fonts.cjk_font.cache_clear()


def test_a_font_file_that_does_not_load_is_skipped_for_the_next_candidate(
    fresh_lookup, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "broken.ttf"
    broken.write_bytes(b"not a font")
    monkeypatch.setenv(fonts.ENV_OVERRIDE, str(broken))
    found = fonts.cjk_font()
    assert found.path != broken
    assert found.path.suffix in (".ttf", ".ttc")


def test_without_any_usable_font_the_message_says_what_to_install(
    fresh_lookup, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fonts, "SYSTEM_CANDIDATES", ((tmp_path / "missing.ttc", 0),))
    monkeypatch.setattr(fonts, "resource_path", lambda *parts: tmp_path / "no-fonts-here")
    monkeypatch.delenv(fonts.ENV_OVERRIDE, raising=False)
    with pytest.raises(fonts.FontNotFound, match="fonts-wqy-zenhei"):
        fonts.cjk_font()
