"""Importing MediaWiki XML exports: the one writer's import (pages.import_revisions), `flask
import` and Special:Import. Dumps are built here, page by page, as MediaWiki writes them."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from wikitest import CSRF_FIELD, create

from wiki import accounts, pages
from wiki.db import db
from wiki.dumps import wikitext
from wiki.models import LogEntry, Page, RenderedRevision, Revision
from wiki.titles import parse_title

PASSWORD = "import password"
NAMESPACES = {0: "", 1: "Talk", 2: "User", 10: "Template", 14: "Category"}


# ---------------------------------------------------------------------------------------------
# dumps


@dataclass(frozen=True)
class Rev:
    """A revision as a dump carries it."""

    id: int
    timestamp: str
    text: str | None
    user: str | None = "Ann"
    ip: str | None = None
    summary: str | None = None
    minor: bool = False
    model: str | None = "markdown"
    format: str | None = "text/markdown"
    deleted: bool = False


def page_xml(title: str, revisions: Sequence[Rev], ns: int = 0, page_id: int = 1) -> str:
    """One <page> of an export."""
    parts = [f"  <page>\n    <title>{escape(title)}</title>\n    <ns>{ns}</ns>\n"
             f"    <id>{page_id}</id>\n"]
    for rev in revisions:
        parts.append(f"    <revision>\n      <id>{rev.id}</id>\n"
                     f"      <timestamp>{rev.timestamp}</timestamp>\n")
        if rev.ip:
            parts.append(f"      <contributor><ip>{escape(rev.ip)}</ip></contributor>\n")
        elif rev.user:
            parts.append(f"      <contributor><username>{escape(rev.user)}</username>"
                         f"<id>{len(rev.user)}</id></contributor>\n")
        if rev.minor:
            parts.append("      <minor />\n")
        if rev.summary is not None:
            parts.append(f"      <comment>{escape(rev.summary)}</comment>\n")
        if rev.model:
            parts.append(f"      <model>{rev.model}</model>\n")
        if rev.format:
            parts.append(f"      <format>{rev.format}</format>\n")
        if rev.deleted:
            parts.append('      <text bytes="12" deleted="deleted" />\n')
        elif rev.text is not None:
            size = len(rev.text.encode())
            parts.append(f'      <text bytes="{size}" xml:space="preserve">{escape(rev.text)}'
                         "</text>\n")
        parts.append("      <sha1>phoiac9h4m842xq45sp7s6u21eteeq1</sha1>\n    </revision>\n")
    parts.append("  </page>\n")
    return "".join(parts)


def dump(*pages_xml: str, version: str = "0.11") -> bytes:
    """A whole export around the given pages."""
    namespaces = "".join(
        f'      <namespace key="{key}" case="first-letter"{" /" if not name else ""}>'
        f'{name + "</namespace>" if name else ""}\n' for key, name in NAMESPACES.items())
    return (f'<mediawiki xmlns="http://www.mediawiki.org/xml/export-{version}/" '
            f'version={quoteattr(version)} xml:lang="en">\n  <siteinfo>\n'
            "    <sitename>Elsewhere</sitename>\n    <dbname>elsewiki</dbname>\n"
            f"    <namespaces>\n{namespaces}    </namespaces>\n  </siteinfo>\n"
            + "".join(pages_xml) + "</mediawiki>\n").encode("utf-8")


STORY = [
    Rev(101, "2021-03-01T10:00:00Z", "First words about [[Beta]].", user="Ann",
        summary="Start"),
    Rev(102, "2021-03-02T11:30:00Z", "First words about [[Beta]], and more.", ip="192.0.2.7",
        summary="More", minor=True),
    Rev(103, "2021-03-05T09:15:00Z", "Final words about [[Beta]] and [[Gamma]].\n\n"
        "[[Category:Greek letters]]", user="Bea", summary="Final [[Beta|link]]"),
]


def story_dump() -> bytes:
    """Several pages: a history by accounts and an IP, a redirect, a talk page."""
    return dump(
        page_xml("Alpha", STORY, page_id=1),
        page_xml("Alpha letter", [Rev(201, "2021-04-01T00:00:00Z", "#REDIRECT [[Alpha]]",
                                      user="Ann", summary="Redirect")], page_id=2),
        page_xml("Talk:Alpha", [Rev(301, "2021-03-03T08:00:00Z", "Is this right?",
                                    ip="2001:db8::1")], ns=1, page_id=3),
    )


def write(tmp_path: Path, data: bytes, name: str = "dump.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def run_import(app: Flask, path: Path, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=["import", str(path), *args])


def revisions_of(app: Flask, title: str) -> list[Revision]:
    with app.app_context():
        page = pages.find_page(parse_title(title))
        if page is None:
            return []
        rows = list(db.session.scalars(
            sa.select(Revision).where(Revision.page_id == page.id).order_by(Revision.id)))
        db.session.expunge_all()
        return rows


def counts(app: Flask) -> tuple[int, int, int]:
    """Pages, revisions and log entries in the database."""
    with app.app_context():
        pages_, revisions, entries = (
            db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0
            for model in (Page, Revision, LogEntry))
        return pages_, revisions, entries


def logged_in(app: Flask, name: str, role: str) -> FlaskClient:
    with app.app_context():
        accounts.create_account(name, PASSWORD, PASSWORD, role=role)
    client = app.test_client()
    page = client.get("/wiki/Special:UserLogin").get_data(as_text=True)
    token = CSRF_FIELD.search(page)
    assert token
    response = client.post("/wiki/Special:UserLogin", data={
        "csrf_token": token.group(1), "name": name, "password": PASSWORD})
    assert response.status_code == 303
    return client


def token_of(client: FlaskClient) -> str:
    match = CSRF_FIELD.search(client.get("/wiki/Special:Import").get_data(as_text=True))
    assert match, "no CSRF token on Special:Import"
    return match.group(1)


def upload(client: FlaskClient, data: bytes, name: str = "dump.xml", *, token: str | None = "",
           dry_run: bool = False) -> Any:
    form: dict[str, Any] = {"file": (io.BytesIO(data), name)}
    if token is not None:
        form["csrf_token"] = token or token_of(client)
    if dry_run:
        form["dry_run"] = "1"
    return client.post("/wiki/Special:Import", data=form, content_type="multipart/form-data")


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture
def admin(app: Flask) -> FlaskClient:
    return logged_in(app, "Importer", "admin")


# ---------------------------------------------------------------------------------------------
# round trip


def test_a_dump_imports_with_every_revision_as_it_was(app: Flask, client: FlaskClient,
                                                      tmp_path: Path) -> None:
    result = run_import(app, write(tmp_path, story_dump()))
    assert result.exit_code == 0, result.output
    assert "3 pages read: 3 imported (3 new, 3 with new revisions), 0 failed" in result.output
    assert "Revisions: 5 imported, 0 already there (skipped), 0 older" in result.output

    alpha = revisions_of(app, "Alpha")
    assert [(r.timestamp.isoformat(), r.author, r.author_is_ip, r.summary, r.minor, r.text)
            for r in alpha] == [
        ("2021-03-01T10:00:00", "Ann", False, "Start", False, STORY[0].text),
        ("2021-03-02T11:30:00", "192.0.2.7", True, "More", True, STORY[1].text),
        ("2021-03-05T09:15:00", "Bea", False, "Final [[Beta|link]]", False, STORY[2].text),
    ]
    assert all(r.imported for r in alpha)
    assert [r.parent_id for r in alpha] == [None, alpha[0].id, alpha[1].id]
    talk = revisions_of(app, "Talk:Alpha")
    assert [(t.author, t.author_is_ip) for t in talk] == [("2001:db8::1", True)]

    with app.app_context():
        page = pages.find_page(parse_title("Alpha"))
        assert page is not None and page.latest_revision_id == alpha[-1].id
        assert page.created_at.isoformat() == "2021-03-01T10:00:00"
        redirect = pages.find_page(parse_title("Alpha letter"))
        assert redirect is not None and redirect.is_redirect and not page.is_redirect
        # only each page's latest revision was rendered (Alpha's render then went with the
        # talk page's creation, which changes Alpha's talk tab)
        rendered = set(db.session.scalars(sa.select(RenderedRevision.revision_id).where(
            RenderedRevision.revision_id.in_([r.id for r in alpha + talk]))))
        assert rendered == {talk[-1].id}

    html = client.get("/wiki/Alpha?action=history").get_data(as_text=True)
    rows = re.findall(r'<li class="history-row">(.*?)</li>', html, re.S)
    assert len(rows) == 3
    assert all("(imported)" in row for row in rows)
    assert "Bea" in rows[0] and "Final" in text_of(rows[0])
    assert "192.0.2.7" in rows[1] and 'class="minor"' in rows[1]
    assert "Ann" in rows[2] and 'class="minor"' not in rows[2]
    article = client.get("/wiki/Alpha").get_data(as_text=True)
    assert "Final words about" in article and re.search(r'href="/wiki/Gamma[?"]', article)
    assert "Greek letters" in article
    # links, categories and search follow the latest revision
    assert "Alpha" in client.get("/wiki/Special:WhatLinksHere/Gamma").get_data(as_text=True)
    assert "Alpha" in client.get("/wiki/Category:Greek_letters").get_data(as_text=True)
    found = client.get("/wiki/Special:Search?search=final+words&fulltext=1").get_data(
        as_text=True)
    assert "/wiki/Alpha" in found
    old = client.get(f"/wiki/Alpha?oldid={alpha[0].id}").get_data(as_text=True)
    assert "First words about" in old  # an older revision renders when viewed
    redirected = client.get("/wiki/Alpha_letter")
    assert redirected.status_code in {200, 301, 302}


def test_hidden_authors_and_empty_texts(app: Flask, tmp_path: Path) -> None:
    xml = page_xml("Blanked", [Rev(1, "2021-01-01T00:00:00Z", "Something.", user="Ann"),
                               Rev(2, "2021-01-02T00:00:00Z", "", user="Bea")])
    xml = xml.replace('<text bytes="0" xml:space="preserve"></text>', '<text bytes="0" />')
    xml = xml.replace("<contributor><username>Bea</username><id>3</id></contributor>",
                      '<contributor deleted="deleted" />')
    assert '<contributor deleted="deleted" />' in xml and '<text bytes="0" />' in xml
    result = run_import(app, write(tmp_path, dump(xml)))
    assert result.exit_code == 0, result.output
    assert [(r.author, r.text) for r in revisions_of(app, "Blanked")] == [
        ("Ann", "Something."), ("Unknown user", "")]


def test_edits_made_here_are_not_marked_imported(app: Flask, client: FlaskClient) -> None:
    create(app, "Local", "Written here.")
    assert "(imported)" not in client.get("/wiki/Local?action=history").get_data(as_text=True)


def test_importing_the_same_file_twice_changes_nothing(app: Flask, tmp_path: Path) -> None:
    path = write(tmp_path, story_dump())
    assert run_import(app, path).exit_code == 0
    before = counts(app)
    again = run_import(app, path)
    assert again.exit_code == 0, again.output
    assert "Revisions: 0 imported, 5 already there (skipped), 0 older" in again.output
    assert counts(app) == before  # no revision, page or log entry more


def test_newer_revisions_are_appended_to_an_imported_page(app: Flask, tmp_path: Path) -> None:
    assert run_import(app, write(tmp_path, dump(page_xml("Alpha", STORY[:2])))).exit_code == 0
    later = Rev(104, "2022-01-01T00:00:00Z", "Much later.", user="Cy", summary="Later")
    result = run_import(app, write(tmp_path, dump(page_xml("Alpha", [*STORY, later])), "b.xml"))
    assert result.exit_code == 0, result.output
    assert "Revisions: 2 imported, 2 already there (skipped), 0 older" in result.output
    alpha = revisions_of(app, "Alpha")
    assert [r.text for r in alpha] == [STORY[0].text, STORY[1].text, STORY[2].text, "Much later."]
    assert alpha[3].parent_id == alpha[2].id


def test_newer_revisions_are_appended_to_a_page_made_here(app: Flask, tmp_path: Path) -> None:
    create(app, "Local", "Written here.")
    newer = Rev(9, "2099-01-01T00:00:00Z", "From the future.", user="Cy")
    assert run_import(app, write(tmp_path, dump(page_xml("Local", [newer])))).exit_code == 0
    local = revisions_of(app, "Local")
    assert [(r.text, r.imported) for r in local] == [("Written here.", False),
                                                      ("From the future.", True)]


def test_older_revisions_are_reported_and_not_spliced_in(app: Flask, client: FlaskClient,
                                                         tmp_path: Path) -> None:
    create(app, "Local", "Written here.")
    before = revisions_of(app, "Local")
    old = [Rev(7, "2019-05-06T07:08:09Z", "Old text.", user="Ann"),
           Rev(8, "2019-05-07T07:08:09Z", "Old text, edited.", user="Ann")]
    result = run_import(app, write(tmp_path, dump(page_xml("Local", old))))
    assert result.exit_code == 0, result.output
    assert "Revisions: 0 imported, 0 already there (skipped), 2 older" in result.output
    assert "Local: revision 7 of 2019-05-06 07:08:09 UTC" in result.output
    assert "Local: revision 8 of 2019-05-07 07:08:09 UTC" in result.output
    assert [r.id for r in revisions_of(app, "Local")] == [r.id for r in before]


def test_only_the_older_part_of_a_dump_is_left_out(app: Flask, tmp_path: Path) -> None:
    with app.app_context():
        revision = pages.import_revisions(parse_title("Mixed"), [pages.ImportedRevision(
            "Middle.", pages.Author("Ann"), parse("2021-06-01T00:00:00"))], by=pages.SYSTEM)
    assert revision.created and revision.imported == 1
    dumped = [Rev(1, "2021-01-01T00:00:00Z", "Early."), Rev(2, "2021-06-01T00:00:00Z", "Middle."),
              Rev(3, "2021-12-01T00:00:00Z", "Late.")]
    result = run_import(app, write(tmp_path, dump(page_xml("Mixed", dumped))))
    assert "Revisions: 1 imported, 1 already there (skipped), 1 older" in result.output
    assert [r.text for r in revisions_of(app, "Mixed")] == ["Middle.", "Late."]


def parse(value: str) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(value)


def test_revisions_of_one_second_keep_the_first_and_report_the_rest(app: Flask) -> None:
    same = parse("2021-01-01T00:00:00")
    with app.app_context():
        outcome = pages.import_revisions(parse_title("Same second"), [
            pages.ImportedRevision("One.", pages.Author("Ann"), same, source_id=1),
            pages.ImportedRevision("Two.", pages.Author("Bea"), same, source_id=2),
        ], by=pages.SYSTEM)
    assert outcome.imported == 1 and [r.source_id for r in outcome.older] == [2]


def test_revisions_are_imported_in_time_order(app: Flask) -> None:
    with app.app_context():
        pages.import_revisions(parse_title("Shuffled"), [
            pages.ImportedRevision("Second.", pages.Author("Bea"), parse("2021-01-02T00:00:00")),
            pages.ImportedRevision("First.", pages.Author("Ann"), parse("2021-01-01T00:00:00")),
        ], by=pages.SYSTEM)
    assert [r.text for r in revisions_of(app, "Shuffled")] == ["First.", "Second."]


def test_only_administrators_may_import_through_the_service(app: Flask) -> None:
    from wiki.errors import Forbidden

    with app.app_context(), pytest.raises(Forbidden):
        pages.import_revisions(parse_title("Nope"), [pages.ImportedRevision(
            "Text.", pages.Author("Ann"), parse("2021-01-01T00:00:00"))],
            by=pages.Author("Ann"))


def test_import_into_a_deleted_page_fails_that_page(app: Flask, tmp_path: Path) -> None:
    from wiki import moderation

    create(app, "Gone", "Soon deleted.")
    with app.app_context():
        moderation.delete(parse_title("Gone"), "test", pages.SYSTEM)
    newer = Rev(9, "2099-01-01T00:00:00Z", "Back?", user="Cy")
    result = run_import(app, write(tmp_path, dump(page_xml("Gone", [newer]))))
    assert result.exit_code == 1
    assert "Gone: " in result.output and "was deleted" in result.output


# ---------------------------------------------------------------------------------------------
# the CLI


def test_dry_run_changes_nothing(app: Flask, tmp_path: Path) -> None:
    before = counts(app)
    result = run_import(app, write(tmp_path, story_dump()), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Dry run of the import of dump.xml" in result.output
    assert "3 would be imported (3 new" in result.output
    assert "Revisions: 5 would be imported" in result.output
    assert counts(app) == before


def test_compressed_dumps_import(app: Flask, tmp_path: Path) -> None:
    import bz2
    import gzip

    gz = write(tmp_path, gzip.compress(dump(page_xml("Zipped", STORY[:1]))), "a.xml.gz")
    bz = write(tmp_path, bz2.compress(dump(page_xml("Bzipped", STORY[:1]))), "b.xml.bz2")
    for path in (gz, bz):
        result = run_import(app, path)
        assert result.exit_code == 0, result.output
    assert revisions_of(app, "Zipped") and revisions_of(app, "Bzipped")


def test_progress_goes_to_stderr_when_it_is_not_a_terminal(app: Flask, tmp_path: Path) -> None:
    result = run_import(app, write(tmp_path, story_dump()))
    assert re.search(r"100% of the file, 3 pages, 5 revisions", result.stderr)
    assert "\r" not in result.stderr
    assert "Import of dump.xml" in result.stdout


def test_the_import_is_logged(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    run_import(app, write(tmp_path, story_dump(), "elsewhere-20250101.xml"))
    html = client.get("/wiki/Special:Log?type=import").get_data(as_text=True)
    assert '3 pages (5 revisions) from "elsewhere-20250101.xml"' in text_of(html)
    assert pages.SYSTEM_USER in html
    assert 'value="import" selected' in html
    everything = text_of(client.get("/wiki/Special:Log").get_data(as_text=True))
    assert f"{pages.SYSTEM_USER} imported 3 pages (5 revisions)" in everything


# ---------------------------------------------------------------------------------------------
# wikitext


@dataclass(frozen=True)
class FakeConversion:
    markdown: str
    notes: tuple[str, ...]
    approximate: bool


def test_wikitext_revisions_go_through_the_converter(app: Flask, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, str]] = []

    def convert(text: str, title: str) -> FakeConversion:
        calls.append((text, title))
        return FakeConversion(f"Converted: {text}", ("Infobox dropped",), "''" in text)

    monkeypatch.setattr(wikitext, "convert", convert)
    wiki = [Rev(1, "2021-01-01T00:00:00Z", "'''Bold''' start", model="wikitext",
                format="text/x-wiki"),
            Rev(2, "2021-01-02T00:00:00Z", "No model given", model=None, format=None),
            Rev(3, "2021-01-03T00:00:00Z", "Only a format", model=None, format="text/x-wiki")]
    result = run_import(app, write(tmp_path, dump(
        page_xml("Wiki page", wiki), page_xml("Markdown page", STORY[:1], page_id=2))))
    assert result.exit_code == 0, result.output
    assert calls == [("'''Bold''' start", "Wiki page"), ("No model given", "Wiki page"),
                     ("Only a format", "Wiki page")]
    assert [r.text for r in revisions_of(app, "Wiki page")] == [
        "Converted: '''Bold''' start", "Converted: No model given", "Converted: Only a format"]
    assert [r.text for r in revisions_of(app, "Markdown page")] == [STORY[0].text]
    assert "Converted approximately from wikitext: 1 page." in result.output
    assert "  Wiki page: Infobox dropped" in result.output


def test_the_placeholder_converter_keeps_the_text(app: Flask, tmp_path: Path) -> None:
    plain = [Rev(1, "2021-01-01T00:00:00Z", "Plain words.", model="wikitext",
                 format="text/x-wiki")]
    assert run_import(app, write(tmp_path, dump(page_xml("Plain", plain)))).exit_code == 0
    assert [r.text for r in revisions_of(app, "Plain")] == ["Plain words."]


# ---------------------------------------------------------------------------------------------
# Special:Import


def test_special_import_shows_the_form_to_administrators(admin: FlaskClient) -> None:
    response = admin.get("/wiki/Special:Import")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html and 'type="file"' in html
    assert CSRF_FIELD.search(html)


def test_special_import_imports_an_upload_and_shows_the_report(
        app: Flask, admin: FlaskClient) -> None:
    response = upload(admin, story_dump(), "story.xml")
    assert response.status_code == 200
    report = text_of(response.get_data(as_text=True))
    assert "Import of story.xml" in report
    assert "3 pages read: 3 imported (3 new, 3 with new revisions), 0 failed" in report
    assert len(revisions_of(app, "Alpha")) == 3
    with app.app_context():
        entry = db.session.scalar(sa.select(LogEntry).where(LogEntry.action == "import"))
        assert entry is not None and entry.actor == "Importer"
        assert entry.details == '3 pages (5 revisions) from "story.xml"'
    again = text_of(upload(admin, story_dump(), "story.xml").get_data(as_text=True))
    assert "Revisions: 0 imported, 5 already there (skipped)" in again


def test_special_import_dry_run(app: Flask, admin: FlaskClient) -> None:
    before = counts(app)
    response = upload(admin, story_dump(), dry_run=True)
    assert response.status_code == 200
    assert "Dry run of the import" in response.get_data(as_text=True)
    assert counts(app) == before


@pytest.mark.parametrize("who", ["anonymous", "editor"])
def test_special_import_is_for_administrators_only(app: Flask, client: FlaskClient,
                                                   who: str) -> None:
    visitor = client if who == "anonymous" else logged_in(app, "Ed", "editor")
    assert visitor.get("/wiki/Special:Import").status_code == 403
    token = CSRF_FIELD.search(visitor.get("/wiki/Special:UserLogin").get_data(as_text=True))
    assert token
    response = upload(visitor, story_dump(), token=token.group(1))
    assert response.status_code == 403
    assert "Only administrators can import pages" in response.get_data(as_text=True)
    assert not revisions_of(app, "Alpha")


def test_special_import_needs_the_csrf_token(app: Flask, admin: FlaskClient) -> None:
    response = upload(admin, story_dump(), token=None)
    assert response.status_code == 400
    assert "session token" in response.get_data(as_text=True)
    assert not revisions_of(app, "Alpha")


def test_special_import_without_a_file_is_400(admin: FlaskClient) -> None:
    response = admin.post("/wiki/Special:Import", data={"csrf_token": token_of(admin)},
                          content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose a MediaWiki XML export" in response.get_data(as_text=True)


def test_special_import_is_listed(client: FlaskClient) -> None:
    html = client.get("/wiki/Special:SpecialPages").get_data(as_text=True)
    assert "Special:Import" in html


def test_imports_are_import_upload_entries_of_the_api_log(app: Flask, client: FlaskClient,
                                                           tmp_path: Path) -> None:
    assert run_import(app, write(tmp_path, story_dump())).exit_code == 0
    body = client.get("/w/api.php", query_string={
        "action": "query", "list": "logevents", "letype": "import", "format": "json"}).get_json()
    events = body["query"]["logevents"]
    assert [(event["type"], event["action"]) for event in events] == [("import", "upload")]
