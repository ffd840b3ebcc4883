"""The county's keys the server keeps in its ``settings`` table and hands out at enrollment.

- ``card_key``: the key that signs household cards' QR codes (``desktop.store.card_key``); one per
  county, so a card printed on one laptop verifies on any other. Made on first use unless
  ``load-divisions`` brought the master laptop's key along.
- ``sync.bundle_key``: the server's X25519 private key; laptops seal their bundles to its public
  half (``sync.bundle``), so a lost USB stick leaks nothing.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from sqlalchemy.orm import Session

from desktop.store.card_key import CardKeyError, card_key, county_code
from desktop.store.settings import get_setting, set_setting
from sync.bundle import new_sealing_key, sealing_public_key

BUNDLE_KEY = "sync.bundle_key"


@dataclass(frozen=True)
class CountyKeys:
    """What a laptop receives at enrollment (base64 keys, the county's code)."""

    card_key: str | None
    county_code: str | None
    bundle_key: str


def bundle_private_key(session: Session) -> str:
    """The server's X25519 private key for opening bundles (made and committed on first use)."""
    stored = get_setting(session, BUNDLE_KEY)
    if stored:
        return stored
    stored = new_sealing_key()
    set_setting(session, BUNDLE_KEY, stored)
    session.commit()
    return stored


def county_keys(session: Session) -> CountyKeys:
    """The county's card key and code and the bundle key's public half (made if missing)."""
    key = card_key(session, create=True)
    try:
        code: str | None = county_code(session)
    except CardKeyError:
        code = None
    return CountyKeys(
        card_key=base64.b64encode(key).decode("ascii") if key else None,
        county_code=code,
        bundle_key=sealing_public_key(bundle_private_key(session)),
    )
