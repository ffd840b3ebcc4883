"""贫困人口增减 (Q9) by village, township and county: the counts, the xlsx read back with openpyxl
and the PDF read back with pdftotext, each checked against counts worked out here from the
families the test puts in (SQLite and PostgreSQL)."""

from __future__ import annotations

import shutil
import subprocess
from collections import defaultdict
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from desktop import cli
from desktop.cards.population_change_pdf import build_population_change
from desktop.store.db import registry_writer
from desktop.store.models import Division, Member, NaturalChange
from desktop.store.population_change import (
    population_change,
    reasons,
    write_population_change_xlsx,
)
from tests.store.guide_fixtures import (
    POLICY,
    REGION,
    add_household,
    build_registry,
    member,
)

D = date
IN_REASONS = [r.code for r in reasons() if r.direction == "in"]
OUT_REASONS = [r.code for r in reasons() if r.direction == "out"]

# (village key, household number, status, identified, returned, exited, persons,
#  natural changes as (reason, day, deleted))
FAMILIES = [
    ("east", "01", "poor", 2019, None, None, 3, [("06", D(2019, 5, 1), False)]),
    ("east", "02", "poor", 2016, 2019, 2017, 2, [("01", D(2019, 3, 1), False)]),
    ("east", "03", "exited", 2015, None, 2019, 4, [
        ("02", D(2019, 11, 30), False),  # the snapshot date itself counts
        ("05", D(2018, 11, 30), False),  # the previous snapshot date does not
        ("08", D(2019, 6, 1), True),  # a tombstone does not
    ]),
    ("east", "04", "exited", 2015, None, 2017, 2, [("06", D(2019, 2, 2), False)]),
    ("east", "05", "ordinary", None, None, None, 2, [("06", D(2019, 4, 4), False)]),
    ("west", "01", "poor", 2019, None, None, 1, [("05", D(2019, 10, 10), False),
                                                  ("05", D(2019, 10, 11), False)]),
    ("north", "01", "exited_stable", 2014, None, 2019, 5, [("01", D(2019, 1, 9), False)]),
]  # fmt: skip
VILLAGE_NAMES = {"east": "王家湾村", "west": "罗家寨村", "north": "白雀寺村"}
TOWNSHIPS = {"east": "接官亭镇", "west": "接官亭镇", "north": "白雀寺镇"}
STATUS_KEYS = ("identify", "return", "exit")


def expected(unit_of) -> dict[str, dict[str, tuple[int, int]]]:
    """(households, persons) per unit and tally key, counted from FAMILIES directly."""
    households: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    persons: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for village, number, status, identified, returned, exited, size, changes in FAMILIES:
        if status == "ordinary":
            continue
        unit, family = unit_of(village), (village, number)
        for key, year in (("identify", identified), ("return", returned), ("exit", exited)):
            if year == 2019 and (key != "exit" or status != "poor"):
                households[unit][key].add(family)
                persons[unit][key] += size
        for reason, day, deleted in changes:
            if deleted or not D(2018, 11, 30) < day <= D(2019, 11, 30):
                continue
            way = "in" if reason in IN_REASONS else "out"
            for key in (way, f"{way}:{reason}"):
                households[unit][key].add(family)
                persons[unit][key] += 1
    found: dict[str, dict[str, tuple[int, int]]] = {}
    for unit in set(households) | set(persons):
        found[unit] = {k: (len(households[unit][k]), persons[unit][k]) for k in households[unit]}
    return found


def build(target) -> tuple:
    db, places = build_registry(target)
    with db.session() as session, registry_writer(session, "test"):
        county = session.get(Division, places.county_id)
        town = Division(code=f"{REGION}102000", level="township", name="白雀寺镇", parent=county)
        north = Division(
            code=f"{REGION}102201",
            level="village",
            name="白雀寺村",
            parent=town,
            committee_latitude=33.4,
            committee_longitude=106.2,
            committee_location_source="gps",
        )
        session.add_all([town, north])
        session.commit()
        village_ids = {"east": places.east_id, "west": places.west_id, "north": north.id}
    for village, number, status, identified, returned, exited, size, changes in FAMILIES:
        people = [member(f"户主{village}{number}", "01", "1", D(1970, 1, 1), work_months=10)]
        people += [
            member(f"成员{village}{number}{i}", "10", "1", D(1995, 1, 1 + i))
            for i in range(size - 1)
        ]
        household_id = add_household(
            db,
            village_ids[village],
            f"{REGION}{village}{number}",
            status=status,
            people=people,
            identified_year=identified,
            returned_year=returned,
            exited_year=exited,
        )
        with db.session() as session, registry_writer(session, "test"):
            member_id = (
                session.query(Member.id).filter(Member.household_id == household_id).first()[0]
            )
            for reason, day, deleted in changes:
                session.add(
                    NaturalChange(
                        household_id=household_id,
                        member_id=member_id,
                        direction="in" if reason in IN_REASONS else "out",
                        reason=reason,
                        change_date=day,
                        deleted=deleted,
                    )
                )
            session.commit()
    return db


@pytest.fixture(params=["sqlite", "postgresql"])
def county(request, tmp_path):
    target = (
        tmp_path / "p.db"
        if request.param == "sqlite"
        else request.getfixturevalue("pg_database_url")
    )
    db = build(target)
    yield db
    db.dispose()


def tally_keys() -> list[str]:
    keys = list(STATUS_KEYS)
    for way, codes in (("in", IN_REASONS), ("out", OUT_REASONS)):
        keys += [way] + [f"{way}:{c}" for c in codes]
    return keys


UNITS = {
    "village": lambda v: VILLAGE_NAMES[v],
    "township": lambda v: TOWNSHIPS[v],
    "county": lambda v: "略阳县",
}


@pytest.mark.parametrize("level", ["village", "township", "county"])
def test_the_counts_by_level_are_the_families_changes(county, level) -> None:
    want = expected(UNITS[level])
    with county.session() as session:
        report = population_change(session, policy=POLICY, level=level)
    names = [u.name for u in report.rows]
    assert set(want) <= set(names)
    for unit in report.rows:
        for key in tally_keys():
            assert (unit.households(key), unit.persons(key)) == want.get(unit.name, {}).get(
                key, (0, 0)
            ), (unit.name, key)
    totals = {k: sum(w.get(k, (0, 0))[1] for w in want.values()) for k in tally_keys()}
    assert {k: report.total.persons(k) for k in tally_keys()} == totals
    assert report.total.persons("identify") == 4 and report.total.households("identify") == 2


def sheet_table(path: Path) -> dict[str, dict[str, tuple[int, int]]]:
    """Unit name -> tally heading path -> (households, persons), read from the xlsx."""
    ws = openpyxl.load_workbook(path).active
    rows = list(ws.iter_rows(values_only=True))
    groups, subs = rows[2], rows[3]
    found = {}
    for row in rows[4:]:
        values = {}
        column = 0
        while column < len(groups):
            if subs[column] == "户数":
                values[groups[column]] = (row[column], row[column + 1])
                column += 2
            else:
                column += 1
        found[row[1]] = values
    return found


def heading_of(key: str) -> str:
    labels = {r.code: r.label for r in reasons()}
    if key in STATUS_KEYS:
        return {"identify": "新识别", "return": "返贫", "exit": "脱贫"}[key]
    if key in ("in", "out"):
        return {"in": "自然增加合计", "out": "自然减少合计"}[key]
    return labels[key.split(":")[1]]


def test_the_xlsx_reads_back_with_the_counts_and_the_total(county, tmp_path) -> None:
    with county.session() as session:
        report = population_change(session, policy=POLICY, level="township")
    path = write_population_change_xlsx(report, tmp_path / "change.xlsx")
    table = sheet_table(path)
    want = expected(UNITS["township"])
    assert set(table) == {"接官亭镇", "白雀寺镇", "合计"}
    for name in ("接官亭镇", "白雀寺镇"):
        for key in tally_keys():
            assert table[name][heading_of(key)] == want[name].get(key, (0, 0)), (name, key)
    ws = openpyxl.load_workbook(path).active
    assert "贫困人口增减" in ws["A1"].value
    assert "报备截止 2019-11-10" in ws["A2"].value
    assert table["合计"]["新识别"] == (2, 4)
    assert table["合计"]["自然增加合计"] == (3, 4)


def pdf_rows(path: Path) -> dict[str, list[list[int]]]:
    """Unit name -> the numbers of its row in each table, from ``pdftotext -layout``."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    found: dict[str, list[list[int]]] = defaultdict(list)
    for line in text.splitlines():
        parts = line.split()
        if len(parts) > 1 and all(p.isdigit() for p in parts[1:]):
            found[parts[0]].append([int(p) for p in parts[1:]])
    return found


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_the_pdf_reads_back_with_the_counts_of_each_village(county, tmp_path) -> None:
    with county.session() as session:
        report = population_change(session, policy=POLICY, level="village")
    result = build_population_change(report, tmp_path / "change.pdf")
    assert result.pages >= 1
    rows = pdf_rows(tmp_path / "change.pdf")
    want = expected(UNITS["village"])
    tables = [
        list(STATUS_KEYS),
        ["in"] + [f"in:{c}" for c in IN_REASONS],
        ["out"] + [f"out:{c}" for c in OUT_REASONS],
    ]
    for name in ("王家湾村", "罗家寨村", "白雀寺村"):
        assert len(rows[name]) == 3, name
        for numbers, keys in zip(rows[name], tables, strict=True):
            flat = [n for key in keys for n in want[name].get(key, (0, 0))]
            assert numbers == flat, (name, keys)
    assert rows["合计"][0] == [2, 4, 1, 2, 2, 9]


def test_the_report_command_writes_xlsx_and_pdf_and_refuses_other_files(tmp_path, capsys) -> None:
    db = build(tmp_path / "c.db")
    db.dispose()
    path = str(tmp_path / "c.db")
    out = tmp_path / "county.xlsx"
    status = cli.main(
        [
            "report",
            "population-change",
            "--db",
            path,
            "--out",
            str(out),
            "--level",
            "county",
            "--json",
        ]
    )
    assert status == 0
    table = sheet_table(out)
    assert set(table) == {"略阳县", "合计"}
    assert table["略阳县"]["脱贫"] == (2, 9)
    capsys.readouterr()
    pdf = tmp_path / "county.pdf"
    assert cli.main(["report", "population-change", "--db", path, "--out", str(pdf)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "脱贫: 2 户 9 人" in capsys.readouterr().out
    assert cli.main(["report", "population-change", "--db", path, "--out", "x.csv"]) == 2
