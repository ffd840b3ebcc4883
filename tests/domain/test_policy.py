"""Policy years: the 2019 file says what the guide says, types are right, no figure hides in code."""

from __future__ import annotations

import ast
import dataclasses
import re
import typing
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from desktop.domain import policy as policy_module
from desktop.domain.policy import (
    PolicyError,
    PolicyYear,
    available_years,
    policy_for,
    policy_year,
)
from desktop.domain.resources import resource_path

DOMAIN_DIR = Path(policy_module.__file__).parent
CITATION = re.compile(r"Q\d+|§\d|rule \d+|UNCONFIRMED|\[S\d+\]")


@pytest.fixture
def p2019() -> PolicyYear:
    return policy_year(2019)


def test_2019_and_2020_are_available():
    assert {2019, 2020} <= set(available_years())
    assert available_years() == sorted(available_years())


def test_2019_calendar_is_the_guides(p2019):
    assert p2019.year == 2019
    assert p2019.income_period_start == date(2018, 10, 1)  # Q8
    assert p2019.income_period_end == date(2019, 9, 30)  # Q8
    assert p2019.snapshot_date == date(2019, 11, 30)  # Q8
    assert p2019.procedures_due == date(2019, 11, 10)  # Q2
    assert p2019.crosscheck_list_due == date(2019, 10, 15)  # Q4
    assert p2019.entry_deadline == datetime(2019, 12, 1, 0, 0)  # Q9: 11月30日24时
    assert p2019.basic_info_only_after == date(2019, 12, 10)  # Q9
    assert p2019.work_start == date(2019, 10, 1)  # Q2
    assert p2019.work_end == date(2020, 1, 10)  # Q2
    assert p2019.medical_assistance_rule_change == date(2019, 8, 1)  # Q20


def test_2019_figures_are_the_guides(p2019):
    assert p2019.marginal_income_line == Decimal(5000)  # Q6
    assert p2019.monitored_income_line == Decimal(5000)  # Q6
    assert p2019.monitoring_quota_share == Decimal("0.15")  # Q6, exact, not a float
    assert p2019.monitoring_quota_base_year == 2013  # Q6
    assert p2019.notice_min_days == 10  # Q16
    assert p2019.exit_line_per_capita == Decimal(3218)  # §4, UNCONFIRMED
    assert p2019.income_plausible_max == Decimal(30000)  # rule 45
    assert (p2019.compulsory_school_age_min, p2019.compulsory_school_age_max) == (7, 14)
    assert (p2019.labour_age_min, p2019.labour_age_max) == (16, 59)
    assert p2019.school_age_max == 30


def test_2020_takes_the_exit_line_from_the_reference():
    assert policy_year(2020).exit_line_per_capita == Decimal(4000)
    assert policy_year(2020).entry_deadline == datetime(2020, 12, 1)


@pytest.mark.parametrize("year", available_years())
def test_every_field_has_its_declared_type(year):
    hints = typing.get_type_hints(PolicyYear)
    p = policy_year(year)
    for f in dataclasses.fields(PolicyYear):
        value = getattr(p, f.name)
        assert type(value) is hints[f.name], (f.name, value)
        assert not (isinstance(value, datetime) and value.tzinfo), f.name


@pytest.mark.parametrize("year", available_years())
def test_every_policy_value_cites_its_source(year):
    """Each key has a comment just above it (or above its group) naming Q, §, a rule or UNCONFIRMED."""
    lines = resource_path("policy", f"{year}.toml").read_text(encoding="utf-8").splitlines()
    assignment = re.compile(r"^[a-z_]+\s*=")
    for number, line in enumerate(lines):
        if not assignment.match(line) or line.startswith("year"):
            continue
        i = number - 1
        while i >= 0 and assignment.match(lines[i]):
            i -= 1
        comments = []
        while i >= 0 and lines[i].startswith("#"):
            comments.append(lines[i])
            i -= 1
        assert CITATION.search(" ".join(comments)), f"{year}.toml: {line}"


def test_policy_year_is_cached(p2019):
    assert policy_year(2019) is p2019


def test_missing_year_raises_a_clear_error():
    with pytest.raises(PolicyError, match="1999"):
        policy_year(1999)


def test_entry_deadline_is_exclusive(p2019):
    assert not p2019.after_entry_deadline(datetime(2019, 11, 30, 23, 59, 59))
    assert p2019.after_entry_deadline(datetime(2019, 12, 1, 0, 0))


def test_aware_moments_are_read_in_beijing_time(p2019):
    assert not p2019.after_entry_deadline(datetime(2019, 11, 30, 15, 59, tzinfo=UTC))
    assert p2019.after_entry_deadline(datetime(2019, 11, 30, 16, 0, tzinfo=UTC))


def test_basic_info_only_starts_the_day_after_december_10(p2019):
    assert not p2019.basic_info_only(datetime(2019, 12, 10, 23, 59))
    assert p2019.basic_info_only(datetime(2019, 12, 11, 0, 0))


def test_income_period_includes_both_ends(p2019):
    assert not p2019.in_income_period(date(2018, 9, 30))
    assert p2019.in_income_period(date(2018, 10, 1))
    assert p2019.in_income_period(date(2019, 9, 30))
    assert p2019.in_income_period(datetime(2019, 9, 30, 23, 0))
    assert not p2019.in_income_period(date(2019, 10, 1))


def test_work_window_includes_both_ends(p2019):
    assert not p2019.in_work_window(date(2019, 9, 30))
    assert p2019.in_work_window(date(2019, 10, 1))
    assert p2019.in_work_window(datetime(2020, 1, 10, 18, 0))
    assert not p2019.in_work_window(date(2020, 1, 11))


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (date(2019, 10, 1), 2019),
        (date(2019, 11, 30), 2019),
        (date(2020, 1, 10), 2019),
        (date(2020, 6, 1), 2019),  # between windows: the latest year before
        (date(2020, 10, 1), 2020),
        (date(2021, 5, 1), 2020),
        (datetime(2019, 12, 1, 9, 0), 2019),
    ],
)
def test_policy_for_finds_the_year_of_the_work_window(day, year):
    assert policy_for(day).year == year


def test_policy_for_a_day_before_every_year_raises():
    with pytest.raises(PolicyError):
        policy_for(date(2019, 9, 1))


def test_a_broken_policy_file_is_reported_with_the_missing_fields(tmp_path, monkeypatch):
    folder = tmp_path / "policy"
    folder.mkdir()
    (folder / "2031.toml").write_text("year = 2031\nnotice_min_days = 10\n", encoding="utf-8")
    monkeypatch.setattr(policy_module, "resource_path", lambda *parts: tmp_path.joinpath(*parts))
    with pytest.raises(PolicyError, match="缺少.*work_start"):
        policy_module._load(2031)


def _code_literals(path: Path) -> list[tuple[int, object]]:
    """Numeric and string constants of the code; bare string statements (docstrings) excluded."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and id(node) not in docstrings
    ]


POLICY_NUMBERS = {Decimal(v) for v in ("5000", "6000", "3218", "4000", "30000", "0.15", "0.05")}
DATE_IN_TEXT = re.compile(r"20\d\d-\d\d-\d\d|20\d\d年|20\d\d/\d\d?/\d\d?")


PACKAGE_DIR = DOMAIN_DIR.parent
NOT_POLICY: dict[str, set[object]] = {
    # Literals that look like policy but are not, each with its reason. Nothing else is allowed.
    "cli/basics.py": {2000, 2019},  # the demo command's defaults: households and random seed
    "store/demo.py": {2019},  # the demo county's default random seed
    "application/opening.py": {2000, 2019},  # the demo county built on first start: households, seed
    "store/audit.py": {2000},  # rows per chunk of the audit run
    "store/household_edit.py": {
        2000,  # the most book lines a form shows
        "“{label}”填写的“{text}”不是有效日期，请按“2019-11-30”的格式填写。",  # a format example
    },
    "ui/form_fields.py": {"如 2019-11-30"},  # a format example in a field's hint
    "ui/operations_dialogs.py": {"日期“{0}”无效,请按2019-11-30的格式填写"},  # a format example
    "ui/main_window.py": {"2019-11-30 00:00"},  # a column-width sample
    "ui/location.py": {5000},  # how long a status message shows, in ms
    "store/engine.py": {5000},  # SQLite's busy timeout, in ms
    "ui/location_capture.py": {5000},  # milliseconds
    "ui/progress.py": {0.05},  # a progress step
    "ui/sync_dialog.py": {30000},  # milliseconds
    "ui/village_map.py": {2000, 5000, 0.05},  # map scale (metres) and zoom steps
}
WHOLE_FILES_NOT_POLICY = {
    "store/demo_generator.py",  # the demo county's made-up history (years of identification, shares)
}


def _package_files() -> list[Path]:
    return sorted(
        p
        for p in PACKAGE_DIR.rglob("*.py")
        if "migrations" not in p.parts
        and p.relative_to(PACKAGE_DIR).as_posix() not in WHOLE_FILES_NOT_POLICY
    )


def _policy_literals(path: Path) -> list[tuple[int, object]]:
    found = []
    for line, value in _code_literals(path):
        if isinstance(value, bool):
            continue
        if isinstance(value, int | float):
            number = Decimal(str(value))
            if number in POLICY_NUMBERS or 2000 <= number <= 2099:
                found.append((line, value))
        elif isinstance(value, str) and DATE_IN_TEXT.search(value):
            found.append((line, value))
    return found


@pytest.mark.parametrize(
    "path", _package_files(), ids=lambda p: p.relative_to(PACKAGE_DIR).as_posix()
)
def test_no_policy_number_or_date_is_written_in_the_package_code(path):
    """Years, dates and the yuan/share figures of policy belong in resources/policy, not in code:
    in the domain and everywhere else in the desktop package (store, ui, cli, selfcheck)."""
    allowed = NOT_POLICY.get(path.relative_to(PACKAGE_DIR).as_posix(), set())
    found = [(line, value) for line, value in _policy_literals(path) if value not in allowed]
    assert not found, f"{path.name}: policy literals {[(n, str(v)[:60]) for n, v in found]}"


def test_the_package_scan_covers_the_files_named_in_issue_12():
    names = {p.relative_to(PACKAGE_DIR).as_posix() for p in _package_files()}
    assert {
        "store/exchange/assistance_import.py",
        "store/quota.py",
        "cli/procedures.py",
        "ui/form_tabs.py",
        "selfcheck.py",
        "domain/operations.py",
    } <= names


def test_the_literal_scan_catches_dates_years_and_lines_but_not_docstrings(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""Before 2019-08-01 the rules differed."""\n'
        "DEADLINE = date(2019, 12, 1)\n"
        "LINE = 5000\n"
        "SHARE = 0.15\n"
        'TEXT = "2019-11-30"\n'
        "OK = 10\n",
        encoding="utf-8",
    )
    values = [v for _, v in _code_literals(sample)]
    assert 2019 in values and 5000 in values and 0.15 in values and "2019-11-30" in values
    assert not any(isinstance(v, str) and "rules differed" in v for v in values)
