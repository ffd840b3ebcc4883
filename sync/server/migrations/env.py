"""Alembic environment of the server's own tables (``sync.server.models``).

The server's database also holds the registry tables, migrated by ``desktop/store/migrations``
with the default ``alembic_version`` table. This history records itself in
``alembic_version_server`` and only ever looks at its own tables, so neither history sees the
other's tables as something to drop.
"""

from alembic import context

from sync.server.models import VERSION_TABLE, ServerBase

config = context.config
target_metadata = ServerBase.metadata
OWN_TABLES = frozenset(target_metadata.tables)


def include_name(name, type_, _parent_names) -> bool:
    """Autogenerate compares only the server's tables (and their indexes and constraints)."""
    if type_ == "table":
        return name in OWN_TABLES
    return True


def run_migrations() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        from sqlalchemy import create_engine

        engine = create_engine(config.get_main_option("sqlalchemy.url"), hide_parameters=True)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            version_table=VERSION_TABLE,
            include_name=include_name,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations()
