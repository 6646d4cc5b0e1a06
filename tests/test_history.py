"""Page history and diffs through HTTP: the rows and their columns, paging, old revisions with
their banner, comparing any two revisions, and the errors a reader can run into."""

from __future__ import annotations

import re
from datetime import datetime
from html import unescape
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from wikitest import WikiClient

from wiki import clock, pages
from wiki.titles import parse_title

ARTICLE_PATH = "/wiki/Azerbaijan%E2%80%93Kosovo_relations"
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}")


# ---------------------------------------------------------------------------------------------
# helpers


def save(app: Flask, title: str, text: str, author: str = "Tester", summary: str = "",
         minor: bool = False) -> int:
    """Save an edit on top of the current revision through the page service; the new id."""
    with app.app_context():
        name = parse_title(title)
        page = pages.find_page(name)
        base = page.latest_revision_id if page else None
        result = pages.save_edit(name, text, author=pages.Author(author), base_revision_id=base,
                                 summary=summary, minor=minor)
        assert result.status in {"created", "saved"}
        return result.revision.id


@pytest.fixture
def storied(app: Flask) -> list[int]:
    """A page with three revisions by three authors: grows, grows (minor), shrinks."""
    return [
        save(app, "Storied", "The alpha story.\n\n" + "z" * 82, "Alice", "First version"),
        save(app, "Storied", "The beta story.\n\n" + "z" * 103, "Bob", "Expand", minor=True),
        save(app, "Storied", "The gamma story.\n\n" + "z" * 72, "Carol", "Trim it"),
    ]


def get(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def plain_text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())


def hrefs(html: str) -> list[tuple[str, str]]:
    """(href, text) of every link."""
    return [(unescape(href), plain_text(text))
            for href, text in re.findall(r'<a\b[^>]*href="([^"]*)"[^>]*>(.*?)</a>', html, re.S)]


def query_of(href: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}


def history_rows(html: str) -> list[str]:
    rows = re.findall(r'<li class="history-row">(.*?)</li>', html, re.S)
    assert rows, "no history rows"
    return rows


def row_id(row: str) -> int:
    match = re.search(r'<input type="radio" name="oldid" value="(\d+)"', row)
    assert match
    return int(match.group(1))


def error_message(html: str) -> str:
    match = re.search(r'<div class="error-box" role="alert">(.*?)</div>', html, re.S)
    assert match, "no error message"
    return plain_text(match.group(1))


def diff_cells(html: str) -> tuple[str, str]:
    """Text of the deleted-side and added-side cells of the diff table."""
    table = re.search(r'<table class="diff">(.*?)</table>', html, re.S)
    assert table, "no diff table"
    old = " ".join(re.findall(r'<td class="diff-deletedline">(.*?)</td>', table.group(1), re.S))
    new = " ".join(re.findall(r'<td class="diff-addedline">(.*?)</td>', table.group(1), re.S))
    return old, new


# ---------------------------------------------------------------------------------------------
# history rows


def test_history_rows_newest_first_with_every_column(client: FlaskClient,
                                                      storied: list[int]) -> None:
    first, second, third = storied
    html = get(client, "/wiki/Storied?action=history")
    rows = history_rows(html)
    assert [row_id(row) for row in rows] == [third, second, first]

    expected = [
        (third, "Carol", "90 bytes", "negative", "(\u221230)", False, "Trim it"),
        (second, "Bob", "120 bytes", "positive", "(+20)", True, "Expand"),
        (first, "Alice", "100 bytes", "positive", "(+100)", False, "First version"),
    ]
    for row, (rev, author, size, sign, delta, minor, summary) in zip(rows, expected, strict=True):
        text = plain_text(row)
        assert TIMESTAMP.search(text), text
        assert re.search(r'<time datetime="\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z?"', row)
        assert author in text
        assert size in text
        change = re.search(r'<span class="size-change ([^"]*)"[^>]*>(.*?)</span>', row, re.S)
        assert change and sign in change.group(1).split() and change.group(2).strip() == delta
        assert ('class="minor"' in row) is minor
        assert summary in text
        # the date links to the revision
        dates = [href for href, label in hrefs(row) if TIMESTAMP.search(label)]
        assert dates == [f"/wiki/Storied?oldid={rev}"]


def test_history_cur_and_prev_links(client: FlaskClient, storied: list[int]) -> None:
    first, second, third = storied
    rows = history_rows(get(client, "/wiki/Storied?action=history"))
    links = [{text: query_of(href) for href, text in hrefs(row) if text in {"cur", "prev"}}
             for row in rows]
    # newest: no cur link (it is the current one), prev against its parent
    assert "cur" not in links[0]
    assert links[0]["prev"] == {"diff": str(third), "oldid": str(second)}
    assert links[1]["cur"] == {"diff": str(third), "oldid": str(second)}
    assert links[1]["prev"] == {"diff": str(second), "oldid": str(first)}
    # oldest: cur link, but no prev (there is nothing before it)
    assert links[2]["cur"] == {"diff": str(third), "oldid": str(first)}
    assert "prev" not in links[2]
    assert "cur" in plain_text(rows[0]) and "prev" in plain_text(rows[2])
    for row_links in links:
        for query in row_links.values():
            assert get(client, "/wiki/Storied?" + urlencode(query))


def test_compare_selected_revisions(client: FlaskClient, storied: list[int]) -> None:
    first, _, third = storied
    html = get(client, "/wiki/Storied?action=history")
    form = re.search(r'<form method="get" action="([^"]+)"[^>]*>(.*?)</form>', html, re.S)
    assert form, "no comparison form"
    body = form.group(2)
    assert "Compare selected revisions" in plain_text(body)
    for row in history_rows(html):
        assert re.search(r'<input type="radio" name="oldid" value="\d+"', row)
        assert re.search(r'<input type="radio" name="diff" value="\d+"', row)
    # what the browser sends when the oldest and newest are chosen
    url = unescape(form.group(1)) + "?" + urlencode({"oldid": first, "diff": third})
    compared = get(client, url)
    old, new = diff_cells(compared)
    assert "alpha" in old and "gamma" in new


def test_history_paging(app: Flask, client: FlaskClient) -> None:
    ids = [save(app, "Paged", f"Version {n}.", summary=f"edit {n}") for n in range(1, 6)]
    html = get(client, "/wiki/Paged?action=history&limit=2")
    assert [row_id(r) for r in history_rows(html)] == [ids[4], ids[3]]
    older = [href for href, text in hrefs(html) if text.startswith("older")]
    assert older, "no link to older revisions"
    assert query_of(older[0]).get("older") == str(ids[3])

    html = get(client, older[0])
    assert [row_id(r) for r in history_rows(html)] == [ids[2], ids[1]]
    older = [href for href, text in hrefs(html) if text.startswith("older")]
    html = get(client, older[0])
    assert [row_id(r) for r in history_rows(html)] == [ids[0]]
    assert not [href for href, text in hrefs(html) if text.startswith("older")]
    assert any(text == "newest" for _, text in hrefs(html))

    html = get(client, "/wiki/Paged?action=history&limit=2&offset=2")
    assert [row_id(r) for r in history_rows(html)] == [ids[2], ids[1]]
    html = get(client, "/wiki/Paged?action=history&limit=3&offset=4")
    assert [row_id(r) for r in history_rows(html)] == [ids[0]]


def test_history_default_limit_is_fifty(app: Flask, client: FlaskClient) -> None:
    ids = [save(app, "Long history", f"Version {n}.") for n in range(1, 53)]
    html = get(client, "/wiki/Long_history?action=history")
    rows = history_rows(html)
    assert len(rows) == 50
    assert row_id(rows[0]) == ids[-1] and row_id(rows[-1]) == ids[2]
    older = [href for href, text in hrefs(html) if text.startswith("older")]
    assert older
    assert [row_id(r) for r in history_rows(get(client, older[0]))] == [ids[1], ids[0]]


def test_seeded_history_row(client: FlaskClient) -> None:
    rows = history_rows(get(client, ARTICLE_PATH + "?action=history"))
    assert len(rows) == 1
    text = plain_text(rows[0])
    assert "Imported from Wikipedia: Azerbaijan–Kosovo relations (CC BY-SA 4.0)" in text
    assert re.search(r"\(\+[\d,]+\)", text)


# ---------------------------------------------------------------------------------------------
# old revisions


def banner(html: str) -> str:
    match = re.search(r'<div class="old-revision-banner"[^>]*>(.*?)</div>', html, re.S)
    assert match, "no old-revision banner"
    return match.group(1)


def test_old_revision_banner_and_navigation(client: FlaskClient, storied: list[int]) -> None:
    first, second, third = storied
    html = get(client, f"/wiki/Storied?oldid={second}")
    note = banner(html)
    assert "old revision" in plain_text(note)
    assert "Bob" in plain_text(note)
    links = hrefs(note)
    targets = [href for href, _ in links]
    assert f"/wiki/Storied?oldid={first}" in targets  # previous
    assert f"/wiki/Storied?oldid={third}" in targets  # next
    assert "/wiki/Storied" in targets  # latest
    # the page shows the old text, not the current one
    assert "The beta story." in html and "The gamma story." not in html
    # and offers to restore it
    assert "Restore this version" in html


def test_first_revision_has_no_previous_link(client: FlaskClient, storied: list[int]) -> None:
    first, second, _ = storied
    note = banner(get(client, f"/wiki/Storied?oldid={first}"))
    plain_revision_links = [query_of(href)["oldid"] for href, _ in hrefs(note)
                            if set(query_of(href)) == {"oldid"}]
    assert plain_revision_links == [str(second)]
    assert "Previous revision" in plain_text(note)
    assert not [href for href, text in hrefs(note) if "Previous" in text]


def test_latest_revision_by_oldid_says_it_is_current(client: FlaskClient,
                                                     storied: list[int]) -> None:
    third = storied[2]
    html = get(client, f"/wiki/Storied?oldid={third}")
    note = plain_text(banner(html))
    assert "current revision" in note and "old revision" not in note
    assert not [t for t, text in hrefs(banner(html)) if "Newer" in text]


def test_raw_of_an_old_revision(client: FlaskClient, storied: list[int]) -> None:
    response = client.get(f"/wiki/Storied?action=raw&oldid={storied[0]}")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "The alpha story.\n\n" + "z" * 82


# ---------------------------------------------------------------------------------------------
# diffs


def test_diff_between_two_revisions(client: FlaskClient, storied: list[int]) -> None:
    first, _, third = storied
    html = get(client, f"/wiki/Storied?diff={third}&oldid={first}")
    old, new = diff_cells(html)
    assert '<del class="diffchange">alpha</del>' in old
    assert '<ins class="diffchange">gamma</ins>' in new
    # unchanged words are not marked
    assert "The" in re.sub(r"<del.*?</del>", "", old)
    assert "story" in re.sub(r"<ins.*?</ins>", "", new)
    header, _, below = html.partition('<table class="diff">')
    # both revisions' metadata above the table
    for expected in ("Alice", "First version", "Carol", "Trim it"):
        assert expected in plain_text(header), expected
    assert len(TIMESTAMP.findall(plain_text(header))) >= 2
    # the newer revision rendered below the table
    rendered = below.partition("</table>")[2]
    assert re.search(r'<div class="wiki-content">\s*<p>The gamma story\.</p>', rendered)


def test_diff_with_ids_in_either_order(client: FlaskClient, storied: list[int]) -> None:
    first, _, third = storied
    html = get(client, f"/wiki/Storied?diff={first}&oldid={third}")
    old, new = diff_cells(html)
    assert "alpha" in old and "gamma" in new


@pytest.mark.parametrize(("which", "older", "newer"), [
    ("prev", "alpha", "beta"),
    ("next", "beta", "gamma"),
    ("cur", "beta", "gamma"),
])
def test_diff_keywords(client: FlaskClient, storied: list[int], which: str, older: str,
                       newer: str) -> None:
    html = get(client, f"/wiki/Storied?diff={which}&oldid={storied[1]}")
    old, new = diff_cells(html)
    assert f'<del class="diffchange">{older}</del>' in old
    assert f'<ins class="diffchange">{newer}</ins>' in new


def test_diff_cur_from_the_first_revision(client: FlaskClient, storied: list[int]) -> None:
    html = get(client, f"/wiki/Storied?diff=cur&oldid={storied[0]}")
    old, new = diff_cells(html)
    assert "alpha" in old and "gamma" in new


def test_diff_prev_without_oldid_is_the_last_edit(client: FlaskClient,
                                                  storied: list[int]) -> None:
    html = get(client, "/wiki/Storied?diff=prev")
    old, new = diff_cells(html)
    assert "beta" in old and "gamma" in new


def test_diff_links_to_the_neighbouring_edits(client: FlaskClient, storied: list[int]) -> None:
    first, second, third = storied
    html = get(client, f"/wiki/Storied?diff={second}&oldid={first}")
    header = html.partition('<table class="diff">')[0]
    queries = [query_of(href) for href, _ in hrefs(header)]
    assert {"diff": str(third), "oldid": str(second)} in queries  # newer edit
    html = get(client, f"/wiki/Storied?diff={third}&oldid={second}")
    header = html.partition('<table class="diff">')[0]
    queries = [query_of(href) for href, _ in hrefs(header)]
    assert {"diff": str(second), "oldid": str(first)} in queries  # older edit


def test_diff_marks_a_whole_added_line(app: Flask, client: FlaskClient) -> None:
    one = save(app, "Lines", "First line.\n\nSecond line.")
    two = save(app, "Lines", "First line.\n\nSecond line.\n\nBrand new third line.")
    html = get(client, f"/wiki/Lines?diff={two}&oldid={one}")
    _, new = diff_cells(html)
    assert "Brand new third line." in plain_text(new)
    assert "Brand new third line." not in plain_text(diff_cells(html)[0])


# ---------------------------------------------------------------------------------------------
# errors


@pytest.mark.parametrize("query", [
    "oldid=999999", "diff=999999", "diff=999999&oldid={first}", "diff={first}&oldid=999999",
    "diff=prev&oldid=999999", "diff=cur&oldid=999999", "action=raw&oldid=999999",
])
def test_unknown_revision_is_404(client: FlaskClient, storied: list[int], query: str) -> None:
    query = query.format(first=storied[0])
    html = get(client, f"/wiki/Storied?{query}", status=404)
    assert "999999" in error_message(html)


def test_revision_of_another_page_is_404_by_oldid(client: FlaskClient, app: Flask,
                                                  storied: list[int]) -> None:
    other = save(app, "Elsewhere", "Elsewhere text.")
    get(client, f"/wiki/Storied?oldid={other}", status=404)
    get(client, f"/wiki/Storied?action=raw&oldid={other}", status=404)


def test_diff_across_two_pages_is_400(client: FlaskClient, app: Flask,
                                      storied: list[int]) -> None:
    other = save(app, "Elsewhere", "Elsewhere text.")
    html = get(client, f"/wiki/Storied?diff={other}&oldid={storied[0]}", status=400)
    assert "different pages" in error_message(html)
    get(client, f"/wiki/Storied?diff={storied[2]}&oldid={other}", status=400)


def test_history_of_a_missing_page_is_404(client: FlaskClient) -> None:
    get(client, "/wiki/Never_written?action=history", status=404)


# ---------------------------------------------------------------------------------------------
# timestamps


def test_timestamps_strictly_increase_within_one_second(app: Flask, client: FlaskClient,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    frozen = datetime(2030, 1, 2, 3, 4, 5)
    monkeypatch.setattr(clock, "utcnow", lambda: frozen)
    editor = WikiClient(client)
    for n in range(4):
        assert editor.edit("Same_second", f"Edit number {n}.").status_code == 303
    html = get(client, "/wiki/Same_second?action=history")
    stamps = [datetime.fromisoformat(s.rstrip("Z"))
              for s in re.findall(r'<time datetime="([^"]+)"', html)]
    assert len(stamps) == 4
    # newest first, each strictly later than the one before it
    assert all(newer > older for newer, older in zip(stamps, stamps[1:], strict=False))
    assert min(stamps) >= frozen
