"""Location rules: problems over a household, a village, a typed point and a whole village's points.

Stable codes (the audit, exports and tests refer to them):

| code | severity | what |
| --- | --- | --- |
| ``LOC_MISSING`` | warning | a household without a location |
| ``LOC_INCOMPLETE`` | error | latitude without longitude or the other way round |
| ``LOC_SOURCE_MISSING`` | error | a location that does not say where it came from |
| ``LOC_SOURCE_UNKNOWN`` | error | a source other than gps, manual, original_address, village_committee |
| ``LOC_NO_TIME`` | warning | a location without the time it was taken |
| ``LOC_GPS_NO_ACCURACY`` | warning | a GPS location without its accuracy |
| ``LOC_OUTSIDE_CHINA`` | error | a point outside China (swapped or mistyped) |
| ``LOC_FAR_FROM_VILLAGE`` | warning | farther from the village committee than allowed; names the distance |
| ``LOC_FALLBACK_NOT_AWAY`` | warning | original address or committee location, but the family is not away long-term (Q19) |
| ``LOC_FALLBACK_HAS_HOUSING`` | warning | the Q19 fallback for a family that has housing here |
| ``LOC_FALLBACK_NO_NOTE`` | error | the Q19 fallback without a note (备注说明情况) |
| ``LOC_FALLBACK_NO_CONTACT`` | error | the Q19 fallback without a contact phone (存联系方式) |
| ``LOC_FALLBACK_BAD_CONTACT`` | error | the contact is not a valid mainland mobile or landline |
| ``LOC_COMMITTEE_MISMATCH`` | warning | "village committee" as source, but not the committee's point |
| ``LOC_MANY_ON_ONE_POINT`` | warning | several households on one point (a copied location?) |
| ``LOC_VILLAGE_COMMITTEE_MISSING`` | warning | an administrative village without its committee location (Q18) |
| ``LOC_VILLAGE_COMMITTEE_INCOMPLETE`` | error | a committee point with one coordinate only |
| ``LOC_VILLAGE_COMMITTEE_NO_SOURCE`` | error | a committee point that does not say where it came from |
| ``LOC_VILLAGE_COMMITTEE_OUTSIDE_CHINA`` | error | a committee point outside China |

Single checks measure with the geodesic; ``many_on_one_point`` works over thousands of rows with
the haversine on a grid. Records are read through attribute names only (``latitude``,
``location_source`` … on a household; ``committee_latitude`` … on a village), so ORM rows and
plain objects both work.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from desktop.domain.geo import (
    LatLon,
    bearing_deg,
    geodesic_m,
    haversine_m,
    in_china,
)
from desktop.domain.location_settings import LocationSettings, location_settings
from desktop.domain.phone import check_phone
from desktop.domain.problems import Problem, Severity, Text, problem, t, term

GPS = "gps"
MANUAL = "manual"
ORIGINAL_ADDRESS = "original_address"
VILLAGE_COMMITTEE = "village_committee"
SOURCES = (GPS, MANUAL, ORIGINAL_ADDRESS, VILLAGE_COMMITTEE)
FALLBACK_SOURCES = frozenset({ORIGINAL_ADDRESS, VILLAGE_COMMITTEE})
SOURCE_LABELS = {
    GPS: "GPS 采集",
    MANUAL: "手工输入",
    ORIGINAL_ADDRESS: "原住址",
    VILLAGE_COMMITTEE: "村委会位置",
}

# The words of the messages, as literals so that the interface's translation finds them.
_SOURCE_TERMS = {ORIGINAL_ADDRESS: term("原住址"), VILLAGE_COMMITTEE: term("村委会位置")}
_DIRECTION_TERMS = (
    term("北"), term("东北"), term("东"), term("东南"),
    term("南"), term("西南"), term("西"), term("西北"),
)

PointRow = tuple[str, float, float]  # (household id, latitude, longitude)


def source_label(source: str | None) -> str:
    """The Chinese name of a location source (``未注明来源`` when there is none)."""
    if not source:
        return "未注明来源"
    return SOURCE_LABELS.get(source, source)


def _distance(metres: float) -> Text:
    """``describe_distance`` as a message value: ``850 米`` or ``12.3 公里``."""
    if metres < 1000:
        return t("{metres} 米", metres=f"{metres:.0f}")
    return t("{kilometres} 公里", kilometres=f"{metres / 1000:.1f}")


def _direction(bearing: float) -> Text:
    """``compass_direction`` as a message value."""
    return _DIRECTION_TERMS[round(bearing / 45) % 8]


def committee_of(household: Any) -> LatLon | None:
    """The committee point of the household's village, when the village has one."""
    village = getattr(household, "village", None)
    lat = getattr(village, "committee_latitude", None)
    lon = getattr(village, "committee_longitude", None)
    if lat is None or lon is None:
        return None
    return LatLon(lat, lon)


def check_point(
    latitude: float,
    longitude: float,
    *,
    committee: LatLon | None,
    settings: LocationSettings | None = None,
    field: str = "household.latitude",
    entity_id: str | None = None,
    fast: bool = False,
) -> list[Problem]:
    """A point inside China and near its village committee: for typed and stored points.

    The distance is geodesic (~0.2 ms); ``fast`` uses the haversine (~1 µs, within 0.3 %) for
    audits over many households.
    """
    s = settings or location_settings()
    measure = haversine_m if fast else geodesic_m
    if not in_china(latitude, longitude, s):
        hint = Text("")
        if in_china(longitude, latitude, s):
            hint = t(", 看起来经度和纬度写反了")
        return [
            problem(
                "LOC_OUTSIDE_CHINA",
                field,
                Severity.ERROR,
                t(
                    "坐标 ({latitude}, {longitude}) 不在中国境内{hint}, 请核对",
                    latitude=f"{latitude:.6f}",
                    longitude=f"{longitude:.6f}",
                    hint=hint,
                ),
                entity_id,
            )
        ]
    if committee is None:
        return []
    distance = measure(committee.latitude, committee.longitude, latitude, longitude)
    if distance <= s.max_committee_distance_m:
        return []
    direction = _direction(bearing_deg(committee.latitude, committee.longitude, latitude, longitude))
    return [
        problem(
            "LOC_FAR_FROM_VILLAGE",
            field,
            Severity.WARNING,
            t(
                "位置在村委会{direction}方向 {distance}, 超过 {most}, 请核对是否属于本村",
                direction=direction,
                distance=_distance(distance),
                most=_distance(s.max_committee_distance_m),
            ),
            entity_id,
        )
    ]


def household_location_problems(
    household: Any,
    *,
    committee: LatLon | None = None,
    settings: LocationSettings | None = None,
    fast: bool = False,
) -> list[Problem]:
    """Every location rule over one household (``committee`` defaults to its village's).

    ``fast`` measures with the haversine instead of the geodesic: pass it when auditing a
    whole database.
    """
    s = settings or location_settings()
    hid = getattr(household, "id", None)
    lat, lon = household.latitude, household.longitude
    source = household.location_source
    committee = committee or committee_of(household)
    problems: list[Problem] = []

    def add(code: str, field: str, severity: Severity, message: Text) -> None:
        problems.append(problem(code, f"household.{field}", severity, message, hid))

    if lat is None and lon is None:
        add(
            "LOC_MISSING",
            "latitude",
            Severity.WARNING,
            t(
                "没有地理位置: 请用 GPS 采集或手工输入坐标; 户籍在本地、现无住房、整户长期外出的,"
                "采集原住址或村委会位置并备注说明、留联系电话"
            ),
        )
        return problems
    if lat is None or lon is None:
        add("LOC_INCOMPLETE", "latitude", Severity.ERROR, t("经度和纬度必须同时填写"))
        return problems
    if not source:
        add(
            "LOC_SOURCE_MISSING",
            "location_source",
            Severity.ERROR,
            t("位置没有注明来源(GPS、手工输入、原住址或村委会位置)"),
        )
    elif source not in SOURCES:
        add(
            "LOC_SOURCE_UNKNOWN",
            "location_source",
            Severity.ERROR,
            t("未知的位置来源“{source}”", source=source),
        )
    if household.location_time is None:
        add("LOC_NO_TIME", "location_time", Severity.WARNING, t("位置没有记录采集时间"))
    if source == GPS and household.location_accuracy_m is None:
        add(
            "LOC_GPS_NO_ACCURACY",
            "location_accuracy_m",
            Severity.WARNING,
            t("GPS 位置没有记录精度"),
        )
    problems += check_point(lat, lon, committee=committee, settings=s, entity_id=hid, fast=fast)
    if source in FALLBACK_SOURCES:
        problems += _fallback_problems(household, committee, s, fast)
    return problems


def _fallback_problems(
    household: Any, committee: LatLon | None, s: LocationSettings, fast: bool
) -> list[Problem]:
    """Q19: registered here, no housing, the whole family away: note and contact required."""
    hid = getattr(household, "id", None)
    source = household.location_source
    label = _SOURCE_TERMS.get(source) or term(source_label(source))
    problems: list[Problem] = []
    if not household.away_long_term:
        problems.append(
            problem(
                "LOC_FALLBACK_NOT_AWAY",
                "household.away_long_term",
                Severity.WARNING,
                t(
                    "位置用的是{label}, 但本户没有标为整户长期外出: 只有户籍在本地、现无住房、"
                    "整户长期外出的户才采集原住址或村委会位置",
                    label=label,
                ),
                hid,
            )
        )
    housing = getattr(household, "housing_area_m2", None)
    if housing is not None and housing > 0:
        problems.append(
            problem(
                "LOC_FALLBACK_HAS_HOUSING",
                "household.housing_area_m2",
                Severity.WARNING,
                t(
                    "位置用的是{label}, 但本户登记有住房 {housing} 平方米: 有住房的应采集住房位置",
                    label=label,
                    housing=housing,
                ),
                hid,
            )
        )
    if not (household.location_note or "").strip():
        problems.append(
            problem(
                "LOC_FALLBACK_NO_NOTE",
                "household.location_note",
                Severity.ERROR,
                t(
                    "位置用的是{label}, 必须备注说明情况(如: 全家在外务工, 原房屋已拆除)",
                    label=label,
                ),
                hid,
            )
        )
    contact = (household.location_contact or "").strip()
    if not contact:
        problems.append(
            problem(
                "LOC_FALLBACK_NO_CONTACT",
                "household.location_contact",
                Severity.ERROR,
                t("位置用的是{label}, 必须留存联系电话(手机或带区号的固定电话)", label=label),
                hid,
            )
        )
    else:
        for p in check_phone(contact, field="household.location_contact"):
            problems.append(
                problem("LOC_FALLBACK_BAD_CONTACT", p.field, Severity.ERROR, p.words, hid)
            )
    if household.location_source == VILLAGE_COMMITTEE and committee is not None:
        measure = haversine_m if fast else geodesic_m
        distance = measure(
            committee.latitude, committee.longitude, household.latitude, household.longitude
        )
        if distance > s.committee_match_m:
            problems.append(
                problem(
                    "LOC_COMMITTEE_MISMATCH",
                    "household.latitude",
                    Severity.WARNING,
                    t(
                        "来源是村委会位置, 但与村委会相距 {distance}: 请重新取用村委会位置",
                        distance=_distance(distance),
                    ),
                    hid,
                )
            )
    return problems


def village_location_problems(
    village: Any, settings: LocationSettings | None = None
) -> list[Problem]:
    """The committee location of an administrative village (Q18: poor and non-poor alike)."""
    s = settings or location_settings()
    vid = getattr(village, "id", None)
    name = getattr(village, "name", "") or ""
    lat, lon = village.committee_latitude, village.committee_longitude
    if lat is None and lon is None:
        return [
            problem(
                "LOC_VILLAGE_COMMITTEE_MISSING",
                "division.committee_latitude",
                Severity.WARNING,
                t("行政村{name}没有村委会位置: 贫困村和非贫困村都要采集", name=name),
                vid,
            )
        ]
    if lat is None or lon is None:
        return [
            problem(
                "LOC_VILLAGE_COMMITTEE_INCOMPLETE",
                "division.committee_latitude",
                Severity.ERROR,
                t("行政村{name}的村委会位置只有经度或纬度", name=name),
                vid,
            )
        ]
    problems = []
    if not village.committee_location_source:
        problems.append(
            problem(
                "LOC_VILLAGE_COMMITTEE_NO_SOURCE",
                "division.committee_location_source",
                Severity.ERROR,
                t("行政村{name}的村委会位置没有注明来源", name=name),
                vid,
            )
        )
    if not in_china(lat, lon, s):
        problems.append(
            problem(
                "LOC_VILLAGE_COMMITTEE_OUTSIDE_CHINA",
                "division.committee_latitude",
                Severity.ERROR,
                t(
                    "行政村{name}的村委会位置 ({latitude}, {longitude}) 不在中国境内",
                    name=name,
                    latitude=f"{lat:.6f}",
                    longitude=f"{lon:.6f}",
                ),
                vid,
            )
        )
    return problems


def many_on_one_point(
    rows: Iterable[PointRow], settings: LocationSettings | None = None
) -> list[Problem]:
    """Households that share one point with enough others: one warning per household.

    Points within ``same_point_radius_m`` of each other are joined (single linkage, on a grid
    of that cell size, so the work grows with the rows, not their square). Callers leave out
    the Q19 fallbacks, which share their committee's point by design.
    """
    s = settings or location_settings()
    radius = s.same_point_radius_m
    points = [(hid, lat, lon) for hid, lat, lon in rows if lat is not None and lon is not None]
    if not points:
        return []
    deg_lat = radius / 111_195.0
    cells: dict[tuple[int, int], list[int]] = defaultdict(list)
    keys = []
    for i, (_hid, lat, lon) in enumerate(points):
        deg_lon = deg_lat / max(math.cos(math.radians(lat)), 1e-6)
        key = (math.floor(lat / deg_lat), math.floor(lon / deg_lon))
        keys.append(key)
        cells[key].append(i)
    parent = list(range(len(points)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (cy, cx) in enumerate(keys):
        _h, lat_i, lon_i = points[i]
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                for j in cells.get((cy + dy, cx + dx), ()):
                    if j <= i:
                        continue
                    _hj, lat_j, lon_j = points[j]
                    if haversine_m(lat_i, lon_i, lat_j, lon_j) <= radius:
                        a, b = find(i), find(j)
                        if a != b:
                            parent[b] = a
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(points)):
        groups[find(i)].append(i)
    problems = []
    for members in groups.values():
        if len(members) < s.same_point_min_households:
            continue
        for i in members:
            hid, lat, lon = points[i]
            problems.append(
                problem(
                    "LOC_MANY_ON_ONE_POINT",
                    "household.latitude",
                    Severity.WARNING,
                    t(
                        "{count} 户的位置在同一点 ({latitude}, {longitude}) 的 {radius} 米以内: "
                        "请核对是否照抄了位置(集中安置点请备注说明)",
                        count=len(members),
                        latitude=f"{lat:.6f}",
                        longitude=f"{lon:.6f}",
                        radius=f"{radius:g}",
                    ),
                    hid,
                )
            )
    return problems
