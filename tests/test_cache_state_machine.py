"""A Hypothesis state machine runs random sequences of the writes that change what pages show
(edits, links appearing and going, deletions and undeletions, protection, talk pages,
redirects, relations pages, categories, a changed template) and, after every step, checks each
watched page two ways: its cached view equals the page built with no page cache, and its stored
render equals a fresh render of its text. Together: what a reader sees is always fresh."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from wikitest import custom_app

from wiki import moderation, pages, rendering
from wiki.db import db
from wiki.models import RenderedRevision
from wiki.titles import Title, parse_title

ADMIN = pages.Author("Sysop", role="admin")
TARGETS = ("Target one", "Target two")
SUBJECT_TEXTS = (
    "Subject links to [[Target one]].",
    "Subject links to [[Target one]] and [[Target two]].\n\n[[Category:Watched]]",
    "Subject: {{Main|Target two}} and [[Kosovo–Serbia relations]].",
    "Subject without links.\n\n{{Stub}}\n\n[[Category:Watched]]",
)
WATCHED = ("Subject", "Main Page", "Foreign relations of Serbia", "Category:Watched",
           "Talk:Subject", "Target one", "Foreign relations of Kosovo")
OWN_STUB = '<div class="stub-notice">A stub of our own, version {}.</div>'
STEPS: list[int] = []  # steps run across all examples, for the report


@pytest.fixture
def uncached(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """A second app on the same database with no page cache and no kept template calls."""
    yield from custom_app(tmp_path, database_url, WIKI_PAGE_CACHE_BYTES=0,
                          WIKI_TEMPLATE_CALL_CACHE_BYTES=0)


def test_cached_pages_always_equal_fresh_ones(app: Flask, uncached: Flask) -> None:
    with app.app_context():
        pages.save_edit(parse_title("Subject"), SUBJECT_TEXTS[0], author=ADMIN,
                        base_revision_id=None)
        pages.save_edit(parse_title("Category:Watched"), "Pages we watch.", author=ADMIN,
                        base_revision_id=None)
    cached_client = app.test_client()
    own_templates = Path(app.config["WIKI_TEMPLATES_DIR"])
    mirror_templates = Path(uncached.config["WIKI_TEMPLATES_DIR"])

    class PageWrites(RuleBasedStateMachine):
        """The writes, and the check after each."""

        def save(self, title: str, text: str) -> None:
            with app.app_context():
                name = parse_title(title)
                page = pages.find_page(name)
                if page is not None and page.is_deleted:
                    moderation.undelete(name, "back", ADMIN)
                    page = pages.find_page(name)
                base = page.latest_revision_id if page else None
                pages.save_edit(name, text, author=ADMIN, base_revision_id=base)

        def toggle_deleted(self, title: str) -> None:
            with app.app_context():
                name = parse_title(title)
                page = pages.find_page(name)
                if page is None:
                    return
                if page.is_deleted:
                    moderation.undelete(name, "back", ADMIN)
                else:
                    moderation.delete(name, "gone", ADMIN)

        @rule(text=st.sampled_from(SUBJECT_TEXTS))
        def edit_subject(self, text: str) -> None:
            self.save("Subject", text)

        @rule(name=st.sampled_from(TARGETS))
        def create_or_edit_target(self, name: str) -> None:
            self.save(name, f"{name}, written.")

        @rule(name=st.sampled_from(TARGETS))
        def delete_or_undelete_target(self, name: str) -> None:
            self.toggle_deleted(name)

        @rule(level=st.sampled_from(["editor", "admin", None]))
        def protect_subject(self, level: str | None) -> None:
            with app.app_context():
                moderation.protect(parse_title("Subject"), level, "test", None, ADMIN)

        @rule()
        def write_talk(self) -> None:
            self.save("Talk:Subject", "A comment.")

        @rule()
        def delete_or_undelete_talk(self) -> None:
            self.toggle_deleted("Talk:Subject")

        @rule(redirect=st.booleans())
        def relations_article_or_redirect(self, redirect: bool) -> None:
            text = "#REDIRECT [[Kosovo]]" if redirect else "Relations of [[Kosovo]] and [[Serbia]]."
            self.save("Kosovo–Serbia relations", text)

        @rule()
        def delete_or_undelete_relations(self) -> None:
            self.toggle_deleted("Kosovo–Serbia relations")

        @rule(member=st.booleans())
        def target_in_category(self, member: bool) -> None:
            self.save("Target one", "In the category.\n\n[[Category:Watched]]" if member
                      else "Out of the category.")

        @rule(version=st.integers(min_value=0, max_value=2))
        def change_template(self, version: int) -> None:
            for folder in (own_templates, mirror_templates):
                folder.mkdir(parents=True, exist_ok=True)
                path = folder / "stub.html"
                if version == 0:
                    path.unlink(missing_ok=True)
                else:
                    path.write_text(OWN_STUB.format(version))
            result = app.test_cli_runner().invoke(args=["refresh-templates"])
            assert result.exit_code == 0, result.output

        @invariant()
        def every_watched_page_is_fresh(self) -> None:
            STEPS.append(1)
            plain = uncached.test_client()
            for title in WATCHED:
                path = parse_title(title).path
                # twice: the first view may re-render, the second is served from the cache
                cached_client.get(path)
                cached = cached_client.get(path)
                fresh = plain.get(path)
                assert cached.status_code == fresh.status_code, title
                assert cached.get_data() == fresh.get_data(), f"{title} is stale in the cache"
            with app.app_context():
                assert_stored_renders_are_fresh([parse_title(t) for t in WATCHED])

    run_state_machine_as_test(PageWrites, settings=settings(
        max_examples=12, stateful_step_count=12, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
    print(f"state machine: {len(STEPS)} checks after random steps")
    assert len(STEPS) >= 50


def assert_stored_renders_are_fresh(titles: list[Title]) -> None:
    """Each page's stored render, if any, equals a render of its text made now."""
    for title in titles:
        current = pages.current_page(title)
        if current is None or current.render is None:
            continue
        stored = db.session.scalar(sa.select(RenderedRevision.html).where(
            RenderedRevision.revision_id == current.revision.id))
        text = pages.latest_revision(current.page).text
        assert stored == str(rendering.render_text(text, title).rendered.html), \
            f"the stored render of {title.full} is stale"
