"""The page cache and the render cache prove themselves: a second view is a hit (nothing is
rebuilt), and every cause that changes what a page shows gives a fresh page at once, equal to
the page built with no cache at all (an app with the page cache off, on the same database)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from wikitest import custom_app

from wiki import moderation, pages
from wiki.titles import parse_title
from wiki.views import page_cache

ADMIN = pages.Author("Sysop", role="admin")


@pytest.fixture
def uncached(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """A second app on the same database that builds every page (no page cache)."""
    yield from custom_app(tmp_path, database_url, WIKI_PAGE_CACHE_BYTES=0)


def save(app: Flask, title: str, text: str) -> None:
    """Create or replace a page through the one writer."""
    with app.app_context():
        name = parse_title(title)
        page = pages.find_page(name)
        pages.save_edit(name, text, author=ADMIN,
                        base_revision_id=page.latest_revision_id if page else None)


def counts(app: Flask) -> tuple[int, int]:
    """(hits, builds) of the app's page cache."""
    store = page_cache.store(app)
    return store.hits, store.builds


def view(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def warm(app: Flask, client: FlaskClient, path: str) -> str:
    """View a page until it is in the cache: a view that finds its render dropped renders it
    again (and stores it), the next builds the page and keeps it; then it must be a hit."""
    view(client, path)
    first = view(client, path)
    hits, builds = counts(app)
    second = view(client, path)
    assert counts(app) == (hits + 1, builds), "the third view was rebuilt"
    assert second == first
    return first


def assert_fresh(app: Flask, client: FlaskClient, uncached: Flask, path: str) -> str:
    """The next view is rebuilt and equals the page built without any cache."""
    hits, builds = counts(app)
    shown = view(client, path)
    assert counts(app) == (hits, builds + 1), "the page was served from the cache"
    assert shown == view(uncached.test_client(), path)
    return shown


def test_a_second_view_is_a_hit(app: Flask, client: FlaskClient) -> None:
    path = "/wiki/Azerbaijan%E2%80%93Kosovo_relations"
    warm(app, client, path)
    hits, builds = counts(app)
    for _ in range(3):
        view(client, path)
    assert counts(app) == (hits + 3, builds)


def test_a_cache_of_zero_bytes_stores_nothing(uncached: Flask) -> None:
    client = uncached.test_client()
    for _ in range(2):
        view(client, "/wiki/Kosovo")
    assert counts(uncached) == (0, 0)


def test_the_cache_is_bounded_in_bytes(tmp_path: Path, database_url: str) -> None:
    for small in custom_app(tmp_path, database_url, WIKI_PAGE_CACHE_BYTES=25_000):
        client = small.test_client()
        for title in ("Kosovo", "Serbia", "Azerbaijan", "Baku", "Turkey", "Secession"):
            view(client, f"/wiki/{title}")
        store = page_cache.store(small)
        assert 0 < store.size <= 25_000
        assert store.size == sum(page.size() for page in store.pages.values())
        assert len(store.pages) < 6


Change = Callable[[Flask], None]


def edit(app: Flask) -> None:
    save(app, "Cache subject", "Cache subject, edited. Links to [[Cache target]].")


def protect(app: Flask) -> None:
    with app.app_context():
        moderation.protect(parse_title("Cache subject"), "admin", "vandalism", None, ADMIN)


def unprotect(app: Flask) -> None:
    with app.app_context():
        moderation.protect(parse_title("Cache subject"), None, "calm again", None, ADMIN)


def create_talk_page(app: Flask) -> None:
    save(app, "Talk:Cache subject", "A first comment.")


def create_link_target(app: Flask) -> None:
    save(app, "Cache target", "Now it exists.")


def delete_link_target(app: Flask) -> None:
    with app.app_context():
        moderation.delete(parse_title("Cache target"), "not needed", ADMIN)


def nothing(_app: Flask) -> None:
    pass


CAUSES: dict[str, tuple[Change, Change, str]] = {
    # cause: (set-up before the page is cached, the change, what the fresh page shows)
    "edit": (nothing, edit, "Cache subject, edited."),
    "protect": (nothing, protect, "Protected: admins only"),
    "unprotect": (protect, unprotect, "Cache subject links to"),
    "talk page created": (nothing, create_talk_page, 'href="/wiki/Talk:Cache_subject">Talk'),
    "link target created": (nothing, create_link_target,
                            'href="/wiki/Cache_target" title="Cache target"'),
    "link target deleted": (create_link_target, delete_link_target, 'class="new"'),
}


@pytest.mark.parametrize("cause", list(CAUSES))
def test_each_change_to_a_page_gives_a_fresh_page(cause: str, app: Flask, client: FlaskClient,
                                                 uncached: Flask) -> None:
    save(app, "Cache subject", "Cache subject links to [[Cache target]].")
    path = "/wiki/Cache_subject"
    setup, change, shown = CAUSES[cause]
    setup(app)
    before = warm(app, client, path)
    change(app)
    after = assert_fresh(app, client, uncached, path)
    assert after != before
    assert shown in after


def test_a_changed_template_gives_a_fresh_page(app: Flask, client: FlaskClient,
                                               uncached: Flask) -> None:
    save(app, "Stubby", "A short page.\n\n{{Stub}}")
    path = "/wiki/Stubby"
    before = warm(app, client, path)
    own = Path(app.config["WIKI_TEMPLATES_DIR"])
    own.mkdir(parents=True, exist_ok=True)
    (own / "stub.html").write_text('<div class="stub-notice">This stub is our own.</div>')
    assert view(client, path) == before, "nothing changes until the templates are checked"
    result = app.test_cli_runner().invoke(args=["refresh-templates"])
    assert result.exit_code == 0 and "stub" in result.output
    (Path(uncached.config["WIKI_TEMPLATES_DIR"])).mkdir(parents=True, exist_ok=True)
    (Path(uncached.config["WIKI_TEMPLATES_DIR"]) / "stub.html").write_text(
        '<div class="stub-notice">This stub is our own.</div>')
    after = assert_fresh(app, client, uncached, path)
    assert "This stub is our own." in after
    unchanged = app.test_cli_runner().invoke(args=["refresh-templates"])
    assert "No wiki template changed" in unchanged.output


def test_a_relations_article_turned_into_a_redirect_leaves_the_main_page(
        app: Flask, client: FlaskClient, uncached: Flask) -> None:
    path = "/wiki/Main_Page"
    before = warm(app, client, path)
    assert ">Azerbaijan–Serbia relations</a>" in before
    save(app, "Azerbaijan–Serbia relations", "#REDIRECT [[Azerbaijan–Kosovo relations]]")
    after = assert_fresh(app, client, uncached, path)
    assert ">Azerbaijan–Serbia relations</a>" not in after
    save(app, "Azerbaijan–Serbia relations", "An article again. [[Azerbaijan]] and [[Serbia]].")
    again = assert_fresh(app, client, uncached, path)
    assert ">Azerbaijan–Serbia relations</a>" in again


def test_a_new_relations_page_appears_on_its_hubs(app: Flask, client: FlaskClient,
                                                  uncached: Flask) -> None:
    path = "/wiki/Foreign_relations_of_Serbia"
    before = warm(app, client, path)
    assert "Kosovo–Serbia relations" not in before
    save(app, "Kosovo–Serbia relations", "The relations of [[Kosovo]] and [[Serbia]].")
    after = assert_fresh(app, client, uncached, path)
    assert 'title="Kosovo–Serbia relations"' in after
    with app.app_context():
        moderation.delete(parse_title("Kosovo–Serbia relations"), "test", ADMIN)
    gone = assert_fresh(app, client, uncached, path)
    assert 'title="Kosovo–Serbia relations"' not in gone


def test_a_link_to_an_unwritten_relations_page_is_listed_as_wanted_on_its_hub(
        app: Flask, client: FlaskClient, uncached: Flask) -> None:
    path = "/wiki/Foreign_relations_of_Kosovo"
    warm(app, client, path)
    save(app, "Wanting page", "See [[Kosovo–Malta relations]].")
    after = assert_fresh(app, client, uncached, path)
    assert "Kosovo–Malta relations</a>" in after


def test_category_membership_changes_the_category_page(app: Flask, client: FlaskClient,
                                                       uncached: Flask) -> None:
    save(app, "Category:Cached things", "Things kept in caches.")
    path = "/wiki/Category:Cached_things"
    before = warm(app, client, path)
    assert "Member page" not in before
    save(app, "Member page", "In the category.\n\n[[Category:Cached things]]")
    after = assert_fresh(app, client, uncached, path)
    assert ">Member page</a>" in after
    save(app, "Member page", "Not in it any more.")
    again = assert_fresh(app, client, uncached, path)
    assert ">Member page</a>" not in again


def test_a_talk_page_shows_whether_its_subject_exists(app: Flask, client: FlaskClient,
                                                      uncached: Flask) -> None:
    save(app, "Talk:Future subject", "Should we write it?")
    path = "/wiki/Talk:Future_subject"
    before = warm(app, client, path)
    assert 'class="new" href="/wiki/Future_subject?action=edit' in before
    save(app, "Future subject", "Written.")
    after = assert_fresh(app, client, uncached, path)
    assert 'href="/wiki/Future_subject">Article' in after
