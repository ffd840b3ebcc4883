"""Contact phone numbers: mainland mobiles and fixed lines with an area code."""

from __future__ import annotations

import pytest

from desktop.domain.phone import check_phone, normalize_phone
from desktop.domain.problems import Severity


@pytest.mark.parametrize(
    "typed",
    [
        "13800138000",
        "138 0013 8000",
        "138-0013-8000",
        "+86 138 0013 8000",
        "+8613800138000",
        "8613800138000",
        "86-138-0013-8000",
        "１３８００１３８０００",
        "＋８６　１３８－００１３－８０００",
        " 13800138000\n",
    ],
)
def test_mobile_in_any_common_spelling_is_accepted_and_normalised_to_11_digits(typed: str) -> None:
    assert check_phone(typed) == []
    assert normalize_phone(typed) == "13800138000"


@pytest.mark.parametrize("prefix", ["13", "14", "15", "16", "17", "18", "19"])
def test_every_mobile_prefix_from_13_to_19_is_accepted(prefix: str) -> None:
    assert check_phone(prefix + "912345678") == []


@pytest.mark.parametrize(
    "typed",
    [
        "12800138000",  # no mobile range starts with 12
        "10800138000",
        "1380013800",  # 10 digits
        "138001380001",  # 12 digits
        "+87 13800138000",  # not the China country code
        "+86 1380013800",
        "1380013800O",  # letter O for zero
        "138.0013.8000",
    ],
)
def test_malformed_mobile_is_invalid(typed: str) -> None:
    problems = check_phone(typed)

    assert [problem.code for problem in problems] == ["PHONE_INVALID"]
    assert problems[0].severity is Severity.ERROR


@pytest.mark.parametrize(
    ("typed", "normalized"),
    [
        ("029-88886666", "029-88886666"),
        ("02988886666", "029-88886666"),
        ("029 8888 6666", "029-88886666"),
        ("010-12345678", "010-12345678"),
        ("0913-2123456", "0913-2123456"),
        ("09132123456", "0913-2123456"),
        ("0913-21234567", "0913-21234567"),
        ("091321234567", "0913-21234567"),
        ("(029)88886666", "029-88886666"),
        ("(0913)-2123456", "0913-2123456"),
        ("（０２９）８８８８６６６６", "029-88886666"),
        ("０９１３－２１２３４５６", "0913-2123456"),
        ("029-88886666-123", "029-88886666-123"),
        ("029-88886666转123", "029-88886666-123"),
        ("029-88886666 ext. 8", "029-88886666-8"),
        ("0913-2123456#12", "0913-2123456-12"),
    ],
)
def test_fixed_line_with_area_code_is_accepted_and_normalised(typed: str, normalized: str) -> None:
    assert check_phone(typed) == []
    assert normalize_phone(typed) == normalized


@pytest.mark.parametrize(
    "typed",
    [
        "88886666",  # no area code
        "29-88886666",  # area code without the leading 0
        "0-88886666",
        "02-88886666",  # area code too short
        "09131-2123456",  # area code too long
        "029-123456",  # local number too short
        "029-123456789",  # local number too long
        "029--88886666",
        "029-88886666-",  # extension separator without digits
        "029-88886666-1234567",  # extension too long
        "(029-88886666",  # unbalanced parenthesis
        "029)88886666",
        "029-8888666a",
    ],
)
def test_malformed_fixed_line_is_invalid(typed: str) -> None:
    assert [problem.code for problem in check_phone(typed)] == ["PHONE_INVALID"]


@pytest.mark.parametrize("blank", ["", "   ", "\u3000", "\t\n", None])
def test_missing_phone_is_a_warning_not_an_error(blank: str | None) -> None:
    problems = check_phone(blank)

    assert [problem.code for problem in problems] == ["PHONE_EMPTY"]
    assert problems[0].severity is Severity.WARNING
    assert "为空" in problems[0].message


def test_invalid_message_quotes_what_was_typed_and_shows_both_valid_forms() -> None:
    message = check_phone("１２３４５")[0].message

    assert "“12345”" in message
    assert "11位手机号码" in message
    assert "区号" in message


def test_problems_name_the_field_they_were_asked_for() -> None:
    assert check_phone("123", field="member.phone")[0].field == "member.phone"
    assert check_phone("")[0].field == "household.phone"
    assert check_phone("123")[0].field == "household.phone"


def test_unrecognised_text_is_kept_when_normalised_so_nothing_typed_is_lost() -> None:
    assert normalize_phone(" 找 村 主任 ") == "找村主任"
    assert normalize_phone("１２３－４５") == "123-45"
    assert normalize_phone(None) == ""
