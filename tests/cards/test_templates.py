"""Card templates: the default fits A4 with room for the QR code's quiet zone; bad ones are refused."""

from __future__ import annotations

import copy
import tomllib

import pytest

from desktop.cards.payload import encode_card
from desktop.cards.qr import make_qr
from desktop.cards.templates import TemplateError, load_template, parse_template, template_path


def _default_data() -> dict:
    return tomllib.loads(template_path().read_text(encoding="utf-8"))


def test_the_default_card_is_credit_card_size_ten_to_an_a4_sheet() -> None:
    t = load_template()
    assert t.card_mm == (85.6, 54.0)
    assert t.page_mm == (210.0, 297.0)
    assert t.per_page == 10
    assert t.qr_size_mm == 25.0
    assert t.cut_marks


def test_the_quiet_zone_is_at_least_four_modules_of_the_printed_code() -> None:
    t = load_template()
    symbol = make_qr(encode_card("610727101201", "6107271012019999", 9999, b"k" * 32), t.qr_error)
    module_mm = t.qr_size_mm / symbol.modules
    assert t.qr_quiet_zone_mm >= 4 * module_mm


def test_a_template_naming_a_field_a_card_does_not_have_is_refused() -> None:
    data = _default_data()
    data["text"].append(
        {"text": "身份证 {id_number}", "x_mm": 4, "y_mm": 46, "size": 6, "max_width_mm": 40}
    )
    with pytest.raises(TemplateError, match="id_number"):
        parse_template(data)


def test_text_in_the_qr_codes_quiet_zone_is_refused() -> None:
    data = _default_data()
    data["text"].append(
        {"text": "{village}", "x_mm": 50, "y_mm": 30, "size": 8, "max_width_mm": 20}
    )
    with pytest.raises(TemplateError, match="空白区"):
        parse_template(data)


def test_more_cards_than_the_page_holds_are_refused() -> None:
    data = copy.deepcopy(_default_data())
    data["page"]["rows"] = 6
    with pytest.raises(TemplateError, match="放不进"):
        parse_template(data)
