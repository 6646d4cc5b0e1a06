"""Full-text search index, filled from every page's latest revision.

SQLite: an FTS5 table search_fts (rowid = page id). PostgreSQL: the unaccent extension, a text
search configuration wiki_search, and search_documents with a GIN-indexed tsvector. Both: the
search_titles table of folded title keys for the search box's prefix suggestions.

Revision ID: 3c7a9e41d2b8
Revises: ef918a53eef3
Create Date: 2026-11-28 02:10:00.000000

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "3c7a9e41d2b8"
down_revision = "ef918a53eef3"
branch_labels = None
depends_on = None

BATCH = 500


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "search_titles",
        sa.Column("page_id", sa.Integer(), nullable=False),
        # Compared byte by byte for prefix ranges: PostgreSQL needs the "C" collation for that.
        sa.Column("title_key", sa.String(length=255, collation="C" if dialect == "postgresql"
                                         else None), nullable=False),
        sa.ForeignKeyConstraint(["page_id"], ["pages.id"],
                                name=op.f("fk_search_titles_page_id_pages"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("page_id", name=op.f("pk_search_titles")),
    )
    op.create_index("ix_search_titles_title_key", "search_titles", ["title_key"])
    if dialect == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5("
            "title, body, title_alt, body_alt, tokenize=\"unicode61 remove_diacritics 2\")"
        )
    elif dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        op.execute("CREATE TEXT SEARCH CONFIGURATION wiki_search (COPY = pg_catalog.simple)")
        op.execute("ALTER TEXT SEARCH CONFIGURATION wiki_search "
                   "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple")
        op.create_table(
            "search_documents",
            sa.Column("page_id", sa.Integer(), nullable=False),
            sa.Column("body", sa.Text(), nullable=False),
            sa.Column("document", postgresql.TSVECTOR(), nullable=False),
            sa.ForeignKeyConstraint(["page_id"], ["pages.id"],
                                    name=op.f("fk_search_documents_page_id_pages"),
                                    ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("page_id", name=op.f("pk_search_documents")),
        )
        op.create_index("ix_search_documents_document", "search_documents", ["document"],
                        postgresql_using="gin")
    else:
        raise RuntimeError(f"Full-text search supports SQLite and PostgreSQL, not {dialect}.")
    _fill(dialect)


def _fill(dialect: str) -> None:
    """Index the latest revision of every page that exists before this migration."""
    from wiki.search.text import fold, make_document
    from wiki.titles import Title

    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT p.id, p.namespace, p.title, r.text FROM pages AS p "
        "JOIN revisions AS r ON r.id = p.latest_revision_id ORDER BY p.id"
    ).execution_options(stream_results=True))
    if dialect == "sqlite":
        insert_document = sa.text(
            "INSERT INTO search_fts (rowid, title, body, title_alt, body_alt) "
            "VALUES (:page_id, :title, :body, :title_alt, :body_alt)"
        )
    else:
        insert_document = sa.text(
            "INSERT INTO search_documents (page_id, body, document) VALUES (:page_id, :body, "
            "setweight(to_tsvector('wiki_search', :title), 'A') || "
            "setweight(to_tsvector('wiki_search', :body), 'D'))"
        )
    insert_title = sa.text(
        "INSERT INTO search_titles (page_id, title_key) VALUES (:page_id, :title_key)"
    )
    while batch := rows.fetchmany(BATCH):
        documents, titles = [], []
        for page_id, namespace, title_text, text in batch:
            title = Title(namespace, title_text)
            document = make_document(page_id, title, text)
            documents.append({"page_id": page_id, "title": document.title, "body": document.body,
                              "title_alt": document.title_alt, "body_alt": document.body_alt})
            titles.append({"page_id": page_id, "title_key": fold(title.full)})
        bind.execute(insert_document, documents)
        bind.execute(insert_title, titles)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")
    elif dialect == "postgresql":
        op.drop_index("ix_search_documents_document", table_name="search_documents")
        op.drop_table("search_documents")
        op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS wiki_search")
    op.drop_index("ix_search_titles_title_key", table_name="search_titles")
    op.drop_table("search_titles")
