"""GUI benchmark (offscreen): start-up, search as you type, opening a household, peak memory.

Run it as a script (pytest does not collect it)::

    .venv/bin/python tests/bench/gui_bench.py [--households 50000] [--runs 5] [--queries 40] \
        [--modes plain,encrypted]

Both files are measured in one run, each against the empty window measured alongside it. The
counties are built once (default ``/tmp/fieldbook-bench-<N>.db`` and ``…-<N>-enc.db``, ``--db``
names the stem) and reused by later runs. The encrypted one is like the app's own first start
(SQLCipher, its keyring beside it, the demo users' PIN wrapping the key at the real scrypt cost),
so signing in unlocks it; the plain one is an older laptop's unencrypted file, opened before
sign-in. The time spent in scrypt (the PIN's deliberate key derivation) is reported apart, and
the start's ratio is given with and without it. Every figure is measured in fresh child
processes (``--child``), timed from just before the process is started:

1. the baseline: an empty PySide6 ``QMainWindow`` started the same way, to its first paint;
2. the app (``desktop.ui.app.Launcher``, as ``run_app`` starts it): the sign-in dialog painted,
   its names listed (the database open: usable), then — signed in at once by the script, so the
   person's typing is not counted but the PIN check is — the main window shown and the household
   list painted with its first rows. The ratio list-painted / empty-window is printed;
3. in one more app process: search as you type — each query typed key by key into the search
   box, timed from the last keystroke to its results painted (the 150 ms debounce included;
   Chinese names arrive as an input-method commit); opening a household (its form; the detail dialog
   with the older app) from the call to the loaded form painted; and the process's
   peak resident memory (``getrusage``), against the empty window's.

Figures, not pass/fail: the machine's load is printed with them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MARK = "@@bench "
CHILD_TIMEOUT_S = 300


def report(**event: object) -> None:
    """A child's figure for the parent: one line on stdout."""
    sys.stdout.write(MARK + json.dumps(event, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def rss_mb() -> float:
    """The resident memory now (steady state), from /proc (0 where there is none)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


SCRYPT_SECONDS = [0.0]


def time_key_derivation() -> None:
    """Count the time spent in scrypt (the PIN's deliberate key derivation) apart."""
    import hashlib

    original = hashlib.scrypt

    def timed(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            SCRYPT_SECONDS[0] += time.perf_counter() - started

    hashlib.scrypt = timed


# --- children ------------------------------------------------------------------------------------


def child_empty() -> None:
    """An empty PySide6 main window: report the wall time of its first paint, then quit."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("empty")
    window.resize(1366, 768)

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and watched is window:
                report(event="painted", at=time.time(), rss_mb=peak_rss_mb(), steady_mb=rss_mb())
                app.removeEventFilter(self)
                app.quit()
            return False

    watcher = FirstPaint()
    app.installEventFilter(watcher)
    window.show()
    app.exec()


def child_app(db_path: str, interact: bool, queries_file: str | None) -> None:
    """The app as ``run_app`` starts it; report when each stage is on screen."""
    time_key_derivation()
    from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from desktop.ui.app import DEMO_PIN, Launcher, install_translators
    from desktop.ui.style import apply_readable_font
    from desktop.ui.tasks import QtTaskRunner

    app = QApplication(sys.argv[:1])
    install_translators(app, "zh_CN")
    apply_readable_font(app)
    folder = tempfile.mkdtemp(prefix="fieldbook-bench-")
    settings = QSettings(str(Path(folder) / "bench.ini"), QSettings.Format.IniFormat)
    runner = QtTaskRunner()
    launcher = Launcher(app, Path(db_path), runner=runner, settings=settings)
    state: dict[str, object] = {}

    class Painted(QObject):
        """Reports the first paint of the sign-in dialog and of the list with rows."""

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() != QEvent.Type.Paint:
                return False
            dialog = launcher.signin
            if "signin" not in state and dialog is not None and watched is dialog:
                state["signin"] = True
                report(event="signin_painted", at=time.time())
            window = launcher.window
            if (
                "list" not in state
                and window is not None
                and watched is window.table_view.viewport()
                and window.list_model.rowCount() > 0
            ):
                state["list"] = True
                report(
                    event="list_painted",
                    at=time.time(),
                    rows=window.list_model.rowCount(),
                    scrypt_s=SCRYPT_SECONDS[0],
                )
                app.removeEventFilter(
                    self
                )  # a Python filter on every event costs, and is no longer needed
                QTimer.singleShot(0, after_list)
            return False

    painted = Painted()
    app.installEventFilter(painted)

    def ready(dialog) -> None:
        report(event="names_listed", at=time.time())
        dialog.pin_edit.setText(DEMO_PIN)
        dialog.sign_in_button.click()

    def opened(window) -> None:
        report(event="window_shown", at=time.time())

    def after_list() -> None:
        if interact and launcher.window is not None:
            settle(app, launcher)
            report(event="settled", steady_mb=rss_mb(), rss_mb=peak_rss_mb())
            run_interactions(app, launcher.window, queries_file)
        report(event="done", rss_mb=peak_rss_mb(), steady_mb=rss_mb())
        app.quit()

    launcher.signin_ready.connect(ready)
    launcher.window_opened.connect(opened)
    launcher.start()
    app.exec()
    runner.wait(10_000)
    if launcher.db is not None:
        launcher.db.dispose()
    shutil.rmtree(folder, ignore_errors=True)


def settle(app, launcher) -> None:  # noqa: ANN001
    """Wait until the start's background work (count, tree, backup) is over."""
    window = launcher.window
    _wait(app, lambda: window.list_model.total is not None and launcher.runner.pending == 0)
    import gc

    gc.collect()


def _wait(app, condition, timeout_s: float = 30.0) -> bool:
    deadline = time.perf_counter() + timeout_s
    while not condition():
        if time.perf_counter() > deadline:
            return False
        app.processEvents()
        time.sleep(0.0005)
    return True


def run_interactions(app, window, queries_file: str | None) -> None:
    """Search as you type and open households in the running window; report the timings."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtTest import QTest

    queries: list[tuple[str, str]] = (
        json.loads(Path(queries_file).read_text()) if queries_file else []
    )
    box = window.search_box
    model = window.list_model
    box.setFocus()

    def settled() -> bool:
        return not model.is_loading and model.total is not None

    timings: dict[str, list[float]] = {}
    found: dict[str, list[int]] = {}
    failed: dict[str, int] = {}
    for kind, query in queries:
        box.clear()
        _wait(app, lambda: model.filters.household_ids is None and settled())
        if kind == "name":  # Chinese comes from the input method, as one commit
            start = time.perf_counter()
            event = QInputMethodEvent()
            event.setCommitString(query)
            app.sendEvent(box, event)
        else:
            for char in query[:-1]:
                QTest.keyClick(box, char)
            start = time.perf_counter()
            QTest.keyClick(box, query[-1])
        assert box.text() == query, (box.text(), query)
        ok = _wait(app, lambda: model.filters.household_ids is not None and settled())
        window.table_view.viewport().repaint()
        elapsed = (time.perf_counter() - start) * 1000
        if ok:
            timings.setdefault(kind, []).append(elapsed)
            found.setdefault(kind, []).append(model.total or 0)
        else:  # reported, never dropped: a search that does not finish is a failure
            failed[kind] = failed.get(kind, 0) + 1
    report(event="search", timings=timings, found=found, failed=failed)

    box.clear()
    _wait(app, lambda: model.filters.household_ids is None and settled())
    rows = min(model.rowCount(), 200)
    rng = random.Random(7)
    opening: list[float] = []
    open_failures = 0
    kind = ""

    def shown():
        """The household's form once loaded (or the older read-only detail dialog)."""
        for form in getattr(window, "forms", {}).values():
            if getattr(form, "is_loaded", False) and form.isVisible():
                return form
        dialog = getattr(window, "detail_dialog", None)
        return dialog if dialog is not None and dialog.isVisible() else None

    def nothing_open() -> bool:
        return not getattr(window, "forms", {}) and getattr(window, "detail_dialog", None) is None

    for _ in range(20):
        index = model.index(rng.randrange(rows), 0)
        start = time.perf_counter()
        window.open_household(index)
        if not _wait(app, lambda: shown() is not None):
            open_failures += 1
            continue
        view = shown()
        view.repaint()
        opening.append((time.perf_counter() - start) * 1000)
        kind = type(view).__name__
        view.close()
        _wait(app, nothing_open)
    report(event="open_household", timings=opening, kind=kind, failed=open_failures)


# --- the parent ----------------------------------------------------------------------------------


def run_child(args: list[str], *, quiet: bool = True) -> tuple[float, list[dict]]:
    """Start a child, return (its start time, its events); ``quiet=False`` passes its output on."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    started = time.time()
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_S,
        check=False,
    )
    events = [
        json.loads(line[len(MARK) :]) for line in out.stdout.splitlines() if line.startswith(MARK)
    ]
    if not quiet:
        sys.stdout.write(out.stdout)
    if out.returncode != 0 or (quiet and not events):
        sys.stderr.write(out.stdout + out.stderr)
        raise SystemExit(f"child {args} failed with status {out.returncode}")
    return started, events


def open_county(path: Path):  # noqa: ANN201 - a Database
    """Open the county (unlocked with the demo administrator's PIN when encrypted)."""
    from desktop.store.crypto import Keyring, is_encrypted_file
    from desktop.store.db import open_database
    from desktop.ui.app import DEMO_PIN

    if not is_encrypted_file(path):
        return open_database(path)
    keyring = Keyring.load(path)
    admin = next(u for u in keyring.users() if u.role == "admin")
    key = keyring.unlock(admin.user_id, DEMO_PIN).key
    return open_database(path, key=key)


def ensure_county(path: Path, households: int, seed: int, *, encrypted: bool) -> None:
    """Build the county once; open it once as the app would (demo users, search index)."""
    from desktop.ui.app import prepare_database

    if encrypted:
        if not path.exists():
            from desktop.ui.app import build_encrypted_demo

            print(f"building an encrypted {households:,}-household county into {path} (once) …")
            build_encrypted_demo(path, households=households, seed=seed)
            open_county(path).dispose()  # the search index checked, as the app's first sign-in
        return
    if not path.exists():
        from desktop.store.db import open_database
        from desktop.store.demo import build_demo_county

        print(f"building a {households:,}-household county into {path} (once) …", flush=True)
        partial = path.with_suffix(".partial")
        db = open_database(partial)
        try:
            build_demo_county(db, households=households, seed=seed)
        finally:
            db.dispose()
        partial.rename(path)
    prepare_database(path, build_demo=False).dispose()


def make_queries(path: Path, count: int, rng: random.Random) -> list[tuple[str, str]]:
    """Queries of four kinds, drawn from the county: pinyin initials, ID digits, number, name."""
    from sqlalchemy import select

    from desktop.store.models import Household, Member
    from desktop.store.search import name_text

    db = open_county(path)
    try:
        with db.session() as session:
            members = session.execute(
                select(Member.name, Member.id_number).where(Member.deleted.is_(False)).limit(20_000)
            ).all()
            numbers = session.scalars(select(Household.household_number).limit(20_000)).all()
    finally:
        db.dispose()
    names = [name for name, _ in members if name]
    ids = [number for _, number in members if number]
    queries: list[tuple[str, str]] = []
    for i in range(count):
        match i % 4:
            case 0:
                queries.append(
                    ("pinyin initials", name_text(rng.choice(names)).initials.split()[0])
                )
            case 1:
                number = rng.choice(ids)
                queries.append(("ID digits", number[-6:]))
            case 2:
                queries.append(("household number", rng.choice(numbers)))
            case _:
                queries.append(("name", rng.choice(names)))
    return queries


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def measure(path: Path, args: argparse.Namespace, queries_file: str) -> dict:
    """Start-ups (alternating with the empty window) and one interactive run, for one county."""
    empty: list[float] = []
    empty_memory: list[tuple[float, float]] = []
    stages: dict[str, list[float]] = {}
    scrypt: list[float] = []
    for _ in range(args.runs):  # alternate, so a busy moment hits both kinds alike
        started, events = run_child(["--child", "empty"])
        empty.append(events[0]["at"] - started)
        empty_memory.append((events[0]["steady_mb"], events[0]["rss_mb"]))
        started, events = run_child(["--child", "app", "--db", str(path)])
        for event in events:
            if "at" in event:
                stages.setdefault(event["event"], []).append(event["at"] - started)
            if event["event"] == "list_painted":
                scrypt.append(event.get("scrypt_s", 0.0))
    _, events = run_child(
        ["--child", "app", "--db", str(path), "--interact", "--queries-file", queries_file]
    )
    return {
        "empty": empty,
        "empty_memory": empty_memory,
        "stages": stages,
        "scrypt": scrypt,
        "events": {e["event"]: e for e in events},
    }


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", type=Path, help="the county file's stem (built once when missing)")
    parser.add_argument("--runs", type=int, default=5, help="start-ups of each kind")
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--modes", default="plain,encrypted", help="plain,encrypted")
    parser.add_argument("--plain", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child", choices=["empty", "app", "prepare"], help=argparse.SUPPRESS)
    parser.add_argument("--interact", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--queries-file", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:  # a hung child prints where it hangs instead of waiting for the timeout
        import faulthandler

        faulthandler.dump_traceback_later(CHILD_TIMEOUT_S - 30, exit=True)
    if args.child == "empty":
        child_empty()
        return
    if args.child == "app":
        child_app(str(args.db), args.interact, args.queries_file)
        return
    if args.child == "prepare":
        ensure_county(args.db, args.households, args.seed, encrypted=not args.plain)
        queries = make_queries(args.db, args.queries, random.Random(args.seed))
        Path(args.queries_file).write_text(json.dumps(queries, ensure_ascii=False))
        return

    # The parent stays small (no Qt, no SQLAlchemy): children inherit its peak memory figure.
    modes = [m for m in args.modes.split(",") if m in ("plain", "encrypted")]
    results: dict[str, dict] = {}
    paths: dict[str, Path] = {}
    for mode in modes:
        suffix = "" if mode == "plain" else "-enc"
        stem = args.db or Path(tempfile.gettempdir()) / f"fieldbook-bench-{args.households}"
        path = paths[mode] = Path(f"{stem}{suffix}.db")
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            queries_file = handle.name
        prepare = ["--child", "prepare", "--db", str(path), "--queries-file", queries_file]
        prepare += ["--households", str(args.households), "--seed", str(args.seed)]
        prepare += ["--plain"] if mode == "plain" else []
        try:
            run_child([*prepare, "--queries", str(args.queries)], quiet=False)
            results[mode] = measure(path, args, queries_file)
        finally:
            os.unlink(queries_file)
    print(
        f"machine: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}, "
        f"Python {platform.python_version()}; {args.households:,} households; "
        + "; ".join(f"{m}: {paths[m]} ({paths[m].stat().st_size / 1e6:.0f} MB)" for m in modes)
    )

    width = 56

    def row(label: str, values: list[str]) -> None:
        print(f"{label:<{width}} " + " ".join(f"{v:>12}" for v in values))

    def median_of(mode: str, key: str) -> float | None:
        values = results[mode]["stages"].get(key)
        return statistics.median(values) if values else None

    print()
    row(f"start-up, s from process start (median of {args.runs})", modes)
    print("-" * (width + 13 * len(modes)))
    row(
        "baseline: empty PySide6 main window painted",
        [f"{statistics.median(results[m]['empty']):.3f}" for m in modes],
    )
    labels = {
        "signin_painted": "sign-in dialog painted",
        "names_listed": "sign-in names listed",
        "window_shown": "main window shown (signed in at once)",
        "list_painted": "household list painted with rows",
    }
    for key, label in labels.items():
        values = [median_of(m, key) for m in modes]
        row(label, [f"{v:.3f}" if v is not None else "-" for v in values])
    row(
        "  of which the PIN's key derivation (scrypt)",
        [f"{statistics.median(results[m]['scrypt'] or [0]):.3f}" for m in modes],
    )
    ratios, ratios_net = [], []
    for m in modes:
        painted, base = median_of(m, "list_painted"), statistics.median(results[m]["empty"])
        if painted is None:
            ratios.append("-")
            ratios_net.append("-")
            continue
        ratios.append(f"{painted / base:.2f}x")
        net = statistics.median(
            [
                t - k
                for t, k in zip(
                    results[m]["stages"]["list_painted"], results[m]["scrypt"], strict=False
                )
            ]
        )
        ratios_net.append(f"{net / base:.2f}x")
    row("ratio list painted / empty window", ratios)
    row("  the same without the key derivation (goal <= 2x)", ratios_net)

    print()
    row("keystroke to results painted, ms (median / p95)", modes)
    print("-" * (width + 13 * len(modes)))
    kinds = sorted(
        {k for m in modes for k in results[m]["events"].get("search", {}).get("timings", {})}
    )
    for kind in [*kinds, "all (goal: p95 <= 100)"]:
        cells = []
        for m in modes:
            search = results[m]["events"].get("search", {})
            timings = search.get("timings", {})
            values = (
                [v for vs in timings.values() for v in vs]
                if kind.startswith("all")
                else timings.get(kind, [])
            )
            cells.append(
                f"{statistics.median(values):.0f} / {percentile(values, 0.95):.0f}"
                if values
                else "-"
            )
        row(kind, cells)
    row(
        "searches that did not finish (failed)",
        [
            str(sum(results[m]["events"].get("search", {}).get("failed", {}).values()))
            for m in modes
        ],
    )
    cells = []
    for m in modes:
        opening = results[m]["events"].get("open_household", {})
        times = opening.get("timings", [])
        cells.append(
            f"{statistics.median(times):.0f} / {percentile(times, 0.95):.0f}" if times else "-"
        )
    row("opening a household, ms (median / p95)", cells)
    row(
        "openings that did not finish (failed)",
        [str(results[m]["events"].get("open_household", {}).get("failed", 0)) for m in modes],
    )

    print()
    row("memory, MB", modes)
    print("-" * (width + 13 * len(modes)))
    for m in modes:
        results[m]["empty_steady"] = statistics.median(e[0] for e in results[m]["empty_memory"])
        results[m]["empty_peak"] = statistics.median(e[1] for e in results[m]["empty_memory"])
    row(
        "baseline: empty window, resident / peak",
        [f"{results[m]['empty_steady']:.0f} / {results[m]['empty_peak']:.0f}" for m in modes],
    )
    settled = [results[m]["events"].get("settled", {}) for m in modes]
    done = [results[m]["events"].get("done", {}) for m in modes]
    row("app, list loaded and settled: resident", [f"{e.get('steady_mb', 0):.0f}" for e in settled])
    row(
        "  steady over the empty window (goal <= +200)",
        [
            f"+{e.get('steady_mb', 0) - results[m]['empty_steady']:.0f}"
            for m, e in zip(modes, settled, strict=True)
        ],
    )
    row(
        "app, after searches and openings: resident", [f"{e.get('steady_mb', 0):.0f}" for e in done]
    )
    row(
        "  peak over the empty window's peak (goal <= +300)",
        [
            f"+{e.get('rss_mb', 0) - results[m]['empty_peak']:.0f}"
            for m, e in zip(modes, done, strict=True)
        ],
    )

    failures = {
        m: sum(results[m]["events"].get("search", {}).get("failed", {}).values())
        + results[m]["events"].get("open_household", {}).get("failed", 0)
        for m in modes
    }
    if any(failures.values()):  # counted above, and never a quiet success
        raise SystemExit(f"searches or openings did not finish: {failures}")


if __name__ == "__main__":
    main()
