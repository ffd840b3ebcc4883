"""Coordinates typed by hand: decimal degrees or degrees-minutes-seconds, Chinese or English.

Accepted, with full-width characters, any of ``, ， ; ；`` or spaces between the two halves:

- decimal: ``34.2585, 108.9362`` · ``34.2585N 108.9362E`` · ``N34.2585° E108.9362°`` ·
  ``北纬34.2585 东经108.9362`` · ``纬度:34.2585 经度:108.9362`` · ``lat 34.2585 lon 108.9362``
- degrees and minutes: ``34°15.508'N, 108°56.170'E`` · ``北纬34度15.508分``
- degrees, minutes, seconds: ``34°15'30.5"N 108°56'10.2"E`` · ``34°15′30.5″N`` ·
  ``34 15 30.5 N, 108 56 10.2 E`` · ``34d15m30.5s N`` · ``北纬34度15分30.5秒，东经108度56分10.2秒``

Labels decide which half is which (``东经108.9 北纬34.2`` is fine). Without labels the halves
are latitude then longitude; when only the other order falls inside China (``108.9362, 34.2585``,
as web maps copy them) it is read that way and ``swapped`` says so.

The text is first normalised into geopy's unambiguous notation (``34°15'30.5" N, 108°56'10.2" E``)
and then parsed by geopy; the two readings must agree. geopy alone is not trusted with raw input:
it reads ``34 15 30.5 N, 108 56 10.2 E`` as (56.0, 10.2) without complaint and refuses Chinese.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from desktop.domain.geo import in_china
from desktop.domain.location_settings import LocationSettings

_SYMBOLS = str.maketrans(
    {
        "度": "°",
        "º": "°",
        "˚": "°",
        "分": "'",
        "′": "'",
        "’": "'",
        "‘": "'",
        "´": "'",
        "`": "'",
        "秒": '"',
        "″": '"',
        "”": '"',
        "“": '"',
        "，": ",",
        "；": ";",
        "、": ",",
        "：": ":",
        "－": "-",
        "−": "-",
        "—": "-",
    }
)

# label text -> (axis, sign); axis "lat" or "lon"
_LABELS: dict[str, tuple[str, int]] = {
    "北纬": ("lat", 1),
    "南纬": ("lat", -1),
    "东经": ("lon", 1),
    "西经": ("lon", -1),
    "latitude": ("lat", 0),
    "longitude": ("lon", 0),
    "lat": ("lat", 0),
    "lng": ("lon", 0),
    "lon": ("lon", 0),
    "long": ("lon", 0),
    "n": ("lat", 1),
    "s": ("lat", -1),
    "e": ("lon", 1),
    "w": ("lon", -1),
}
_TOKEN = re.compile(
    r"(?P<label>北纬|南纬|东经|西经|latitude|longitude|lat|long|lng|lon|[nsew](?![a-z]))"
    r"|(?P<num>\d+(?:\.\d*)?|\.\d+)"
    r"|(?P<unit>[°'\"]|(?<=\d)[dm](?![a-z]))"
    r"|(?P<minus>-)"
    r"|(?P<sep>[,;/|])"
    r"|(?P<colon>[:=])"
    r"|(?P<space>\s+)",
    re.IGNORECASE,
)
_UNIT_INDEX = {"°": 0, "d": 0, "'": 1, "m": 1, '"': 2, "s": 2}
_HEMISPHERES = {("lat", 1): "N", ("lat", -1): "S", ("lon", 1): "E", ("lon", -1): "W"}


class CoordinateError(ValueError):
    """Typed coordinates that cannot be read; the message says why, in Chinese."""


@dataclass(frozen=True, slots=True)
class ParsedPoint:
    """Coordinates read from text."""

    latitude: float
    longitude: float
    notation: str  # "decimal" | "dm" | "dms"
    swapped: bool  # read as longitude first (no labels, and only that order lies in China)
    normalised: str  # what geopy parsed


@dataclass
class _Part:
    axis: str | None = None
    sign: int = 0
    numbers: list[tuple[float, str, int | None]] | None = None  # (value, text, unit index)
    negative: bool = False

    def add(self, value: float, text: str, unit: int | None) -> None:
        if self.numbers is None:
            self.numbers = []
        self.numbers.append((value, text, unit))


def normalise_text(text: str) -> str:
    """Full-width characters to ASCII, Chinese and typographic marks to ``° ' "``."""
    folded = unicodedata.normalize("NFKC", text)
    folded = folded.replace("纬度", " lat ").replace("经度", " lon ")  # before 度 becomes °
    return folded.translate(_SYMBOLS).replace("''", '"').strip()


def parse_coordinates(text: str, settings: LocationSettings | None = None) -> ParsedPoint:
    """Read a point from typed text; raises ``CoordinateError`` with a Chinese reason."""
    original = text
    text = normalise_text(text or "")
    if not text:
        raise CoordinateError(
            "请输入经纬度, 例如 34.2585, 108.9362 或 北纬34°15′30.5″ 东经108°56′10.2″"
        )
    tokens = _tokenise(text, original)
    parts = _split(tokens, original)
    first, second = (_degrees(p, original) for p in parts)
    notation = _notation(parts)
    lat_part, lon_part, swapped = _assign(parts, first, second, settings)
    lat = _signed(lat_part, first if lat_part is parts[0] else second)
    lon = _signed(lon_part, first if lon_part is parts[0] else second)
    if not -90 <= lat <= 90:
        raise CoordinateError(f"纬度 {lat:g} 超出 -90 到 90 的范围: “{original}”")
    if not -180 <= lon <= 180:
        raise CoordinateError(f"经度 {lon:g} 超出 -180 到 180 的范围: “{original}”")
    normalised = f"{_geopy_form(lat_part, lat, 'lat')}, {_geopy_form(lon_part, lon, 'lon')}"
    return _through_geopy(normalised, lat, lon, notation, swapped, original)


def format_dms(latitude: float, longitude: float) -> str:
    """A point in the usual Chinese DMS notation: ``北纬34°15′30.50″ 东经108°56′10.20″``."""

    def one(value: float, positive: str, negative: str) -> str:
        label = positive if value >= 0 else negative
        total = round(abs(value) * 3600, 2)
        degrees, rest = divmod(total, 3600)
        minutes, seconds = divmod(rest, 60)
        return f"{label}{int(degrees)}°{int(minutes):02d}′{seconds:05.2f}″"

    return f"{one(latitude, '北纬', '南纬')} {one(longitude, '东经', '西经')}"


# --- the steps -----------------------------------------------------------------------------------


def _tokenise(text: str, original: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise CoordinateError(f"无法识别的字符“{text[pos]}”: “{original}”")
        kind = match.lastgroup or ""
        if kind == "label" and match.group().lower() == "s" and _after_minutes(tokens):
            tokens.append(("unit", "s"))  # "34d15m30.5s": seconds, not south
        elif kind not in ("space", "colon"):
            tokens.append((kind, match.group()))
        elif kind == "space":
            tokens.append(("space", " "))
        pos = match.end()
    return tokens


def _after_minutes(tokens: list[tuple[str, str]]) -> bool:
    """Whether the last tokens are minutes then a number, with no space before this letter."""
    return (
        len(tokens) >= 2
        and tokens[-1][0] == "num"
        and tokens[-2][0] == "unit"
        and _UNIT_INDEX[tokens[-2][1].lower()] == 1
    )


def _split(tokens: list[tuple[str, str]], original: str) -> list[_Part]:
    """Two parts, one per coordinate, from labels, separators, units or the count of numbers."""
    labels = [t for t in tokens if t[0] == "label"]
    meaningful = [t for t in tokens if t[0] != "space"]
    if not any(t[0] == "num" for t in meaningful):
        raise CoordinateError(f"没有找到数字: “{original}”")
    if labels:
        prefix = meaningful[0][0] == "label"
        parts = _split_by_labels(meaningful, prefix, original)
    elif any(t[0] == "sep" for t in meaningful):
        parts = _split_by_separator(meaningful, original)
    else:
        parts = _split_unmarked(tokens, original)
    if len(parts) != 2:
        raise CoordinateError(f"应当正好有纬度和经度两个值, 这里读出 {len(parts)} 个: “{original}”")
    return parts


def _new_part_from_label(text: str) -> _Part:
    axis, sign = _LABELS[text.lower()]
    return _Part(axis=axis, sign=sign)


def _feed_numbers(part: _Part, tokens: list[tuple[str, str]], original: str) -> None:
    pending: tuple[float, str] | None = None
    for kind, text in tokens:
        if kind == "num":
            if pending is not None:
                part.add(pending[0], pending[1], None)
            pending = (float(text), text)
        elif kind == "unit":
            if pending is None:
                raise CoordinateError(f"符号“{text}”前面缺少数字: “{original}”")
            part.add(pending[0], pending[1], _UNIT_INDEX[text.lower()])
            pending = None
        elif kind == "minus":
            if part.numbers or pending is not None:
                raise CoordinateError(f"负号只能写在数字最前面: “{original}”")
            part.negative = True
        elif kind in ("sep", "label"):
            raise CoordinateError(f"无法理解“{text}”的位置: “{original}”")
    if pending is not None:
        part.add(pending[0], pending[1], None)


def _split_by_labels(tokens: list[tuple[str, str]], prefix: bool, original: str) -> list[_Part]:
    parts: list[_Part] = []
    chunk: list[tuple[str, str]] = []
    if prefix:
        current: _Part | None = None
        for kind, text in [*tokens, ("end", "")]:
            if kind in ("label", "end"):
                if current is not None:
                    _feed_numbers(current, [t for t in chunk if t[0] != "sep"], original)
                    parts.append(current)
                if kind == "label":
                    current, chunk = _new_part_from_label(text), []
            else:
                chunk.append((kind, text))
        return _merge_axis_and_hemisphere(parts, original)
    for kind, text in tokens:
        if kind == "label":
            part = _new_part_from_label(text)
            _feed_numbers(part, [t for t in chunk if t[0] != "sep"], original)
            parts.append(part)
            chunk = []
        else:
            chunk.append((kind, text))
    if any(t[0] == "num" for t in chunk):
        raise CoordinateError(f"最后一个数值缺少方向(N/S/E/W 或 北纬/东经): “{original}”")
    return _merge_axis_and_hemisphere(parts, original)


def _merge_axis_and_hemisphere(parts: list[_Part], original: str) -> list[_Part]:
    """``纬度 34.2 N``-style doubles: a word label with no numbers followed by a hemisphere."""
    merged: list[_Part] = []
    for part in parts:
        if merged and not merged[-1].numbers and merged[-1].axis == part.axis:
            part.sign = part.sign or merged[-1].sign
            merged[-1] = part
            continue
        if (
            not part.numbers
            and merged
            and merged[-1].numbers
            and merged[-1].sign == 0
            and merged[-1].axis == part.axis
        ):
            merged[-1].sign = part.sign
            continue
        merged.append(part)
    if any(not p.numbers for p in merged):
        raise CoordinateError(f"有方向但缺少数值: “{original}”")
    return merged


def _split_by_separator(tokens: list[tuple[str, str]], original: str) -> list[_Part]:
    parts: list[_Part] = []
    chunk: list[tuple[str, str]] = []
    for kind, text in [*tokens, ("sep", "")]:
        if kind == "sep":
            if chunk:
                part = _Part()
                _feed_numbers(part, chunk, original)
                parts.append(part)
            chunk = []
        else:
            chunk.append((kind, text))
    return parts


def _split_unmarked(tokens: list[tuple[str, str]], original: str) -> list[_Part]:
    """No labels, no separator: split where a degree starts again, or the numbers in halves."""
    meaningful = [t for t in tokens if t[0] != "space"]
    if any(t[0] == "unit" for t in meaningful):
        groups: list[list[tuple[str, str]]] = [[]]
        last_unit = -1
        for i, (kind, text) in enumerate(meaningful):
            if kind == "unit":
                index = _UNIT_INDEX[text.lower()]
                last_unit = index
                groups[-1].append((kind, text))
                continue
            starts_degree = (
                kind in ("num", "minus")
                and last_unit >= 0
                and i + 1 < len(meaningful)
                and _next_unit(meaningful, i) == 0
            )
            if starts_degree and groups[-1]:
                groups.append([])
                last_unit = -1
            groups[-1].append((kind, text))
        parts = []
        for group in groups:
            part = _Part()
            _feed_numbers(part, group, original)
            parts.append(part)
        return parts
    numbers = [t for t in meaningful if t[0] in ("num", "minus")]
    count = sum(1 for t in numbers if t[0] == "num")
    if count not in (2, 4, 6):
        raise CoordinateError(
            f"无法分开纬度和经度, 请在两者之间加逗号, 或写上 北纬/东经: “{original}”"
        )
    half = count // 2
    parts = [_Part(), _Part()]
    seen = 0
    for kind, text in numbers:
        target = parts[0] if seen < half else parts[1]
        _feed_numbers(target, [(kind, text)], original)
        if kind == "num":
            seen += 1
    return parts


def _next_unit(tokens: list[tuple[str, str]], i: int) -> int | None:
    for kind, text in tokens[i + 1 :]:
        if kind == "unit":
            return _UNIT_INDEX[text.lower()]
        if kind == "num":
            return None
    return None


def _degrees(part: _Part, original: str) -> float:
    """Decimal degrees (unsigned) of one part, checking minutes and seconds."""
    numbers = part.numbers or []
    slots: list[float | None] = [None, None, None]
    texts: list[str] = ["", "", ""]
    next_slot = 0
    for value, text, unit in numbers:
        slot = unit if unit is not None else next_slot
        if slot > 2 or slots[slot] is not None or slot < next_slot:
            raise CoordinateError(f"度、分、秒的顺序或个数不对: “{original}”")
        slots[slot], texts[slot] = value, text
        next_slot = slot + 1
    degrees, minutes, seconds = slots
    if degrees is None:
        raise CoordinateError(f"缺少度数: “{original}”")
    if seconds is not None and minutes is None:
        raise CoordinateError(f"写了秒但缺少分: “{original}”")
    if minutes is not None and "." in texts[0]:
        raise CoordinateError(f"度数带小数时不能再写分: “{original}”")
    if seconds is not None and "." in texts[1]:
        raise CoordinateError(f"分带小数时不能再写秒: “{original}”")
    if minutes is not None and minutes >= 60:
        raise CoordinateError(f"分应小于 60, 这里是 {texts[1]}: “{original}”")
    if seconds is not None and seconds >= 60:
        raise CoordinateError(f"秒应小于 60, 这里是 {texts[2]}: “{original}”")
    return degrees + (minutes or 0.0) / 60 + (seconds or 0.0) / 3600


def _notation(parts: list[_Part]) -> str:
    most = max(len(p.numbers or []) for p in parts)
    return {1: "decimal", 2: "dm"}.get(most, "dms")


def _assign(
    parts: list[_Part], first: float, second: float, settings: LocationSettings | None
) -> tuple[_Part, _Part, bool]:
    a, b = parts
    if a.axis and b.axis:
        if a.axis == b.axis:
            axis = "纬度" if a.axis == "lat" else "经度"
            raise CoordinateError(f"两个值都标成了{axis}")
        return (a, b, False) if a.axis == "lat" else (b, a, False)
    if a.axis or b.axis:
        known = a if a.axis else b
        other = b if known is a else a
        other.axis = "lon" if known.axis == "lat" else "lat"
        return (known, other, False) if known.axis == "lat" else (other, known, False)
    signed_first = -first if a.negative else first
    signed_second = -second if b.negative else second
    straight = abs(signed_first) <= 90 and in_china(signed_first, signed_second, settings)
    reverse = abs(signed_second) <= 90 and in_china(signed_second, signed_first, settings)
    if reverse and not straight:
        return b, a, True
    return a, b, False


def _signed(part: _Part, value: float) -> float:
    sign = part.sign or 1
    if part.negative:
        if part.sign == -1:
            return -value  # "-34 S": one minus is enough
        sign = -sign if part.sign else -1
    return sign * value


def _geopy_form(part: _Part, value: float, axis: str) -> str:
    hemisphere = _HEMISPHERES[(axis, 1 if value >= 0 else -1)]
    numbers = part.numbers or []
    texts = [text for _v, text, _u in numbers]
    if len(texts) == 1:
        return f"{abs(value)!r} {hemisphere}"
    if len(texts) == 2:
        return f"{texts[0]}°{texts[1]}' {hemisphere}"
    return f"{texts[0]}°{texts[1]}'{texts[2]}\" {hemisphere}"


def _through_geopy(
    normalised: str, lat: float, lon: float, notation: str, swapped: bool, original: str
) -> ParsedPoint:
    from geopy.point import Point

    try:
        point = Point(normalised)
    except ValueError as exc:
        raise CoordinateError(f"无法读取坐标“{original}”: {exc}") from exc
    if abs(point.latitude - lat) > 1e-9 or abs(point.longitude - lon) > 1e-9:
        raise CoordinateError(
            f"坐标“{original}”的两种读法不一致 ({point.latitude}, {point.longitude}) 与 ({lat}, {lon}), 请换一种写法"
        )
    return ParsedPoint(point.latitude, point.longitude, notation, swapped, normalised)
