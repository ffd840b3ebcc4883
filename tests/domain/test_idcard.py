"""Resident ID and disability certificate numbers, checked against GB 11643-1999 samples."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.idcard import (
    PROVINCE_CODES,
    IdInfo,
    age_on,
    check_id,
    id_check_digit,
    make_disability_number,
    make_id_number,
    normalize_id,
)
from desktop.domain.problems import Severity

TODAY = date(2019, 11, 30)  # the 2019 snapshot date

STANDARD_SAMPLE = "11010519491231002X"  # GB 11643-1999: Beijing 朝阳区, 1949-12-31, female
GUANGDONG_SAMPLE = "440524188001010014"  # GB 11643-1999: 潮阳县, 1880-01-01, male
HUAXIAN = "610521"  # 陕西 华县, renamed 华州区 (610503) in 2015; old IDs keep the old code


def codes(info: IdInfo) -> list[str]:
    return [problem.code for problem in info.problems]


def with_check_digit(first17: str) -> str:
    return first17 + id_check_digit(first17)


# --- the standard's samples ---------------------------------------------------------------


def test_standard_sample_is_valid_female_born_1949_12_31() -> None:
    info = check_id(STANDARD_SAMPLE, today=TODAY)

    assert info.is_valid
    assert info.problems == ()
    assert info.kind == "resident18"
    assert info.number == STANDARD_SAMPLE
    assert info.birth_date == date(1949, 12, 31)
    assert info.sex == "2"
    assert info.region_code == "110105"
    assert info.disability_category is None
    assert info.disability_grade is None


def test_guangdong_sample_is_valid_male_with_only_a_born_before_1900_warning() -> None:
    info = check_id(GUANGDONG_SAMPLE, today=TODAY)

    assert info.is_valid
    assert info.birth_date == date(1880, 1, 1)
    assert info.sex == "1"
    assert info.region_code == "440524"
    assert codes(info) == ["ID_TOO_OLD"]
    assert info.problems[0].severity is Severity.WARNING


@pytest.mark.parametrize(
    ("first17", "expected"),
    [("11010519491231002", "X"), ("44052418800101001", "4")],
)
def test_check_digit_of_the_standard_samples(first17: str, expected: str) -> None:
    assert id_check_digit(first17) == expected


@pytest.mark.parametrize(
    "not_17_digits", ["1101051949123100", "110105194912310021", "1101051949123100X"]
)
def test_check_digit_needs_exactly_17_digits(not_17_digits: str) -> None:
    with pytest.raises(ValueError):
        id_check_digit(not_17_digits)


def test_shaanxi_number_from_the_generator_is_valid_and_keeps_the_renamed_county_code() -> None:
    number = make_id_number(HUAXIAN, date(1968, 3, 15), 7, "1")

    info = check_id(number, today=TODAY)

    assert number[:17] == "61052119680315071"
    assert info.is_valid and info.problems == ()
    assert info.region_code == HUAXIAN
    assert info.birth_date == date(1968, 3, 15)
    assert info.sex == "1"


# --- normalisation ---------------------------------------------------------------------------


def test_lowercase_x_is_normalised_and_valid() -> None:
    info = check_id("11010519491231002x", today=TODAY)

    assert info.number == STANDARD_SAMPLE
    assert info.is_valid


def test_full_width_digits_and_x_are_normalised_and_valid() -> None:
    info = check_id("１１０１０５１９４９１２３１００２Ｘ", today=TODAY)

    assert info.number == STANDARD_SAMPLE
    assert info.is_valid
    assert info.birth_date == date(1949, 12, 31)


def test_embedded_spaces_tabs_and_ideographic_spaces_are_removed() -> None:
    info = check_id(" 110105\u30001949 1231\t002ｘ\n", today=TODAY)

    assert info.number == STANDARD_SAMPLE
    assert info.is_valid


@pytest.mark.parametrize(
    ("typed", "normalized"),
    [
        ("４４０５２４１８８００１０１００１４", GUANGDONG_SAMPLE),
        ("11010519491231002ｘ", STANDARD_SAMPLE),
        ("\ufeff11010519491231002X\u200b", STANDARD_SAMPLE),
        ("", ""),
        ("\u3000 \t", ""),
    ],
)
def test_normalize_id_removes_whitespace_and_converts_full_width(
    typed: str, normalized: str
) -> None:
    assert normalize_id(typed) == normalized


@pytest.mark.parametrize("blank", ["", "   ", "\u3000\u3000", None])
def test_empty_or_blank_number_is_id_empty(blank: str | None) -> None:
    info = check_id(blank, today=TODAY)

    assert codes(info) == ["ID_EMPTY"]
    assert not info.is_valid
    assert info.kind == "unknown"
    assert "为空" in info.problems[0].message


def test_problems_name_the_field_they_were_asked_for() -> None:
    info = check_id("123", today=TODAY, field="member.disability_number")

    assert [problem.field for problem in info.problems] == ["member.disability_number"]


def test_problems_default_to_the_member_id_field() -> None:
    info = check_id("123", today=TODAY)

    assert info.problems[0].field == "member.id_number"


# --- characters and length --------------------------------------------------------------------


@pytest.mark.parametrize("length", [1, 14, 16, 17, 19, 21, 22])
def test_wrong_length_is_an_error_that_says_the_length_found(length: int) -> None:
    number = (STANDARD_SAMPLE * 2)[:length].replace("X", "1")

    info = check_id(number, today=TODAY)

    assert codes(info) == ["ID_BAD_LENGTH"]
    assert info.kind == "unknown"
    assert f"{length}位" in info.problems[0].message
    assert "18位" in info.problems[0].message


def test_letters_inside_the_number_are_bad_characters_and_are_named() -> None:
    info = check_id("11010519491231O02X", today=TODAY)  # letter O instead of zero

    assert codes(info) == ["ID_BAD_CHARS"]
    assert "“O”" in info.problems[0].message
    assert info.birth_date is None


def test_x_anywhere_but_the_check_position_is_a_bad_character() -> None:
    info = check_id("1101051949123100X2", today=TODAY)

    assert codes(info) == ["ID_BAD_CHARS"]
    assert "“X”" in info.problems[0].message


def test_wrong_length_with_a_letter_reports_both() -> None:
    info = check_id("1101051949123A", today=TODAY)

    assert codes(info) == ["ID_BAD_LENGTH", "ID_BAD_CHARS"]


# --- check digit, province, birth date ---------------------------------------------------------


def test_bad_check_digit_is_an_error_that_does_not_reveal_the_right_digit() -> None:
    info = check_id("110105194912310025", today=TODAY)

    assert codes(info) == ["ID_BAD_CHECK_DIGIT"]
    assert not info.is_valid
    assert "校验码" in info.problems[0].message
    assert "X" not in info.problems[0].message


def test_february_30_is_not_a_real_birth_date() -> None:
    info = check_id(with_check_digit("11010519490230002"), today=TODAY)

    assert codes(info) == ["ID_BAD_BIRTH_DATE"]
    assert info.birth_date is None
    assert "1949年02月30日" in info.problems[0].message


def test_february_29_exists_only_in_leap_years() -> None:
    assert check_id(with_check_digit("61052120000229001"), today=TODAY).is_valid
    info = check_id(with_check_digit("61052119990229001"), today=TODAY)
    assert codes(info) == ["ID_BAD_BIRTH_DATE"]


@pytest.mark.parametrize("yyyymmdd", ["19491300", "19491200", "19491232", "00000000"])
def test_month_or_day_out_of_range_is_a_bad_birth_date(yyyymmdd: str) -> None:
    info = check_id(with_check_digit(f"110105{yyyymmdd}002"), today=TODAY)

    assert codes(info) == ["ID_BAD_BIRTH_DATE"]


def test_birth_date_after_today_is_an_error() -> None:
    tomorrow = TODAY + timedelta(days=1)

    info = check_id(make_id_number(HUAXIAN, tomorrow, 1, "2"), today=TODAY)

    assert codes(info) == ["ID_FUTURE_BIRTH_DATE"]
    assert not info.is_valid
    assert info.birth_date == tomorrow


def test_future_birth_date_is_judged_against_the_real_today_by_default() -> None:
    info = check_id(make_id_number(HUAXIAN, date(9999, 1, 1), 1, "2"))

    assert codes(info) == ["ID_FUTURE_BIRTH_DATE"]


def test_child_born_today_is_valid() -> None:
    assert check_id(make_id_number(HUAXIAN, TODAY, 1, "2"), today=TODAY).problems == ()


def test_born_on_1900_01_01_is_fine_but_the_day_before_is_a_warning() -> None:
    assert check_id(make_id_number(HUAXIAN, date(1900, 1, 1), 1, "1"), today=TODAY).problems == ()

    info = check_id(make_id_number(HUAXIAN, date(1899, 12, 31), 1, "1"), today=TODAY)

    assert codes(info) == ["ID_TOO_OLD"]
    assert info.is_valid


@pytest.mark.parametrize("province", ["00", "99", "10", "16", "24", "55", "66", "72", "83"])
def test_number_outside_every_province_is_rejected(province: str) -> None:
    info = check_id(with_check_digit(f"{province}010519491231002"), today=TODAY)

    assert codes(info) == ["ID_BAD_PROVINCE"]
    assert f"“{province}”" in info.problems[0].message
    assert info.region_code is None


@pytest.mark.parametrize(
    "province", ["11", "15", "23", "37", "46", "50", "54", "65", "71", "81", "82"]
)
def test_every_province_range_is_accepted(province: str) -> None:
    assert check_id(with_check_digit(f"{province}010519491231002"), today=TODAY).is_valid


def test_unknown_county_code_inside_a_real_province_is_accepted() -> None:
    info = check_id(with_check_digit("61999919491231002"), today=TODAY)

    assert info.is_valid
    assert info.region_code == "619999"


def test_all_independent_problems_are_reported_together() -> None:
    info = check_id("990105194902300020", today=TODAY)

    assert codes(info) == ["ID_BAD_PROVINCE", "ID_BAD_BIRTH_DATE", "ID_BAD_CHECK_DIGIT"]


# --- old 15-digit numbers ----------------------------------------------------------------------


def test_legacy_15_digit_number_is_refused_but_birth_date_and_sex_are_read() -> None:
    info = check_id("110105491231002", today=TODAY)

    assert codes(info) == ["ID_LEGACY_15"]
    assert not info.is_valid
    assert info.kind == "legacy15"
    assert info.birth_date == date(1949, 12, 31)
    assert info.sex == "2"
    assert info.region_code == "110105"
    assert "18位" in info.problems[0].message


def test_legacy_15_digit_number_of_a_man_reads_sex_from_its_last_digit() -> None:
    assert check_id("610521680315071", today=TODAY).sex == "1"


def test_legacy_15_digit_number_with_a_bad_date_reports_it_too() -> None:
    info = check_id("110105490230002", today=TODAY)

    assert codes(info) == ["ID_LEGACY_15", "ID_BAD_BIRTH_DATE"]
    assert info.birth_date is None


def test_legacy_15_digit_number_may_not_end_in_x() -> None:
    info = check_id("11010549123100X", today=TODAY)

    assert codes(info) == ["ID_BAD_CHARS"]
    assert info.kind == "legacy15"


# --- disability certificate numbers ------------------------------------------------------------


def test_disability_number_is_the_id_plus_category_and_grade() -> None:
    info = check_id(STANDARD_SAMPLE + "42", today=TODAY)

    assert info.is_valid
    assert info.kind == "disability20"
    assert info.number == STANDARD_SAMPLE + "42"
    assert info.disability_category == 4
    assert info.disability_grade == 2
    assert info.birth_date == date(1949, 12, 31)
    assert info.sex == "2"
    assert info.region_code == "110105"


def test_disability_number_with_full_width_and_lowercase_x_is_normalised() -> None:
    info = check_id("11010519491231002ｘ７１", today=TODAY)

    assert info.number == STANDARD_SAMPLE + "71"
    assert info.is_valid
    assert (info.disability_category, info.disability_grade) == (7, 1)


@pytest.mark.parametrize("category", ["0", "8", "9"])
def test_disability_category_outside_1_to_7_is_an_error(category: str) -> None:
    info = check_id(f"{STANDARD_SAMPLE}{category}3", today=TODAY)

    assert codes(info) == ["DISABILITY_BAD_CATEGORY"]
    assert info.disability_category is None
    assert info.disability_grade == 3
    assert f"现为{category}" in info.problems[0].message


@pytest.mark.parametrize("grade", ["0", "5", "9"])
def test_disability_grade_outside_1_to_4_is_an_error(grade: str) -> None:
    info = check_id(f"{STANDARD_SAMPLE}4{grade}", today=TODAY)

    assert codes(info) == ["DISABILITY_BAD_GRADE"]
    assert info.disability_grade is None
    assert info.disability_category == 4


def test_category_8_and_grade_5_are_both_reported() -> None:
    info = check_id(f"{STANDARD_SAMPLE}85", today=TODAY)

    assert codes(info) == ["DISABILITY_BAD_CATEGORY", "DISABILITY_BAD_GRADE"]


def test_disability_number_reports_the_problems_of_its_id_part() -> None:
    info = check_id("11010519491231002542", today=TODAY)  # check digit 5 instead of X

    assert codes(info) == ["ID_BAD_CHECK_DIGIT"]
    assert info.kind == "disability20"
    assert "残疾人证号" in info.problems[0].message
    assert info.disability_category == 4


def test_disability_number_with_a_bad_id_part_and_bad_category_reports_both() -> None:
    info = check_id(with_check_digit("00010519490230002") + "82", today=TODAY)

    assert codes(info) == ["ID_BAD_PROVINCE", "ID_BAD_BIRTH_DATE", "DISABILITY_BAD_CATEGORY"]


def test_disability_number_with_a_letter_in_category_is_a_bad_character() -> None:
    info = check_id(f"{STANDARD_SAMPLE}X2", today=TODAY)

    assert codes(info) == ["ID_BAD_CHARS"]


def test_make_disability_number_round_trips() -> None:
    number = make_disability_number("11010519491231002x", 6, 4)

    info = check_id(number, today=TODAY)

    assert number == STANDARD_SAMPLE + "64"
    assert info.is_valid
    assert (info.disability_category, info.disability_grade) == (6, 4)


@pytest.mark.parametrize(
    ("id_number", "category", "grade"),
    [
        ("110105194912310025", 1, 1),  # bad check digit
        ("110105491231002", 1, 1),  # legacy
        (STANDARD_SAMPLE + "11", 1, 1),  # already a disability number
        (STANDARD_SAMPLE, 0, 1),
        (STANDARD_SAMPLE, 8, 1),
        (STANDARD_SAMPLE, 1, 0),
        (STANDARD_SAMPLE, 1, 5),
    ],
)
def test_make_disability_number_refuses_bad_input(
    id_number: str, category: int, grade: int
) -> None:
    with pytest.raises(ValueError):
        make_disability_number(id_number, category, grade)


# --- the generator -----------------------------------------------------------------------------


def test_make_id_number_puts_sequence_then_sex_digit_in_the_order_code() -> None:
    man = make_id_number("610528", date(1975, 6, 1), 42, "1")
    woman = make_id_number("610528", date(1975, 6, 1), 42, "2")

    assert man[14:16] == woman[14:16] == "42"
    assert int(man[16]) % 2 == 1
    assert int(woman[16]) % 2 == 0
    assert man[6:14] == "19750601"


@pytest.mark.parametrize(
    ("region", "sequence", "sex"),
    [
        ("61052", 1, "1"),  # five digits
        ("61052a", 1, "1"),
        ("990101", 1, "1"),  # no such province
        ("610521", -1, "1"),
        ("610521", 100, "1"),
        ("610521", 1, "男"),
        ("610521", 1, "0"),
    ],
)
def test_make_id_number_refuses_bad_input(region: str, sequence: int, sex: str) -> None:
    with pytest.raises(ValueError):
        make_id_number(region, date(1980, 1, 1), sequence, sex)


regions = st.builds(
    lambda province, county: province + county,
    st.sampled_from(sorted(PROVINCE_CODES)),
    st.text(alphabet="0123456789", min_size=4, max_size=4),
)


@given(
    region=regions,
    birth=st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    sequence=st.integers(min_value=0, max_value=99),
    sex=st.sampled_from(["1", "2"]),
)
def test_generated_numbers_round_trip_and_every_single_digit_change_is_caught(
    region: str, birth: date, sequence: int, sex: str
) -> None:
    number = make_id_number(region, birth, sequence, sex)

    info = check_id(number, today=TODAY)

    assert info.is_valid and info.problems == ()
    assert (info.birth_date, info.sex, info.region_code) == (birth, sex, region)
    for position in range(17):
        for digit in "0123456789":
            if digit == number[position]:
                continue
            changed = number[:position] + digit + number[position + 1 :]
            assert not check_id(changed, today=TODAY).is_valid, changed


# --- age ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "on", "years"),
    [
        (date(1949, 12, 31), date(2019, 11, 30), 69),
        (date(1949, 12, 31), date(2019, 12, 31), 70),
        (date(2003, 11, 30), date(2019, 11, 30), 16),  # sixteenth birthday on the snapshot date
        (date(2003, 12, 1), date(2019, 11, 30), 15),
        (date(2019, 11, 30), date(2019, 11, 30), 0),
        (date(2000, 2, 29), date(2019, 2, 28), 18),
        (date(2000, 2, 29), date(2019, 3, 1), 19),
        (date(2000, 2, 29), date(2020, 2, 29), 20),
        (date(2000, 3, 1), date(2020, 2, 29), 19),
    ],
)
def test_age_is_counted_in_whole_years(birth: date, on: date, years: int) -> None:
    assert age_on(birth, on) == years


def test_age_before_birth_is_refused() -> None:
    with pytest.raises(ValueError):
        age_on(date(2019, 12, 1), date(2019, 11, 30))
