"""The signature transform: ~~~, ~~~~ and ~~~~~ expand in prose and stay as typed in code, in
comments and after a backslash; saving applies it on every path, and preview shows it."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from wikitest import WikiClient

from wiki import pages
from wiki.markup import render
from wiki.signatures import expand, signature, timestamp
from wiki.titles import parse_title

NOW = datetime(2026, 11, 30, 1, 15, 9)
SIG = "[[User:Alice|Alice]] ([[User talk:Alice|talk]])"
STAMP = "01:15, 30 November 2026 (UTC)"


def sign(text: str) -> str:
    return expand(text, "Alice", False, NOW)


def test_signature_and_timestamp_forms() -> None:
    assert signature("Alice", False) == SIG
    assert signature("192.0.2.7", True) == "[[Special:Contributions/192.0.2.7|192.0.2.7]]"
    assert signature("2001:db8::1", True) == "[[Special:Contributions/2001:db8::1|2001:db8::1]]"
    assert timestamp(NOW) == STAMP
    assert timestamp(datetime(2027, 1, 5, 23, 4)) == "23:04, 5 January 2027 (UTC)"


@pytest.mark.parametrize(("text", "expected"), [
    ("Agreed. ~~~~", f"Agreed. {SIG} {STAMP}"),
    ("Agreed. ~~~", f"Agreed. {SIG}"),
    ("Agreed. ~~~~~", f"Agreed. {STAMP}"),
    ("two ~~ tildes and ~ one", "two ~~ tildes and ~ one"),
    ("~~~~~~", f"{STAMP}~"),
    ("~~~~~~~~", f"{STAMP}{SIG}"),
    ("~~~~~~~~~", f"{STAMP}{SIG} {STAMP}"),
    ("~~strike~~ ~~~~", f"~~strike~~ {SIG} {STAMP}"),
    # a line of its own, with nothing closing it, is a signature
    ("Comment\n~~~~", f"Comment\n{SIG} {STAMP}"),
    # code spans, of any length of backticks, stay literal
    ("Type `~~~~` to sign ~~~~", f"Type `~~~~` to sign {SIG} {STAMP}"),
    ("``a ` ~~~~ b`` ~~~", f"``a ` ~~~~ b`` {SIG}"),
    ("an unclosed ` tick ~~~~", f"an unclosed ` tick {SIG} {STAMP}"),
    ("`span\ncontinues ~~~~` after", "`span\ncontinues ~~~~` after"),
    ("`no span\n\nacross paragraphs ~~~`", f"`no span\n\nacross paragraphs {SIG}`"),
    # fenced code, backticks or tildes, closed or (backticks) not
    ("```\n~~~~\n```\n~~~~", f"```\n~~~~\n```\n{SIG} {STAMP}"),
    ("~~~ text\n~~~~ in code\n~~~~\nafter ~~~", f"~~~ text\n~~~~ in code\n~~~~\nafter {SIG}"),
    ("```python\nx = '~~~~'\n", "```python\nx = '~~~~'\n"),
    ("- item\n\n  ```\n  ~~~~\n  ```\n", "- item\n\n  ```\n  ~~~~\n  ```\n"),
    # indented code after a blank line; but not a paragraph's continuation or a list's
    ("Para\n\n    code ~~~~\n    more ~~~\n\nback ~~~",
     f"Para\n\n    code ~~~~\n    more ~~~\n\nback {SIG}"),
    ("Para\n    continued ~~~", f"Para\n    continued {SIG}"),
    ("- item\n\n    still the item ~~~", f"- item\n\n    still the item {SIG}"),
    # comments and escapes
    ("<!-- ~~~~ --> ~~~", f"<!-- ~~~~ --> {SIG}"),
    (r"Write \~~~~ to sign", r"Write \~~~~ to sign"),
    # a table, with code in one cell
    ("| who | note |\n|---|---|\n| `~~~~` | ~~~~ |",
     f"| who | note |\n|---|---|\n| `~~~~` | {SIG} {STAMP} |"),
    ("", ""),
])
def test_expand(text: str, expected: str) -> None:
    assert sign(text) == expected


def test_ip_editors_sign_with_their_contributions() -> None:
    assert expand("Hi ~~~~", "192.0.2.7", True, NOW) == \
        f"Hi [[Special:Contributions/192.0.2.7|192.0.2.7]] {STAMP}"


@pytest.mark.parametrize("text", [
    "`~~~~`", "```\n~~~~\n```", "~~~\ncode ~~~~\n~~~", "Para\n\n    ~~~~", "A <!-- ~~~~ --> b",
])
def test_what_stays_literal_renders_as_typed(text: str) -> None:
    assert sign(text) == text
    assert "~~~~" in render(text).html or "<!--" in text  # comments are not shown at all


def test_expanded_signature_renders_as_links() -> None:
    html = render(sign("Fine by me. ~~~~")).html
    assert '<a href="/wiki/User:Alice' in html
    assert '<a href="/wiki/User_talk:Alice' in html
    assert STAMP in html


def test_save_expands_signatures_for_accounts_and_ips(app: Flask) -> None:
    with app.app_context():
        title = parse_title("Talk:Signed")
        saved = pages.save_edit(title, "Question? ~~~~\n\n`~~~~` stays",
                                author=pages.Author("Alice"), base_revision_id=None)
        text = saved.revision.text
        assert text.startswith(f"Question? {SIG} ")
        assert text.endswith("(UTC)\n\n`~~~~` stays")
        again = pages.save_edit(title, text + "\n\nAnswer. ~~~", author=pages.Author.anonymous(
            "192.0.2.7"), base_revision_id=saved.revision.id)
        assert again.revision.text.endswith(
            "Answer. [[Special:Contributions/192.0.2.7|192.0.2.7]]")


def test_preview_and_show_changes_show_the_expansion(wiki: WikiClient) -> None:
    preview = wiki.edit("Talk:Kosovo", "Hello ~~~", button="preview").get_data(as_text=True)
    assert 'href="/wiki/Special:Contributions/127.0.0.1"' in preview
    assert 'name="text"' in preview and "Hello ~~~</textarea>" in preview  # the form keeps it
    changes = wiki.edit("Talk:Kosovo", "Hello ~~~", button="diff").get_data(as_text=True)
    assert "Special:Contributions/127.0.0.1|127.0.0.1]]" in changes


def test_saving_through_the_form_signs(wiki: WikiClient, client: FlaskClient) -> None:
    assert wiki.edit("Talk:Kosovo", "Signed. ~~~~").status_code == 303
    raw = client.get("/wiki/Talk:Kosovo?action=raw").get_data(as_text=True)
    assert raw.startswith("Signed. [[Special:Contributions/127.0.0.1|127.0.0.1]] ")
    assert raw.endswith(" (UTC)")
