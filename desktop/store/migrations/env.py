"""Alembic environment: runs on the engine that ``desktop.store.db`` hands over."""

from alembic import context

from desktop.store.models import Base

config = context.config
target_metadata = Base.metadata


def include_name(name, type_, _parent_names) -> bool:
    """The search index is SQLite-only raw SQL (FTS5 and its shadow tables): not the models' business."""
    return not (type_ == "table" and name is not None and name.startswith("search_"))


def run_migrations() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        from sqlalchemy import create_engine

        engine = create_engine(config.get_main_option("sqlalchemy.url"), hide_parameters=True)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_name=include_name,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations()
