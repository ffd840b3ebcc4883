"""Column maps: what each spreadsheet's columns are (``resources/exchange/<name>.json``).

For each column its field, Chinese header, national field code (AAC…, AAB…; ``null`` where the
national form has none), kind, code table, aliases an import accepts and whether it is internal.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass

from desktop.domain.resources import resource_path

EXCHANGE_DIR = "exchange"


class ExchangeError(Exception):
    """A file could not be read or written as asked; the message is for the person."""


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a map."""

    field: str
    header: str
    national: str | None = None
    kind: str = "text"  # text | int | number | date | bool | code | codes
    table: str | None = None
    internal: bool = False
    aliases: tuple[str, ...] = ()
    required: bool = False
    width: int | None = None  # characters; default from the header
    wrap: bool = False  # long text wraps inside the cell (lists meant to be printed)


@dataclass(frozen=True)
class ColumnMap:
    """A sheet's columns (``resources/exchange/<name>.json``)."""

    name: str
    sheet: str
    columns: tuple[ColumnSpec, ...]
    national_table: str | None = None
    source: str = ""

    def visible(self, *, internal: bool) -> tuple[ColumnSpec, ...]:
        """The columns an export writes (internal ones only in an internal export)."""
        return tuple(c for c in self.columns if internal or not c.internal)


@functools.cache
def column_map(name: str) -> ColumnMap:
    """The column map ``name`` (cached)."""
    path = resource_path(EXCHANGE_DIR, f"{name}.json")
    if not path.is_file():
        raise ExchangeError(f"找不到表格列定义 {name}（{path}）")
    data = json.loads(path.read_text(encoding="utf-8"))
    columns = tuple(
        ColumnSpec(
            field=c["field"],
            header=c["header"],
            national=c.get("national"),
            kind=c.get("kind", "text"),
            table=c.get("table"),
            internal=bool(c.get("internal", False)),
            aliases=tuple(c.get("aliases", ())),
            required=bool(c.get("required", False)),
            width=c.get("width"),
        )
        for c in data["columns"]
    )
    return ColumnMap(
        name=data["name"],
        sheet=data["sheet"],
        columns=columns,
        national_table=data.get("national_table"),
        source=data.get("source", ""),
    )
