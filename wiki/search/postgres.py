"""The PostgreSQL search backend: search_documents holds each page's plain text and a tsvector
(title at weight A, body at D) under a GIN index.

The text search configuration wiki_search is "simple" with unaccent in front (created by the
migration), so case and diacritics fold on both sides. The reader's text reaches PostgreSQL only
as a bound parameter of plainto_tsquery, which reads no operators at all.
"""

from __future__ import annotations

import sqlalchemy as sa

from wiki.db import db
from wiki.search.text import MATCH_END, MATCH_START, Document, RawHit

CONFIG = "wiki_search"
# ts_headline options: values with spaces or commas are double-quoted.
HEADLINE_OPTIONS = (
    f"StartSel={MATCH_START}, StopSel={MATCH_END}, MaxWords=30, MinWords=15, "
    'ShortWord=2, MaxFragments=2, FragmentDelimiter=" \u2026 "'
)

# The page conditions mirror wiki.existence.readable(), and leave out redirects.
_FILTERS = f"""
    FROM search_documents AS s
    JOIN pages AS p ON p.id = s.page_id
    CROSS JOIN plainto_tsquery('{CONFIG}', :query) AS q
    WHERE s.document @@ q AND p.namespace = :namespace
      AND NOT p.is_deleted AND NOT p.is_redirect AND p.latest_revision_id IS NOT NULL
"""


def index(document: Document) -> None:
    """Insert or replace the page's row."""
    db.session.execute(
        sa.text(
            "INSERT INTO search_documents (page_id, body, document) VALUES (:page_id, :body, "
            f"  setweight(to_tsvector('{CONFIG}', :title), 'A') || "
            f"  setweight(to_tsvector('{CONFIG}', :body), 'D')) "
            "ON CONFLICT (page_id) DO UPDATE SET body = EXCLUDED.body, document = EXCLUDED.document"
        ),
        {"page_id": document.page_id, "title": document.title, "body": document.body},
    )


def search(
    query: str, terms: list[str], namespace: int, limit: int, offset: int, cap: int
) -> tuple[int, list[RawHit]]:
    """The number of matches (cap + 1 meaning "more than cap") and a page of them, best first."""
    params = {
        "query": query,
        "namespace": namespace,
        "limit": limit,
        "offset": offset,
        "options": HEADLINE_OPTIONS,
        "cap": cap,
        "count_cap": cap + 1,
    }
    total = db.session.execute(
        sa.text("SELECT count(*) FROM (SELECT 1" + _FILTERS + " LIMIT :count_cap) AS capped"),
        params,
    ).scalar_one()
    if not total or offset >= total:
        return total, []
    # Rank first, then build headlines for this page of results only (ts_headline is costly).
    rows = db.session.execute(
        sa.text(
            "WITH ranked AS ("
            "  SELECT s.page_id, s.body, q AS tsq, "
            "    ts_filter(s.document, CAST('{a}' AS \"char\"[])) @@ q AS in_title, "
            "    ts_rank(s.document, q, 1) AS score, p.title AS sort_title, "
            "    lower(p.title) = lower(btrim(:query)) AS exact"
            + _FILTERS
            + "  ORDER BY exact DESC, in_title DESC, score DESC, sort_title"
            "  LIMIT :limit OFFSET :offset"
            ") "
            "SELECT p.id, p.namespace, p.title, r.size, r.timestamp, "
            f"  ts_headline('{CONFIG}', ranked.body, ranked.tsq, :options) "
            "FROM ranked JOIN pages AS p ON p.id = ranked.page_id "
            "JOIN revisions AS r ON r.id = p.latest_revision_id "
            "ORDER BY ranked.exact DESC, ranked.in_title DESC, ranked.score DESC, ranked.sort_title"
        ),
        params,
    ).all()
    return total, [
        RawHit(page_id, ns, title, snippet or "", size, timestamp)
        for page_id, ns, title, size, timestamp, snippet in rows
    ]
