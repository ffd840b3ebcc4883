"""Location settings, declared once in ``resources/location.toml`` (value and help per setting).

``location_settings()`` reads the file into a typed ``LocationSettings``; an environment variable
``FIELDBOOK_LOCATION_<NAME>`` overrides one setting for a run (its value is read as TOML, so
``5``, ``2.5`` and ``[[1, 2], [3, 4]]`` all work). The settings are built once per process.
Tests build their own with ``dataclasses.replace(location_settings(), …)``.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import tomllib
import typing
from collections.abc import Mapping
from dataclasses import dataclass

from desktop.domain.resources import resource_path

SETTINGS_FILE = "location.toml"
ENV_PREFIX = "FIELDBOOK_LOCATION_"

LonLat = tuple[float, float]


class LocationSettingsError(LookupError):
    """``resources/location.toml`` is missing, malformed or disagrees with ``LocationSettings``."""


@dataclass(frozen=True, slots=True)
class LocationSettings:
    """Every figure the location rules use (see ``resources/location.toml`` for each one's help)."""

    uere_m: float
    auto_accept_accuracy_m: float
    max_accuracy_m: float
    average_count: int
    average_max_spread_m: float
    min_satellites: int
    max_hdop: float
    max_fix_age_s: float
    max_speed_mps: float
    baud_rate: int
    read_timeout_s: float
    no_data_timeout_s: float
    replay_epoch_interval_s: float
    max_committee_distance_m: float
    committee_match_m: float
    same_point_radius_m: float
    same_point_min_households: int
    china_outline: tuple[LonLat, ...]


def setting_help() -> dict[str, str]:
    """The help text of every setting, by name (from the TOML file)."""
    return {name: str(table.get("help", "")) for name, table in _raw().items()}


@functools.cache
def location_settings() -> LocationSettings:
    """The settings in force: the TOML file, with environment overrides applied.

    Read once per process (the rules ask for it once per household, and building it costs
    ~0.2 ms, more than the rest of a household's audit): the environment is read at the first
    call, so an override is set before the program starts. A test that changes an override
    calls ``location_settings.cache_clear()``.
    """
    return _build(_raw(), os.environ)


@functools.cache
def _raw() -> dict[str, dict[str, object]]:
    path = resource_path(SETTINGS_FILE)
    if not path.is_file():
        raise LocationSettingsError(f"找不到定位配置文件 {path}")
    with path.open("rb") as fp:
        try:
            raw = tomllib.load(fp)
        except tomllib.TOMLDecodeError as exc:
            raise LocationSettingsError(f"定位配置文件 {path.name} 格式错误: {exc}") from exc
    bad = [
        name for name, table in raw.items() if not isinstance(table, dict) or "value" not in table
    ]
    if bad:
        raise LocationSettingsError(f"定位配置 {', '.join(bad)} 应写成带 value 和 help 的表")
    return raw


def _build(raw: Mapping[str, Mapping[str, object]], env: Mapping[str, str]) -> LocationSettings:
    hints = typing.get_type_hints(LocationSettings)
    names = [f.name for f in dataclasses.fields(LocationSettings)]
    missing = [n for n in names if n not in raw]
    unknown = sorted(set(raw) - set(names))
    if missing or unknown:
        raise LocationSettingsError(
            f"定位配置与程序不一致: 缺少 {', '.join(missing) or '无'}; 多出 {', '.join(unknown) or '无'}"
        )
    values: dict[str, object] = {}
    for name in names:
        value = raw[name]["value"]
        override = env.get(ENV_PREFIX + name.upper())
        if override is not None:
            try:
                value = tomllib.loads(f"v = {override}")["v"]
            except tomllib.TOMLDecodeError as exc:
                raise LocationSettingsError(
                    f"环境变量 {ENV_PREFIX + name.upper()} 的值 {override!r} 无法读取: {exc}"
                ) from exc
        values[name] = _convert(name, hints[name], value)
    settings = LocationSettings(**values)  # type: ignore[arg-type]
    _check(settings)
    return settings


def _convert(name: str, kind: object, value: object) -> object:
    if kind is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if name == "china_outline" and isinstance(value, list):
        try:
            return tuple((float(lon), float(lat)) for lon, lat in value)
        except (TypeError, ValueError):
            pass
    raise LocationSettingsError(f"定位配置 {name} 的值 {value!r} 类型不对")


def _check(s: LocationSettings) -> None:
    problems = []
    if not 0 < s.auto_accept_accuracy_m <= s.max_accuracy_m:
        problems.append("auto_accept_accuracy_m 应大于 0 且不大于 max_accuracy_m")
    if s.average_count < 1:
        problems.append("average_count 至少为 1")
    if s.min_satellites < 3:
        problems.append("min_satellites 至少为 3")
    if len(s.china_outline) < 3:
        problems.append("china_outline 至少要有 3 个点")
    positive = ("uere_m", "max_hdop", "max_fix_age_s", "max_speed_mps", "read_timeout_s")
    problems += [f"{n} 必须为正" for n in positive if getattr(s, n) <= 0]
    if problems:
        raise LocationSettingsError("定位配置有误: " + "; ".join(problems))
