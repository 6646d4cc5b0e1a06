"""The synthetic corpus: a deterministic plan, and `flask generate-corpus` saving every revision
through the one writer (summaries, authors, parent chain, stored renders, search index).

Running the command twice with the same seed skips the titles that exist, so the second run
adds nothing and fails nothing.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import Flask

from wiki import corpus, pages, search
from wiki.db import db
from wiki.models import Link, RenderedRevision, Revision
from wiki.search.text import fold
from wiki.titles import parse_title

PAGES, REVISIONS = 30, 3


def test_plan_is_deterministic_with_unique_titles_and_backward_links() -> None:
    """The same seed plans the same corpus; pages link only to pages planned before them."""
    planned = corpus.plan(300, 7)
    assert planned == corpus.plan(300, 7)
    assert planned != corpus.plan(300, 8)
    assert len({p.title for p in planned}) == 300
    assert all(target < index for index, p in enumerate(planned) for target in p.links)
    assert {p.kind for p in planned} == {"country", "person", "place", "relations", "topic"}


def test_page_text_links_existing_pages_red_links_and_categories() -> None:
    """A text has headings, links to earlier pages, red links to unplanned titles, categories;
    later revisions grow it and keep the same links."""
    planned = corpus.plan(300, 7)
    titles = {p.title for p in planned}
    wikilinks = re.compile(r"\[\[([^\[\]|]+)(?:\|[^\[\]]*)?\]\]")
    red_seen = False
    for index in range(10, 300, 29):
        first, later = (corpus.page_text(planned, index, 7, r) for r in (1, 4))
        assert first.count("\n## ") >= 3 and "[[Category:" in first
        assert len(later) > len(first)
        assert wikilinks.findall(first) == wikilinks.findall(later)
        for target in wikilinks.findall(first):
            title = parse_title(target)
            if title.namespace == 0 and title not in titles:
                assert title.text.endswith(" Bridge")
                red_seen = True
            elif title.namespace == 0:
                assert planned.index(next(p for p in planned if p.title == title)) < index
    assert red_seen


def test_edited_pages_spreads_the_share() -> None:
    """A share of 0.1 picks every tenth page; a share of 1 picks them all."""
    assert corpus.edited_pages(100, 0.1) == list(range(9, 100, 10))
    assert corpus.edited_pages(5, 1.0) == [0, 1, 2, 3, 4]
    assert corpus.planned_saves(100, 10, 0.1) == 100 + 10 * 9


def _revisions(title_text: str) -> list[Revision]:
    """A page's revisions, oldest first."""
    page = pages.get_page(parse_title(title_text))
    return list(db.session.scalars(
        sa.select(Revision).where(Revision.page_id == page.id).order_by(Revision.id)
    ))


def test_generate_corpus_saves_each_revision_through_the_one_writer(app: Flask) -> None:
    """Every planned page exists with three revisions chained by parent, each with a summary, an
    author and a stored render; links and the search index follow the latest revision."""
    result = app.test_cli_runner().invoke(
        args=["generate-corpus", "--pages", str(PAGES), "--revisions", str(REVISIONS)]
    )
    assert result.exit_code == 0, result.output
    assert f"Created {PAGES} pages (0 titles existed" in result.output
    assert f"with {PAGES * REVISIONS} revisions" in result.output
    planned = corpus.plan(PAGES, 1)
    with app.app_context():
        for index, planned_page in enumerate(planned):
            revisions = _revisions(planned_page.title.text)
            assert len(revisions) == REVISIONS
            assert revisions[0].parent_id is None
            assert [r.parent_id for r in revisions[1:]] == [r.id for r in revisions[:-1]]
            assert revisions[0].summary == "Created the page"
            assert all(r.summary and r.author for r in revisions)
            assert revisions[-1].text == corpus.page_text(planned, index, 1, REVISIONS).rstrip()
            assert all(db.session.get(RenderedRevision, r.id) is not None for r in revisions)
            page = pages.get_page(planned_page.title)
            assert page.latest_revision_id == revisions[-1].id
            linked = set(db.session.scalars(
                sa.select(Link.to_title).where(Link.from_page_id == page.id)
            ))
            assert {planned[i].title.text for i in planned_page.links} <= linked


def test_generated_words_and_folded_names_are_found(app: Flask) -> None:
    """Search finds a generated word, and an accented title by its unaccented spelling."""
    app.test_cli_runner().invoke(args=["generate-corpus", "--pages", str(PAGES)])
    planned = corpus.plan(PAGES, 1)
    with app.app_context():
        results = search.search(corpus.vocabulary(1)[0])
        assert results.total >= PAGES // 2
        accented = next(p.title for p in planned if not p.title.text.isascii())
        found = search.search(fold(accented.text))
        assert accented in {hit.title for hit in found.hits}


def test_running_twice_skips_existing_titles(app: Flask) -> None:
    """The second run with the same seed creates nothing and leaves the revisions alone."""
    runner = app.test_cli_runner()
    args = ["generate-corpus", "--pages", "12", "--revisions", "2"]
    assert runner.invoke(args=args).exit_code == 0
    again = runner.invoke(args=args)
    assert again.exit_code == 0, again.output
    assert "Created 0 pages (12 titles existed and were skipped) with 0 revisions" in again.output
    with app.app_context():
        assert all(len(_revisions(p.title.text)) == 2 for p in corpus.plan(12, 1))


def test_revised_share_gives_the_others_one_revision(app: Flask) -> None:
    """With --revised-share 0.5, every other page gets all the revisions."""
    result = app.test_cli_runner().invoke(
        args=["generate-corpus", "--pages", "6", "--revisions", "3", "--revised-share", "0.5"]
    )
    assert result.exit_code == 0, result.output
    assert "3 of the 6 planned pages get 3 revisions" in result.output
    with app.app_context():
        counts = [len(_revisions(p.title.text)) for p in corpus.plan(6, 1)]
    assert counts == [1, 3, 1, 3, 1, 3]
