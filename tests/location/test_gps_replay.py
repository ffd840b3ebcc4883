"""Recorded logs of several receivers replayed through the capture path: what is accepted, what
is refused and why. The logs are in data/ (written by data/make_logs.py, one style each)."""

from __future__ import annotations

import dataclasses
from collections import Counter

from desktop.domain.geo import haversine_m
from desktop.location.gps import GpsSession, Progress, Refusal
from desktop.location.nmea import LineProblem, read_log
from tests.location.conftest import HOUSE


def replay(path, settings=None) -> tuple[GpsSession, list[Progress]]:
    session = GpsSession(settings)
    return session, session.feed_all(read_log(path))


def captures(progresses: list[Progress]):
    return [p.capture for p in progresses if p.capture is not None]


def refusals(progresses: list[Progress]) -> Counter[Refusal]:
    return Counter(p.judged.refusal for p in progresses if p.judged.refusal is not None)


def assert_near_house(capture, metres: float = 10.0) -> None:
    assert haversine_m(capture.latitude, capture.longitude, *HOUSE) < metres


def test_a_multi_constellation_receiver_at_good_hdop_is_accepted_fix_by_fix(log) -> None:
    session, progresses = replay(log("ublox_m8_multi.nmea"))
    accepted = captures(progresses)
    assert len(accepted) == 12 and not refusals(progresses)
    assert all(c.method == "single" and c.accuracy_m <= 5.0 for c in accepted)
    assert set(accepted[-1].constellations) == {"GPS", "GLONASS", "BeiDou"}
    assert accepted[-1].satellites_used == 16
    assert (
        accepted[-1].satellites_in_view == 18
    )  # 9 GPS + 5 GLONASS + 4 BeiDou, signal ids not doubled
    assert (
        accepted[0].time_utc is not None
        and accepted[0].time_utc.isoformat() == "2019-10-21T02:15:00"
    )
    for capture in accepted:
        assert_near_house(capture)


def test_a_beidou_only_receiver_is_accepted_by_averaging_five_fixes(log, settings) -> None:
    _session, progresses = replay(log("beidou_only.nmea"))
    accepted = captures(progresses)
    assert len(accepted) == 3  # 16 epochs: three windows of 5
    assert all(c.method == "average" and c.fixes == settings.average_count for c in accepted)
    assert all(c.constellations == ("BeiDou",) for c in accepted)
    for capture in accepted:
        assert_near_house(capture, 5.0)
        assert capture.accuracy_m < 8.0


def test_averaging_follows_the_configured_count(log, settings) -> None:
    three = dataclasses.replace(settings, average_count=3)
    _session, progresses = replay(log("beidou_only.nmea"), three)
    assert [c.fixes for c in captures(progresses)] == [3, 3, 3, 3, 3]


def test_a_cold_start_is_refused_until_the_receiver_has_enough_satellites(log) -> None:
    _session, progresses = replay(log("zhongke_cold_start.nmea"))
    verdicts = [p.judged.refusal for p in progresses]
    assert verdicts[:8] == [Refusal.NO_FIX] * 8
    assert verdicts[8] is Refusal.FEW_SATELLITES
    assert "3 颗" in progresses[8].judged.reason
    assert "可见卫星" in progresses[5].judged.reason  # the dialog can tell the sky is coming
    assert all(v is None for v in verdicts[9:])
    assert len(captures(progresses)) == 11


def test_checksum_errors_truncated_and_glued_lines_lose_only_their_own_sentences(log) -> None:
    session, progresses = replay(log("sirf_noisy_cable.nmea"))
    bad = session.stats.bad_lines
    assert bad[LineProblem.CHECKSUM] == 1
    assert bad[LineProblem.TRUNCATED] >= 2
    assert bad[LineProblem.GARBLED] >= 1
    assert session.stats.epochs == 14  # every second still made an epoch
    assert refusals(progresses) == Counter({Refusal.ESTIMATED: 1})  # the dead-reckoning epoch
    assert "推算" in next(p.judged.reason for p in progresses if p.judged.refusal)
    accepted = captures(progresses)
    assert len(accepted) == 13
    for capture in accepted:
        assert_near_house(capture)


def test_a_receiver_that_jumps_is_refused_on_the_jump_and_the_way_back(log) -> None:
    _session, progresses = replay(log("jumping_receiver.nmea"))
    jumps = [p for p in progresses if p.judged.refusal is Refusal.JUMP]
    assert len(jumps) == 3  # out, back, and the end of the 40 m drift
    assert "905 米" in jumps[0].judged.reason
    accepted = captures(progresses)
    assert accepted, "the steady stretches still give positions"
    for capture in accepted:
        assert_near_house(capture, 12.0)


def test_a_receiver_repeating_an_old_fix_is_stale_until_it_sees_the_sky_again(log) -> None:
    _session, progresses = replay(log("frozen_timed.nmea"))
    stale = [p for p in progresses if p.judged.refusal is Refusal.STALE]
    no_fix = [p for p in progresses if p.judged.refusal is Refusal.NO_FIX]
    assert len(stale) == 12 and len(no_fix) == 12
    assert "02:15:03" in stale[0].judged.reason
    assert any("比接收机时钟晚" in p.judged.reason for p in stale)
    accepted = captures(progresses)
    assert [c.time_utc.second for c in accepted if c.time_utc] == [
        0,
        1,
        2,
        3,
        16,
        17,
        18,
        19,
        20,
        21,
    ]


def test_a_simulator_and_a_point_abroad_are_never_accepted(log) -> None:
    _session, progresses = replay(log("simulator_abroad.nmea"))
    assert not captures(progresses)
    assert refusals(progresses) == Counter({Refusal.ESTIMATED: 3, Refusal.OUTSIDE_CHINA: 3})


def test_noise_from_a_wrong_baud_rate_gives_no_epoch_at_all(log) -> None:
    session, progresses = replay(log("wrong_baud.nmea"))
    assert progresses == [] and session.stats.sentences == 0
    assert sum(session.stats.bad_lines.values()) > 0


def test_poor_accuracy_and_high_hdop_are_refused_with_the_figures(log, settings) -> None:
    strict = dataclasses.replace(settings, max_hdop=1.2)
    _session, progresses = replay(log("beidou_only.nmea"), strict)
    assert refusals(progresses)[Refusal.HIGH_HDOP] == 16
    assert "超过 1.2" in progresses[0].judged.reason
    tight = dataclasses.replace(settings, max_accuracy_m=6.0, auto_accept_accuracy_m=5.0)
    _session, progresses = replay(log("beidou_only.nmea"), tight)
    assert refusals(progresses)[Refusal.POOR_ACCURACY] == 16
    assert not captures(progresses)
