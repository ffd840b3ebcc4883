"""Every location setting is declared once in resources/location.toml, with help, and typed."""

from __future__ import annotations

import dataclasses

import pytest

from desktop.domain.location_settings import (
    LocationSettings,
    LocationSettingsError,
    _build,
    _raw,
    location_settings,
    setting_help,
)


def test_every_setting_in_the_file_has_a_field_and_help_and_every_field_is_in_the_file() -> None:
    names = {f.name for f in dataclasses.fields(LocationSettings)}
    helps = setting_help()
    assert set(helps) == names
    assert all(len(text) > 20 for text in helps.values()), "each setting needs a real help text"


def test_the_shipped_settings_read_with_their_types() -> None:
    s = location_settings()
    assert isinstance(s.average_count, int) and s.average_count >= 1
    assert isinstance(s.uere_m, float)
    assert s.auto_accept_accuracy_m <= s.max_accuracy_m
    assert len(s.china_outline) > 50 and all(len(p) == 2 for p in s.china_outline)


def test_an_environment_variable_overrides_one_setting() -> None:
    s = _build(_raw(), {"FIELDBOOK_LOCATION_AVERAGE_COUNT": "9"})
    assert s.average_count == 9
    assert s.max_hdop == location_settings().max_hdop


def test_a_malformed_override_is_refused_with_the_variable_named() -> None:
    with pytest.raises(LocationSettingsError, match="FIELDBOOK_LOCATION_MAX_HDOP"):
        _build(_raw(), {"FIELDBOOK_LOCATION_MAX_HDOP": "five"})


def test_an_override_of_the_wrong_type_is_refused() -> None:
    with pytest.raises(LocationSettingsError, match="average_count"):
        _build(_raw(), {"FIELDBOOK_LOCATION_AVERAGE_COUNT": '"many"'})


def test_inconsistent_accuracies_are_refused() -> None:
    with pytest.raises(LocationSettingsError, match="auto_accept_accuracy_m"):
        _build(_raw(), {"FIELDBOOK_LOCATION_AUTO_ACCEPT_ACCURACY_M": "50.0"})


def test_a_setting_missing_from_the_file_is_named() -> None:
    raw = dict(_raw())
    del raw["max_hdop"]
    with pytest.raises(LocationSettingsError, match="max_hdop"):
        _build(raw, {})


def test_the_settings_are_built_once_and_an_environment_override_reaches_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert location_settings() is location_settings()
    shipped = location_settings().average_count
    monkeypatch.setenv("FIELDBOOK_LOCATION_AVERAGE_COUNT", str(shipped + 4))
    location_settings.cache_clear()
    try:
        assert location_settings().average_count == shipped + 4
        monkeypatch.delenv("FIELDBOOK_LOCATION_AVERAGE_COUNT")
        location_settings.cache_clear()
        assert location_settings().average_count == shipped
    finally:
        location_settings.cache_clear()
