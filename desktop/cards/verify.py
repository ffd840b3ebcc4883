"""Checking a scanned card against the database: whose card it is, and whether it is still valid.

The checks run in this order, each with its own verdict and Chinese message: the text is a
Fieldbook card code at all; the card is of this county (the village code's first six digits);
its signature holds under the county's key (else it was altered, or forged); the household is
in this database and not deleted; the card's issue is the one in force (an older issue was
revoked by a reprint). A card newer than the database (reprinted on another laptop, not yet
synced) is genuine: it opens the household, with a note to sync.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.cards.keys import CardKeyError, card_key, county_code
from desktop.cards.payload import (
    COUNTY_PREFIX_LENGTH,
    ParseFailure,
    parse_card,
    signature_matches,
)
from desktop.store.card_register import issues_in_force
from desktop.store.models import Household


class Verdict(StrEnum):
    """The outcome of a scan, stable for tests and logs."""

    VALID = "valid"
    VALID_NEWER = "valid_newer"  # genuine, newer than this database: sync soon
    NOT_A_CARD = "not_a_card"
    NEWER_FORMAT = "newer_format"
    MALFORMED = "malformed"
    FOREIGN_COUNTY = "foreign_county"
    ALTERED = "altered"
    UNKNOWN_HOUSEHOLD = "unknown_household"
    DELETED = "deleted"
    REVOKED = "revoked"
    NO_KEY = "no_key"


OPENS_HOUSEHOLD = frozenset({Verdict.VALID, Verdict.VALID_NEWER})


@dataclass(frozen=True, slots=True)
class CardCheck:
    """A scan's verdict, its Chinese message, and the household when the card opens it."""

    verdict: Verdict
    message: str
    household_id: str | None = None
    household_number: str | None = None
    issue: int | None = None
    issue_in_force: int | None = None

    @property
    def opens_household(self) -> bool:
        return self.verdict in OPENS_HOUSEHOLD


_PARSE_MESSAGES = {
    ParseFailure.NOT_A_CARD: (Verdict.NOT_A_CARD, "这不是本系统户卡的二维码"),
    ParseFailure.NEWER_FORMAT: (
        Verdict.NEWER_FORMAT,
        "这张户卡由更新版本的程序打印,请先升级本机程序再扫描",
    ),
    ParseFailure.MALFORMED: (Verdict.MALFORMED, "户卡二维码读得不完整或有误,请重新扫描"),
}


def check_card(session: Session, text: str) -> CardCheck:
    """Verify scanned ``text`` against this database. Only reads."""
    parsed = parse_card(text)
    if parsed.code is None:
        assert parsed.failure is not None
        verdict, message = _PARSE_MESSAGES[parsed.failure]
        return CardCheck(verdict, message)
    code = parsed.code
    try:
        county = county_code(session)
        key = card_key(session)
    except CardKeyError as exc:
        return CardCheck(Verdict.NO_KEY, str(exc), household_number=code.household_number)
    if code.county_prefix != county[:COUNTY_PREFIX_LENGTH]:
        return CardCheck(
            Verdict.FOREIGN_COUNTY,
            f"这是其他县(区划代码 {code.county_prefix})的户卡,不是本县"
            f"({county[:COUNTY_PREFIX_LENGTH]})的",
            household_number=code.household_number,
            issue=code.issue,
        )
    if key is None:
        return CardCheck(
            Verdict.NO_KEY,
            "本机还没有本县的户卡密钥,无法核验户卡;请先从县里同步密钥",
            household_number=code.household_number,
        )
    if not signature_matches(code, key):
        return CardCheck(
            Verdict.ALTERED,
            "户卡二维码的签名不符:内容被改动过,或不是本县打印的户卡",
            household_number=code.household_number,
            issue=code.issue,
        )
    row = session.execute(
        select(Household.id, Household.head_name, Household.card_issue, Household.deleted).where(
            Household.household_number == code.household_number
        )
    ).first()
    if row is None:
        return CardCheck(
            Verdict.UNKNOWN_HOUSEHOLD,
            f"户卡有效,但本机没有户编号 {code.household_number} 的数据(可能不是本机负责的村)",
            household_number=code.household_number,
            issue=code.issue,
        )
    household_id, head, in_force, deleted = row
    in_force = issues_in_force(session, [household_id]).get(household_id, in_force)
    common = dict(
        household_id=household_id,
        household_number=code.household_number,
        issue=code.issue,
        issue_in_force=in_force,
    )
    if deleted:
        return CardCheck(
            Verdict.DELETED,
            f"户编号 {code.household_number} 已从名册中删除,这张户卡无效",
            **{**common, "household_id": None},
        )
    if code.issue < in_force:
        return CardCheck(
            Verdict.REVOKED,
            f"这张户卡已作废:户编号 {code.household_number}({head or '户主未填'})已补打"
            f"第 {in_force} 版户卡,扫描的是第 {code.issue} 版",
            **{**common, "household_id": None},
        )
    if code.issue > in_force:
        return CardCheck(
            Verdict.VALID_NEWER,
            f"户编号 {code.household_number}({head or '户主未填'})的第 {code.issue} 版户卡有效;"
            f"本机记录的是第 {in_force} 版,请尽快同步",
            **common,
        )
    return CardCheck(
        Verdict.VALID,
        f"户编号 {code.household_number}({head or '户主未填'})的第 {code.issue} 版户卡有效",
        **common,
    )
