"""Migrations: an older laptop database upgrades to the current schema with its data intact."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from desktop.store.db import current_revision, head_revision, make_engine, open_database, upgrade
from desktop.store.models import Base, Household
from desktop.store.search import search_households

FIRST_REVISION = "0001"


def _schema_differences(engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)

    # Tables the models don't describe (the SQLite-only search index, made by raw SQL) are not drift.
    def foreign(diff) -> bool:
        kind, obj = diff[0], diff[1]
        if kind == "remove_table":
            return obj.name not in Base.metadata.tables
        if kind == "remove_index":
            return obj.table.name not in Base.metadata.tables
        return False

    return [d for d in differences if not foreign(d)]


def test_a_new_database_is_created_at_the_newest_revision(tmp_path):
    db = open_database(tmp_path / "new.db")
    assert current_revision(db.engine) == head_revision()
    db.dispose()


def test_the_migrations_build_exactly_the_schema_the_models_describe(tmp_path):
    engine = make_engine(tmp_path / "drift.db")
    upgrade(engine)
    assert _schema_differences(engine) == []
    engine.dispose()


def test_a_database_made_at_the_first_revision_upgrades_with_its_data_intact(tmp_path):
    path = tmp_path / "old.db"
    engine = make_engine(path)
    upgrade(engine, FIRST_REVISION)
    assert current_revision(engine) == FIRST_REVISION
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO divisions (id, version, deleted, updated_at, code, level, name)"
                " VALUES ('v1', 3, 0, '2019-10-01 08:00:00', '610424100201', 'village', '东街村')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO households (id, version, deleted, updated_at, household_number, village_id,"
                " status, other_causes, return_causes, marginal, monitored, away_long_term, member_count)"
                " VALUES ('h1', 5, 0, '2019-10-02 09:00:00', '6104241002010001', 'v1', 'poor',"
                " '[\"03\"]', '[]', 0, 0, 0, 1)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO members (id, version, deleted, updated_at, household_id, position, name,"
                " id_type, relation, health) VALUES ('m1', 5, 0, '2019-10-02 09:00:00', 'h1', 0, '张建国',"
                " '01', '01', '[\"02\"]')"
            )
        )
    engine.dispose()

    db = open_database(path)
    assert current_revision(db.engine) == head_revision()
    with db.engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT h.household_number, h.version, h.other_causes, m.name, m.health, d.name"
                " FROM households h JOIN members m ON m.household_id = h.id"
                " JOIN divisions d ON d.id = h.village_id"
            )
        ).one()
    assert tuple(row) == ("6104241002010001", 5, '["03"]', "张建国", '["02"]', "东街村")
    with db.session() as session:
        household = session.get(Household, "h1")
        assert (household.head_name, household.card_issue) == ("张建国", 0)  # filled by 0003
        assert search_households(session, "建国") == ["h1"]  # the index was built on opening
    db.dispose()


def test_every_registry_table_carries_id_version_and_tombstone(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'cols.db'}")
    upgrade(engine)
    inspector = inspect(engine)
    from desktop.store.models import REGISTRY_MODELS

    for model in REGISTRY_MODELS:
        columns = {c["name"] for c in inspector.get_columns(model.__tablename__)}
        assert {"id", "version", "deleted"} <= columns, model.__tablename__
    engine.dispose()


def test_the_same_migrations_build_the_schema_on_postgresql(pg_database_url):
    db = open_database(pg_database_url)
    assert current_revision(db.engine) == head_revision()
    assert _schema_differences(db.engine) == []
    db.dispose()
