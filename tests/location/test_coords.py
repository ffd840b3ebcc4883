"""Coordinates typed in decimal or DMS, in the usual Chinese and English notations."""

from __future__ import annotations

import pytest
from geopy.point import Point

from desktop.location.coords import CoordinateError, format_dms, parse_coordinates

DMS = (34.258472222, 108.936166667)  # 34°15′30.5″ N, 108°56′10.2″ E
DM = (34.258466667, 108.936166667)  # 34°15.508′ N, 108°56.170′ E
DECIMAL = (34.2585, 108.9362)

VARIANTS = {
    # decimal, English
    "34.2585, 108.9362": DECIMAL,
    "34.2585 108.9362": DECIMAL,
    "34.2585N, 108.9362E": DECIMAL,
    "N34.2585 E108.9362": DECIMAL,
    "34.2585°N 108.9362°E": DECIMAL,
    "lat 34.2585 lon 108.9362": DECIMAL,
    "Lat: 34.2585, Long: 108.9362": DECIMAL,
    # decimal, Chinese
    "北纬34.2585 东经108.9362": DECIMAL,
    "北纬34.2585°，东经108.9362°": DECIMAL,
    "东经108.9362 北纬34.2585": DECIMAL,
    "纬度:34.2585 经度:108.9362": DECIMAL,
    "纬度：34.2585，经度：108.9362": DECIMAL,
    "经度108.9362，纬度34.2585": DECIMAL,
    "３４．２５８５，１０８．９３６２": DECIMAL,
    # degrees and decimal minutes
    "34°15.508'N, 108°56.170'E": DM,
    "北纬34度15.508分 东经108度56.170分": DM,
    # degrees, minutes, seconds, English
    "34°15'30.5\"N 108°56'10.2\"E": DMS,
    "34°15′30.5″N, 108°56′10.2″E": DMS,
    "34°15'30.5''N 108°56'10.2''E": DMS,
    "N34°15'30.5\" E108°56'10.2\"": DMS,
    "34 15 30.5 N, 108 56 10.2 E": DMS,
    "34d15m30.5s N 108d56m10.2s E": DMS,
    "34°15'30.5\" 108°56'10.2\"": DMS,
    "34 15 30.5 108 56 10.2": DMS,
    # degrees, minutes, seconds, Chinese
    "北纬34度15分30.5秒，东经108度56分10.2秒": DMS,
    "北纬34°15′30.5″ 东经108°56′10.2″": DMS,
    "东经108°56′10.2″，北纬34°15′30.5″": DMS,
}


@pytest.mark.parametrize("text", VARIANTS)
def test_every_notation_reads_to_the_same_point(text: str) -> None:
    point = parse_coordinates(text)
    assert (point.latitude, point.longitude) == pytest.approx(VARIANTS[text], abs=1e-8)
    assert not point.swapped


def test_geopy_alone_misreads_what_the_normaliser_gets_right() -> None:
    text = "34 15 30.5 N, 108 56 10.2 E"
    assert tuple(Point(text))[:2] == (56.0, 10.2)  # the pitfall this module exists for
    assert parse_coordinates(text).normalised == "34°15'30.5\" N, 108°56'10.2\" E"


def test_the_notation_is_reported() -> None:
    assert parse_coordinates("34.2585, 108.9362").notation == "decimal"
    assert parse_coordinates("34°15.508'N, 108°56.170'E").notation == "dm"
    assert parse_coordinates("北纬34度15分30.5秒 东经108度56分10.2秒").notation == "dms"


def test_longitude_first_as_web_maps_copy_it_is_read_and_flagged() -> None:
    point = parse_coordinates("108.9362, 34.2585")
    assert (point.latitude, point.longitude) == pytest.approx(DECIMAL)
    assert point.swapped


def test_southern_and_western_hemispheres_are_kept_for_the_china_check_to_refuse() -> None:
    point = parse_coordinates("34.2585 S, 108.9362 W")
    assert (point.latitude, point.longitude) == pytest.approx((-34.2585, -108.9362))
    assert parse_coordinates("-34.5, 108").latitude == -34.5


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "请输入经纬度"),
        ("34.2585", "无法分开纬度和经度"),
        ("34.2, 108.9, 10", "两个值"),
        ("abc", "无法识别的字符"),
        ("34°75'N 108°E", "分应小于 60"),
        ("34°15'75\"N 108°E", "秒应小于 60"),
        ("34.5°15'N 108°E", "度数带小数时不能再写分"),
        ("34°15.5'30\"N 108°E", "分带小数时不能再写秒"),
        ('34°30.5" N, 108 E', "写了秒但缺少分"),
        ("北纬34.2 北纬108.9", "都标成了纬度"),
        ("34.2585N 108.9362", "缺少方向"),
        ("95.0, 200.0", "超出"),
    ],
)
def test_unreadable_input_gets_a_chinese_reason(text: str, reason: str) -> None:
    with pytest.raises(CoordinateError, match=reason):
        parse_coordinates(text)


def test_dms_formatting_reads_back() -> None:
    text = format_dms(*DMS)
    assert text == "北纬34°15′30.50″ 东经108°56′10.20″"
    assert (parse_coordinates(text).latitude, parse_coordinates(text).longitude) == pytest.approx(
        DMS, abs=1e-6
    )
