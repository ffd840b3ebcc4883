"""Seeding a server from a laptop's database: the division tree (same ids), or the whole registry.

The server applies pushed changes into the registry tables, and a household names its village
by the division's id, so the server must hold the county's division tree with the very ids the
laptops have before the first push. ``fieldbook-server load-divisions --from LAPTOP_DB`` copies
it from the county's master file (a demo county, or the import from the national system); with
``--all`` every registry table comes along (the county's baseline: households, members …), so
laptops and server start from the same rows at version 0.

Rows the server already has (same id) are left alone, so a load can be repeated and a second
county added later. The county's settings come along when the server has none of its own:
``county_code``, ``policy_year`` and the card key (``card_key``: cards printed on the master
laptop keep verifying once every laptop has enrolled and received the key from the server).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import case, insert, select

from desktop.store.db import Database, open_database
from desktop.store.models import REGISTRY_MODELS, Base, Division, Setting

COPIED_SETTINGS = ("county_code", "policy_year", "card_key")
CHUNK = 2000
LEVEL_ORDER = case(
    {"county": 0, "township": 1, "village": 2, "hamlet": 3}, value=Division.level, else_=4
)


@dataclass
class SeedSummary:
    """Rows copied per table, rows already there, settings taken over."""

    copied: dict[str, int] = field(default_factory=dict)
    existing: dict[str, int] = field(default_factory=dict)
    settings: list[str] = field(default_factory=list)


def load_registry(server: Database, source: str | Path, *, everything: bool = False) -> SeedSummary:
    """Copy the division tree (or, with ``everything``, every registry table) from ``source``."""
    path = Path(source)
    if "://" not in str(source) and not path.is_file():
        raise FileNotFoundError(f"找不到数据库文件: {source}")
    laptop = open_database(source)
    summary = SeedSummary()
    try:
        tables = [Division.__table__]
        if everything:
            registry = {model.__table__ for model in REGISTRY_MODELS}
            tables = [t for t in Base.metadata.sorted_tables if t in registry]
        with laptop.session() as reader, server.session() as writer:
            for table in tables:
                query = select(table)
                if table is Division.__table__:
                    query = query.order_by(LEVEL_ORDER, Division.code)  # parents first
                copied = existing = 0
                result = reader.execute(query).mappings()
                while rows := result.fetchmany(CHUNK):
                    ids = [row["id"] for row in rows]
                    have = set(writer.scalars(select(table.c.id).where(table.c.id.in_(ids))))
                    fresh = [dict(row) for row in rows if row["id"] not in have]
                    if fresh:
                        writer.execute(insert(table), fresh)
                    copied += len(fresh)
                    existing += len(have)
                summary.copied[table.name] = copied
                summary.existing[table.name] = existing
            for key in COPIED_SETTINGS:
                value = reader.get(Setting, key)
                if value is not None and writer.get(Setting, key) is None:
                    writer.add(Setting(key=key, value=value.value))
                    summary.settings.append(key)
            writer.commit()
    finally:
        laptop.dispose()
    return summary
