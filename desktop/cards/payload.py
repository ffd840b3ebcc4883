"""The QR payload of a household card: short, versioned, signed per county, no personal data.

The card hangs in a home, so the code says only which household it is and which issue of its
card it is, with a signature::

    FB1:<village code><rest of the household number>:<issue>:<signature>
    FB1:6107271010010001:1:JBSWY3DPEHPK3

- ``FB1`` is the format and its version; a later format is ``FB2`` …
- the second field is the household number (户编号) when it begins with the 12-digit village code
  (the demo's and the national system's numbers do); otherwise ``<village code>/<number>``;
- ``issue`` is the card's issue number (``Household.card_issue``): a reprint raises it and the
  older cards are revoked;
- the signature is HMAC-SHA256 over everything before it, under the county's secret card key,
  truncated to 64 bits and written in base32 without padding (13 characters).

Every character is in QR's alphanumeric set (digits, upper-case letters, ``:`` and ``/``), so a
16-digit household number makes a 36-character code: version 2 at error level M, version 3 at Q
(29 modules: under 0.9 mm a module at 25 mm). Nothing here reads a database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

FORMAT = "FB1"
FORMAT_PREFIX = "FB"
VILLAGE_CODE_LENGTH = 12
COUNTY_PREFIX_LENGTH = 6  # GB/T 2260: province, city, county
SIGNATURE_BYTES = 8
SIGNATURE_LENGTH = 13  # base32 characters of 8 bytes, padding dropped
MAX_ISSUE = 9999
_NUMBER = re.compile(r"[0-9A-Z][0-9A-Z-]*")
_VILLAGE = re.compile(r"[0-9]{12}")
_SIGNATURE = re.compile(r"[A-Z2-7]{13}")


class CardPayloadError(ValueError):
    """A card code cannot be made from these values (the message is Chinese)."""


class ParseFailure(StrEnum):
    """Why scanned text is not a readable card code (before any signature is checked)."""

    NOT_A_CARD = "not_a_card"  # another QR code, or typed text
    NEWER_FORMAT = "newer_format"  # FB2… from a newer release
    MALFORMED = "malformed"  # FB1 but broken: cut short or mistyped


@dataclass(frozen=True, slots=True)
class CardCode:
    """What a card's QR code says."""

    village_code: str
    household_number: str
    issue: int
    signature: str
    text: str  # the normalised code as scanned

    @property
    def county_prefix(self) -> str:
        """The six digits that name the county (province, city, county)."""
        return self.village_code[:COUNTY_PREFIX_LENGTH]

    @property
    def signed_part(self) -> str:
        """Everything the signature covers."""
        return self.text.rsplit(":", 1)[0]


@dataclass(frozen=True, slots=True)
class ParseResult:
    """Either a ``CardCode`` or why there is none."""

    code: CardCode | None
    failure: ParseFailure | None = None


def normalize_scanned(text: str) -> str:
    """Scanner input made comparable: full-width characters folded (an IME left on), spaces and
    line ends dropped, letters upper-cased (Caps Lock inverts a keyboard-wedge scanner's case)."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(folded.split()).upper()


def sign(signed_part: str, key: bytes) -> str:
    """The signature of ``signed_part`` under ``key``: 13 base32 characters."""
    digest = hmac.new(key, signed_part.encode("ascii"), hashlib.sha256).digest()
    return base64.b32encode(digest[:SIGNATURE_BYTES]).decode("ascii").rstrip("=")


def encode_card(village_code: str, household_number: str, issue: int, key: bytes) -> str:
    """The QR text of a card; raises ``CardPayloadError`` for values a card cannot carry."""
    if not _VILLAGE.fullmatch(village_code or ""):
        raise CardPayloadError(f"行政村代码应为12位数字: {village_code!r}")
    number = (household_number or "").strip()
    if not _NUMBER.fullmatch(number):
        raise CardPayloadError(f"户编号只能由数字、大写字母和“-”组成: {household_number!r}")
    if not 1 <= issue <= MAX_ISSUE:
        raise CardPayloadError(f"户卡版次应在 1 到 {MAX_ISSUE} 之间: {issue}")
    if not key:
        raise CardPayloadError("没有户卡密钥")
    who = number if number.startswith(village_code) else f"{village_code}/{number}"
    signed_part = f"{FORMAT}:{who}:{issue}"
    return f"{signed_part}:{sign(signed_part, key)}"


def parse_card(text: str) -> ParseResult:
    """Read scanned text as a card code, without checking its signature."""
    normal = normalize_scanned(text)
    head, _, rest = normal.partition(":")
    if not head.startswith(FORMAT_PREFIX) or not rest:
        return ParseResult(None, ParseFailure.NOT_A_CARD)
    if head != FORMAT:
        version = head[len(FORMAT_PREFIX) :]
        if version.isdigit() and int(version) > int(FORMAT[len(FORMAT_PREFIX) :]):
            return ParseResult(None, ParseFailure.NEWER_FORMAT)
        return ParseResult(None, ParseFailure.NOT_A_CARD)
    parts = rest.split(":")
    if len(parts) != 3:
        return ParseResult(None, ParseFailure.MALFORMED)
    who, issue_text, signature = parts
    if "/" in who:
        village, _, number = who.partition("/")
    else:
        village, number = who[:VILLAGE_CODE_LENGTH], who
    if (
        not _VILLAGE.fullmatch(village)
        or not _NUMBER.fullmatch(number)
        or not issue_text.isdigit()
        or not 1 <= int(issue_text) <= MAX_ISSUE
        or issue_text != str(int(issue_text))
        or not _SIGNATURE.fullmatch(signature)
    ):
        return ParseResult(None, ParseFailure.MALFORMED)
    return ParseResult(CardCode(village, number, int(issue_text), signature, normal))


def signature_matches(code: CardCode, key: bytes) -> bool:
    """Whether the code was signed with ``key`` (constant-time comparison)."""
    return bool(key) and hmac.compare_digest(sign(code.signed_part, key), code.signature)
