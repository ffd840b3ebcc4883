"""``fieldbook gps``: check a receiver or a recorded log without opening a form.

Prints every position the capture dialog would accept, one JSON object per line on stdout
(``--all`` adds the refused epochs with their reason), and a summary on stderr. Exit status 0
when at least one position was accepted, 1 when none was, 2 for a usage error (no such log, a
port that does not open).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from typing import Any

from desktop.location.nmea import LINE_PROBLEM_ZH

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
REFUSAL_ZH = {
    "no_fix": "未定位",
    "estimated": "推算位置",
    "stale": "过期",
    "outside_china": "境外",
    "jump": "跳变",
    "few_satellites": "卫星太少",
    "high_hdop": "HDOP 过大",
    "no_accuracy": "无精度",
    "poor_accuracy": "精度不足",
}


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add the ``gps`` subcommand to the ``fieldbook`` parser."""
    gps = add(
        "gps",
        cmd_gps,
        "检查 GPS 接收机或回放 NMEA 记录: 每个可采用的定位输出一行 JSON",
    )
    source = gps.add_mutually_exclusive_group(required=True)
    source.add_argument("--replay", metavar="LOG", help="回放的 NMEA 记录文件")
    source.add_argument("--port", metavar="PORT", help="接收机的串口 (如 COM3 或 /dev/ttyUSB0)")
    source.add_argument("--list-ports", action="store_true", help="列出本机的串口")
    gps.add_argument("--baud", type=int, help="串口波特率 (默认见 resources/location.toml)")
    gps.add_argument("--seconds", type=float, default=60.0, help="--port: 最多读取的秒数")
    gps.add_argument("--count", type=int, default=0, help="接受这么多个定位后停止 (0 = 不限)")
    gps.add_argument("--all", action="store_true", help="被拒绝的定位也输出, 带原因")
    gps.add_argument("--record", metavar="FILE", help="--port: 把收到的语句连同接收时间记录到文件")


def cmd_gps(args: argparse.Namespace) -> int:
    """Run the capture path over a log or a port and print what it accepts."""
    from desktop.domain.location_settings import location_settings
    from desktop.location.gps import GpsSession
    from desktop.location.sources import (
        GpsSourceError,
        ReplaySource,
        SerialSource,
        list_serial_ports,
    )

    if args.list_ports:
        ports = list_serial_ports()
        for device, description in ports:
            _print({"port": device, "description": description})
        if not ports:
            sys.stderr.write("没有找到串口: 请插好 GPS 接收机, 并确认已安装驱动\n")
        return EXIT_OK if ports else EXIT_PROBLEMS
    if args.count < 0 or args.seconds <= 0:
        return _usage("--count 不能为负, --seconds 必须为正")
    settings = location_settings()
    session = GpsSession(settings)
    try:
        if args.replay:
            source: Any = ReplaySource(args.replay)
        else:
            source = SerialSource(
                args.port,
                args.baud or settings.baud_rate,
                timeout_s=settings.read_timeout_s,
                record_to=args.record,
            )
    except GpsSourceError as exc:
        return _usage(str(exc))

    accepted = 0
    silent = False
    started = time.monotonic()
    last_data = started
    try:
        while True:
            if args.port and time.monotonic() - started > args.seconds:
                break
            try:
                line = source.read_line()
            except EOFError:
                break
            except GpsSourceError as exc:
                sys.stderr.write(f"fieldbook gps: {exc}\n")
                break
            if line is None:
                if time.monotonic() - last_data > settings.no_data_timeout_s:
                    silent = True
                    break
                continue
            sentences_before = session.stats.sentences
            progresses = session.feed(line)
            if session.stats.sentences > sentences_before:
                last_data = time.monotonic()
            elif args.port and time.monotonic() - last_data > settings.no_data_timeout_s:
                silent = True
                break
            accepted += _report(progresses, args.all)
            if args.count and accepted >= args.count:
                break
        if not (args.count and accepted >= args.count):
            accepted += _report(session.finish(), args.all)
    finally:
        source.close()
    _summary(args, session.stats.as_dict(), accepted, silent)
    return EXIT_OK if accepted else EXIT_PROBLEMS


def _report(progresses: list[Any], show_refused: bool) -> int:
    accepted = 0
    for progress in progresses:
        if progress.capture is not None:
            _print({"accepted": True, **progress.capture.as_dict()})
            accepted += 1
        elif show_refused and not progress.judged.good:
            fix = progress.judged.fix
            _print(
                {
                    "accepted": False,
                    "refusal": str(progress.judged.refusal),
                    "reason": progress.judged.reason,
                    "time": fix.time_utc.isoformat() + "Z" if fix.time_utc else None,
                    "latitude": fix.latitude,
                    "longitude": fix.longitude,
                    "satellites_used": fix.satellites_used,
                    "hdop": fix.hdop,
                    "line": fix.line,
                }
            )
    return accepted


def _print(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _summary(args: argparse.Namespace, stats: dict[str, Any], accepted: int, silent: bool) -> None:
    if args.json:
        sys.stderr.write(
            json.dumps(
                {"summary": {**stats, "accepted": accepted, "silent": silent}}, ensure_ascii=False
            )
            + "\n"
        )
        return
    bad = stats["bad_lines"]
    refusals = stats["refusals"]
    parts = [
        f"读取 {stats['lines']} 行, 有效语句 {stats['sentences']} 条, 定位历元 {stats['epochs']} 个"
    ]
    if bad:
        parts.append(
            "坏行: " + ", ".join(f"{LINE_PROBLEM_ZH.get(k, k)} {v}" for k, v in bad.items())
        )
    if refusals:
        parts.append(
            "拒绝: " + ", ".join(f"{REFUSAL_ZH.get(k, k)} {v}" for k, v in refusals.items())
        )
    parts.append(f"可采用的定位 {accepted} 个")
    if silent:
        parts.append("接收机没有输出 NMEA 数据: 请检查端口和波特率")
    elif stats["sentences"] == 0:
        parts.append("没有读到任何有效的 NMEA 语句: 请检查端口、波特率或文件")
    sys.stderr.write("; ".join(parts) + "\n")


def _usage(message: str) -> int:
    sys.stderr.write(f"fieldbook gps: {message}\n")
    return EXIT_USAGE
