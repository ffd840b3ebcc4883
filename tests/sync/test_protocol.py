"""The wire format: one error shape with stable codes, consecutive batches, enrollment text,
and the canonical values both ends compare (``desktop.store.sync_apply``)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from desktop.store.models import Income
from desktop.store.sync_apply import WireValueError, canonical_fields, from_wire
from sync.protocol import (
    ERROR_MESSAGES,
    ErrorCode,
    PushRequest,
    decode_enrollment,
    encode_enrollment,
)


def change(seq: int) -> dict:
    return {
        "change_id": f"01900000-0000-7000-8000-{seq:012d}",
        "device_seq": seq,
        "entity": "households",
        "entity_id": "h1",
        "village_code": "610424100201",
        "op": "update",
        "base_version": 1,
        "fields": {"phone": "139"},
        "edited_at": "0",
    }


def test_every_error_code_has_a_chinese_message() -> None:
    assert set(ERROR_MESSAGES) == set(ErrorCode)
    for message in ERROR_MESSAGES.values():
        assert any("\u4e00" <= ch <= "\u9fff" for ch in message)


def test_a_batch_must_hold_consecutive_device_seqs_from_first_seq() -> None:
    ok = PushRequest.model_validate(
        {"device_id": "d", "batch_id": "b", "first_seq": 4, "changes": [change(4), change(5)]}
    )
    assert [c.device_seq for c in ok.changes] == [4, 5]
    with pytest.raises(ValidationError, match="consecutive"):
        PushRequest.model_validate(
            {"device_id": "d", "batch_id": "b", "first_seq": 4, "changes": [change(4), change(6)]}
        )
    with pytest.raises(ValidationError):
        PushRequest.model_validate(
            {"device_id": "d", "batch_id": "b", "first_seq": 4, "changes": [change(4)], "x": 1}
        )


def test_an_enrollment_code_round_trips_through_its_text_form() -> None:
    text = encode_enrollment("AbC-123_xyz", "https://县服务器.example.cn:8443")
    assert text.startswith("FBE1:") and "=" not in text
    assert decode_enrollment(f"  {text}\n") == ("AbC-123_xyz", "https://县服务器.example.cn:8443")
    assert decode_enrollment("bare-code-typed-in") == ("bare-code-typed-in", None)
    with pytest.raises(ValueError):
        decode_enrollment("FBE1:@@@not-base64@@@")


def test_money_is_compared_in_one_canonical_form() -> None:
    assert canonical_fields("incomes", {"wage_income": "6000"}) == {"wage_income": "6000.00"}
    assert canonical_fields("incomes", {"wage_income": 6000.5}) == {"wage_income": "6000.50"}
    assert str(from_wire(Income, "wage_income", "6000.00")) == "6000.00"


@pytest.mark.parametrize(
    ("entity", "fields", "field"),
    [
        ("households", {"no_such_field": 1}, "no_such_field"),
        ("households", {"phone": "1" * 31}, "phone"),
        ("households", {"marginal": "yes"}, "marginal"),
        ("households", {"household_number": None}, "household_number"),
        ("members", {"birth_date": "1970-13-01"}, "birth_date"),
        ("incomes", {"wage_income": "一千"}, "wage_income"),
        ("incomes", {"policy_year": 2019.5}, "policy_year"),
    ],
)
def test_a_value_that_does_not_fit_its_column_is_named_in_the_error(entity, fields, field) -> None:
    with pytest.raises(WireValueError) as error:
        canonical_fields(entity, fields)
    assert error.value.field == field
