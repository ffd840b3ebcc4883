"""Crash safety: a process killed (SIGKILL) at random points of saves, imports and draft autosaves
leaves a database that passes ``PRAGMA integrity_check`` and holds every save it reported.

The worker is this file run as a script. One long-lived "zygote" process imports the store once
and forks a fresh child per round, so a hundred rounds fit in seconds: the child opens the
(encrypted, as on a laptop) database, then saves households through ``save_household``, updates
them, runs bulk imports through ``BulkLoader`` and autosaves drafts, and prints one line to
stdout after each commit, before it goes on. The test kills the child at a random moment, waits
until it is reaped, and checks the file.
"""

from __future__ import annotations

import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

ROUNDS = 100
WORK_DONE = {"saved", "updated", "bulk", "draft"}  # what a child says when a piece of work is done
SEED = 20191130
REGION = "610727"
VILLAGE = f"{REGION}100201"
BULK_SIZE = 150
LINE_TIMEOUT_S = 30.0


# --- the worker (this file as a script) ----------------------------------------------------------


def _say(text: str) -> None:
    """One whole line to stdout in a single write (the zygote and its child share the pipe)."""
    os.write(1, (text + "\n").encode("utf-8"))


def _no_problems(_household) -> list:
    """The audit's rules are not what this test is about (and they change)."""
    return []


def _person(n: int) -> tuple[date, int]:
    return date(1940, 1, 1) + timedelta(days=n % 20000), (n // 20000) % 100


def _child(db_path: str, key: bytes, round_no: int, seed: int) -> None:  # pragma: no cover
    from sqlalchemy import select

    from desktop.domain.idcard import make_id_number
    from desktop.store.bulk import BulkLoader
    from desktop.store.db import open_database
    from desktop.store.drafts import save_draft
    from desktop.store.models import Division, Household, Income, Member
    from desktop.store.save import save_household

    rng = random.Random(seed)
    db = open_database(db_path, key=key)
    with db.session() as session:
        village = session.scalars(select(Division).where(Division.code == VILLAGE)).one()
        village_id = village.id
    _say("ready")
    saved: list[str] = []
    for i in range(10_000):
        action = rng.choices(("save", "update", "bulk", "draft"), (6, 2, 2, 1))[0]
        n = round_no * 1000 + i
        if action == "update" and not saved:
            action = "save"
        if action == "save":
            with db.session() as session:
                village = session.get(Division, village_id)
                number = f"S{round_no:03d}{i:04d}"
                household = Household(household_number=number, village=village, status="poor")
                for sex, relation in (("1", "01"), ("2", "02")):
                    born, seq = _person(n)
                    household.members.append(
                        Member(
                            name=f"测{round_no}户{i}{'夫' if sex == '1' else '妻'}",
                            sex=sex,
                            relation=relation,
                            birth_date=born,
                            id_number=make_id_number(REGION, born, seq, sex),
                        )
                    )
                household.incomes.append(
                    Income(
                        policy_year=2019,
                        period_start=date(2018, 10, 1),
                        period_end=date(2019, 9, 30),
                        wage_income=Decimal("3000"),
                        transfer_income=Decimal("1200"),
                        production_costs=Decimal("200"),
                    )
                )
                result = save_household(
                    session, household, actor="测试", reason="崩溃测试", validator=_no_problems
                )
            saved.append(result.household_id)
            _say(f"saved {result.household_id} {number} 2")
        elif action == "update":
            household_id = rng.choice(saved)
            phone = f"139{rng.randrange(10**8):08d}"
            _say(f"trying {household_id} {phone}")
            with db.session() as session:
                household = session.get(Household, household_id)
                household.phone = phone
                save_household(
                    session, household, actor="测试", reason="崩溃测试", validator=_no_problems
                )
            _say(f"updated {household_id} {phone}")
        elif action == "bulk":
            tag = f"B{round_no:03d}{i:04d}"
            _say(f"bulk-start {tag}")
            with db.session() as session, BulkLoader(session) as loader:
                for j in range(BULK_SIZE):
                    hid = loader.add(
                        Household,
                        {
                            "household_number": f"{tag}{j:04d}",
                            "village_id": village_id,
                            "status": "poor",
                            "member_count": 1,
                        },
                    )
                    born, seq = _person(200_000 + n * BULK_SIZE + j)
                    loader.add(
                        Member,
                        {
                            "household_id": hid,
                            "name": f"导{tag}{j}",
                            "sex": "1",
                            "relation": "01",
                            "birth_date": born,
                            "id_number": make_id_number(REGION, born, seq % 100, "1"),
                        },
                    )
                loader.finish(actor="测试", reason="崩溃测试导入")
            _say(f"bulk {tag} {BULK_SIZE}")
        else:
            key_ = f"new-r{round_no}-{i}"
            with db.session() as session:
                save_draft(
                    session, key_, {"name": "草稿", "i": i}, household_id=None, user_name="测试"
                )
            _say(f"draft {key_}")
    os._exit(3)  # never reached in the test: the child is killed long before


def _zygote(db_path: str, key_hex: str) -> None:  # pragma: no cover
    import desktop.domain.audit  # noqa: F401 - preload everything the child needs
    import desktop.store.bulk  # noqa: F401
    import desktop.store.drafts  # noqa: F401
    import desktop.store.save  # noqa: F401
    import desktop.store.search  # noqa: F401
    from desktop.store.db import head_revision

    head_revision()
    key = bytes.fromhex(key_hex)
    _say("zygote")
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        round_no, seed = int(words[1]), int(words[2])
        pid = os.fork()
        if pid == 0:
            try:
                _child(db_path, key, round_no, seed)
            except BaseException as exc:
                _say(f"error {type(exc).__name__}: {exc}")
            os._exit(4)
        _say(f"pid {pid}")
        _, status = os.waitpid(pid, 0)
        _say(f"reaped {pid} {status}")


# --- the test ------------------------------------------------------------------------------------


class _Lines:
    """Lines from a process's stdout, through a reader thread, with a timeout per line."""

    def __init__(self, stream) -> None:
        self.queue: queue.Queue[str | None] = queue.Queue()
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def _read(self, stream) -> None:
        for raw in iter(stream.readline, b""):
            self.queue.put(raw.decode("utf-8").rstrip("\n"))
        self.queue.put(None)

    def next(self, timeout: float = LINE_TIMEOUT_S) -> str:
        line = self.queue.get(timeout=timeout)
        if line is None:
            raise EOFError("the worker closed its output")
        return line

    def until(self, prefix: str, seen: list[str]) -> str:
        while True:
            line = self.next()
            if line.startswith("error "):
                raise AssertionError(f"the worker failed: {line}")
            if line.startswith(prefix):
                return line
            seen.append(line)


def _prepare(db_path: Path, key: bytes) -> None:
    from desktop.store.db import open_database, registry_writer
    from desktop.store.models import Division
    from desktop.store.settings import POLICY_YEAR_KEY, set_setting

    db = open_database(db_path, key=key)
    with db.session() as session, registry_writer(session, "test"):
        county = Division(code=f"{REGION}000000", level="county", name="略阳县")
        town = Division(code=f"{REGION}100000", level="township", name="接官亭镇", parent=county)
        session.add_all(
            [county, town, Division(code=VILLAGE, level="village", name="崩溃村", parent=town)]
        )
        set_setting(session, POLICY_YEAR_KEY, "2019")
        session.commit()
    db.dispose()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the worker forks (POSIX)")
def test_killing_the_app_at_random_points_never_loses_a_reported_save_nor_the_file(tmp_path):
    from desktop.store.crypto import connect_raw, new_database_key

    db_path = tmp_path / "crash.db"
    key = new_database_key()
    _prepare(db_path, key)

    worker = subprocess.Popen(
        [sys.executable, __file__, "zygote", str(db_path), key.hex()],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[2],
        bufsize=0,
    )
    lines = _Lines(worker.stdout)
    rng = random.Random(SEED)
    households: dict[str, int] = {}  # id -> members, every save reported
    phones: dict[str, set[str]] = {}  # id -> phones it may hold: last reported + tried since
    imports: dict[str, bool] = {}  # tag -> reported
    drafts: set[str] = set()
    interrupted = {"save": 0, "update": 0, "import": 0}
    completed = 0  # pieces of work the children reported
    awaited = 0  # pieces of work the test waited for before its kills
    started = time.perf_counter()
    try:
        assert lines.next() == "zygote"
        for round_no in range(ROUNDS):
            worker.stdin.write(f"go {round_no} {rng.randrange(2**31)}\n".encode())
            worker.stdin.flush()
            pid = int(lines.until("pid ", []).split()[1])
            seen: list[str] = []
            lines.until("ready", seen)
            # Kill after a given number of reported pieces of work and then a few more lines of
            # any kind ("trying", "bulk-start" announce work under way), so every round does
            # real work and the kill lands on an event, however busy the machine is.
            wanted = rng.randint(1, 3)
            awaited += wanted
            extra = rng.randint(0, 2)
            while wanted or extra:
                line = lines.until("", [])
                seen.append(line)
                if wanted and line.split()[0] in WORK_DONE:
                    wanted -= 1
                elif not wanted:
                    extra -= 1
            os.kill(pid, signal.SIGKILL)
            reaped = lines.until("reaped ", seen).split()
            assert int(reaped[1]) == pid and os.WIFSIGNALED(int(reaped[2]))

            open_import = None
            completed += sum(1 for line in seen if line.split()[0] in WORK_DONE)
            last = seen[-1].split()[0] if seen else None
            for line in seen:
                kind, *rest = line.split()
                if kind == "saved":
                    households[rest[0]] = int(rest[2])
                    phones.setdefault(rest[0], {None})
                elif kind == "trying":
                    phones[rest[0]].add(rest[1])
                elif kind == "updated":
                    phones[rest[0]] = {rest[1]}
                elif kind == "bulk-start":
                    open_import = rest[0]
                    imports[rest[0]] = False
                elif kind == "bulk":
                    imports[rest[0]] = True
                    open_import = None
                elif kind == "draft":
                    drafts.add(rest[0])
            if open_import is not None:
                interrupted["import"] += 1
            elif last == "trying":
                interrupted["update"] += 1
            elif last in ("saved", "updated", "draft", "bulk", None):
                interrupted["save"] += 1  # killed inside the next save (or draft) or before one

            connection = connect_raw(db_path, key)  # recovers the WAL as the next start would
            try:
                check = connection.execute("PRAGMA integrity_check").fetchall()
                assert check == [("ok",)], f"round {round_no}: {check}"
                stored = dict(
                    connection.execute(
                        "SELECT id, member_count FROM households WHERE deleted = 0"
                    ).fetchall()
                )
                missing = [h for h in households if h not in stored]
                assert not missing, f"round {round_no}: reported saves lost: {missing}"
                assert all(stored[h] == n for h, n in households.items())
                members = dict(
                    connection.execute(
                        "SELECT household_id, count(*) FROM members GROUP BY household_id"
                    ).fetchall()
                )
                assert all(members.get(h) == n for h, n in households.items())
                for household_id, allowed in phones.items():
                    phone = connection.execute(
                        "SELECT phone FROM households WHERE id = ?", (household_id,)
                    ).fetchone()[0]
                    assert phone in allowed, f"round {round_no}: {household_id} has {phone}"
                for tag, reported in imports.items():
                    count = connection.execute(
                        "SELECT count(*) FROM households WHERE household_number LIKE ?",
                        (f"{tag}%",),
                    ).fetchone()[0]
                    # an import is one transaction: all of it, or (not reported) none of it
                    assert count == BULK_SIZE if reported else count in (0, BULK_SIZE), (
                        f"round {round_no}: import {tag} left {count} households"
                    )
                stored_drafts = {
                    row[0] for row in connection.execute("SELECT draft_key FROM drafts")
                }
                assert drafts <= stored_drafts
                books = connection.execute(
                    "SELECT count(DISTINCT household_id) FROM ledger WHERE actor = '测试'"
                ).fetchone()[0]
                assert books >= len(households)
            finally:
                connection.close()
        worker.stdin.write(b"quit\n")
        worker.stdin.flush()
        assert worker.wait(timeout=30) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    elapsed = time.perf_counter() - started
    print(
        f"{ROUNDS} kills in {elapsed:.1f} s; saves reported {len(households)}, imports "
        f"{sum(imports.values())}/{len(imports)}, drafts {len(drafts)}; interrupted {interrupted}"
    )
    assert completed >= awaited >= ROUNDS  # the children did real work between the kills
    assert households
    assert interrupted["import"] >= 1 and interrupted["save"] >= 1


if __name__ == "__main__":  # the worker
    if sys.argv[1:2] == ["zygote"]:
        sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
        _zygote(sys.argv[2], sys.argv[3])
