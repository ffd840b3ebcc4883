"""From NMEA sentences to accepted GPS positions: epochs, fixes, refusals, averaging.

A receiver sends a burst of sentences every epoch (usually once a second): RMC and GGA carry the
epoch's UTC time, GSA and GSV the satellites. ``FixAssembler`` groups them into one ``Fix`` per
epoch. ``GpsCapture`` judges each fix — no fix, estimated, stale, outside China, a jump, too few
satellites, a poor HDOP or accuracy are refused with a Chinese reason — and accepts a position
either from one fix at the configured accuracy or by averaging several good fixes in a row.
``GpsSession`` puts the two behind one ``feed(line)``, the same for a serial port and a replayed
log, so training, tests, the capture dialog and ``fieldbook gps`` share one path.

Clocks: a fix's ``received_at`` is the receive time in seconds — ``time.monotonic()`` live, the
time recorded in front of each line in a timed log, and for a plain log one second per epoch.
"""

from __future__ import annotations

import math
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from desktop.domain.geo import haversine_m, in_china
from desktop.domain.location_settings import LocationSettings, location_settings
from desktop.location.nmea import (
    CONSTELLATIONS,
    BadLine,
    Gga,
    Gsa,
    Gsv,
    LineProblem,
    LogLine,
    Rmc,
    Sentence,
    parse_line,
)

GOOD_QUALITIES = frozenset({1, 2, 3, 4, 5})  # GPS, DGPS, PPS, RTK, float RTK
QUALITY_ZH = {6: "推算", 7: "手动输入", 8: "模拟器"}
DAY_S = 86_400.0
KNOT_KMH = 1.852
BEIJING = timedelta(hours=8)


@dataclass(frozen=True, slots=True)
class Fix:
    """What the receiver said in one epoch."""

    time_of_day: time | None  # UTC time of the fix as the receiver gave it
    time_utc: datetime | None  # with the date (from RMC), when known; naive UTC
    latitude: float | None
    longitude: float | None
    quality: int  # GGA fix quality (0 none, 1 GPS, 2 DGPS …, 6 estimated); RMC-only: 1 or 0
    has_fix: bool
    satellites_used: int | None
    satellites_in_view: int | None
    constellations: tuple[str, ...]
    hdop: float | None
    accuracy_m: float | None  # HDOP × UERE
    altitude_m: float | None
    speed_kmh: float | None
    received_at: float
    line: int = 0  # the log line that completed the epoch (0 live)


class Refusal(StrEnum):
    """Why a fix was not taken (stable codes: the CLI prints them)."""

    NO_FIX = "no_fix"
    ESTIMATED = "estimated"
    STALE = "stale"
    OUTSIDE_CHINA = "outside_china"
    JUMP = "jump"
    FEW_SATELLITES = "few_satellites"
    HIGH_HDOP = "high_hdop"
    NO_ACCURACY = "no_accuracy"
    POOR_ACCURACY = "poor_accuracy"


@dataclass(frozen=True, slots=True)
class Judged:
    """A fix and the verdict on it: ``refusal`` is None for a good fix."""

    fix: Fix
    refusal: Refusal | None
    reason: str = ""

    @property
    def good(self) -> bool:
        return self.refusal is None


@dataclass(frozen=True, slots=True)
class Capture:
    """An accepted GPS position: one fix at the configured accuracy, or an average of several."""

    latitude: float
    longitude: float
    accuracy_m: float
    time_utc: datetime | None
    method: str  # "single" | "average"
    fixes: int
    satellites_used: int | None
    satellites_in_view: int | None
    hdop: float | None
    constellations: tuple[str, ...]
    received_at: float
    line: int = 0

    def as_dict(self) -> dict[str, object]:
        """Plain JSON-ready data (times as ISO text with ``Z``)."""
        return {
            "latitude": round(self.latitude, 7),
            "longitude": round(self.longitude, 7),
            "accuracy_m": round(self.accuracy_m, 1),
            "time": self.time_utc.isoformat() + "Z" if self.time_utc else None,
            "method": self.method,
            "fixes": self.fixes,
            "satellites_used": self.satellites_used,
            "satellites_in_view": self.satellites_in_view,
            "hdop": self.hdop,
            "constellations": list(self.constellations),
            "line": self.line,
        }


@dataclass(frozen=True, slots=True)
class Progress:
    """What one epoch did: the verdict, a capture if one was accepted, the averaging so far."""

    judged: Judged
    capture: Capture | None
    averaged: int
    needed: int


def beijing_time(utc: datetime) -> datetime:
    """A naive UTC moment as naive Beijing time (how the store keeps local moments)."""
    return utc + BEIJING


# --- epochs --------------------------------------------------------------------------------------


@dataclass
class _Epoch:
    time_of_day: time | None
    received_at: float
    number: int
    gga: Gga | None = None
    rmc: Rmc | None = None
    line: int = 0
    emitted: bool = False


class FixAssembler:
    """Groups sentences into epochs by their UTC time and makes one ``Fix`` per epoch.

    An epoch closes when both its GGA and RMC have come (or the one of them this receiver sends),
    or when a sentence with another time arrives. GSA and GSV carry no time: the newest of them
    describe the satellites of the fix.
    """

    def __init__(self, settings: LocationSettings) -> None:
        self._settings = settings
        self._epoch: _Epoch | None = None
        self._epochs = 0
        self._seen_gga = False
        self._seen_rmc = False
        self._date: date | None = None
        self._date_tod: time | None = None
        self._gsa: dict[tuple[str, str | None], tuple[int, Gsa]] = {}
        self._in_view: dict[str, tuple[int, int]] = {}  # talker -> (epoch, satellites in view)
        self._talkers: dict[str, int] = {}  # constellation -> epoch last seen
        self.newest_time: time | None = None

    @property
    def epochs(self) -> int:
        return self._epochs

    def feed(self, item: Sentence, at: float | None, line: int = 0) -> list[Fix]:
        """Take one sentence; returns the fixes of the epochs it closed (usually none or one)."""
        out: list[Fix] = []
        if isinstance(item, Gsa):
            self._gsa[(item.talker, item.system)] = (self._epochs, item)
            for name in self._constellations_of(item.talker, item.system):
                self._talkers[name] = self._epochs
            return out
        if isinstance(item, Gsv):
            if item.number == 1 or item.talker not in self._in_view:
                previous = self._in_view.get(item.talker)
                count = item.in_view
                if previous is not None and previous[0] == self._epochs:  # another signal id
                    count = max(count, previous[1])
                self._in_view[item.talker] = (self._epochs, count)
            for name in self._constellations_of(item.talker, None):
                self._talkers[name] = self._epochs
            return out
        assert isinstance(item, Gga | Rmc)
        for name in self._constellations_of(item.talker, None):
            self._talkers[name] = self._epochs
        if item.time is not None and (
            self.newest_time is None or _after(item.time, self.newest_time)
        ):
            self.newest_time = item.time
        if isinstance(item, Rmc) and item.date is not None and item.time is not None:
            self._date, self._date_tod = item.date, item.time
        epoch = self._epoch
        same_epoch = (
            epoch is not None
            and item.time is not None
            and epoch.time_of_day == item.time
            and not (isinstance(item, Gga) and epoch.gga is not None)
            and not (isinstance(item, Rmc) and epoch.rmc is not None)
        )
        if not same_epoch:
            if epoch is not None and not epoch.emitted:
                out.append(self._make_fix(epoch))
            self._epochs += 1
            received = at if at is not None else float(self._epochs)
            epoch = _Epoch(item.time, received, self._epochs)
            self._epoch = epoch
        assert epoch is not None
        if isinstance(item, Gga):
            epoch.gga = item
            self._seen_gga = True
        else:
            epoch.rmc = item
            self._seen_rmc = True
        epoch.line = line
        # In the first epoch it is not yet known which of GGA and RMC this receiver sends.
        settled = self._epochs > 1
        complete = (epoch.gga is not None or (settled and not self._seen_gga)) and (
            epoch.rmc is not None or (settled and not self._seen_rmc)
        )
        if complete and not epoch.emitted:
            out.append(self._make_fix(epoch))
        return out

    def flush(self) -> list[Fix]:
        """The fix of the epoch still open at the end of a stream."""
        if self._epoch is not None and not self._epoch.emitted:
            return [self._make_fix(self._epoch)]
        return []

    def _constellations_of(self, talker: str, system: str | None) -> list[str]:
        if system:
            return [system]
        name = CONSTELLATIONS.get(talker)
        return [name] if name else []

    def _recent(self, epoch_seen: int) -> bool:
        return self._epochs - epoch_seen <= 3

    def _make_fix(self, epoch: _Epoch) -> Fix:
        epoch.emitted = True
        gga, rmc = epoch.gga, epoch.rmc
        lat = gga.latitude if gga is not None else None
        lon = gga.longitude if gga is not None else None
        if lat is None and rmc is not None:
            lat, lon = rmc.latitude, rmc.longitude
        if gga is not None:
            quality = gga.quality
        elif rmc is not None:
            quality = 6 if rmc.mode == "E" else (1 if rmc.valid else 0)
        else:
            quality = 0
        has_fix = lat is not None and lon is not None and quality in GOOD_QUALITIES
        if rmc is not None and (not rmc.valid or rmc.mode == "N"):
            has_fix = False
        gsa_sets = [g for seen, g in self._gsa.values() if self._recent(seen)]
        used = gga.satellites_used if gga is not None else None
        if used is None and gsa_sets:
            used = len({(g.system or g.talker, p) for g in gsa_sets for p in g.prns})
        hdop = gga.hdop if gga is not None and gga.hdop is not None else None
        if hdop is None:
            hdops = [g.hdop for g in gsa_sets if g.hdop is not None]
            hdop = min(hdops) if hdops else None
        in_view_counts = [n for seen, n in self._in_view.values() if self._recent(seen)]
        in_view = sum(in_view_counts) if in_view_counts else None
        constellations = tuple(
            sorted(name for name, seen in self._talkers.items() if self._recent(seen))
        )
        accuracy = hdop * self._settings.uere_m if hdop is not None and hdop > 0 else None
        speed = (
            rmc.speed_knots * KNOT_KMH if rmc is not None and rmc.speed_knots is not None else None
        )
        return Fix(
            time_of_day=epoch.time_of_day,
            time_utc=self._utc(epoch.time_of_day),
            latitude=lat,
            longitude=lon,
            quality=quality,
            has_fix=has_fix,
            satellites_used=used,
            satellites_in_view=in_view,
            constellations=constellations,
            hdop=hdop,
            accuracy_m=accuracy,
            altitude_m=gga.altitude_m if gga is not None else None,
            speed_kmh=speed,
            received_at=epoch.received_at,
            line=epoch.line,
        )

    def _utc(self, tod: time | None) -> datetime | None:
        if tod is None or self._date is None or self._date_tod is None:
            return None
        day = self._date
        if _seconds(tod) < _seconds(self._date_tod) - DAY_S / 2:  # past midnight since the RMC
            day += timedelta(days=1)
        return datetime.combine(day, tod)


def _seconds(t: time) -> float:
    return t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6


def _behind(newer: time, older: time) -> float:
    """Seconds from ``older`` to ``newer`` on a 24-hour clock (wrapping at midnight)."""
    return (_seconds(newer) - _seconds(older)) % DAY_S


def _after(a: time, b: time) -> bool:
    return 0 < _behind(a, b) < DAY_S / 2


# --- judging and accepting -----------------------------------------------------------------------


class GpsCapture:
    """Judges fixes one by one and accepts a position when one is good enough.

    Any refused fix empties the averaging window: fixes are averaged only while the receiver
    keeps giving good ones in a row.
    """

    def __init__(self, settings: LocationSettings | None = None) -> None:
        self.settings = settings or location_settings()
        self._window: deque[Fix] = deque()
        self._previous: Fix | None = None  # the last fix that had a position
        self._repeats = 0

    def reset(self) -> None:
        """Forget the averaging window (a new capture starts)."""
        self._window.clear()

    @property
    def averaged(self) -> int:
        return len(self._window)

    def offer(self, fix: Fix, *, newest_time: time | None = None) -> Progress:
        """Judge ``fix``; accept a position when it or the window is good enough."""
        judged = self.judge(fix, newest_time=newest_time)
        s = self.settings
        if not judged.good:
            self._window.clear()
            return Progress(judged, None, 0, s.average_count)
        assert fix.accuracy_m is not None and fix.latitude is not None and fix.longitude is not None
        if fix.accuracy_m <= s.auto_accept_accuracy_m:
            self._window.clear()
            return Progress(judged, _single(fix), 0, s.average_count)
        self._window.append(fix)
        self._trim_window()
        if len(self._window) >= s.average_count:
            capture = _average(list(self._window))
            self._window.clear()
            return Progress(judged, capture, 0, s.average_count)
        return Progress(judged, None, len(self._window), s.average_count)

    def judge(self, fix: Fix, *, newest_time: time | None = None) -> Judged:
        """The verdict on one fix, with its Chinese reason (updates the jump and freeze memory)."""
        s = self.settings
        previous = self._previous
        if fix.has_fix:
            self._previous = fix
        if not fix.has_fix:
            if fix.quality in QUALITY_ZH and fix.latitude is not None:
                return Judged(
                    fix,
                    Refusal.ESTIMATED,
                    f"这是接收机{QUALITY_ZH[fix.quality]}的位置, 不是卫星定位, 不能采用",
                )
            seen = f"(可见卫星 {fix.satellites_in_view} 颗)" if fix.satellites_in_view else ""
            return Judged(fix, Refusal.NO_FIX, f"接收机尚未定位{seen}, 请到开阔处等待")
        stale = self._stale_reason(fix, previous, newest_time)
        if stale:
            return Judged(fix, Refusal.STALE, stale)
        assert fix.latitude is not None and fix.longitude is not None
        if not in_china(fix.latitude, fix.longitude, s):
            return Judged(
                fix,
                Refusal.OUTSIDE_CHINA,
                f"定位点 ({fix.latitude:.5f}, {fix.longitude:.5f}) 不在中国境内, 接收机数据异常",
            )
        if (
            previous is not None
            and previous.latitude is not None
            and previous.longitude is not None
        ):
            distance = haversine_m(
                previous.latitude, previous.longitude, fix.latitude, fix.longitude
            )
            elapsed = max(fix.received_at - previous.received_at, 1.0)
            if distance / elapsed > s.max_speed_mps:
                return Judged(
                    fix,
                    Refusal.JUMP,
                    f"位置跳变: 与上一次定位相距 {distance:.0f} 米, 只隔 {elapsed:.0f} 秒"
                    f"(约 {distance / elapsed:.0f} 米/秒), 数据不可信",
                )
        if fix.satellites_used is not None and fix.satellites_used < s.min_satellites:
            return Judged(
                fix,
                Refusal.FEW_SATELLITES,
                f"使用中的卫星只有 {fix.satellites_used} 颗, 至少需要 {s.min_satellites} 颗",
            )
        if fix.hdop is not None and fix.hdop > s.max_hdop:
            return Judged(
                fix,
                Refusal.HIGH_HDOP,
                f"水平精度因子 HDOP 为 {fix.hdop:g}, 超过 {s.max_hdop:g}, 卫星分布太差",
            )
        if fix.accuracy_m is None:
            return Judged(fix, Refusal.NO_ACCURACY, "接收机没有给出 HDOP, 无法估计精度")
        if fix.accuracy_m > s.max_accuracy_m:
            return Judged(
                fix,
                Refusal.POOR_ACCURACY,
                f"估计精度 {fix.accuracy_m:.0f} 米, 差于允许的 {s.max_accuracy_m:.0f} 米",
            )
        return Judged(fix, None)

    def _stale_reason(self, fix: Fix, previous: Fix | None, newest: time | None) -> str:
        s = self.settings
        tod = fix.time_of_day
        if tod is None:
            return ""
        if newest is not None:
            behind = _behind(newest, tod)
            if s.max_fix_age_s < behind < DAY_S / 2:
                return f"定位数据已过期: 定位时间 {tod:%H:%M:%S} 比接收机时钟晚 {behind:.0f} 秒"
        if previous is not None and previous.time_of_day == tod:
            self._repeats += 1
            return (
                f"定位时间停在 {tod:%H:%M:%S} 没有更新(第 {self._repeats} 次重复), "
                "接收机在重复旧的定位"
            )
        self._repeats = 0
        return ""

    def _trim_window(self) -> None:
        """Drop the oldest fixes until every one lies within the allowed spread of the mean."""
        limit = self.settings.average_max_spread_m
        while len(self._window) > 1 and _spread(list(self._window)) > limit:
            self._window.popleft()


def _single(fix: Fix) -> Capture:
    assert fix.latitude is not None and fix.longitude is not None and fix.accuracy_m is not None
    return Capture(
        latitude=fix.latitude,
        longitude=fix.longitude,
        accuracy_m=fix.accuracy_m,
        time_utc=fix.time_utc,
        method="single",
        fixes=1,
        satellites_used=fix.satellites_used,
        satellites_in_view=fix.satellites_in_view,
        hdop=fix.hdop,
        constellations=fix.constellations,
        received_at=fix.received_at,
        line=fix.line,
    )


def _mean(fixes: list[Fix]) -> tuple[float, float]:
    lat = sum(f.latitude for f in fixes if f.latitude is not None) / len(fixes)
    lon = sum(f.longitude for f in fixes if f.longitude is not None) / len(fixes)
    return lat, lon


def _spread(fixes: list[Fix]) -> float:
    lat, lon = _mean(fixes)
    return max(haversine_m(lat, lon, f.latitude or 0.0, f.longitude or 0.0) for f in fixes)


def _average(fixes: list[Fix]) -> Capture:
    """The mean position; its accuracy is the larger of the scatter and the mean accuracy / √n."""
    lat, lon = _mean(fixes)
    n = len(fixes)
    rms = math.sqrt(
        sum(haversine_m(lat, lon, f.latitude or 0.0, f.longitude or 0.0) ** 2 for f in fixes) / n
    )
    mean_accuracy = sum(f.accuracy_m or 0.0 for f in fixes) / n
    last = fixes[-1]
    return Capture(
        latitude=lat,
        longitude=lon,
        accuracy_m=max(rms, mean_accuracy / math.sqrt(n)),
        time_utc=last.time_utc,
        method="average",
        fixes=n,
        satellites_used=last.satellites_used,
        satellites_in_view=last.satellites_in_view,
        hdop=last.hdop,
        constellations=last.constellations,
        received_at=last.received_at,
        line=last.line,
    )


# --- one path for a port and a log ---------------------------------------------------------------


@dataclass
class SessionStats:
    """Counts over a session, for the dialog's status line and the CLI's summary."""

    lines: int = 0
    sentences: int = 0
    bad_lines: Counter[LineProblem] = field(default_factory=Counter)
    epochs: int = 0
    refusals: Counter[Refusal] = field(default_factory=Counter)
    captures: int = 0
    last_sentence_at: float | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "lines": self.lines,
            "sentences": self.sentences,
            "bad_lines": {str(k): v for k, v in sorted(self.bad_lines.items())},
            "epochs": self.epochs,
            "refusals": {str(k): v for k, v in sorted(self.refusals.items())},
            "captures": self.captures,
        }


class GpsSession:
    """Lines in, verdicts and captures out: the one path for a serial port and a replayed log.

    After a capture the session starts averaging afresh, so a long log yields every position it
    would accept.
    """

    def __init__(self, settings: LocationSettings | None = None) -> None:
        self.settings = settings or location_settings()
        self.assembler = FixAssembler(self.settings)
        self.capture = GpsCapture(self.settings)
        self.stats = SessionStats()
        self.last_bad: BadLine | None = None

    def feed(self, line: LogLine) -> list[Progress]:
        """One line of NMEA (with its receive time when known)."""
        self.stats.lines += 1
        out: list[Progress] = []
        for item in parse_line(line):
            if isinstance(item, BadLine):
                self.stats.bad_lines[item.problem] += 1
                self.last_bad = item
                continue
            self.stats.sentences += 1
            self.stats.last_sentence_at = line.at
            for fix in self.assembler.feed(item, line.at, line.number):
                out.append(self._offer(fix))
        return out

    def feed_all(self, lines: Iterable[LogLine]) -> list[Progress]:
        """Every line, then the end of the stream."""
        out: list[Progress] = []
        for line in lines:
            out.extend(self.feed(line))
        out.extend(self.finish())
        return out

    def finish(self) -> list[Progress]:
        """The end of the stream: the last open epoch is judged."""
        return [self._offer(fix) for fix in self.assembler.flush()]

    def _offer(self, fix: Fix) -> Progress:
        self.stats.epochs += 1
        progress = self.capture.offer(fix, newest_time=self.assembler.newest_time)
        if progress.judged.refusal is not None:
            self.stats.refusals[progress.judged.refusal] += 1
        if progress.capture is not None:
            self.stats.captures += 1
        return progress


def now_utc() -> datetime:
    """The laptop's clock as naive UTC (used when the receiver gave no date)."""
    return datetime.now(UTC).replace(tzinfo=None)
