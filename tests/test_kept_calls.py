"""Kept template calls (wiki.markup.kept_calls): a call is rendered once and reused while its
templates and every answer it was given hold, with the same result as rendering it again; any
change of a template, an existing title, a file or live data renders it afresh; and a stored
render that reused a call still depends on everything the call consulted."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from wikitest import create, custom_app

from wiki import pages
from wiki.markup import FileInfo, Lookups, Rendered, _render_fragment, kept_calls, render
from wiki.markup.limits import MAX_TEMPLATE_CALLS, Budget
from wiki.markup.templates import TemplateCall
from wiki.markup.wikitemplates import TEMPLATE_DIR, TemplateLibrary
from wiki.titles import MAIN, Title, parse_title

CITE = ("Before.{{Cite web|title=A [[Linked page]] report|url=https://example.org/r"
        "|website=[[Category:Cited]]Example}} After.")
OWN = '<span class="own">{{ args[0] }} v{}</span>'


def library(tmp_path: Path, kept_bytes: int = 1024 * 1024) -> TemplateLibrary:
    own = tmp_path / "templates"
    own.mkdir(exist_ok=True)
    return TemplateLibrary([own, TEMPLATE_DIR], kept_bytes=kept_bytes)


def lookups(templates: TemplateLibrary, existing: set[str] | None = None,
            **live: object) -> Lookups:
    found = existing if existing is not None else set()
    return Lookups(exists=lambda title: title.full in found, templates=templates,
                   live=live)  # type: ignore[arg-type]


def same(one: Rendered, other: Rendered) -> None:
    """Two renders alike in everything a page stores from them."""
    assert (one.html, one.links, one.categories, one.templates, one.limits) == \
        (other.html, other.links, other.categories, other.templates, other.limits)


def touch(path: Path, text: str) -> None:
    """Write a template and move its time on, so Jinja sees the change within one second."""
    path.write_text(text)
    later = time.time() + 5
    os.utime(path, (later, later))


def test_a_second_render_reuses_the_call_with_the_same_result(tmp_path: Path) -> None:
    kept, plain = library(tmp_path), library(tmp_path, kept_bytes=0)
    first = render(CITE, lookups(kept))
    assert (kept.kept_rendered, kept.kept_reused) == (1, 0)
    again = render(CITE, lookups(kept))
    assert (kept.kept_rendered, kept.kept_reused) == (1, 1)
    uncached = render(CITE, lookups(plain))
    same(again, first)
    same(again, uncached)
    # what the call's parameters left in the page comes back on reuse
    assert Title(MAIN, "Linked page") in again.links
    assert "Cited" in again.categories
    assert ("cite_web", "") in again.templates
    assert 'class="new"' in str(again.html)  # the linked page does not exist
    assert len(plain.kept) == 0 and plain.kept_reused == 0


def test_the_same_call_in_another_page_is_reused_there_too(tmp_path: Path) -> None:
    kept, plain = library(tmp_path), library(tmp_path, kept_bytes=0)
    render(CITE, lookups(kept))
    other = "# Another page\n\nText first. " + CITE + "\n\n[[Elsewhere]]"
    reused = render(other, lookups(kept))
    assert kept.kept_reused == 1
    same(reused, render(other, lookups(plain)))
    assert [title.text for title in reused.links] == ["Elsewhere", "Linked page"]


def test_a_page_that_comes_into_being_renders_the_call_again(tmp_path: Path) -> None:
    kept, plain = library(tmp_path), library(tmp_path, kept_bytes=0)
    existing: set[str] = set()
    red = render(CITE, lookups(kept, existing))
    existing.add("Linked page")
    blue = render(CITE, lookups(kept, existing))
    assert (kept.kept_rendered, kept.kept_reused) == (2, 0)
    assert 'class="new"' in str(red.html) and 'class="new"' not in str(blue.html)
    same(blue, render(CITE, lookups(plain, existing)))
    # and the new answer is kept in its turn
    render(CITE, lookups(kept, existing))
    assert kept.kept_reused == 1


def test_changed_live_data_renders_the_call_again(tmp_path: Path) -> None:
    kept = library(tmp_path)
    heights = [300]

    def locator_map(first: str, second: str) -> dict[str, object]:
        return {"svg_url": f"/map/{first}-{second}.svg", "png_url": "/map/x.png",
                "width": 400, "height": heights[0]}

    text = "{{Infobox bilateral relations|Azerbaijan–Kosovo|Azerbaijan|Kosovo}}"
    one = render(text, lookups(kept, locator_map=locator_map))
    render(text, lookups(kept, locator_map=locator_map))
    assert kept.kept_reused == 1
    heights[0] = 333
    changed = render(text, lookups(kept, locator_map=locator_map))
    assert kept.kept_reused == 1 and kept.kept_rendered == 2
    assert 'height="300"' in str(one.html) and 'height="333"' in str(changed.html)


def test_an_uploaded_file_renders_the_call_again(tmp_path: Path) -> None:
    kept = library(tmp_path)
    files: dict[str, FileInfo] = {}
    text = "{{Infobox|name=Place|image=Flag.png|caption=A flag}}"

    def look(templates: TemplateLibrary) -> Lookups:
        return Lookups(templates=templates, file=files.get)

    before = render(text, look(kept))
    render(text, look(kept))
    assert kept.kept_reused == 1
    files["Flag.png"] = FileInfo("Flag.png", "a" * 40, "image/png", 640, 480)
    after = render(text, look(kept))
    assert kept.kept_rendered == 2
    assert "/thumb/" + "a" * 40 in str(after.html) and "a" * 40 not in str(before.html)
    same(after, render(text, look(library(tmp_path, kept_bytes=0))))


def test_a_changed_template_file_renders_the_call_again(tmp_path: Path) -> None:
    kept = library(tmp_path)
    path = tmp_path / "templates" / "own.html"
    touch(path, OWN.replace("{}", "1"))
    assert "v1" in str(render("{{Own|x}}", lookups(kept)).html)
    render("{{Own|x}}", lookups(kept))
    assert kept.kept_reused == 1
    touch(path, OWN.replace("{}", "2"))
    assert "v2" in str(render("{{Own|x}}", lookups(kept)).html)
    assert kept.kept_reused == 1


def test_a_changed_imported_template_renders_the_call_again(tmp_path: Path) -> None:
    kept = library(tmp_path)
    own = tmp_path / "templates"
    touch(own / "_part.html", "{% macro part(x) %}<b>{{ x }} one</b>{% endmacro %}")
    touch(own / "uses_part.html", '{% from "_part.html" import part %}{{ part(raw["1"]) }}')
    assert "x one" in str(render("{{Uses part|x}}", lookups(kept)).html)
    render("{{Uses part|x}}", lookups(kept))
    assert kept.kept_reused == 1
    touch(own / "_part.html", "{% macro part(x) %}<b>{{ x }} two</b>{% endmacro %}")
    assert "x two" in str(render("{{Uses part|x}}", lookups(kept)).html)
    assert kept.kept_reused == 1


def test_an_operators_template_added_later_is_used_at_once(tmp_path: Path) -> None:
    kept = library(tmp_path)
    builtin = render("{{Stub}}", lookups(kept))
    touch(tmp_path / "templates" / "stub.html", '<div class="own-stub">Ours</div>')
    ours = render("{{Stub}}", lookups(kept))
    assert "own-stub" not in str(builtin.html) and "own-stub" in str(ours.html)
    assert kept.kept_reused == 0


def test_nested_calls_are_kept_with_what_they_asked(tmp_path: Path) -> None:
    kept, plain = library(tmp_path), library(tmp_path, kept_bytes=0)
    text = "{{Further|{{Main|Inner page}}}} and {{Main|Inner page}}"
    existing: set[str] = set()
    first = render(text, lookups(kept, existing))
    same(first, render(text, lookups(plain, existing)))
    second = render(text, lookups(kept, existing))
    same(second, first)
    existing.add("Inner page")
    changed = render(text, lookups(kept, existing))
    same(changed, render(text, lookups(plain, existing)))
    assert changed.html != first.html


def test_failed_and_unknown_calls_are_not_kept(tmp_path: Path) -> None:
    kept = library(tmp_path)
    touch(tmp_path / "templates" / "broken.html", "{{ 1 / 0 }}")
    for _ in range(2):
        html = str(render("{{Broken}} {{No such template}}", lookups(kept)).html)
        assert "Broken" in html and "No such template" in html
    assert len(kept.kept) == 0 and kept.kept_reused == 0


def test_a_page_near_its_limits_renders_the_call_again(tmp_path: Path) -> None:
    kept = library(tmp_path)
    call = TemplateCall("Further", ("{{Main|A}}",), (), False)
    page = lookups(kept)
    output = kept_calls.render(call, 0, page, {"budget": Budget()}, _render_fragment)
    assert kept.kept_rendered == 2  # the call and the one in its parameter
    full = {"budget": Budget(template_calls=MAX_TEMPLATE_CALLS)}
    again = kept_calls.render(call, 0, page, full, _render_fragment)
    assert kept.kept_rendered == 3 and kept.kept_reused == 0
    assert "calls" in full["budget"].hit and again != output  # the limit shows, as without keeping


def test_the_store_is_bounded(tmp_path: Path) -> None:
    kept = library(tmp_path, kept_bytes=4096)
    for number in range(40):
        render(f"{{{{Main|Page {number}}}}}", lookups(kept))
    assert 0 < len(kept.kept) < 40
    assert kept.kept.size <= 4096


def test_threads_sharing_kept_calls_render_what_one_thread_renders(tmp_path: Path) -> None:
    kept, plain = library(tmp_path), library(tmp_path, kept_bytes=0)
    texts = [f"{{{{Main|Page {n % 7}}}}} {{{{Cite web|title=T{n % 5}|url=https://e.org/{n % 3}}}}}"
             f" [[Page {n % 4}]]" for n in range(60)]
    expected = [render(text, lookups(plain, {"Page 2", "Page 3"})) for text in texts]
    failures: list[str] = []

    def work() -> None:
        for _ in range(5):
            for text, wanted in zip(texts, expected, strict=True):
                got = render(text, lookups(kept, {"Page 2", "Page 3"}))
                if got.html != wanted.html or got.links != wanted.links:
                    failures.append(text)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert kept.kept_reused > 0


# Through the app: what a reused call consulted stays among the topics of a stored render.

@pytest.fixture
def uncached(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """A second app on the same database that keeps no calls and no pages."""
    yield from custom_app(tmp_path, database_url, WIKI_PAGE_CACHE_BYTES=0,
                          WIKI_TEMPLATE_CALL_CACHE_BYTES=0)


def test_a_reused_call_still_makes_its_page_follow_the_titles_it_asked_about(
        app: Flask, client: FlaskClient, uncached: Flask) -> None:
    call = "{{Main|Hatnote target}}"
    create(app, "First user", f"First. {call}")
    create(app, "Second user", f"Second. {call}")  # renders with the kept call
    library = app.extensions["wiki.templates"]
    assert library.kept_reused >= 1
    before = client.get("/wiki/Second_user").get_data(as_text=True)
    assert 'class="new"' in before and "Hatnote_target" in before
    create(app, "Hatnote target", "Now written.")
    after = client.get("/wiki/Second_user").get_data(as_text=True)
    assert 'href="/wiki/Hatnote_target"' in after
    assert after == uncached.test_client().get("/wiki/Second_user").get_data(as_text=True)


def test_saving_the_seeded_article_reuses_its_citations(app: Flask, client: FlaskClient,
                                                        uncached: Flask) -> None:
    title = parse_title("Azerbaijan–Kosovo relations")
    with app.app_context():
        text = pages.latest_revision(pages.find_page(title)).text  # type: ignore[arg-type]
        library = app.extensions["wiki.templates"]
        reused = library.kept_reused
        for number in range(2):
            current = pages.find_page(title)
            assert current is not None
            pages.save_edit(title, f"{text}\n\nEdit {number}.",
                            author=pages.Author("Editor"),
                            base_revision_id=current.latest_revision_id)
        assert library.kept_reused >= reused + 10  # the citations and the infobox, at least
    path = title.path
    assert client.get(path).get_data() == uncached.test_client().get(path).get_data()


def test_live_data_that_comes_or_goes_renders_the_call_again(tmp_path: Path) -> None:
    kept, plain = library(tmp_path), library(tmp_path, kept_bytes=0)
    text = "{{Infobox bilateral relations|A–B|Azerbaijan|Kosovo}}"

    def locator_map(first: str, second: str) -> dict[str, object]:
        return {"svg_url": "/map/AZE-XKX.svg", "png_url": "/map/AZE-XKX.png",
                "width": 400, "height": 300}

    without = render(text, lookups(kept))
    offered = render(text, lookups(kept, locator_map=locator_map))
    same(without, render(text, lookups(plain)))
    same(offered, render(text, lookups(plain, locator_map=locator_map)))
    assert "AZE-XKX.svg" in str(offered.html) and "AZE-XKX.svg" not in str(without.html)
    assert kept.kept_reused == 0


def test_a_call_around_an_unknown_template_shows_it_once_it_is_added(tmp_path: Path) -> None:
    kept = library(tmp_path)
    text = "{{Further|{{Added later|x}}}}"
    for _ in range(2):
        assert "Added later" in str(render(text, lookups(kept)).html)  # the notice
    assert kept.kept_reused == 0
    touch(tmp_path / "templates" / "added_later.html", '<i class="added">{{ args[0] }}</i>')
    assert 'class="added"' in str(render(text, lookups(kept)).html)


def test_a_call_around_a_failing_template_is_not_kept(tmp_path: Path) -> None:
    kept = library(tmp_path)
    touch(tmp_path / "templates" / "broken.html", "{{ 1 / 0 }}")
    for _ in range(2):
        render("{{Further|{{Broken}}}}", lookups(kept))
    assert kept.kept_reused == 0 and len(kept.kept) == 0
