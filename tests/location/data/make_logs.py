"""Writes the NMEA fixture logs of this folder in the styles of several receivers.

Run it to regenerate them (``.venv/bin/python tests/location/data/make_logs.py``); the tests read
the files, not this script. Every log is a house in 略阳县 (the demo county) seen by a different
kind of receiver; the README of each style is the docstring of its function.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
HOUSE = (33.412350, 106.051200)
START = datetime(2019, 10, 21, 2, 15, 0)  # UTC: 10:15 in the morning in Shaanxi


def checksum(body: str) -> str:
    value = 0
    for ch in body:
        value ^= ord(ch)
    return f"{value:02X}"


def s(body: str) -> str:
    return f"${body}*{checksum(body)}"


def ddmm(value: float, width: int, decimals: int) -> str:
    degrees = int(abs(value))
    minutes = (abs(value) - degrees) * 60
    return f"{degrees:0{width}d}{minutes:0{3 + decimals}.{decimals}f}"


def lat_lon(lat: float, lon: float, decimals: int = 5) -> str:
    return f"{ddmm(lat, 2, decimals)},{'N' if lat >= 0 else 'S'},{ddmm(lon, 3, decimals)},{'E' if lon >= 0 else 'W'}"


def offset(point: tuple[float, float], north_m: float, east_m: float) -> tuple[float, float]:
    lat, lon = point
    return (
        lat + north_m / 111_195.0,
        lon + east_m / (111_195.0 * math.cos(math.radians(lat))),
    )


def hms(t: datetime) -> str:
    return t.strftime("%H%M%S") + f".{t.microsecond // 10000:02d}"


def dmy(t: datetime) -> str:
    return t.strftime("%d%m%y")


def gsv(
    talker: str, sats: list[tuple[int, int, int, int | None]], signal: str | None = None
) -> list[str]:
    """GSV messages of up to four satellites each (``signal`` appends the NMEA 4.10 signal id)."""
    count = max(1, math.ceil(len(sats) / 4))
    out = []
    for i in range(count):
        chunk = sats[i * 4 : i * 4 + 4]
        fields = [str(count), str(i + 1), f"{len(sats):02d}"]
        for prn, elev, az, snr in chunk:
            fields += [
                f"{prn:02d}",
                f"{elev:02d}",
                f"{az:03d}",
                "" if snr is None else f"{snr:02d}",
            ]
        if signal is not None:
            fields.append(signal)
        out.append(s(f"{talker}GSV," + ",".join(fields)))
    return out


def sats(
    rng: random.Random, prns: list[int], visible: bool = True
) -> list[tuple[int, int, int, int | None]]:
    return [
        (p, rng.randint(10, 85), rng.randint(0, 359), rng.randint(28, 47) if visible else None)
        for p in prns
    ]


def ublox_m8_multi() -> list[str]:
    """u-blox M8 (NMEA 4.10): GN talker for RMC/GGA/GSA, one GSA per system with its system id,
    GPS, GLONASS and BeiDou (GB) GSV with signal ids, VTG and GLL we do not read. HDOP 0.7–0.9:
    every epoch is good enough to accept on its own."""
    rng = random.Random(1)
    lines: list[str] = []
    for i in range(12):
        t = START + timedelta(seconds=i)
        lat, lon = offset(HOUSE, rng.gauss(0, 1.5), rng.gauss(0, 1.5))
        hdop = rng.choice([0.7, 0.8, 0.9])
        lines.append(s(f"GNRMC,{hms(t)},A,{lat_lon(lat, lon)},0.012,,{dmy(t)},,,A,V"))
        lines.append(s("GNVTG,,T,,M,0.012,N,0.022,K,A"))
        lines.append(s(f"GNGGA,{hms(t)},{lat_lon(lat, lon)},1,16,{hdop:.2f},812.4,M,-31.2,M,,"))
        lines.append(s(f"GNGSA,A,3,02,05,12,13,15,18,25,29,,,,,1.32,{hdop:.2f},0.98,1"))
        lines.append(s(f"GNGSA,A,3,67,68,77,78,,,,,,,,,1.32,{hdop:.2f},0.98,2"))
        lines.append(s(f"GNGSA,A,3,06,09,16,,,,,,,,,,1.32,{hdop:.2f},0.98,4"))
        lines += gsv("GP", sats(rng, [2, 5, 12, 13, 15, 18, 25, 29, 20]), "1")
        lines += gsv("GL", sats(rng, [67, 68, 77, 78, 69]), "1")
        lines += gsv("GB", sats(rng, [6, 9, 16, 3]), "1")
        lines.append(s(f"GNGLL,{lat_lon(lat, lon)},{hms(t)},A,A"))
    return lines


def beidou_only() -> list[str]:
    """A BeiDou-only module (older 国产 BDS boards): BD talker throughout, NMEA 3.0, no GSV signal
    ids, a TXT antenna line. HDOP 1.3–1.6 (accuracy 6.5–8 m): positions come from averaging."""
    rng = random.Random(2)
    lines = [s("GPTXT,01,01,01,ANTENNA OK")]
    for i in range(16):
        t = START + timedelta(seconds=i)
        lat, lon = offset(HOUSE, rng.gauss(0, 2.5), rng.gauss(0, 2.5))
        hdop = rng.choice([1.3, 1.4, 1.5, 1.6])
        lines.append(s(f"BDGGA,{hms(t)},{lat_lon(lat, lon, 4)},1,09,{hdop:.1f},815.0,M,-31.0,M,,"))
        lines.append(s(f"BDGSA,A,3,01,02,03,04,06,09,11,13,16,,,,2.4,{hdop:.1f},1.9"))
        lines += gsv("BD", sats(rng, [1, 2, 3, 4, 6, 9, 11, 13, 16, 14]))
        lines.append(s(f"BDRMC,{hms(t)},A,{lat_lon(lat, lon, 4)},0.05,0.0,{dmy(t)},,,A"))
    return lines


def zhongke_cold_start() -> list[str]:
    """A GPS+BeiDou module from a cold start (ATGM336H style, NMEA 4.1): GN RMC/GGA, GPGSV and
    BDGSV; the antenna is checked, then 8 epochs without a fix (empty position, quality 0, RMC V,
    satellites visible but none used), then a 2D fix on 3 satellites, then good fixes."""
    rng = random.Random(3)
    lines = [s("GPTXT,01,01,01,ANTENNA OPEN"), s("GPTXT,01,01,01,ANTENNA OK")]
    for i in range(20):
        t = START + timedelta(seconds=i)
        if i < 8:
            lines.append(s(f"GNGGA,{hms(t)},,,,,0,00,25.5,,,,,,"))
            lines.append(s("GNGSA,A,1,,,,,,,,,,,,,25.5,25.5,25.5,1"))
            lines += gsv("GP", sats(rng, [3, 7, 8, 10], visible=i > 3))
            lines += gsv("BD", sats(rng, [1, 3, 6], visible=i > 5))
            lines.append(s(f"GNRMC,{hms(t)},V,,,,,,,{dmy(t)},,,N,V"))
            continue
        lat, lon = offset(HOUSE, rng.gauss(0, 2.0), rng.gauss(0, 2.0))
        if i == 8:
            lines.append(s(f"GNGGA,{hms(t)},{lat_lon(lat, lon)},1,03,9.8,,,,,,"))
            lines.append(s("GNGSA,A,2,03,07,10,,,,,,,,,,9.9,9.8,1.0,1"))
        else:
            lines.append(s(f"GNGGA,{hms(t)},{lat_lon(lat, lon)},1,11,0.9,820.3,M,-31.0,M,,"))
            lines.append(s("GNGSA,A,3,03,07,08,10,16,,,,,,,,1.5,0.9,1.2,1"))
            lines.append(s("GNGSA,A,3,01,03,06,09,13,16,,,,,,,1.5,0.9,1.2,4"))
        lines += gsv("GP", sats(rng, [3, 7, 8, 10, 16]))
        lines += gsv("BD", sats(rng, [1, 3, 6, 9, 13, 16]))
        lines.append(s(f"GNRMC,{hms(t)},A,{lat_lon(lat, lon)},0.00,0.00,{dmy(t)},,,A,V"))
    return lines


def sirf_noisy_cable() -> list[str]:
    """An old GPS-only SiRF-style receiver at 4800 baud on a bad cable: GP talker, NMEA 2.2 RMC
    without mode, and among the good lines a checksum error, a line cut short, two sentences run
    together, a line of noise and a dead-reckoning (quality 6) epoch."""
    rng = random.Random(4)
    lines: list[str] = []
    for i in range(14):
        t = START + timedelta(seconds=i)
        lat, lon = offset(HOUSE, rng.gauss(0, 2.0), rng.gauss(0, 2.0))
        gga = s(f"GPGGA,{hms(t)},{lat_lon(lat, lon, 4)},1,07,1.0,818.0,M,-31.0,M,,0000")
        rmc = s(f"GPRMC,{hms(t)},A,{lat_lon(lat, lon, 4)},0.1,45.3,{dmy(t)},,")
        if i == 3:  # one flipped character: the checksum no longer matches
            gga = gga.replace(",1,07,", ",1,01,")
        if i == 5:  # the cable drops the end of the line
            gga = gga[:38]
        if i == 7:  # the end of one sentence lost, the next one glued to it
            gga = gga[:30] + rmc
            rmc = ""
        if i == 9:  # dead reckoning through a tunnel of trees
            gga = s(f"GPGGA,{hms(t)},{lat_lon(lat, lon, 4)},6,00,,818.0,M,-31.0,M,,")
        lines.append(gga)
        lines.append(s("GPGSA,A,3,02,05,12,13,15,25,29,,,,,,1.8,1.0,1.5"))
        lines += gsv("GP", sats(rng, [2, 5, 12, 13, 15, 25, 29]))
        if rmc:
            lines.append(rmc)
        if i == 11:
            lines.append("\x8f\x1c~\x03\x11$#@\x7f\x00\x13 \x10\x02")
    return lines


def jumping_receiver() -> list[str]:
    """A cheap GN receiver under a tin roof that jumps: steady fixes, then one epoch 900 m away,
    then back; later a slow drift of 40 m over 4 s that averaging must not swallow."""
    rng = random.Random(5)
    lines: list[str] = []
    for i in range(20):
        t = START + timedelta(seconds=i)
        north, east = rng.gauss(0, 1.0), rng.gauss(0, 1.0)
        if i == 6:
            north, east = 640.0, -640.0
        if 12 <= i < 16:
            north += (i - 11) * 10.0
        lat, lon = offset(HOUSE, north, east)
        lines.append(s(f"GNRMC,{hms(t)},A,{lat_lon(lat, lon)},0.02,,{dmy(t)},,,A"))
        lines.append(s(f"GNGGA,{hms(t)},{lat_lon(lat, lon)},1,10,1.8,810.0,M,-31.0,M,,"))
        lines.append(s("GNGSA,A,3,02,05,12,13,15,,,,,,,,2.5,1.8,1.7"))
        lines += gsv("GP", sats(rng, [2, 5, 12, 13, 15]))
        lines += gsv("BD", sats(rng, [6, 9, 16, 21, 22]))
    return lines


def frozen_timed() -> list[str]:
    """A log recorded by ``fieldbook gps --record`` (receive time in front of each line) from a
    receiver that loses the sky and keeps repeating its last GGA with the old time while its
    clock (RMC) runs on; after 12 s it finds the sky again."""
    rng = random.Random(6)
    lines: list[str] = []
    lat, lon = HOUSE
    for i in range(22):
        t = START + timedelta(seconds=i)
        at = 100.0 + i + 0.05
        if 4 <= i < 16:  # frozen: GGA stays at second 3, RMC runs on without a fix
            t_old = START + timedelta(seconds=3)
            lines.append(f"{at:.3f} " + s(f"GNRMC,{hms(t)},V,,,,,,,{dmy(t)},,,N"))
            lines.append(
                f"{at + 0.01:.3f} "
                + s(f"GNGGA,{hms(t_old)},{lat_lon(lat, lon)},1,08,0.9,811.0,M,-31.0,M,,")
            )
            continue
        lat, lon = offset(HOUSE, rng.gauss(0, 1.0), rng.gauss(0, 1.0))
        lines.append(f"{at:.3f} " + s(f"GNRMC,{hms(t)},A,{lat_lon(lat, lon)},0.01,,{dmy(t)},,,A"))
        lines.append(
            f"{at + 0.01:.3f} "
            + s(f"GNGGA,{hms(t)},{lat_lon(lat, lon)},1,08,0.9,811.0,M,-31.0,M,,")
        )
    return lines


def simulator_abroad() -> list[str]:
    """A receiver left in its factory demo mode: quality 8 (simulator) at a point in Europe,
    then quality 1 at the same foreign point: nothing may be accepted."""
    lines: list[str] = []
    for i in range(6):
        t = START + timedelta(seconds=i)
        quality = 8 if i < 3 else 1
        lines.append(
            s(f"GPGGA,{hms(t)},{lat_lon(48.1173, 11.5167)},{quality},08,0.9,545.4,M,46.9,M,,")
        )
        lines.append(s(f"GPRMC,{hms(t)},A,{lat_lon(48.1173, 11.5167)},0.0,0.0,{dmy(t)},,,A"))
    return lines


def wrong_baud() -> bytes:
    """What a 9600-baud receiver looks like when the port is opened at 4800: no NMEA at all."""
    rng = random.Random(7)
    return bytes(rng.randint(0, 255) for _ in range(2000))


def main() -> None:
    styles = {
        "ublox_m8_multi.nmea": ublox_m8_multi,
        "beidou_only.nmea": beidou_only,
        "zhongke_cold_start.nmea": zhongke_cold_start,
        "sirf_noisy_cable.nmea": sirf_noisy_cable,
        "jumping_receiver.nmea": jumping_receiver,
        "frozen_timed.nmea": frozen_timed,
        "simulator_abroad.nmea": simulator_abroad,
    }
    for name, make in styles.items():
        (HERE / name).write_bytes(("\r\n".join(make()) + "\r\n").encode("latin-1"))
    (HERE / "wrong_baud.nmea").write_bytes(wrong_baud())


if __name__ == "__main__":
    main()
