"""Titles by MediaWiki's rules: normalization, namespaces, rejection, URL forms."""

from __future__ import annotations

import pytest

from wiki.titles import (
    CATEGORY,
    MAIN,
    SPECIAL,
    TALK,
    USER,
    InvalidTitleError,
    Title,
    parse_title,
    talk_title,
)


@pytest.mark.parametrize(
    ("raw", "namespace", "text"),
    [
        ("Main Page", MAIN, "Main Page"),
        ("Main_Page", MAIN, "Main Page"),
        ("  main   page ", MAIN, "Main page"),
        ("azerbaijan–Kosovo relations", MAIN, "Azerbaijan–Kosovo relations"),
        ("Azerbaijan–Kosovo_relations", MAIN, "Azerbaijan–Kosovo relations"),
        ("boris Tadic\u0301", MAIN, "Boris Tadić"),  # NFC: c + combining acute -> ć
        ("talk:kosovo", TALK, "Kosovo"),
        ("User:alice", USER, "Alice"),
        ("category:Foreign relations of Azerbaijan", CATEGORY, "Foreign relations of Azerbaijan"),
        ("Special:SpecialPages", SPECIAL, "SpecialPages"),
        ("Foo: bar", MAIN, "Foo: bar"),  # not a namespace: the colon stays
        ("ßtraße", MAIN, "ßtraße"),
        ("éclair", MAIN, "Éclair"),
        ("a/b", MAIN, "A/b"),
        ("...", MAIN, "..."),
    ],
)
def test_normalizes(raw: str, namespace: int, text: str) -> None:
    assert parse_title(raw) == Title(namespace, text)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("_", "empty"),
        ("A#B", "#"),
        ("A<B", "<"),
        ("A>B", ">"),
        ("[[A]]", "["),
        ("A|B", "|"),
        ("{{A}}", "{"),
        ("A\x00B", "control"),
        ("A\x07B", "control"),
        ("A\u200eB", "control"),
        ("x" * 256, "255 bytes"),
        ("é" * 128, "255 bytes"),
        (".", '"."'),
        ("..", '"."'),
        ("a/../b", '"."'),
        ("a/./b", '"."'),
        ("Talk:", "needs a page name"),
    ],
)
def test_rejects_with_reason(raw: str, reason: str) -> None:
    with pytest.raises(InvalidTitleError) as error:
        parse_title(raw)
    assert reason in str(error.value)


def test_255_bytes_is_the_limit() -> None:
    assert parse_title("x" * 255).text == "X" + "x" * 254


@pytest.mark.parametrize(
    ("title", "url_part", "path"),
    [
        (Title(MAIN, "Main Page"), "Main_Page", "/wiki/Main_Page"),
        (Title(MAIN, "Azerbaijan–Kosovo relations"), "Azerbaijan–Kosovo_relations",
         "/wiki/Azerbaijan%E2%80%93Kosovo_relations"),
        (Title(TALK, "Kosovo"), "Talk:Kosovo", "/wiki/Talk:Kosovo"),
        (Title(MAIN, "AC/DC"), "AC/DC", "/wiki/AC/DC"),
        (Title(MAIN, "100% sure?"), "100%_sure?", "/wiki/100%25_sure%3F"),
    ],
)
def test_url_forms(title: Title, url_part: str, path: str) -> None:
    assert title.url_part == url_part
    assert title.path == path
    assert parse_title(url_part) == title


def test_talk_titles() -> None:
    assert talk_title(Title(MAIN, "Kosovo")) == Title(TALK, "Kosovo")
    assert talk_title(Title(TALK, "Kosovo")) is None
    assert talk_title(Title(SPECIAL, "SpecialPages")) is None
