"""Imports of bad input: each answers with a message that names the file and where in it, and
leaves no page half-imported. Dumps are built with the helpers of test_import."""

from __future__ import annotations

import bz2
import gzip
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from test_import import (
    STORY,
    Rev,
    counts,
    dump,
    logged_in,
    page_xml,
    revisions_of,
    run_import,
    story_dump,
    text_of,
    upload,
    write,
)
from wikitest import custom_app

from wiki.dumps.source import DumpError, open_dump

GOOD = page_xml("Good", STORY[:1], page_id=1)
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE mediawiki [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<mediawiki version="0.11"><siteinfo><sitename>&lol3;</sitename></siteinfo></mediawiki>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE mediawiki [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<mediawiki version="0.11"><siteinfo><sitename>&secret;</sitename></siteinfo></mediawiki>
"""


def cli(app: Flask, tmp_path: Path, data: bytes, name: str = "dump.xml", *args: str) -> str:
    """The CLI's output for an import that fails somewhere (exit code 1)."""
    result = run_import(app, write(tmp_path, data, name), *args)
    assert result.exit_code == 1, result.output
    return " ".join(result.output.split())


# ---------------------------------------------------------------------------------------------
# the file


def test_malformed_xml_stops_after_the_last_whole_page(app: Flask, tmp_path: Path) -> None:
    broken = page_xml("Broken", STORY[:2], page_id=2).replace("</revision>", "</revsion>", 1)
    data = dump(GOOD, broken)
    line = data.decode().splitlines().index("    </revsion>") + 1
    output = cli(app, tmp_path, data)
    assert f"Stopped: dump.xml, line {line}, column 7: the file is not well-formed XML " \
           "(mismatched tag)." in output
    assert "1 page read: 1 imported" in output
    assert revisions_of(app, "Good") and not revisions_of(app, "Broken")


@pytest.mark.parametrize(("data", "message"), [
    (b"", "dump.xml, line 1, column 1: the file is not well-formed XML (no element found)."),
    (b"hello", "dump.xml, line 1, column 1: the file is not well-formed XML (syntax error)."),
    (b"<?xml version='1.0'?>\n<html><body>Hi</body></html>",
     "dump.xml, line 2: this is not a MediaWiki export: its root element is <html>, "
     "not <mediawiki>."),
    (b'<mediawiki version="0.99"><siteinfo/></mediawiki>',
     'dump.xml, line 1: the export\'s schema version is "0.99"; this wiki reads '
     "versions 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.10, 0.11."),
    (b"<mediawiki><siteinfo/></mediawiki>", "the export's schema version is missing"),
    (b"\xfd7zXZ\x00\x00rest", "dump.xml is compressed with xz, which import does not read"),
    (gzip.compress(dump(GOOD))[:-30], "dump.xml: the gzip data is damaged or cut short"),
])
def test_files_that_are_not_readable_exports(app: Flask, tmp_path: Path, data: bytes,
                                             message: str) -> None:
    before = counts(app)
    output = cli(app, tmp_path, data)
    assert message in output
    assert counts(app) == before


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_entity_declarations_are_refused(app: Flask, tmp_path: Path, data: bytes) -> None:
    before = counts(app)
    output = cli(app, tmp_path, data, "attack.xml")
    assert "attack.xml, line 2: it has a document type declaration" in output
    assert counts(app) == before


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_the_guard_refuses_a_dtd_before_passing_on_any_byte(data: bytes) -> None:
    stream = open_dump(io.BytesIO(data), "attack.xml", 10**6)
    with pytest.raises(DumpError, match="document type declaration"):
        stream.read(16 * 1024)


def test_the_guard_passes_an_export_through_unchanged() -> None:
    data = dump(GOOD)
    stream = open_dump(io.BytesIO(data), "good.xml", 10**6)
    assert b"".join(iter(lambda: stream.read(100), b"")) == data


def bomb(size: int) -> bytes:
    """A valid start of an export, then `size` bytes of blank lines."""
    return dump(GOOD).replace(b"</mediawiki>", b"\n" * size + b"</mediawiki>")


@pytest.mark.parametrize(("compress", "name"), [(bz2.compress, "bomb.xml.bz2"),
                                                (gzip.compress, "bomb.xml.gz")])
def test_a_compression_bomb_stops_at_the_limit(app: Flask, tmp_path: Path, compress: object,
                                               name: str) -> None:
    assert callable(compress)
    data = compress(bomb(5_000_000))
    assert len(data) < 50_000
    output = cli(app, tmp_path, data, name, "--max-xml-bytes", "1000000")
    assert (f"Stopped: {name}: the XML is larger once decompressed than the 1,000,000 bytes an "
            "import reads here") in output
    assert revisions_of(app, "Good")  # the page before the padding is whole, and imported


# ---------------------------------------------------------------------------------------------
# pages


@pytest.mark.parametrize(("bad", "message"), [
    (page_xml("Hidden", [Rev(13, "2021-01-01T00:00:00Z", None, deleted=True)], page_id=2),
     "Hidden: revision 13 has no text: it was deleted or hidden on the wiki it came from"),
    (page_xml("Textless", [Rev(14, "2021-01-01T00:00:00Z", None)], page_id=2),
     "Textless: revision 14 has no text in the dump"),
    (page_xml("Bad [title]", [Rev(15, "2021-01-01T00:00:00Z", "x")], page_id=2),
     "Bad [title]: the title is not valid on this wiki: Titles cannot contain these "
     "characters: [ ]"),
    (page_xml("Template:Box", [Rev(16, "2021-01-01T00:00:00Z", "x")], ns=10, page_id=2),
     "Template:Box: namespace 10 (Template) does not exist on this wiki"),
    (page_xml("Talk:Mislaid", [Rev(17, "2021-01-01T00:00:00Z", "x")], ns=0, page_id=2),
     'Talk:Mislaid: the title would name a page in the "Talk" namespace here, not the main '
     "namespace the dump puts it in"),
    (page_xml("Styles", [Rev(18, "2021-01-01T00:00:00Z", "x"),
                         Rev(19, "2021-01-02T00:00:00Z", "a{}", model="css", format="text/css")],
              page_id=2),
     'Styles: revision 19 has the content model "css" (format text/css); only wikitext and '
     "Markdown pages can be imported"),
    (page_xml("Clockless", [Rev(20, "yesterday", "x")], page_id=2),
     "Clockless: a revision cannot be read ('yesterday' is not a valid Wikipedia date "
     "format)"),
])
def test_a_bad_page_fails_alone(app: Flask, tmp_path: Path, bad: str, message: str) -> None:
    after = page_xml("After", STORY[:1], page_id=3)
    output = cli(app, tmp_path, dump(GOOD, bad, after))
    assert "3 pages read: 2 imported (2 new, 2 with new revisions), 1 failed." in output
    assert f"Failed, nothing of them imported: {message}" in output
    assert revisions_of(app, "Good") and revisions_of(app, "After")
    for title in ("Hidden", "Textless", "Template:Box", "Styles", "Clockless", "Talk:Mislaid"):
        assert not revisions_of(app, title)


def test_a_text_too_large_fails_its_page(tmp_path: Path, database_url: str) -> None:
    for app in custom_app(tmp_path, database_url, WIKI_MAX_ARTICLE_BYTES=100):
        big = page_xml("Big", [Rev(21, "2021-01-01T00:00:00Z", "x" * 101)], page_id=2)
        output = cli(app, tmp_path, dump(GOOD, big))
        assert ("Big: Revision 21 is 101 bytes; the largest page allowed is 100 bytes."
                in output)
        assert not revisions_of(app, "Big")


# ---------------------------------------------------------------------------------------------
# Special:Import


@pytest.fixture
def small_app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    yield from custom_app(tmp_path, database_url, WIKI_IMPORT_MAX_BYTES=2000,
                          WIKI_IMPORT_MAX_DECOMPRESSED_BYTES=100_000)


def test_an_upload_over_the_limit_is_413(small_app: Flask) -> None:
    admin = logged_in(small_app, "Importer", "admin")
    data = story_dump()
    assert len(data) > 2000
    response = upload(admin, data, "story.xml")
    assert response.status_code == 413
    assert (f"story.xml is {len(data):,} bytes; Special:Import takes files of up to 2,000 bytes"
            in text_of(response.get_data(as_text=True)))
    assert not revisions_of(small_app, "Alpha")


def test_an_uploaded_bomb_is_413_with_the_report(small_app: Flask) -> None:
    admin = logged_in(small_app, "Importer", "admin")
    response = upload(admin, bz2.compress(bomb(1_000_000)), "bomb.xml.bz2")
    assert response.status_code == 413
    html = text_of(response.get_data(as_text=True))
    assert ("The import stopped: bomb.xml.bz2: the XML is larger once decompressed than the "
            "100,000 bytes an import reads here") in html
    assert revisions_of(small_app, "Good")


def test_an_uploaded_attack_is_400_with_the_reason(app: Flask) -> None:
    admin = logged_in(app, "Importer", "admin")
    response = upload(admin, BILLION_LAUGHS, "lol.xml")
    assert response.status_code == 400
    assert "lol.xml, line 2: it has a document type declaration" in text_of(
        response.get_data(as_text=True))


def test_an_upload_with_a_bad_page_reports_it(app: Flask, client: FlaskClient) -> None:
    admin = logged_in(app, "Importer", "admin")
    hidden = page_xml("Hidden", [Rev(13, "2021-01-01T00:00:00Z", None, deleted=True)],
                      page_id=2)
    response = upload(admin, dump(GOOD, hidden), "mixed.xml")
    assert response.status_code == 200
    html = text_of(response.get_data(as_text=True))
    assert "Failed pages (nothing of them was imported) Hidden : revision 13 has no text" in html
