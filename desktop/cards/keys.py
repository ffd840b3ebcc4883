"""The county's card key and code, as the cards package names them (``desktop.store.card_key``)."""

from desktop.store.card_key import (
    CARD_KEY,
    COUNTY_CODE,
    KEY_BYTES,
    CardKeyError,
    card_key,
    county_code,
    set_card_key,
)

__all__ = [
    "CARD_KEY",
    "COUNTY_CODE",
    "KEY_BYTES",
    "CardKeyError",
    "card_key",
    "county_code",
    "set_card_key",
]
