"""Resident ID numbers (公民身份号码, GB 11643-1999) and disability certificate numbers (残疾人证号).

A resident ID has 18 characters: a 6-digit region code, the birth date ``yyyymmdd``, a
3-digit order code whose last digit is odd for men and even for women, and an ISO 7064
MOD 11-2 check character (``0``–``9`` or ``X``). A second-generation disability certificate
number is the holder's 18-character ID followed by the disability category (1–7) and grade
(1–4). Old 15-digit IDs (2-digit year, no check character) are recognised but refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Literal

from desktop.domain.clock import today as clock_today
from desktop.domain.problems import Problem, Severity, Text, problem, t, term

IdKind = Literal["resident18", "legacy15", "disability20", "unknown"]

MALE = "1"
FEMALE = "2"

RESIDENT_LENGTH = 18
LEGACY_LENGTH = 15
DISABILITY_LENGTH = 20

EARLIEST_BIRTH_DATE = date(1900, 1, 1)

CHECK_WEIGHTS: tuple[int, ...] = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"

# First two digits of every province-level division (GB/T 2260), incl. 71 台湾, 81 香港, 82 澳门.
PROVINCE_CODES: frozenset[str] = frozenset(
    [f"{code:02d}" for code in range(11, 16)]
    + [f"{code:02d}" for code in range(21, 24)]
    + [f"{code:02d}" for code in range(31, 38)]
    + [f"{code:02d}" for code in range(41, 47)]
    + [f"{code:02d}" for code in range(50, 55)]
    + [f"{code:02d}" for code in range(61, 66)]
    + ["71", "81", "82"]
)

DISABILITY_CATEGORIES: dict[int, str] = {
    1: "视力残疾",
    2: "听力残疾",
    3: "言语残疾",
    4: "肢体残疾",
    5: "智力残疾",
    6: "精神残疾",
    7: "多重残疾",
}
DISABILITY_GRADES: dict[int, str] = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}

_FULL_WIDTH_TO_ASCII = str.maketrans(
    {
        **{chr(ord("０") + digit): str(digit) for digit in range(10)},
        "Ｘ": "X",
        "ｘ": "X",
        "x": "X",
    }
)
# Invisible characters that come along when numbers are pasted from spreadsheets or web pages.
_INVISIBLE_CHARACTERS = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def normalize_id(text: str | None) -> str:
    """The number as typed, without any whitespace, with ASCII digits and an upper-case ``X``."""
    if not text:
        return ""
    without_whitespace = "".join(text.split()).translate(_INVISIBLE_CHARACTERS)
    return without_whitespace.translate(_FULL_WIDTH_TO_ASCII)


def id_check_digit(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character (``0``–``9`` or ``X``) for the first 17 digits."""
    if len(first17) != RESIDENT_LENGTH - 1 or not _is_ascii_digits(first17):
        raise ValueError(f"expected 17 ASCII digits, got {first17!r}")
    total = sum(int(digit) * weight for digit, weight in zip(first17, CHECK_WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


@dataclass(frozen=True, slots=True)
class IdInfo:
    """What an ID or disability certificate number says, and what is wrong with it.

    ``birth_date`` is the date written in the number when that is a real calendar date (even
    if it lies in the future); ``sex`` is the national code ``"1"`` (male) or ``"2"`` (female);
    ``disability_category`` and ``disability_grade`` are set only when they are in range.
    """

    number: str
    kind: IdKind
    birth_date: date | None = None
    sex: str | None = None
    region_code: str | None = None
    disability_category: int | None = None
    disability_grade: int | None = None
    problems: tuple[Problem, ...] = ()

    @property
    def is_valid(self) -> bool:
        """True when no problem is an error (warnings such as ``ID_TOO_OLD`` are allowed)."""
        return not any(problem.is_error for problem in self.problems)


def check_id(
    text: str | None, *, today: date | None = None, field: str = "member.id_number"
) -> IdInfo:
    """Parse and check a resident ID (18), an old ID (15) or a disability certificate number (20)."""
    return _check_id_cached(text, today or clock_today(), field)


@lru_cache(maxsize=1 << 18)
def _check_id_cached(text: str | None, today: date, field: str) -> IdInfo:
    # Cached per distinct number: the answer depends only on the arguments and is immutable
    # (frozen IdInfo and Problem), and an audit checks every member's number again each run.
    return _check_id(text, today, field)


def _check_id(text: str | None, today: date, field: str) -> IdInfo:
    number = normalize_id(text)
    found = _Findings(field)

    if not number:
        found.error(
            "ID_EMPTY", t("证件号码为空，请填写18位身份证号码（残疾人填写20位残疾人证号）。")
        )
        return IdInfo(number=number, kind="unknown", problems=found.as_tuple())

    kind = _kind_for_length(len(number))
    if kind == "unknown":
        found.error(
            "ID_BAD_LENGTH",
            t(
                "证件号码长度为{length}位，应为18位身份证号码（残疾人证号为20位），请核对是否多输或漏输。",
                length=len(number),
            ),
        )
        bad = _bad_characters(number, check_position=len(number) - 1)
        if bad:
            found.error("ID_BAD_CHARS", _bad_chars_message(bad, kind))
        return IdInfo(number=number, kind=kind, problems=found.as_tuple())

    check_position = None if kind == "legacy15" else RESIDENT_LENGTH - 1
    bad = _bad_characters(number, check_position=check_position)
    if bad:
        found.error("ID_BAD_CHARS", _bad_chars_message(bad, kind))
        return IdInfo(number=number, kind=kind, problems=found.as_tuple())

    if kind == "legacy15":
        return _check_legacy(number, today, found)
    if kind == "resident18":
        return _check_resident(number, today, found, subject=term("身份证号码"))

    base = _check_resident(
        number[:RESIDENT_LENGTH], today, found, subject=term("残疾人证号前18位（身份证号码）")
    )
    category, grade = int(number[18]), int(number[19])
    if category not in DISABILITY_CATEGORIES:
        found.error(
            "DISABILITY_BAD_CATEGORY",
            t(
                "残疾人证号第19位是残疾类别，应为1–7（1视力 2听力 3言语 4肢体 5智力 6精神 7多重），"
                "现为{category}，请按残疾人证核对。",
                category=category,
            ),
        )
    if grade not in DISABILITY_GRADES:
        found.error(
            "DISABILITY_BAD_GRADE",
            t(
                "残疾人证号第20位是残疾等级，应为1–4（一级至四级），现为{grade}，请按残疾人证核对。",
                grade=grade,
            ),
        )
    return IdInfo(
        number=number,
        kind="disability20",
        birth_date=base.birth_date,
        sex=base.sex,
        region_code=base.region_code,
        disability_category=category if category in DISABILITY_CATEGORIES else None,
        disability_grade=grade if grade in DISABILITY_GRADES else None,
        problems=found.as_tuple(),
    )


def age_on(birth: date, on: date) -> int:
    """Whole years from ``birth`` to ``on`` (周岁); a 29 February birthday counts on 1 March."""
    if on < birth:
        raise ValueError(f"date {on} is before the birth date {birth}")
    had_birthday = (on.month, on.day) >= (birth.month, birth.day)
    return on.year - birth.year - (0 if had_birthday else 1)


def make_id_number(region_code: str, birth: date, sequence: int, sex: str) -> str:
    """A valid 18-digit ID: order code = two digits of ``sequence`` (0–99) + an odd/even sex digit."""
    if len(region_code) != 6 or not _is_ascii_digits(region_code):
        raise ValueError(f"region code must be 6 digits, got {region_code!r}")
    if region_code[:2] not in PROVINCE_CODES:
        raise ValueError(f"region code {region_code!r} has no valid province code")
    if not 0 <= sequence <= 99:
        raise ValueError(f"sequence must be 0–99, got {sequence}")
    if sex not in (MALE, FEMALE):
        raise ValueError(f"sex must be '1' (male) or '2' (female), got {sex!r}")
    if birth.year < 1000:
        raise ValueError(f"birth year must have four digits, got {birth.year}")
    sex_digit = "1" if sex == MALE else "2"
    first17 = (
        f"{region_code}{birth.year:04d}{birth.month:02d}{birth.day:02d}{sequence:02d}{sex_digit}"
    )
    return first17 + id_check_digit(first17)


def make_disability_number(id_number: str, category: int, grade: int) -> str:
    """A disability certificate number: a valid 18-character ID + category (1–7) + grade (1–4)."""
    number = normalize_id(id_number)
    info = check_id(number)
    if info.kind != "resident18" or not info.is_valid:
        raise ValueError(f"not a valid 18-character ID number: {id_number!r}")
    if category not in DISABILITY_CATEGORIES:
        raise ValueError(f"disability category must be 1–7, got {category}")
    if grade not in DISABILITY_GRADES:
        raise ValueError(f"disability grade must be 1–4, got {grade}")
    return f"{number}{category}{grade}"


class _Findings:
    """Collects the problems of one number, all for the same field."""

    def __init__(self, field: str) -> None:
        self.field = field
        self.problems: list[Problem] = []

    def error(self, code: str, message: Text) -> None:
        self.problems.append(problem(code, self.field, Severity.ERROR, message))

    def warning(self, code: str, message: Text) -> None:
        self.problems.append(problem(code, self.field, Severity.WARNING, message))

    def as_tuple(self) -> tuple[Problem, ...]:
        return tuple(self.problems)


def _is_ascii_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


_KIND_BY_LENGTH: dict[int, IdKind] = {
    RESIDENT_LENGTH: "resident18",
    LEGACY_LENGTH: "legacy15",
    DISABILITY_LENGTH: "disability20",
}


def _kind_for_length(length: int) -> IdKind:
    return _KIND_BY_LENGTH.get(length, "unknown")


def _bad_characters(number: str, *, check_position: int | None) -> str:
    """The characters that may not stand where they stand, in order, each once."""
    if number.isascii() and number.isdigit():  # the usual case, without a loop
        return ""
    if (
        check_position == len(number) - 1
        and number[-1] == "X"
        and number[:-1].isascii()
        and number[:-1].isdigit()
    ):
        return ""
    bad: list[str] = []
    for position, character in enumerate(number):
        allowed = _is_ascii_digits(character) or (character == "X" and position == check_position)
        if not allowed and character not in bad:
            bad.append(character)
    return "".join(bad)


def _bad_chars_message(bad: str, kind: IdKind) -> Text:
    shown = [t("“{character}”", character=character) for character in bad]
    if kind == "legacy15":
        rule = term("15位旧身份证号码只能由数字组成")
    else:
        rule = term("只能由数字组成（只有第18位校验码可以是X）")
    return t("证件号码含有无效字符{shown}，{rule}，请核对。", shown=shown, rule=rule)


def _check_legacy(number: str, today: date, found: _Findings) -> IdInfo:
    """An old 15-digit ID: refused, but its birth date (19yy) and sex are still read."""
    found.error(
        "ID_LEGACY_15",
        t("这是15位旧身份证号码，需换成18位身份证号码（见新身份证或户口簿）。"),
    )
    subject = term("身份证号码")
    province_ok = _check_province(number, found, subject=subject)
    birth = _check_birth_date(
        f"19{number[6:12]}", today, found, subject=subject, positions=term("第7–12位")
    )
    return IdInfo(
        number=number,
        kind="legacy15",
        birth_date=birth,
        sex=_sex_from_digit(number[14]),
        region_code=number[:6] if province_ok else None,
        problems=found.as_tuple(),
    )


def _check_resident(number: str, today: date, found: _Findings, *, subject: Text) -> IdInfo:
    """The checks of an 18-character resident ID; problems go to ``found``."""
    province_ok = _check_province(number, found, subject=subject)
    birth = _check_birth_date(
        number[6:14], today, found, subject=subject, positions=term("第7–14位")
    )
    if id_check_digit(number[:17]) != number[17]:
        found.error(
            "ID_BAD_CHECK_DIGIT",
            t("{subject}校验码（第18位）错误，请逐位核对号码。", subject=subject),
        )
    return IdInfo(
        number=number,
        kind="resident18",
        birth_date=birth,
        sex=_sex_from_digit(number[16]),
        region_code=number[:6] if province_ok else None,
        problems=found.as_tuple(),
    )


def _check_province(number: str, found: _Findings, *, subject: Text) -> bool:
    province = number[:2]
    if province in PROVINCE_CODES:
        return True
    found.error(
        "ID_BAD_PROVINCE",
        t(
            "{subject}前两位“{province}”不是有效的省级行政区划代码（如陕西为61），请核对号码。",
            subject=subject,
            province=province,
        ),
    )
    return False


def _check_birth_date(
    yyyymmdd: str, today: date, found: _Findings, *, subject: Text, positions: Text
) -> date | None:
    shown = t("{year}年{month}月{day}日", year=yyyymmdd[:4], month=yyyymmdd[4:6], day=yyyymmdd[6:])
    places = {"subject": subject, "shown": shown, "positions": positions}
    try:
        birth = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:
        found.error(
            "ID_BAD_BIRTH_DATE",
            t("{subject}中的出生日期{shown}不是有效日期，请核对{positions}。", **places),
        )
        return None
    if birth > today:
        found.error(
            "ID_FUTURE_BIRTH_DATE",
            t("{subject}中的出生日期{shown}晚于今天，请核对{positions}。", **places),
        )
    elif birth < EARLIEST_BIRTH_DATE:
        found.warning(
            "ID_TOO_OLD",
            t("{subject}中的出生日期{shown}早于1900年，请核对{positions}。", **places),
        )
    return birth


def _sex_from_digit(digit: str) -> str:
    return MALE if int(digit) % 2 == 1 else FEMALE
