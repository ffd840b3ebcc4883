"""Where NMEA lines come from: a serial/USB receiver (pyserial) or a recorded log.

Both give ``LogLine``s through ``read_line()``: a line, ``None`` when nothing came within the
read timeout (live only), and ``EOFError`` at the end of a log. Both stop promptly when their
``stop`` event is set. A live source can record what it reads, with receive times, to a log that
replays through the same path.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Generator
from pathlib import Path
from typing import IO, Protocol

from desktop.location.nmea import LogLine, read_log, split_line

_EPOCH_TIME = re.compile(r"^\$..(?:GGA|RMC),(\d{6}(?:\.\d+)?)")


class GpsSourceError(OSError):
    """The receiver or log cannot be opened or read; the message says why, in Chinese."""


class LineSource(Protocol):
    def read_line(self) -> LogLine | None: ...

    def close(self) -> None: ...


def list_serial_ports() -> list[tuple[str, str]]:
    """(device, description) of the serial ports the system knows (USB receivers included)."""
    from serial.tools import list_ports

    return [(p.device, p.description or p.device) for p in sorted(list_ports.comports())]


class SerialSource:
    """A receiver on a serial or USB-serial port, read line by line with a timeout."""

    def __init__(
        self,
        port: str,
        baud_rate: int,
        *,
        timeout_s: float = 1.0,
        record_to: str | Path | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        import serial

        self.port = port
        self.stop = stop or threading.Event()
        try:
            self._serial = serial.Serial(port, baud_rate, timeout=timeout_s)
        except (serial.SerialException, OSError, ValueError) as exc:
            raise GpsSourceError(f"无法打开 GPS 接收机端口 {port}: {exc}") from exc
        self._record: IO[str] | None = None
        self._started = time.monotonic()
        self._number = 0
        if record_to is not None:
            try:
                self._record = Path(record_to).open("w", encoding="ascii", errors="replace")  # noqa: SIM115 - open for the source's life
            except OSError as exc:
                self._serial.close()
                raise GpsSourceError(f"无法写入记录文件 {record_to}: {exc}") from exc

    def read_line(self) -> LogLine | None:
        import serial

        if self.stop.is_set():
            raise EOFError
        try:
            raw = self._serial.readline()
        except (serial.SerialException, OSError) as exc:
            raise GpsSourceError(f"GPS 接收机 {self.port} 读取失败(是否已拔出?): {exc}") from exc
        if not raw:
            return None
        at = time.monotonic()
        text = raw.decode("ascii", errors="replace").strip()
        if not text:
            return None
        self._number += 1
        if self._record is not None:
            self._record.write(f"{at - self._started:.3f} {text}\n")
            self._record.flush()
        return LogLine(text, at, 0)

    def close(self) -> None:
        self._serial.close()
        if self._record is not None:
            self._record.close()


class ReplaySource:
    """A recorded log, replayed line by line.

    ``interval_s`` paces a plain log: that pause each time a new epoch begins (0 = no pause).
    A timed log is paced by its own receive times (scaled by ``interval_s``). The lines keep
    their recorded times, so a replay judges staleness exactly as the live run did.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        interval_s: float = 0.0,
        stop: threading.Event | None = None,
    ) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise GpsSourceError(f"找不到 NMEA 记录文件 {self.path}")
        self.interval_s = interval_s
        self.stop = stop or threading.Event()
        self._lines: Generator[LogLine, None, None] = read_log(self.path)
        self._last_epoch: str | None = None
        self._last_at: float | None = None

    def read_line(self) -> LogLine | None:
        if self.stop.is_set():
            raise EOFError
        try:
            line = next(self._lines)
        except StopIteration:
            raise EOFError from None
        except OSError as exc:
            raise GpsSourceError(f"无法读取 NMEA 记录文件 {self.path}: {exc}") from exc
        self._pace(line)
        return line

    def _pace(self, line: LogLine) -> None:
        if self.interval_s <= 0:
            return
        if line.at is not None:
            if self._last_at is not None and line.at > self._last_at:
                self.stop.wait(min(line.at - self._last_at, 5.0) * self.interval_s)
            self._last_at = line.at
            return
        _at, pieces = split_line(line.text)
        for piece in pieces:
            match = _EPOCH_TIME.match(piece)
            if match and match.group(1) != self._last_epoch:
                if self._last_epoch is not None:
                    self.stop.wait(self.interval_s)
                self._last_epoch = match.group(1)
                return

    def close(self) -> None:
        self._lines.close()
