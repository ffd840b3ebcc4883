"""the household search index (SQLite only): FTS5 trigram and short-query tables over search_docs

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 06:00:00.000000

The laptop's search box finds a household by a member's name or part of it, pinyin, any run of
ID digits or the household number (see ``desktop.store.search``). ``search_docs`` holds one row
per current member and one per household (its number); two external-content FTS5 tables index
it: ``search_trigram`` (substrings of 3+ characters) and ``search_short`` (whole names and
pinyin as tokens, and names / initials one character per token for 1–2 character queries).
``search_state`` records which index format was built; this migration leaves it empty, so the
index is rebuilt (``desktop.store.search.ensure_search_index``) the first time the database is
opened by a release that knows it. The server (PostgreSQL) has no search box: nothing is created.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        """
        CREATE TABLE search_docs (
            doc_id INTEGER PRIMARY KEY,
            household_id VARCHAR(36) NOT NULL,
            household_number TEXT,
            name TEXT,
            id_number TEXT,
            pinyin TEXT,
            initials TEXT,
            words TEXT,
            chars TEXT,
            letters TEXT,
            village TEXT
        )
        """
    )
    op.execute("CREATE INDEX ix_search_docs_household_id ON search_docs (household_id)")
    op.execute(
        """
        CREATE VIRTUAL TABLE search_trigram USING fts5(
            name, id_number, household_number, pinyin, initials,
            content='search_docs', content_rowid='doc_id', tokenize='trigram'
        )
        """
    )
    op.execute(
        """
        CREATE VIRTUAL TABLE search_short USING fts5(
            words, chars, letters, village,
            content='search_docs', content_rowid='doc_id', tokenize='unicode61', prefix='1 2'
        )
        """
    )
    op.execute("CREATE TABLE search_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TABLE IF EXISTS search_short")
    op.execute("DROP TABLE IF EXISTS search_trigram")
    op.execute("DROP TABLE IF EXISTS search_docs")
    op.execute("DROP TABLE IF EXISTS search_state")
