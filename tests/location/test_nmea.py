"""NMEA sentences from every talker, and the lines a bad cable or a wrong speed produces."""

from __future__ import annotations

from datetime import date, time

import pytest

from desktop.location.nmea import (
    BadLine,
    Gga,
    Gsa,
    Gsv,
    LineProblem,
    LogLine,
    Rmc,
    parse_line,
    parse_sentence,
    read_log,
    sentence,
    split_line,
)

GGA_BODY = "GNGGA,082358.00,3415.50833,N,10856.17000,E,1,12,0.9,400.1,M,-28.0,M,,"


@pytest.mark.parametrize("talker", ["GP", "GN", "GL", "GA", "BD", "GB"])
def test_gga_from_every_talker_gives_the_same_fix(talker: str) -> None:
    parsed = parse_sentence(sentence(talker + GGA_BODY[2:]))
    assert isinstance(parsed, Gga)
    assert parsed.talker == talker
    assert parsed.latitude == pytest.approx(34.2584722, abs=1e-6)
    assert parsed.longitude == pytest.approx(108.9361667, abs=1e-6)
    assert (parsed.quality, parsed.satellites_used, parsed.hdop) == (1, 12, 0.9)
    assert parsed.time == time(8, 23, 58)


def test_a_gga_without_a_fix_has_no_position_not_zero_zero() -> None:
    parsed = parse_sentence(sentence("GPGGA,082358.00,,,,,0,00,99.99,,,,,,"))
    assert isinstance(parsed, Gga)
    assert parsed.latitude is None and parsed.longitude is None and parsed.quality == 0


def test_rmc_reads_date_validity_and_the_nmea_4_mode() -> None:
    parsed = parse_sentence(
        sentence("GBRMC,082358.00,A,3415.50833,N,10856.17000,E,0.01,,281119,,,A,V")
    )
    assert isinstance(parsed, Rmc)
    assert parsed.valid and parsed.date == date(2019, 11, 28) and parsed.mode == "A"
    void = parse_sentence(sentence("GNRMC,082359.00,V,,,,,,,281119,,,N,V"))
    assert isinstance(void, Rmc) and not void.valid and void.latitude is None


def test_gsa_keeps_the_satellites_the_dops_and_the_system_id() -> None:
    parsed = parse_sentence(sentence("GNGSA,A,3,06,09,16,,,,,,,,,,1.32,0.80,0.98,4"))
    assert isinstance(parsed, Gsa)
    assert parsed.prns == ("06", "09", "16")
    assert (parsed.pdop, parsed.hdop, parsed.vdop) == (1.32, 0.8, 0.98)
    assert parsed.system == "BeiDou"


def test_a_gsv_with_the_signal_id_does_not_shift_its_satellites() -> None:
    # pynmea2 reads the trailing signal id "1" as a third satellite's PRN here.
    parsed = parse_sentence(sentence("GLGSV,1,1,02,65,10,100,30,66,20,200,25,1"))
    assert isinstance(parsed, Gsv)
    assert [s.prn for s in parsed.satellites] == ["65", "66"]
    assert parsed.signal_id == "1" and parsed.in_view == 2


def test_a_gsv_without_signal_id_and_an_empty_snr() -> None:
    parsed = parse_sentence(
        sentence("BDGSV,3,1,11,01,45,120,40,02,30,200,35,03,60,050,42,04,10,300,")
    )
    assert isinstance(parsed, Gsv)
    assert [s.snr for s in parsed.satellites] == [40, 35, 42, None]
    assert parsed.signal_id is None and parsed.in_view == 11


def test_a_wrong_checksum_is_reported_as_such() -> None:
    good = sentence(GGA_BODY)
    parsed = parse_sentence(good[:-2] + ("00" if good[-2:] != "00" else "01"))
    assert isinstance(parsed, BadLine) and parsed.problem is LineProblem.CHECKSUM


def test_a_line_cut_short_is_truncated() -> None:
    parsed = parse_sentence("$GNGGA,082358.00,3415.5")
    assert isinstance(parsed, BadLine) and parsed.problem is LineProblem.TRUNCATED


def test_a_sentence_with_too_few_fields_is_truncated_even_with_a_good_checksum() -> None:
    parsed = parse_sentence(sentence("GNGGA,082358.00,3415.50833,N"))
    assert isinstance(parsed, BadLine) and parsed.problem is LineProblem.TRUNCATED


def test_noise_is_garbled_and_sentences_we_do_not_read_are_skipped() -> None:
    assert isinstance(parse_sentence("\x8f\x1c~garbage"), BadLine)
    assert parse_sentence(sentence("GNVTG,,T,,M,0.012,N,0.022,K,A")) is None
    assert parse_sentence(sentence("GPTXT,01,01,01,ANTENNA OK")) is None


def test_two_sentences_glued_together_give_the_second_one() -> None:
    rmc = sentence("GNRMC,082358.00,A,3415.50833,N,10856.17000,E,0.01,,281119,,,A")
    out = parse_line(LogLine("$GNGGA,082358.00,3415.5" + rmc))
    assert [type(x) for x in out] == [BadLine, Rmc]


def test_a_recorded_receive_time_in_front_of_a_line_is_read() -> None:
    at, pieces = split_line("12.031 " + sentence(GGA_BODY))
    assert at == pytest.approx(12.031) and pieces == [sentence(GGA_BODY)]


def test_a_log_of_raw_bytes_reads_without_failing(log) -> None:
    lines = list(read_log(log("wrong_baud.nmea")))
    assert lines and all(isinstance(line.text, str) for line in lines)
    assert all(isinstance(x, BadLine) for line in lines for x in parse_line(line))
