"""Export in MediaWiki's XML format (0.11): `flask export` and Special:Export.

Every export is read back with mwxml, the parser research tools use for Wikipedia's dumps, and
every field of every revision is checked against the database: title, namespace, page id,
redirect, revision id, parent, timestamp, author (account name and id, or IP address), minor,
summary, content model and format, text, bytes and SHA-1.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

import mwxml
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from wikitest import CSRF_FIELD, create

from wiki import accounts, moderation, pages
from wiki.db import db
from wiki.dumps import export
from wiki.dumps.xmlformat import (
    EXPORT_NAMESPACE,
    MARKDOWN_FORMAT,
    MARKDOWN_MODEL,
    hex_to_base36,
    sha1_base36,
)
from wiki.existence import is_readable
from wiki.models import Page, Revision, User
from wiki.titles import NAMESPACES, parse_title

SPECIAL_TEXT = ("Markup that XML must escape: <b>bold</b> & &amp; ]]> \"double\" 'single'\n\n"
                "\tA tab, Unicode – Tadić ✓ 𝄞, and [[Apple]].")


@dataclass(frozen=True)
class Content:
    """What the test saved, to find in the exports."""

    history: list[int]  # revisions of "Export test", oldest first
    deleted: int  # page id of a deleted page


@pytest.fixture
def content(app: Flask) -> Content:
    """Pages with every kind of revision: by an account, by an IP address, by a name without
    an account here, minor, with and without summaries, blanked, a redirect, category members,
    a talk page and a deleted page."""
    with app.app_context():
        accounts.create_account("Alice", "alice password 1", "alice password 1")
        title = parse_title("Export test")
        alice = pages.Author("Alice")
        anonymous = pages.Author.anonymous("192.0.2.7")
        first = pages.save_edit(title, "First text.", author=alice, base_revision_id=None,
                                summary="New page")
        second = pages.save_edit(title, SPECIAL_TEXT, author=anonymous,
                                 base_revision_id=first.revision.id,
                                 summary='Fix <b> & "quotes"')
        third = pages.save_edit(title, SPECIAL_TEXT + "\n\nMore.", author=alice,
                                base_revision_id=second.revision.id, minor=True)
        blank = pages.save_edit(title, "", author=alice, base_revision_id=third.revision.id,
                                summary="Blanked")
        fourth = pages.save_edit(title, SPECIAL_TEXT, author=pages.Author("Imported name"),
                                 base_revision_id=blank.revision.id, summary="Restored")
        history = [first.revision.id, second.revision.id, third.revision.id,
                   blank.revision.id, fourth.revision.id]
    create(app, "Export redirect", "#REDIRECT [[Export test]]")
    create(app, "Apple", "A fruit. [[Category:Fruit]]")
    create(app, "Banana", "Another fruit. [[Category:Fruit]]")
    create(app, "Cherry", "Not in the category.")
    create(app, "Talk:Export test", "Talk about it.")
    create(app, "Gone", "Soon deleted. [[Category:Fruit]]")
    with app.app_context():
        moderation.delete(parse_title("Gone"), "test", pages.Author("Admin", role="admin"))
        deleted = pages.find_page(parse_title("Gone"))
        assert deleted is not None
        return Content(history, deleted.id)


def check_dump(app: Flask, data: bytes, *, full_history: bool) -> dict[str, list[int]]:
    """Read the export with mwxml and check it against the database field by field; returns
    each exported page's title with the ids of its exported revisions."""
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<mediawiki xmlns=')
    dump = mwxml.Dump.from_file(io.BytesIO(data))
    exported: dict[str, list[int]] = {}
    with app.app_context():
        check_siteinfo(app, dump.site_info)
        for page in dump:
            row = db.session.get(Page, page.id)
            assert is_readable(row), f"page {page.id} should not be exported"
            assert page.title == row.full_title
            assert page.namespace == row.namespace
            latest = pages.latest_revision(row)
            target = pages.redirect_target(latest.text)
            assert page.redirect == (target.full if row.is_redirect and target else None)
            if full_history:
                expected = list(db.session.scalars(
                    sa.select(Revision).where(Revision.page_id == row.id).order_by(Revision.id)))
            else:
                expected = [latest]
            revisions = list(page)
            assert [revision.id for revision in revisions] == [want.id for want in expected]
            for got, want in zip(revisions, expected, strict=True):
                check_revision(got, want)
            assert page.title not in exported
            exported[page.title] = [revision.id for revision in revisions]
    return exported


def check_siteinfo(app: Flask, info: mwxml.SiteInfo) -> None:
    """The siteinfo names the site, its address and every namespace with its letter case."""
    assert info.name == app.config["WIKI_SITE_NAME"]
    assert info.dbname == "wiki"
    assert info.base == app.config["WIKI_BASE_URL"] + "/wiki/Main_Page"
    assert info.generator and "0.11" in info.generator
    assert info.case == "first-letter"
    assert [(namespace.id, namespace.name, namespace.case) for namespace in info.namespaces] \
        == [(number, name, "first-letter") for number, name in sorted(NAMESPACES.items())]


def check_revision(got: mwxml.Revision, want: Revision) -> None:
    """Every field of one exported revision against its row."""
    assert got.id == want.id
    assert got.parent_id == want.parent_id
    assert got.timestamp.strftime("%Y-%m-%dT%H:%M:%SZ") \
        == want.timestamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert got.user.text == want.author
    if want.author_is_ip:
        assert got.user.id is None
    else:
        account = db.session.scalar(sa.select(User.id).where(User.name == want.author))
        assert got.user.id == (account or 0)
    assert got.minor == want.minor
    assert got.comment == (want.summary or None)
    assert got.model == MARKDOWN_MODEL
    assert got.format == MARKDOWN_FORMAT
    assert (got.text or "") == want.text
    assert got.bytes == want.size == len(want.text.encode("utf-8"))
    assert got.sha1 == got.slots.sha1 == sha1_base36(want.text) == hex_to_base36(want.sha1)


def readable_titles(app: Flask) -> set[str]:
    """The full title of every page an export of everything holds."""
    with app.app_context():
        return {page.full_title for page in db.session.scalars(sa.select(Page))
                if is_readable(page)}


def revision_count(app: Flask) -> int:
    """How many revisions the readable pages have."""
    with app.app_context():
        return sum(len(db.session.scalars(sa.select(Revision.id)
                                          .where(Revision.page_id == page.id)).all())
                   for page in db.session.scalars(sa.select(Page)) if is_readable(page))


# ---------------------------------------------------------------------------------------------
# flask export


def test_cli_exports_every_page_with_full_history(app: Flask, runner, content: Content) -> None:
    result = runner.invoke(args=["export", "--full"])
    assert result.exit_code == 0, result.output
    exported = check_dump(app, result.stdout_bytes, full_history=True)
    assert set(exported) == readable_titles(app)
    assert "Gone" not in exported
    assert exported["Export test"] == content.history
    assert sum(map(len, exported.values())) == revision_count(app)
    assert result.stderr == ""


def test_cli_exports_current_revisions_by_default(app: Flask, runner, content: Content) -> None:
    result = runner.invoke(args=["export"])
    assert result.exit_code == 0, result.output
    exported = check_dump(app, result.stdout_bytes, full_history=False)
    assert set(exported) == readable_titles(app)
    assert exported["Export test"] == [content.history[-1]]
    assert all(len(ids) == 1 for ids in exported.values())


def test_cli_exports_named_pages_and_notes_the_rest(app: Flask, runner,
                                                   content: Content) -> None:
    result = runner.invoke(args=["export", "--full", "Export test", "export_redirect",
                                 "No such page", "Bad|title", "Gone", "Export test"])
    assert result.exit_code == 0, result.output
    exported = check_dump(app, result.stdout_bytes, full_history=True)
    assert list(exported) == ["Export test", "Export redirect"]
    assert "Skipped No such page: no such page." in result.stderr
    assert "Skipped Gone: no such page." in result.stderr
    assert "Skipped Bad|title: not a valid title" in result.stderr


def test_cli_exports_a_category(app: Flask, runner, content: Content) -> None:
    for spelling in ("Fruit", "Category:fruit"):
        result = runner.invoke(args=["export", "--category", spelling])
        assert result.exit_code == 0, result.output
        assert set(check_dump(app, result.stdout_bytes, full_history=False)) == {"Apple",
                                                                                 "Banana"}
    result = runner.invoke(args=["export", "--full", "--category", "Fruit", "Cherry"])
    assert set(check_dump(app, result.stdout_bytes, full_history=True)) == {
        "Apple", "Banana", "Cherry"}


def test_cli_with_nothing_to_export_fails(runner, content: Content) -> None:
    result = runner.invoke(args=["export", "No such page", "--category", "Vegetables"])
    assert result.exit_code == 1
    assert result.stdout_bytes == b""
    assert "Skipped No such page: no such page." in result.stderr
    assert "Skipped Category:Vegetables: no pages in this category." in result.stderr
    assert "Nothing to export." in result.stderr


def test_cli_writes_a_file(app: Flask, runner, content: Content, tmp_path) -> None:
    path = tmp_path / "dump.xml"
    result = runner.invoke(args=["export", "--output", str(path), "Apple"])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == b""
    assert list(check_dump(app, path.read_bytes(), full_history=False)) == ["Apple"]


# ---------------------------------------------------------------------------------------------
# The stream


def test_small_batches_export_the_same(app: Flask, runner, content: Content,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Every batch boundary (pages, revisions, texts, pieces) gives the same export."""
    expected = runner.invoke(args=["export", "--full"]).stdout_bytes
    for name, value in (("PAGE_BATCH", 2), ("REVISION_BATCH", 3), ("TEXT_BATCH_BYTES", 1),
                        ("CHUNK_CHARS", 1)):
        monkeypatch.setattr(export, name, value)
    assert runner.invoke(args=["export", "--full"]).stdout_bytes == expected


def test_texts_are_read_a_few_at_a_time(app: Flask, content: Content,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """No query reads more texts than TEXT_BATCH_BYTES allows (one, when each is larger)."""
    monkeypatch.setattr(export, "TEXT_BATCH_BYTES", 1)
    largest: list[int] = []
    real = export._by_size

    def watched(rows):  # type: ignore[no-untyped-def]
        for group in real(rows):
            largest.append(len(group))
            yield group

    monkeypatch.setattr(export, "_by_size", watched)
    with app.app_context():
        stream = export.export_xml(export.Selection(everything=True), full_history=True)
        assert isinstance(stream, Iterator)
        data = "".join(stream)
    assert largest and max(largest) == 1
    assert data.count("<revision>") == revision_count(app)


# ---------------------------------------------------------------------------------------------
# Special:Export


def test_special_export_of_one_page(app: Flask, client: FlaskClient, content: Content) -> None:
    response = client.get("/wiki/Special:Export/Export_test")
    assert response.status_code == 200
    assert response.content_type == "application/xml; charset=utf-8"
    assert response.is_streamed
    assert "Content-Disposition" not in response.headers
    exported = check_dump(app, response.get_data(), full_history=False)
    assert exported == {"Export test": [content.history[-1]]}


def test_special_export_of_a_talk_page_and_a_redirect(app: Flask, client: FlaskClient,
                                                      content: Content) -> None:
    exported = check_dump(app, client.get("/wiki/Special:Export/Talk:Export_test").get_data(),
                          full_history=False)
    assert list(exported) == ["Talk:Export test"]
    data = client.get("/wiki/Special:Export/Export_redirect").get_data()
    assert b'<redirect title="Export test" />' in data
    check_dump(app, data, full_history=False)


def test_special_export_of_a_missing_or_deleted_page_is_404(client: FlaskClient,
                                                            content: Content) -> None:
    assert client.get("/wiki/Special:Export/No_such_page").status_code == 404
    assert client.get("/wiki/Special:Export/Gone").status_code == 404


def test_special_export_form(client: FlaskClient) -> None:
    response = client.get("/wiki/Special:Export")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'method="post"' in html and CSRF_FIELD.search(html)
    assert 'name="pages"' in html and 'name="category"' in html
    assert 'name="history"' in html and 'name="download"' in html
    assert "Templates are not exported" in html


def form_token(client: FlaskClient) -> str:
    """The CSRF token of the export form."""
    match = CSRF_FIELD.search(client.get("/wiki/Special:Export").get_data(as_text=True))
    assert match
    return match.group(1)


def test_form_exports_titles_current_or_full(app: Flask, client: FlaskClient,
                                             content: Content) -> None:
    token = form_token(client)
    names = "Export test\r\nNo such page\r\n\r\nTalk:Export test\r\n"
    response = client.post("/wiki/Special:Export", data={"csrf_token": token, "pages": names})
    assert response.status_code == 200
    assert response.content_type == "application/xml; charset=utf-8"
    assert check_dump(app, response.get_data(), full_history=False) == {
        "Export test": [content.history[-1]],
        "Talk:Export test": [current_revision_id(app, "Talk:Export test")]}
    response = client.post("/wiki/Special:Export", data={
        "csrf_token": token, "pages": names, "history": "1", "download": "1"})
    exported = check_dump(app, response.get_data(), full_history=True)
    assert exported["Export test"] == content.history
    assert re.fullmatch(r'attachment; filename="wiki-\d{14}\.xml"',
                        response.headers["Content-Disposition"])


def current_revision_id(app: Flask, title: str) -> int:
    """The current revision id of a page."""
    with app.app_context():
        page = pages.get_page(parse_title(title))
        assert page.latest_revision_id is not None
        return page.latest_revision_id


def test_form_exports_a_category(app: Flask, client: FlaskClient, content: Content) -> None:
    response = client.post("/wiki/Special:Export", data={
        "csrf_token": form_token(client), "pages": "Cherry", "category": "Category:Fruit"})
    assert set(check_dump(app, response.get_data(), full_history=False)) == {
        "Apple", "Banana", "Cherry"}


def test_form_needs_its_token(client: FlaskClient, content: Content) -> None:
    response = client.post("/wiki/Special:Export", data={"pages": "Export test"})
    assert response.status_code == 400


def test_export_by_address(app: Flask, client: FlaskClient, content: Content) -> None:
    response = client.get("/wiki/Special:Export?pages=Apple%0ABanana&history=1")
    assert response.status_code == 200
    assert set(check_dump(app, response.get_data(), full_history=True)) == {"Apple", "Banana"}
    assert client.get("/wiki/Special:Export?pages=Apple&history=yes").status_code == 400


def test_form_with_nothing_found_says_so(client: FlaskClient, content: Content) -> None:
    response = client.post("/wiki/Special:Export", data={
        "csrf_token": form_token(client), "pages": "No such page\nGone",
        "category": "Vegetables"})
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert response.content_type.startswith("text/html")
    assert "Nothing to export" in html
    assert "No such page – no such page" in html and "Gone – no such page" in html
    assert "Category:Vegetables – no pages in this category" in html
    assert "No such page\nGone</textarea>" in html


def test_export_is_listed_among_special_pages(client: FlaskClient) -> None:
    html = client.get("/wiki/Special:SpecialPages").get_data(as_text=True)
    assert 'href="/wiki/Special:Export"' in html


def test_root_element_declares_the_format(client: FlaskClient, content: Content) -> None:
    data = client.get("/wiki/Special:Export/Apple").get_data(as_text=True)
    assert f'<mediawiki xmlns="{EXPORT_NAMESPACE}"' in data
    assert 'version="0.11" xml:lang="en">' in data
    assert data.endswith("</mediawiki>\n")
