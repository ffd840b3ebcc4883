"""The county's card key and code, kept in the ``settings`` table: their one home.

The printing side (``desktop.cards``) and the sync side (``sync.client`` receives the key at
enrollment, ``sync.server.keys`` hands it out) both use this module; it lives in the store,
below both, so that sync never imports the cards package for it.

The key signs every card's QR code (``desktop.cards.payload``). It is a random 32-byte secret,
stored base64 under ``card_key`` and created on first use. Cards printed on one laptop verify on
another only if both hold the same key: a laptop that joins a county must receive the county's
key (``set_card_key``) before it prints or scans.
"""

from __future__ import annotations

import base64
import binascii
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.store.models import Division
from desktop.store.settings import get_setting, set_setting

CARD_KEY = "card_key"
COUNTY_CODE = "county_code"
KEY_BYTES = 32


class CardKeyError(LookupError):
    """No usable card key or county code (the message is Chinese)."""


def card_key(session: Session, *, create: bool = False) -> bytes | None:
    """The county's card key; with ``create`` a new one is made, stored and committed if none."""
    stored = get_setting(session, CARD_KEY)
    if stored:
        try:
            key = base64.b64decode(stored, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise CardKeyError("设置中的户卡密钥已损坏,请从县里重新获取") from exc
        if len(key) < 16:
            raise CardKeyError("设置中的户卡密钥太短,请从县里重新获取")
        return key
    if not create:
        return None
    key = secrets.token_bytes(KEY_BYTES)
    set_setting(session, CARD_KEY, base64.b64encode(key).decode("ascii"))
    session.commit()
    return key


def set_card_key(session: Session, key_b64: str) -> None:
    """Store the county's key as received (base64); the caller commits."""
    try:
        key = base64.b64decode(key_b64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise CardKeyError("户卡密钥格式不对(应为 base64)") from exc
    if len(key) < 16:
        raise CardKeyError("户卡密钥太短(至少 16 字节)")
    set_setting(session, CARD_KEY, key_b64)


def county_code(session: Session) -> str:
    """The 12-digit code of this database's county: the setting, else its only county division."""
    stored = get_setting(session, COUNTY_CODE)
    if stored:
        return stored
    codes = session.scalars(
        select(Division.code).where(Division.level == "county", Division.deleted.is_(False))
    ).all()
    if len(codes) == 1:
        return codes[0]
    raise CardKeyError("数据库没有设置所属县(county_code),无法打印或核验户卡")
