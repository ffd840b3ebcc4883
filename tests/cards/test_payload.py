"""The card's QR payload: short, signed, free of personal data, and read back the same."""

from __future__ import annotations

import re

import pytest

from desktop.cards.payload import (
    SIGNATURE_LENGTH,
    CardPayloadError,
    ParseFailure,
    encode_card,
    normalize_scanned,
    parse_card,
    signature_matches,
)
from desktop.cards.qr import make_qr

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
VILLAGE = "610727101201"
NUMBER = VILLAGE + "0001"
ALPHANUMERIC = re.compile(r"[0-9A-Z $%*+\-./:]+")


def test_a_card_code_reads_back_as_the_household_and_issue_it_was_made_for() -> None:
    text = encode_card(VILLAGE, NUMBER, 3, KEY)
    code = parse_card(text).code
    assert code is not None
    assert (code.village_code, code.household_number, code.issue) == (VILLAGE, NUMBER, 3)
    assert signature_matches(code, KEY)
    assert not signature_matches(code, OTHER_KEY)


def test_the_code_is_short_alphanumeric_and_names_no_person() -> None:
    text = encode_card(VILLAGE, NUMBER, 12, KEY)
    assert ALPHANUMERIC.fullmatch(text)
    assert len(text) <= 40
    assert text.startswith("FB1:") and len(text.rsplit(":", 1)[1]) == SIGNATURE_LENGTH


@pytest.mark.parametrize(("error", "max_version"), [("M", 2), ("Q", 3)])
def test_the_code_fits_a_small_qr_version(error: str, max_version: int) -> None:
    symbol = make_qr(encode_card(VILLAGE, NUMBER, 99, KEY), error)
    assert symbol.version <= max_version
    assert symbol.modules == 17 + 4 * symbol.version


def test_a_household_number_not_starting_with_its_village_code_is_carried_whole() -> None:
    text = encode_card(VILLAGE, "86300000184649", 1, KEY)
    assert f":{VILLAGE}/86300000184649:" in text
    code = parse_card(text).code
    assert code is not None
    assert (code.village_code, code.household_number) == (VILLAGE, "86300000184649")
    assert signature_matches(code, KEY)


def test_every_single_character_change_is_caught() -> None:
    text = encode_card(VILLAGE, NUMBER, 1, KEY)
    for position in range(len(text)):
        for replacement in "0179AZ:/":
            if text[position] == replacement:
                continue
            altered = text[:position] + replacement + text[position + 1 :]
            code = parse_card(altered).code
            assert code is None or not signature_matches(code, KEY), altered


def test_scanner_noise_is_normalised_before_reading() -> None:
    text = encode_card(VILLAGE, NUMBER, 1, KEY)
    full_width = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
    for typed in (text.lower(), f"  {text}\r\n", full_width):
        assert normalize_scanned(typed) == text
        code = parse_card(typed).code
        assert code is not None and signature_matches(code, KEY)


@pytest.mark.parametrize(
    ("text", "failure"),
    [
        ("https://example.com/qr/86300000184649", ParseFailure.NOT_A_CARD),
        ("王建国", ParseFailure.NOT_A_CARD),
        ("FB2:6107271012010001:1:AAAAAAAAAAAAA", ParseFailure.NEWER_FORMAT),
        ("FB1:6107271012010001:1", ParseFailure.MALFORMED),
        ("FB1:6107271012010001:0:AAAAAAAAAAAAA", ParseFailure.MALFORMED),
        ("FB1:6107271012010001:01:AAAAAAAAAAAAA", ParseFailure.MALFORMED),
        ("FB1:61072710120:1:AAAAAAAAAAAAA", ParseFailure.MALFORMED),
        ("FB1:6107271012010001:1:AAAAAAAAAAAA", ParseFailure.MALFORMED),
    ],
)
def test_text_that_is_not_a_readable_card_says_why(text: str, failure: ParseFailure) -> None:
    result = parse_card(text)
    assert result.code is None
    assert result.failure is failure


@pytest.mark.parametrize(
    ("village", "number", "issue"),
    [
        ("61072710120", NUMBER, 1),
        (VILLAGE, "61072710 1201", 1),
        (VILLAGE, NUMBER, 0),
        (VILLAGE, "户1", 1),
    ],
)
def test_values_a_card_cannot_carry_are_refused_in_chinese(
    village: str, number: str, issue: int
) -> None:
    with pytest.raises(CardPayloadError) as raised:
        encode_card(village, number, issue, KEY)
    assert re.search(r"[\u4e00-\u9fff]", str(raised.value))
