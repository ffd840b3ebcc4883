"""Contact phone numbers: mainland mobiles (11 digits) and fixed lines with an area code.

Mobiles may carry a ``+86``/``86`` prefix and spaces or hyphens (``+86 138-0013-8000``).
Fixed lines are an area code (``0`` + 2–3 digits) and a 7–8 digit local number, with an
optional hyphen, optional parentheses round the area code and an optional extension
(``029-88886666-123``, ``(0913)2123456转8``). Full-width digits and signs are accepted.
"""

from __future__ import annotations

import re

from desktop.domain.problems import Problem, Severity, problem, t

_FULL_WIDTH_TO_ASCII = str.maketrans(
    {
        **{chr(ord("０") + digit): str(digit) for digit in range(10)},
        "＋": "+",
        "－": "-",
        "—": "-",
        "–": "-",
        "（": "(",
        "）": ")",
        "＃": "#",
    }
)

_MOBILE = re.compile(r"(?:\+?86)?(1[3-9]\d{9})")
# Area code and local number, with the hyphen or parentheses that separate them.
_FIXED_SEPARATED = re.compile(
    r"(?:\((?P<bracketed>0\d{2,3})\)-?|(?P<area>0\d{2,3})-)(?P<local>\d{7,8})"
)
# Area code and local number run together: 010 and 02x are 3-digit codes, all others 4-digit.
_FIXED_RUN_TOGETHER = re.compile(r"(?P<area>0(?:1\d|2\d|[3-9]\d{2}))(?P<local>\d{7,8})")
_EXTENSION = re.compile(r"(?:-|转|#|ext\.?|x)(\d{1,6})", re.IGNORECASE)


def normalize_phone(text: str | None) -> str:
    """The canonical form of a phone number.

    A mobile becomes its 11 digits; a fixed line becomes ``area-local`` (``-extension``
    appended when there is one). Anything not recognised is returned with full-width
    characters converted and whitespace removed, so nothing typed is lost.
    """
    cleaned = _clean(text)
    mobile = _match_mobile(cleaned)
    if mobile is not None:
        return mobile
    fixed = _match_fixed_line(cleaned)
    if fixed is not None:
        return fixed
    return cleaned


def check_phone(text: str | None, *, field: str = "household.phone") -> list[Problem]:
    """Problems with a contact phone: ``PHONE_EMPTY`` (warning) or ``PHONE_INVALID`` (error)."""
    cleaned = _clean(text)
    if not cleaned:
        return [
            problem(
                "PHONE_EMPTY",
                field,
                Severity.WARNING,
                t("联系电话为空，请填写11位手机号码或带区号的固定电话；确实没有电话请说明原因。"),
            )
        ]
    if _match_mobile(cleaned) is not None or _match_fixed_line(cleaned) is not None:
        return []
    return [
        problem(
            "PHONE_INVALID",
            field,
            Severity.ERROR,
            t(
                "联系电话“{phone}”格式不正确，应为11位手机号码（如13812345678）"
                "或带区号的固定电话（如029-88886666），请核对。",
                phone=cleaned,
            ),
        )
    ]


def _clean(text: str | None) -> str:
    if not text:
        return ""
    return "".join(text.split()).translate(_FULL_WIDTH_TO_ASCII)


def _match_mobile(cleaned: str) -> str | None:
    match = _MOBILE.fullmatch(cleaned.replace("-", ""))
    return match.group(1) if match else None


def _match_fixed_line(cleaned: str) -> str | None:
    for pattern in (_FIXED_SEPARATED, _FIXED_RUN_TOGETHER):
        match = pattern.match(cleaned)
        if match is None:
            continue
        area = match.group("area") or match.groupdict().get("bracketed")
        local = match.group("local")
        rest = cleaned[match.end() :]
        if not rest:
            return f"{area}-{local}"
        extension = _EXTENSION.fullmatch(rest)
        if extension is not None:
            return f"{area}-{local}-{extension.group(1)}"
    return None
