"""``fieldbook cards`` and ``fieldbook print-list``: files written, exit statuses, Chinese errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop import cli
from desktop.store.db import Database
from desktop.store.models import Division, Household, ProcedureStep
from desktop.store.procedures import delete_village_step
from tests.cards.conftest import decode_qr_pages, pdf_text

MODULE = "desktop.cli.cards"


@pytest.fixture(autouse=True)
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    if MODULE not in cli.COMMAND_MODULES:
        monkeypatch.setattr(cli, "COMMAND_MODULES", (*cli.COMMAND_MODULES, MODULE))


@pytest.fixture(scope="module")
def demo(module_db: Database) -> dict:
    """The first village of the module's copy, its procedure records struck out (the demo's
    villages record theirs, Q15): a publicity list of it must be given its dates."""
    with module_db.session() as session:
        village_id, village = session.execute(
            select(Division.id, Division.code)
            .where(Division.level == "village")
            .order_by(Division.code)
        ).first()
        for step_id in session.scalars(
            select(ProcedureStep.id).where(ProcedureStep.village_id == village_id)
        ).all():
            delete_village_step(session, step_id, actor="测试员", reason="测试：无公示记录的村")
        number = session.scalars(
            select(Household.household_number)
            .where(Household.status == "poor")
            .order_by(Household.household_number)
        ).first()
    path = module_db.engine.url.database
    return {"db": path, "village": village, "number": number}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_cards_for_a_village_are_written_and_reported_as_json(
    demo: dict, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "cards.pdf"
    status, stdout, _ = run(
        capsys,
        "cards",
        "--db",
        demo["db"],
        "--village",
        demo["village"],
        "--out",
        str(out),
        "--json",
    )
    payload = json.loads(stdout)
    assert status == 0
    assert payload["cards"] == len(payload["printed"]) > 0
    assert len(payload["issued"]) == payload["cards"]  # first printing: issue 1 for every card
    codes = [c for page in decode_qr_pages(out) for c in page]
    assert len(codes) == payload["cards"]


def test_reprinting_named_households_raises_their_issue(demo: dict, tmp_path: Path, capsys) -> None:
    first, second = tmp_path / "first.pdf", tmp_path / "reprint.pdf"
    base = ["cards", "--db", demo["db"], "--household", demo["number"]]
    assert run(capsys, *base, "--out", str(first))[0] == 0
    status, stdout, _ = run(capsys, *base, "--out", str(second), "--reprint")
    assert status == 0
    assert "补打" in stdout
    assert demo["number"] in pdf_text(second)
    (before,) = decode_qr_pages(first)[0]
    (after,) = decode_qr_pages(second)[0]
    assert int(after.split(":")[2]) == int(before.split(":")[2]) + 1


def test_an_unknown_village_is_a_usage_error_in_chinese(demo: dict, tmp_path: Path, capsys) -> None:
    status, _, err = run(
        capsys,
        "cards",
        "--db",
        demo["db"],
        "--village",
        "999999999999",
        "--out",
        str(tmp_path / "x.pdf"),
    )
    assert status == 2
    assert "没有代码为 999999999999 的行政村" in err
    assert not (tmp_path / "x.pdf").exists()


def test_village_and_households_together_are_refused(demo: dict, tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as raised:
        cli.main(
            [
                "cards",
                "--db",
                demo["db"],
                "--village",
                demo["village"],
                "--household",
                demo["number"],
                "--out",
                str(tmp_path / "x.pdf"),
            ]
        )
    assert raised.value.code == 2


def test_a_publicity_list_needs_dates_of_at_least_ten_days(
    demo: dict, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "publicity.pdf"
    base = [
        "print-list",
        "--db",
        demo["db"],
        "--village",
        demo["village"],
        "--kind",
        "publicity",
        "--out",
        str(out),
    ]
    status, _, err = run(capsys, *base)
    assert status == 2 and "--start/--end" in err
    status, _, err = run(capsys, *base, "--start", "2019-11-01", "--end", "2019-11-05")
    assert status == 2 and "不得少于 10 天" in err
    assert not out.exists()
    status, stdout, _ = run(capsys, *base, "--start", "2019-11-01", "--end", "2019-11-10", "--json")
    assert status == 0
    assert json.loads(stdout)["start"] == "2019-11-01"
    assert "2019年11月1日至2019年11月10日" in pdf_text(out)


def test_the_problem_list_day_report_and_book_are_written(
    demo: dict, tmp_path: Path, capsys
) -> None:
    for kind, extra in (
        ("problems", ["--village", demo["village"], "--date", "2019-11-20"]),
        ("day-report", ["--village", demo["village"], "--date", "2019-11-30"]),
        ("book", ["--household", demo["number"]]),
    ):
        out = tmp_path / f"{kind}.pdf"
        status, stdout, err = run(
            capsys,
            "print-list",
            "--db",
            demo["db"],
            "--kind",
            kind,
            "--out",
            str(out),
            "--json",
            *extra,
        )
        assert status in (0, 1), err
        assert json.loads(stdout)["pages"] >= 1
        assert out.stat().st_size > 1000
    assert demo["number"] in pdf_text(tmp_path / "book.pdf")
    assert "驻村工作日报" in pdf_text(tmp_path / "day-report.pdf")


def test_a_book_without_a_household_and_a_bad_date_are_usage_errors(
    demo: dict, tmp_path: Path, capsys
) -> None:
    out = str(tmp_path / "x.pdf")
    status, _, err = run(capsys, "print-list", "--db", demo["db"], "--kind", "book", "--out", out)
    assert status == 2 and "--household" in err
    status, _, err = run(
        capsys,
        "print-list",
        "--db",
        demo["db"],
        "--kind",
        "day-report",
        "--date",
        "30/11/2019",
        "--out",
        out,
    )
    assert status == 2 and "YYYY-MM-DD" in err
