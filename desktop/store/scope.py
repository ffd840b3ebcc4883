"""Which villages this laptop is enrolled for, and whether a household lies outside them."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.store.models import Division, Setting

SETTING_VILLAGES = "sync.villages"
"""Written by ``sync.client`` at enrollment: the village codes the laptop may sync."""


def enrolled_village_codes(session: Session) -> list[str] | None:
    """The codes of the villages this laptop is enrolled for; ``None`` if it is not enrolled."""
    setting = session.get(Setting, SETTING_VILLAGES)
    if setting is None:
        return None
    try:
        codes = json.loads(setting.value)
    except ValueError:
        return None
    return [str(c) for c in codes] if isinstance(codes, list) else None


def outside_enrolment(session: Session, village_id: str | None) -> tuple[str, list[str]] | None:
    """``(village name, enrolled village names)`` when the laptop is enrolled and ``village_id``
    is not one of its villages (the server will refuse what is saved there); else ``None``."""
    codes = enrolled_village_codes(session)
    if codes is None or not village_id:
        return None
    village = session.get(Division, village_id)
    if village is None or village.code in codes:
        return None
    names = list(session.scalars(select(Division.name).where(Division.code.in_(codes))))
    return village.name, names or codes
