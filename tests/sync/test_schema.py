"""The server's own tables: their Alembic history matches the models on both backends, and the
two histories (registry and server) live side by side without touching each other's tables."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from desktop.store.db import current_revision, head_revision
from sync.server.db import open_server_database, server_current_revision, server_head_revision
from sync.server.models import VERSION_TABLE, ServerBase


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'server.db'}"
    return request.getfixturevalue("pg_database_url")


def test_opening_a_server_database_migrates_both_histories_and_the_models_match(
    empty_database_url,
):
    database = open_server_database(empty_database_url)
    try:
        assert current_revision(database.engine) == head_revision()
        assert server_current_revision(database.engine) == server_head_revision()
        tables = set(inspect(database.engine).get_table_names())
        assert set(ServerBase.metadata.tables) <= tables
        assert {"households", "outbox", "alembic_version", VERSION_TABLE} <= tables
        with database.engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={"include_name": lambda name, kind, _p: kind != "table"
                      or name in ServerBase.metadata.tables},
            )  # fmt: skip
            assert compare_metadata(context, ServerBase.metadata) == []
    finally:
        database.dispose()
