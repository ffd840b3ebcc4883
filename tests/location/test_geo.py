"""Distances, the outline of China and the local projection."""

from __future__ import annotations

import random

import pytest

from desktop.domain.geo import (
    BandedPolygon,
    LocalProjection,
    bearing_deg,
    compass_direction,
    describe_distance,
    geodesic_m,
    haversine_m,
    in_china,
    point_in_polygon,
)
from desktop.domain.location_settings import location_settings

INSIDE = {
    "漠河": (52.97, 122.54),
    "北极村": (53.47, 122.35),
    "抚远": (48.36, 134.29),
    "珲春防川": (42.43, 130.60),
    "长白": (41.42, 128.19),
    "丹东": (40.12, 124.38),
    "旅顺": (38.81, 121.25),
    "荣成": (37.16, 122.42),
    "基隆": (25.13, 121.74),
    "三亚": (18.25, 109.50),
    "永兴岛": (16.83, 112.33),
    "黄岩岛": (15.15, 117.75),
    "东兴": (21.55, 107.97),
    "河口": (22.51, 103.95),
    "磨憨": (21.18, 101.68),
    "瑞丽": (24.01, 97.85),
    "独龙江": (27.78, 98.32),
    "亚东": (27.48, 88.90),
    "樟木": (27.99, 85.98),
    "普兰": (30.29, 81.18),
    "塔什库尔干": (37.77, 75.23),
    "伊尔克什坦": (39.68, 73.95),
    "霍尔果斯": (44.20, 80.42),
    "阿拉山口": (45.18, 82.55),
    "喀纳斯": (48.70, 87.00),
    "二连浩特": (43.65, 111.98),
    "阿尔山": (47.17, 119.94),
    "满洲里": (49.60, 117.43),
    "略阳": (33.33, 106.16),
    "拉萨": (29.65, 91.10),
}
OUTSIDE = {
    "乌兰巴托": (47.90, 106.90),
    "乔巴山": (48.07, 114.50),
    "符拉迪沃斯托克": (43.10, 131.90),
    "哈巴罗夫斯克": (48.48, 135.07),
    "平壤": (39.03, 125.75),
    "首尔": (37.57, 126.98),
    "那霸": (26.21, 127.68),
    "马尼拉": (14.60, 120.98),
    "哥打基纳巴卢": (5.98, 116.07),
    "河内": (21.03, 105.85),
    "岘港": (16.07, 108.22),
    "清莱": (19.90, 99.83),
    "廷布": (27.47, 89.64),
    "加德满都": (27.70, 85.32),
    "比什凯克": (42.87, 74.59),
    "阿拉木图": (43.24, 76.89),
    "慕尼黑": (48.12, 11.52),
    "0,0": (0.0, 0.0),
    "经纬度写反的略阳": (106.16, 33.33),
}


@pytest.mark.parametrize("name", INSIDE)
def test_places_in_china_near_every_border_are_inside(name: str) -> None:
    assert in_china(*INSIDE[name])


@pytest.mark.parametrize("name", OUTSIDE)
def test_places_beyond_the_border_and_swapped_points_are_outside(name: str) -> None:
    assert not in_china(*OUTSIDE[name])


def test_haversine_stays_within_a_third_of_a_percent_of_the_geodesic_at_county_scale() -> None:
    for a, b in [((33.33, 106.16), (33.41, 106.05)), ((33.10, 105.70), (33.65, 106.50))]:
        h, g = haversine_m(*a, *b), geodesic_m(*a, *b)
        assert abs(h - g) / g < 0.003


def test_the_local_projection_round_trips_and_keeps_true_scale() -> None:
    projection = LocalProjection(33.33, 106.16)
    x, y = projection.to_metres(33.34, 106.17)
    assert projection.to_degrees(x, y) == pytest.approx((33.34, 106.17), abs=1e-9)
    assert (x**2 + y**2) ** 0.5 == pytest.approx(
        geodesic_m(33.33, 106.16, 33.34, 106.17), rel=0.005
    )


def test_directions_and_distances_read_in_chinese() -> None:
    assert compass_direction(bearing_deg(33.0, 106.0, 33.1, 106.1)) == "东北"
    assert compass_direction(bearing_deg(33.0, 106.0, 32.9, 106.0)) == "南"
    assert describe_distance(850) == "850 米"
    assert describe_distance(12_345) == "12.3 公里"


def test_the_banded_outline_answers_as_ray_casting_over_every_edge() -> None:
    outline = location_settings().china_outline
    banded = BandedPolygon(outline)
    rng = random.Random(5)
    points = [(rng.uniform(60, 150), rng.uniform(0, 60)) for _ in range(3000)]
    # on and beside the vertices, where a band begins and ends
    points += [(x + dx, y + dy) for x, y in outline for dx in (-0.5, 0, 0.5) for dy in (-1e-9, 0)]
    answers = [banded.contains(x, y) for x, y in points]
    assert answers == [point_in_polygon(x, y, outline) for x, y in points]
    assert True in answers and False in answers
