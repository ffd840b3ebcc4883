"""NMEA 0183 sentences from a GPS receiver: GGA, RMC, GSA and GSV from any talker.

``pynmea2`` checks the checksum and splits the fields; it is talker-agnostic, so GP (GPS),
GL (GLONASS), GA (Galileo), BD and GB (BeiDou), GQ/QZ (QZSS), GI (NavIC) and GN (combined) all
parse. This module turns its messages into small typed records and reads the fields itself where
pynmea2 is wrong: a GSV with the NMEA 4.10 signal id appended shifts its satellite fields, and a
GGA without a fix reads as latitude 0.0.

A line may carry a receive time in front of the sentence (``12.031 $GNGGA,…``): the recorder
writes one, and a replay uses it as the clock. Several sentences run together (a receiver's
buffer cut short) are split at each ``$``.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum
from pathlib import Path

import pynmea2

# Talker ids and the constellation each one names (GN = several at once).
CONSTELLATIONS = {
    "GP": "GPS",
    "GL": "GLONASS",
    "GA": "Galileo",
    "BD": "BeiDou",
    "GB": "BeiDou",
    "GQ": "QZSS",
    "QZ": "QZSS",
    "GI": "NavIC",
    "IR": "NavIC",
}
# NMEA 4.10+ GSA/GSV system ids.
SYSTEM_IDS = {"1": "GPS", "2": "GLONASS", "3": "Galileo", "4": "BeiDou", "5": "QZSS", "6": "NavIC"}
CONSTELLATION_NAMES_ZH = {
    "GPS": "GPS",
    "GLONASS": "格洛纳斯",
    "Galileo": "伽利略",
    "BeiDou": "北斗",
    "QZSS": "准天顶",
    "NavIC": "NavIC",
}

_LEADING_TIME = re.compile(r"^\s*(?P<at>\d+(?:\.\d+)?)\s+(?=[$!])")
# Fields a sentence must have (after the address field) to be read.
_MIN_FIELDS = {"GGA": 9, "RMC": 9, "GSA": 17, "GSV": 3}


class LineProblem(StrEnum):
    """Why a line gave no sentence."""

    CHECKSUM = "checksum"  # the checksum does not match: a corrupted line
    TRUNCATED = "truncated"  # no checksum or too few fields: the line was cut short
    GARBLED = "garbled"  # not NMEA at all, or a field that does not read (wrong baud rate, noise)


LINE_PROBLEM_ZH = {
    LineProblem.CHECKSUM: "校验和错误",
    LineProblem.TRUNCATED: "语句不完整",
    LineProblem.GARBLED: "无法识别",
}


@dataclass(frozen=True, slots=True)
class Gga:
    """GGA: the fix, its quality, satellites in use, HDOP and altitude."""

    talker: str
    time: time | None
    latitude: float | None
    longitude: float | None
    quality: (
        int  # 0 none, 1 GPS, 2 DGPS, 3 PPS, 4 RTK, 5 float RTK, 6 estimated, 7 manual, 8 simulator
    )
    satellites_used: int | None
    hdop: float | None
    altitude_m: float | None


@dataclass(frozen=True, slots=True)
class Rmc:
    """RMC: the recommended minimum: time, date, valid flag, position, speed."""

    talker: str
    time: time | None
    date: date | None
    valid: bool
    latitude: float | None
    longitude: float | None
    speed_knots: float | None
    mode: str | None  # NMEA 2.3+: A autonomous, D differential, E estimated, N not valid …


@dataclass(frozen=True, slots=True)
class Gsa:
    """GSA: fix type (1 none, 2 2D, 3 3D), the satellites used, the DOPs."""

    talker: str
    fix_type: int | None
    prns: tuple[str, ...]
    pdop: float | None
    hdop: float | None
    vdop: float | None
    system: str | None  # constellation from the NMEA 4.10 system id, when there is one


@dataclass(frozen=True, slots=True)
class SatelliteInView:
    prn: str
    elevation: int | None
    azimuth: int | None
    snr: int | None


@dataclass(frozen=True, slots=True)
class Gsv:
    """One GSV message: part ``number`` of ``count``, the satellites in view of this talker."""

    talker: str
    count: int
    number: int
    in_view: int
    satellites: tuple[SatelliteInView, ...]
    signal_id: str | None


Sentence = Gga | Rmc | Gsa | Gsv


@dataclass(frozen=True, slots=True)
class BadLine:
    """A line that gave no sentence, and why."""

    text: str
    problem: LineProblem
    detail: str = ""


@dataclass(frozen=True, slots=True)
class LogLine:
    """One line of NMEA as received: its text, and the receive time in seconds if it was recorded."""

    text: str
    at: float | None = None
    number: int = 0  # 1-based line number in a log file, 0 when live


def split_line(raw: str) -> tuple[float | None, list[str]]:
    """The receive time in front of a line (if any) and the sentences in it (split at ``$``)."""
    text = raw.strip().lstrip("\ufeff")
    at = None
    match = _LEADING_TIME.match(text)
    if match:
        at = float(match.group("at"))
        text = text[match.end() :]
    if not text:
        return at, []
    starts = [i for i, ch in enumerate(text) if ch in "$!"]
    if not starts:
        return at, [text]
    pieces = [text[a:b].strip() for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
    if starts[0] > 0:  # the tail of a sentence cut off before the port was opened
        pieces.insert(0, text[: starts[0]].strip())
    return at, [p for p in pieces if p]


def parse_sentence(text: str) -> Sentence | BadLine | None:
    """One sentence: a typed record, a ``BadLine``, or None for a valid sentence we do not use."""
    if not text.startswith("$") or len(text) < 7:
        return BadLine(text, LineProblem.GARBLED, "不是以 $ 开头的 NMEA 语句")
    if "*" not in text:
        return BadLine(text, LineProblem.TRUNCATED, "缺少校验和")
    try:
        message = pynmea2.parse(text, check=True)
    except pynmea2.ChecksumError as exc:
        if "missing" in str(exc):
            return BadLine(text, LineProblem.TRUNCATED, "缺少校验和")
        return BadLine(text, LineProblem.CHECKSUM, "校验和不符")
    except pynmea2.SentenceTypeError:
        return None  # a valid sentence of a type we do not read (VTG, GLL, TXT, proprietary …)
    except (pynmea2.ParseError, ValueError) as exc:
        return BadLine(text, LineProblem.GARBLED, str(exc)[:80])
    kind = getattr(message, "sentence_type", "")
    talker = getattr(message, "talker", "") or ""
    if kind not in _MIN_FIELDS:
        return None
    if len(message.data) < _MIN_FIELDS[kind]:
        return BadLine(text, LineProblem.TRUNCATED, f"{kind} 字段不足")
    try:
        if kind == "GGA":
            return _gga(talker, message)
        if kind == "RMC":
            return _rmc(talker, message)
        if kind == "GSA":
            return _gsa(talker, message.data)
        return _gsv(talker, message.data)
    except (ValueError, TypeError, IndexError) as exc:
        return BadLine(text, LineProblem.GARBLED, f"{kind} 字段无法读取: {exc}"[:80])


def parse_line(line: LogLine) -> list[Sentence | BadLine]:
    """Every sentence of one line (usually one), skipping valid sentences we do not use."""
    _at, pieces = split_line(line.text)
    out: list[Sentence | BadLine] = []
    for piece in pieces:
        parsed = parse_sentence(piece)
        if parsed is not None:
            out.append(parsed)
    return out


def read_log(path: str | Path) -> Generator[LogLine, None, None]:
    """The lines of a recorded NMEA log, with their receive times when the log has them."""
    with Path(path).open("rb") as fp:
        for number, raw in enumerate(fp, start=1):
            text = raw.decode("ascii", errors="replace")
            at, _pieces = split_line(text)
            yield LogLine(text.strip(), at, number)


def lines_from(texts: Iterable[str]) -> Iterator[LogLine]:
    """LogLines from plain strings (tests, pasted logs)."""
    for number, text in enumerate(texts, start=1):
        at, _pieces = split_line(text)
        yield LogLine(text.strip(), at, number)


def checksum(body: str) -> str:
    """The two-hex-digit checksum of a sentence body (between ``$`` and ``*``)."""
    value = 0
    for ch in body:
        value ^= ord(ch)
    return f"{value:02X}"


def sentence(body: str) -> str:
    """A complete sentence ``$body*hh`` (for recorders, simulators and tests)."""
    return f"${body}*{checksum(body)}"


# --- field readers -------------------------------------------------------------------------------


def _float(text: str | None) -> float | None:
    if text is None or text.strip() == "":
        return None
    return float(text)


def _int(text: str | None) -> int | None:
    if text is None or text.strip() == "":
        return None
    return int(float(text))


def _position(message: pynmea2.NMEASentence) -> tuple[float | None, float | None]:
    if not message.lat or not message.lon:
        return None, None
    if message.lat_dir not in ("N", "S") or message.lon_dir not in ("E", "W"):
        raise ValueError("经纬度方向无效")
    lat, lon = float(message.latitude), float(message.longitude)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError("经纬度超出范围")
    return lat, lon


def _time(message: pynmea2.NMEASentence) -> time | None:
    if not message.data[0].strip():
        return None
    value = message.timestamp
    return value.replace(tzinfo=None) if value is not None else None


def _gga(talker: str, message: pynmea2.NMEASentence) -> Gga:
    lat, lon = _position(message)
    return Gga(
        talker=talker,
        time=_time(message),
        latitude=lat,
        longitude=lon,
        quality=_int(message.data[5]) or 0,
        satellites_used=_int(message.data[6]),
        hdop=_float(message.data[7]),
        altitude_m=_float(message.data[8]),
    )


def _rmc(talker: str, message: pynmea2.NMEASentence) -> Rmc:
    lat, lon = _position(message)
    day = message.datestamp if message.data[8].strip() else None
    mode = message.data[11].strip() if len(message.data) > 11 and message.data[11].strip() else None
    return Rmc(
        talker=talker,
        time=_time(message),
        date=day,
        valid=message.data[1] == "A",
        latitude=lat,
        longitude=lon,
        speed_knots=_float(message.data[6]),
        mode=mode,
    )


def _gsa(talker: str, data: list[str]) -> Gsa:
    prns = tuple(p.strip() for p in data[2:14] if p.strip())
    system = SYSTEM_IDS.get(data[17].strip()) if len(data) > 17 else None
    return Gsa(
        talker=talker,
        fix_type=_int(data[1]),
        prns=prns,
        pdop=_float(data[14]),
        hdop=_float(data[15]),
        vdop=_float(data[16]),
        system=system,
    )


def _gsv(talker: str, data: list[str]) -> Gsv:
    count, number, in_view = int(data[0]), int(data[1]), int(data[2])
    rest = data[3:]
    signal_id = None
    if len(rest) % 4 == 1:  # NMEA 4.10: a signal id after the satellites
        signal_id = rest[-1].strip() or None
        rest = rest[:-1]
    satellites = []
    for i in range(0, len(rest) - 3, 4):
        prn = rest[i].strip()
        if not prn:
            continue
        satellites.append(
            SatelliteInView(prn, _int(rest[i + 1]), _int(rest[i + 2]), _int(rest[i + 3]))
        )
    return Gsv(talker, count, number, in_view, tuple(satellites), signal_id)
