"""Opening the server's database: the registry schema plus the server's own tables, both migrated.

``open_server_database(url)`` runs ``desktop.store.db.open_database`` (registry migrations, the
write guard) and then this package's Alembic history (``sync/server/migrations``, version table
``alembic_version_server``). Two histories instead of one ``create_all``: the server's tables
will change (conflict resolution, reports) while servers hold data, and a county server must be
upgraded in place like a laptop is.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine

from desktop.store.db import Database, open_database
from sync.server.models import VERSION_TABLE

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
DEFAULT_DATABASE_URL = "sqlite:///fieldbook-server.db"


def server_alembic_config(engine: Engine) -> Config:
    """The Alembic configuration of the server's own tables, bound to ``engine``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def server_head_revision() -> str:
    """The newest migration of the server's tables that this release knows."""
    script = ScriptDirectory.from_config(server_alembic_config(create_engine("sqlite://")))
    head = script.get_current_head()
    assert head is not None
    return head


def server_current_revision(engine: Engine) -> str | None:
    """The migration of the server's tables a database is at (``None`` before the first)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        return context.get_current_revision()


def upgrade_server(engine: Engine, revision: str = "head") -> None:
    """Migrate the server's tables to ``revision`` (default: the newest)."""
    command.upgrade(server_alembic_config(engine), revision)


def open_server_database(url: str) -> Database:
    """Open (and create) the server's database with both schemas at their newest revision."""
    database = open_database(url)
    if server_current_revision(database.engine) != server_head_revision():
        upgrade_server(database.engine)
    return database
