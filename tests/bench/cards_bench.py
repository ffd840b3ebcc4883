"""Card printing benchmark: cards per second for a 1,000-household village, against plain QR
generation of the same payloads measured in the same run, and the PDF's size.

Run it as a script (pytest does not collect it)::

    .venv/bin/python tests/bench/cards_bench.py [--households 1000] [--repeat 3]

1. builds a demo county of ``--households`` households into a fresh SQLite file and treats all of
   them as one village's print run (the demo puts 300 households in a village; the cost of a card
   does not depend on its village);
2. baseline: ``segno.make`` of every card's payload with the fixed mask the cards use (the
   like-for-like baseline: the goal is a sheet at >= 0.5x of it), and with segno's defaults (the
   mask chosen by scoring all eight; shown for reference);
3. the card sheet alone (``build_card_sheet``: text, fonts, vector QR, cut marks, into memory);
4. the whole first printing (``print_cards``: read, sign, build, enter issue 1 of every household
   in the card register in one transaction, write the file): cards/s (goal >= 200) and commits;
5. the PDF's size, and how many codes pdftoppm at 150 dpi + zxing-cpp read back (``--no-decode``
   skips it).

Best of ``--repeat`` runs for 2 and 3. Figures, not pass/fail: the machine's load is printed too.
"""

from __future__ import annotations

import argparse
import glob
import io
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import segno  # noqa: E402
from sqlalchemy import event, select  # noqa: E402

from desktop.cards.data import card_records  # noqa: E402
from desktop.cards.keys import card_key  # noqa: E402
from desktop.cards.qr import FIXED_MASK  # noqa: E402
from desktop.cards.service import print_cards  # noqa: E402
from desktop.cards.sheet import build_card_sheet  # noqa: E402
from desktop.cards.templates import load_template  # noqa: E402
from desktop.store.db import open_database  # noqa: E402
from desktop.store.demo import build_demo_county  # noqa: E402
from desktop.store.models import Household  # noqa: E402


def best_of(repeat: int, fn) -> float:  # noqa: ANN001
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def decoded_codes(pdf: Path, dpi: int = 150) -> int | None:
    """How many QR codes pdftoppm + zxing-cpp read back (None without the tools)."""
    try:
        import zxingcpp
        from PIL import Image
    except ImportError:
        return None
    if shutil.which("pdftoppm") is None:
        return None
    prefix = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", str(pdf), str(prefix)], check=True)
    found = 0
    for path in glob.glob(f"{prefix}-*.pgm"):
        found += len(zxingcpp.read_barcodes(Image.open(path)))
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--no-decode", action="store_true", help="skip reading the PDF back")
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="fieldbook-cards-bench-"))
    try:
        db = open_database(folder / "fieldbook.db")
        started = time.perf_counter()
        build_demo_county(db, households=args.households, seed=args.seed)
        print(f"demo county: {args.households} households in {time.perf_counter() - started:.1f} s")

        template = load_template()
        with db.session() as session:
            ids = session.scalars(select(Household.id).order_by(Household.household_number)).all()
            key = card_key(session, create=True)
            assert key is not None
            records = card_records(session, ids, key=key, issues=dict.fromkeys(ids, 1))
        payloads = [r.qr_text for r in records]
        n = len(records)
        error = template.qr_error.lower()

        qr_auto = best_of(
            args.repeat, lambda: [segno.make(p, error=error, micro=False) for p in payloads]
        )
        qr_fixed = best_of(
            args.repeat,
            lambda: [segno.make(p, error=error, micro=False, mask=FIXED_MASK) for p in payloads],
        )
        sheet_seconds = best_of(
            args.repeat, lambda: build_card_sheet(records, io.BytesIO(), template=template)
        )

        out = folder / "cards.pdf"
        commits: list[int] = []
        with db.session() as session:
            event.listen(session, "after_commit", lambda _s: commits.append(1))
            started = time.perf_counter()
            result = print_cards(session, ids, out, actor="bench")
            full_seconds = time.perf_counter() - started
        db.dispose()

        started = time.perf_counter()
        decoded = None if args.no_decode else decoded_codes(out)
        decode_seconds = time.perf_counter() - started

        fixed_rate = n / qr_fixed
        sheet_rate = n / sheet_seconds
        full_rate = n / full_seconds
        print(
            f"cards: {n}, QR version(s) {sorted(set(result.sheet.qr_versions))} at error level {template.qr_error}"
        )
        print(f"baseline: plain QR, fixed mask {FIXED_MASK} (segno):  {fixed_rate:8.0f} codes/s")
        print(f"reference: plain QR, segno choosing its mask: {n / qr_auto:8.0f} codes/s")
        print(
            f"card sheet (build_card_sheet):            {sheet_rate:8.0f} cards/s  "
            f"ratio to the fixed-mask baseline {sheet_rate / fixed_rate:.2f} (goal >= 0.50)"
        )
        print(
            f"first printing (print_cards, issues registered): {full_rate:5.0f} cards/s (goal >= 200)  "
            f"ratio to the fixed-mask baseline {full_rate / fixed_rate:.2f}; "
            f"{len(result.issued)} issues in {len(commits)} commit(s)"
        )
        print(
            f"PDF: {result.sheet.size_bytes / 1024:.0f} KiB for {result.sheet.pages} pages "
            f"({result.sheet.size_bytes / n / 1024:.2f} KiB a card)"
        )
        if decoded is not None:
            print(
                f"read back at 150 dpi (pdftoppm + zxing-cpp): {decoded}/{n} codes in {decode_seconds:.1f} s"
            )
        print(
            f"machine: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}, "
            f"Python {platform.python_version()}, {platform.machine()}"
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
