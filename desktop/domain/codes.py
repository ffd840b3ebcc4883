"""Code tables (与户主关系, 民族, 致贫原因 …) loaded from ``resources/codes/<name>.json``.

Each file holds one table: its name, a Chinese label, the national field it fills, where the
codes come from, whether several codes may be chosen at once, and the entries. An entry is a
``code`` and a ``label`` plus extra keys some tables need (``sex`` for relations,
``dangerous`` for housing grades, nested ``items`` for assistance categories …).
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from desktop.domain.resources import resource_path

CODES_DIR = "codes"
OPPOSITE_SEX = "opposite"


class CodeTableError(LookupError):
    """A code table file is missing or malformed."""


@dataclass(frozen=True)
class CodeTable:
    """One code table. Lookups never raise for an unknown code.

    The file's ``label`` (the table's Chinese name) is ``title`` here, because ``label(code)``
    is the lookup.
    """

    name: str
    title: str
    multi: bool
    entries: tuple[Mapping[str, Any], ...] = field(hash=False)
    national_field: str | None = None
    source: str = ""
    _index: dict[str, Mapping[str, Any]] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        index: dict[str, Mapping[str, Any]] = {}
        for entry in self.entries:
            for item in (entry, *entry.get("items", ())):
                code = item["code"]
                if code in index:
                    raise CodeTableError(f"代码表 {self.name} 中代码 {code} 重复")
                index[code] = item
        object.__setattr__(self, "_index", index)

    def codes(self) -> list[str]:
        """The top-level codes in file order (nested ``items`` are not included)."""
        return [e["code"] for e in self.entries]

    def entry(self, code: str) -> dict[str, Any] | None:
        """A copy of the entry for ``code`` (top level or nested item), or None."""
        found = self._index.get(code)
        return copy.deepcopy(dict(found)) if found is not None else None

    def label(self, code: str) -> str:
        """The Chinese label of ``code``; an unknown code comes back as ``[code]``."""
        found = self._index.get(code)
        return str(found["label"]) if found is not None else f"[{code}]"

    def labels(self, codes: Iterable[str]) -> list[str]:
        """Labels for several codes (for multi-select tables such as 健康状况)."""
        return [self.label(c) for c in codes]

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._index

    def __len__(self) -> int:
        return len(self.entries)


def _load(name: str) -> CodeTable:
    path = resource_path(CODES_DIR, f"{name}.json")
    if not path.is_file():
        raise CodeTableError(f"找不到代码表 {name}({path})")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return CodeTable(
            name=data["name"],
            title=data["label"],
            multi=bool(data["multi"]),
            entries=tuple(data["codes"]),
            national_field=data.get("national_field"),
            source=data.get("source", ""),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise CodeTableError(f"代码表 {name} 格式错误:{exc}") from exc


@functools.cache
def code_table(name: str) -> CodeTable:
    """The code table ``name`` (cached). Raises ``CodeTableError`` if the file is missing."""
    table = _load(name)
    if table.name != name:
        raise CodeTableError(f"代码表文件 {name}.json 的名称是 {table.name}")
    return table


def table_names() -> list[str]:
    """Names of all code tables shipped in ``resources/codes``, sorted."""
    return sorted(p.stem for p in resource_path(CODES_DIR).glob("*.json"))


def implied_sex(relation_code: str, head_sex: str | None) -> str | None:
    """The sex code a relation to the head implies, or None when it implies none.

    配偶 implies the sex opposite to the head's (None if the head's sex is unknown).
    """
    entry = code_table("relation").entry(relation_code)
    if entry is None:
        return None
    sex = entry.get("sex")
    if sex != OPPOSITE_SEX:
        return sex
    sexes = code_table("sex").codes()
    if head_sex not in sexes:
        return None
    others = [s for s in sexes if s != head_sex]
    return others[0] if len(others) == 1 else None
