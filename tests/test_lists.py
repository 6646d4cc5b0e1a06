"""Finding one's way through HTTP: recent changes, all pages, random page, what links here, wanted
pages, categories and Category: pages, the Article/Talk tabs, special pages that cannot be
edited, the sidebar, the Atom feeds (parsed as Atom 1.0), and bad parameters (400, never 500)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from html import unescape
from urllib.parse import unquote

import feedparser
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from wiki import clock, lists, moderation, pages
from wiki.errors import NotEditable
from wiki.titles import MAIN, TALK, parse_title

ATOM = "{http://www.w3.org/2005/Atom}"
ADMIN = pages.Author("Admin", role="admin")


# ---------------------------------------------------------------------------------------------
# helpers


def save(app: Flask, title: str, text: str, *, summary: str = "", minor: bool = False,
         author: str = "Tester") -> None:
    """Create or change a page through the page service."""
    with app.app_context():
        parsed = parse_title(title)
        page = pages.find_page(parsed)
        base = page.latest_revision_id if page is not None else None
        pages.save_edit(parsed, text, author=pages.Author(author), base_revision_id=base,
                        summary=summary, minor=minor)


def delete(app: Flask, title: str) -> None:
    """Delete a page as an administrator."""
    with app.app_context():
        moderation.delete(parse_title(title), "test", ADMIN)


def html_of(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def texts(pattern: str, html: str) -> list[str]:
    """The unescaped first group of every match."""
    return [" ".join(unescape(m).split()) for m in re.findall(pattern, html, re.S)]


def change_titles(html: str) -> list[str]:
    return texts(r'class="change-title" href="[^"]*">([^<]*)</a>', html)


def section(html: str, css_class: str, tag: str = "ul") -> str:
    """The inside of the first <tag class="css_class"> element (not nested)."""
    match = re.search(rf'<{tag} class="{css_class}"[^>]*>(.*?)</{tag}>', html, re.S)
    assert match, f"no {tag}.{css_class}"
    return match.group(1)


def list_titles(html: str, css_class: str, tag: str = "ul") -> list[str]:
    return texts(r"<li[^>]*><a [^>]*>([^<]*)</a>", section(html, css_class, tag))


def tab_links(html: str) -> dict[str, str]:
    """The left tabs: label -> the whole <a ...> tag."""
    left = section(html, "tabs-left")
    return {unescape(label): tag for tag, label in re.findall(r"(<a [^>]*>)([^<]*)</a>", left)}


def parse_feed(response) -> tuple[ET.Element, list[ET.Element]]:  # type: ignore[no-untyped-def]
    """Check an Atom 1.0 document's required parts; return the feed and its entries."""
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = ET.fromstring(response.data)
    assert root.tag == ATOM + "feed"
    for name in ("id", "title", "updated"):
        element = root.find(ATOM + name)
        assert element is not None and (element.text or "").strip(), name
    datetime.fromisoformat(root.findtext(ATOM + "updated", ""))
    entries = root.findall(ATOM + "entry")
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert (entry.findtext(ATOM + name) or "").strip(), name
        assert datetime.fromisoformat(entry.findtext(ATOM + "updated", "")).tzinfo is not None
        link = entry.find(ATOM + "link")
        assert link is not None and link.get("href", "").startswith("http")
        assert (entry.findtext(f"{ATOM}author/{ATOM}name") or "").strip()
        content = entry.find(ATOM + "content")
        assert content is not None and content.get("type") == "html"
    return root, entries


# ---------------------------------------------------------------------------------------------
# sidebar and special pages


def test_sidebar_lists_navigation_in_order(client: FlaskClient) -> None:
    html = html_of(client, "/wiki/Main_Page")
    sidebar = re.search(r'<nav class="sidebar".*?</nav>', html, re.S)
    assert sidebar
    labels = texts(r"<a [^>]*>([^<]*)</a>", sidebar.group(0))
    assert [label.lower() for label in labels[:5]] == [
        "main page", "recent changes", "random page", "all pages", "special pages"]
    for path in ("Special:RecentChanges", "Special:Random", "Special:AllPages"):
        assert f'href="/wiki/{path}"' in sidebar.group(0)


def test_special_pages_list_the_new_pages(client: FlaskClient) -> None:
    html = html_of(client, "/wiki/Special:SpecialPages")
    for name in ("RecentChanges", "AllPages", "Random", "WhatLinksHere", "WantedPages",
                 "Categories"):
        assert f'href="/wiki/Special:{name}"' in html


def test_unknown_special_page_is_404_with_the_list(client: FlaskClient) -> None:
    html = html_of(client, "/wiki/Special:NoSuchPage", 404)
    assert "Special:NoSuchPage" in html
    assert 'href="/wiki/Special:RecentChanges"' in html
    assert 'href="/wiki/Special:WhatLinksHere"' in html


@pytest.mark.parametrize("query", ["action=edit", "action=history", "action=raw"])
def test_special_pages_cannot_be_edited(client: FlaskClient, query: str) -> None:
    html = html_of(client, f"/wiki/Special:RecentChanges?{query}", 400)
    assert "cannot be edited" in html


def test_special_page_edit_post_is_refused(client: FlaskClient, wiki) -> None:  # type: ignore[no-untyped-def]
    token = wiki.token()
    response = client.post("/wiki/Special:AllPages?action=submit",
                           data={"csrf_token": token, "text": "x", "base_revision": ""})
    assert response.status_code == 400
    assert "cannot be edited" in response.get_data(as_text=True)


def test_service_refuses_special_titles(app: Flask) -> None:
    with app.app_context(), pytest.raises(NotEditable):
        pages.save_edit(parse_title("Special:Foo"), "x", author=pages.Author("Tester"),
                        base_revision_id=None)


# ---------------------------------------------------------------------------------------------
# recent changes


def test_recent_changes_newest_first_with_details(app: Flask, client: FlaskClient) -> None:
    save(app, "Alpha page", "12345", summary="made alpha")
    save(app, "Beta page", "abc", summary="made beta")
    save(app, "Alpha page", "1234567890", summary="longer alpha", author="Second")
    html = html_of(client, "/wiki/Special:RecentChanges")
    assert change_titles(html)[:3] == ["Alpha page", "Beta page", "Alpha page"]
    rows = re.findall(r'<li class="change[^"]*">.*?</li>', html, re.S)
    latest, beta, first = rows[:3]
    assert "(+5)" in latest and "Second" in latest and "(longer alpha)" in latest
    assert re.search(r'href="/wiki/Alpha_page\?diff=\d+&amp;oldid=\d+">diff</a>', latest)
    assert 'href="/wiki/Alpha_page?action=history">hist</a>' in latest
    assert 'class="newpage"' not in latest
    assert 'class="newpage"' in beta and "(+3)" in beta and "(made beta)" in beta
    assert 'class="newpage"' in first and "Tester" in first
    assert ">diff</a>" not in first  # a page creation has nothing to compare with


def test_recent_changes_hides_minor_edits(app: Flask, client: FlaskClient) -> None:
    save(app, "Gamma page", "one")
    save(app, "Gamma page", "one two", summary="tiny fix", minor=True)
    shown = html_of(client, "/wiki/Special:RecentChanges")
    assert "(tiny fix)" in shown and 'class="minor"' in shown
    hidden = html_of(client, "/wiki/Special:RecentChanges?hideminor=1")
    assert "(tiny fix)" not in hidden
    assert change_titles(hidden)[0] == "Gamma page"  # its creation is not minor


@pytest.mark.parametrize("namespace", ["1", "Talk", "talk"])
def test_recent_changes_filters_by_namespace(app: Flask, client: FlaskClient,
                                             namespace: str) -> None:
    save(app, "Talk:Kosovo", "A question.")
    save(app, "Delta page", "text")
    talk_only = change_titles(html_of(client, f"/wiki/Special:RecentChanges?namespace={namespace}"))
    assert talk_only == ["Talk:Kosovo"]
    main_only = change_titles(html_of(client, "/wiki/Special:RecentChanges?namespace=0"))
    assert "Talk:Kosovo" not in main_only and main_only[0] == "Delta page"
    everything = change_titles(html_of(client, "/wiki/Special:RecentChanges?namespace=all"))
    assert everything[:2] == ["Delta page", "Talk:Kosovo"]


def test_recent_changes_pages_with_limit_and_offset(app: Flask, client: FlaskClient) -> None:
    for name in ("One", "Two", "Three", "Four", "Five"):
        save(app, f"Paged {name}", name)
    first = html_of(client, "/wiki/Special:RecentChanges?limit=2")
    assert change_titles(first) == ["Paged Five", "Paged Four"]
    assert 'href="/wiki/Special:RecentChanges?offset=2&amp;limit=2"' in first
    second = html_of(client, "/wiki/Special:RecentChanges?limit=2&offset=2")
    assert change_titles(second) == ["Paged Three", "Paged Two"]
    assert 'rel="prev"' in second


def test_recent_changes_last_days(app: Flask, client: FlaskClient,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    save(app, "Epsilon page", "text")
    assert "Epsilon page" in change_titles(html_of(client, "/wiki/Special:RecentChanges?days=1"))
    later = clock.utcnow() + timedelta(days=10)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    assert change_titles(html_of(client, "/wiki/Special:RecentChanges?days=7")) == []
    assert "Epsilon page" in change_titles(
        html_of(client, "/wiki/Special:RecentChanges?days=30"))


def test_recent_changes_leave_out_deleted_pages(app: Flask, client: FlaskClient) -> None:
    save(app, "Doomed page", "text")
    assert "Doomed page" in change_titles(html_of(client, "/wiki/Special:RecentChanges"))
    delete(app, "Doomed page")
    assert "Doomed page" not in change_titles(html_of(client, "/wiki/Special:RecentChanges"))


# ---------------------------------------------------------------------------------------------
# all pages and random page


def test_all_pages_alphabetical(client: FlaskClient) -> None:
    titles = list_titles(html_of(client, "/wiki/Special:AllPages"), "all-pages")
    assert titles == sorted(titles)
    for title in ("Azerbaijan", "Azerbaijan–Kosovo relations", "Kosovo", "Main Page"):
        assert title in titles


def test_all_pages_from_limit_and_next_page(client: FlaskClient) -> None:
    everything = list_titles(html_of(client, "/wiki/Special:AllPages"), "all-pages")
    start = [t for t in everything if t >= "K"]
    html = html_of(client, "/wiki/Special:AllPages?from=k&limit=3")
    assert list_titles(html, "all-pages") == start[:3]
    link = re.search(r'rel="next" href="([^"]+)"', html)
    assert link
    following = html_of(client, unescape(link.group(1)))
    assert list_titles(following, "all-pages")[0] == start[3]
    assert list_titles(html_of(client, "/wiki/Special:AllPages/K?limit=3"), "all-pages") == \
        start[:3]


def test_all_pages_by_namespace_marks_redirects_and_skips_deleted(app: Flask,
                                                                  client: FlaskClient) -> None:
    save(app, "Talk:Serbia", "Talk text")
    save(app, "Old name of Serbia", "#REDIRECT [[Serbia]]")
    save(app, "Removed page", "text")
    delete(app, "Removed page")
    main = html_of(client, "/wiki/Special:AllPages")
    assert "Talk:Serbia" not in list_titles(main, "all-pages")
    assert "Removed page" not in list_titles(main, "all-pages")
    assert '<li class="redirect-in-list"><a href="/wiki/Old_name_of_Serbia?redirect=no"' in main
    talk = html_of(client, "/wiki/Special:AllPages?namespace=Talk")
    assert list_titles(talk, "all-pages") == ["Talk:Serbia"]


def test_random_page_redirects_to_an_article(app: Flask, client: FlaskClient) -> None:
    save(app, "Alias of Kosovo", "#REDIRECT [[Kosovo]]")
    with app.app_context():
        articles = {page.title for page in pages.all_pages(MAIN)
                    if not page.is_redirect and not page.is_deleted}
    for _ in range(10):
        response = client.get("/wiki/Special:Random")
        assert response.status_code == 302
        assert response.headers["Cache-Control"] == "no-store"
        title = parse_title(unquote(response.headers["Location"].removeprefix("/wiki/")))
        assert title.namespace == MAIN and title.text in articles


class FixedRandom:
    """A stand-in for random.Random that picks a given index."""

    def __init__(self, index: int) -> None:
        self.index = index

    def randrange(self, stop: int) -> int:
        return min(self.index, stop - 1)


def test_random_page_can_reach_every_article_and_no_redirect(app: Flask) -> None:
    save(app, "Alias of Serbia", "#REDIRECT [[Serbia]]")
    with app.app_context():
        articles = {page.title for page in pages.all_pages(MAIN)
                    if not page.is_redirect and not page.is_deleted}
        picked = {lists.random_page(MAIN, FixedRandom(i)) for i in range(len(articles))}  # type: ignore[arg-type]
    assert {title.text for title in picked if title} == articles


def test_random_page_of_an_empty_namespace_goes_to_the_main_page(client: FlaskClient) -> None:
    response = client.get("/wiki/Special:Random/Talk")
    assert response.status_code == 302
    assert response.headers["Location"] == "/wiki/Main_Page"


def test_random_page_in_a_namespace(app: Flask, client: FlaskClient) -> None:
    save(app, "Talk:Turkey", "A talk page")
    response = client.get("/wiki/Special:Random/Talk")
    assert response.headers["Location"] == "/wiki/Talk:Turkey"


# ---------------------------------------------------------------------------------------------
# what links here and wanted pages


def test_what_links_here_lists_links_and_redirects(app: Flask, client: FlaskClient) -> None:
    save(app, "Link target", "The target.")
    save(app, "Linker one", "See [[Link target]].")
    save(app, "Linker two", "See [[Link target|the target]] and [[link target]].")
    save(app, "Target alias", "#REDIRECT [[Link target]]")
    save(app, "Via alias", "See [[Target alias]].")
    save(app, "Deleted linker", "See [[Link target]].")
    delete(app, "Deleted linker")
    html = html_of(client, "/wiki/Special:WhatLinksHere/Link_target")
    backlinks = html.split('<ul class="backlinks">', 1)[1].split('<nav class="pager"', 1)[0]
    top = texts(r'<li><a href="[^"]*">([^<]*)</a>', backlinks)
    assert top == ["Linker one", "Linker two", "Target alias", "Via alias"]
    alias = re.search(r'<li><a href="/wiki/Target_alias\?redirect=no">Target alias</a>(.*?)</li>\s*'
                      r'</ul>', backlinks, re.S)
    assert alias and "(redirect page)" in alias.group(1)
    assert 'href="/wiki/Via_alias"' in alias.group(1)
    assert "Deleted linker" not in html
    by_form = html_of(client, "/wiki/Special:WhatLinksHere?target=Link+target")
    assert by_form.split('<ul class="backlinks">', 1)[1].split('<nav class="pager"', 1)[0] == \
        backlinks


def test_what_links_here_pages_with_limit(app: Flask, client: FlaskClient) -> None:
    for n in range(3):
        save(app, f"Pointer {n}", "[[Kosovo Force]]")
    seeded = texts(r'<li><a href="[^"]*">([^<]*)</a>',
                   section(html_of(client, "/wiki/Special:WhatLinksHere/Kosovo_Force"),
                           "backlinks"))
    first = html_of(client, "/wiki/Special:WhatLinksHere/Kosovo_Force?limit=2")
    assert texts(r'<li><a href="[^"]*">([^<]*)</a>', section(first, "backlinks")) == seeded[:2]
    assert 'href="/wiki/Special:WhatLinksHere/Kosovo_Force?limit=2&amp;offset=2"' in first


def test_what_links_here_without_a_title_shows_a_form(client: FlaskClient) -> None:
    html = html_of(client, "/wiki/Special:WhatLinksHere")
    assert re.search(r'<form method="get" action="/wiki/Special:WhatLinksHere"', html)
    assert 'name="target"' in html
    assert 'class="backlinks"' not in html


def test_wanted_pages_ranked_by_linking_pages(app: Flask, client: FlaskClient) -> None:
    save(app, "Wanter one", "[[Missing alpha]] [[Missing beta]] [[Missing alpha]] [[Kosovo]]")
    save(app, "Wanter two", "[[Missing alpha]] [[Missing gamma]]")
    save(app, "Wanter three", "[[Missing alpha]] [[Missing gamma]] [[Special:RecentChanges]]")
    save(app, "Wanter four", "[[Missing delta]]")
    delete(app, "Wanter four")
    html = html_of(client, "/wiki/Special:WantedPages")
    wanted = list_titles(html, "wanted-pages", "ol")
    assert wanted[0] == "Missing alpha"
    assert [title for title in wanted if title.startswith("Missing")] == [
        "Missing alpha", "Missing gamma", "Missing beta"]
    assert "Missing delta" not in wanted and "Kosovo" not in wanted
    assert not [title for title in wanted if title.startswith("Special:")]
    assert re.search(r"Missing alpha</a>\s*\(<a [^>]*>3 links</a>\)", html)
    assert re.search(r"Missing beta</a>\s*\(<a [^>]*>1 link</a>\)", html)
    assert 'class="new" href="/wiki/Missing_alpha?action=edit&amp;redlink=1"' in html
    save(app, "Missing alpha", "Now it exists.")
    after = html_of(client, "/wiki/Special:WantedPages?limit=1")
    assert list_titles(after, "wanted-pages", "ol") == ["Missing gamma"]
    assert 'href="/wiki/Special:WantedPages?limit=1&amp;offset=1"' in after
    second = html_of(client, "/wiki/Special:WantedPages?limit=1&offset=1")
    assert list_titles(second, "wanted-pages", "ol") != ["Missing gamma"]


# ---------------------------------------------------------------------------------------------
# categories


def test_category_link_lists_the_page_on_the_category_page(app: Flask,
                                                           client: FlaskClient) -> None:
    save(app, "Azerbaijan–Georgia relations",
         "Relations between two neighbours.\n\n[[Category:Foreign relations of Azerbaijan]]")
    page = html_of(client, "/wiki/Azerbaijan%E2%80%93Georgia_relations")
    content = page.split('<div class="wiki-content">', 1)[1].split('<div class="catlinks">')[0]
    assert "Category:" not in content and "Foreign relations of Azerbaijan" not in content
    catlinks = page.split('<div class="catlinks">', 1)[1]
    assert 'href="/wiki/Category:Foreign_relations_of_Azerbaijan"' in catlinks
    category = html_of(client, "/wiki/Category:Foreign_relations_of_Azerbaijan")
    members = list_titles(category, "category-list")
    assert "Azerbaijan–Georgia relations" in members
    assert "Foreign relations of Azerbaijan" in members  # seeded
    assert members == sorted(members)


def test_category_page_with_own_text_and_subcategories(app: Flask, client: FlaskClient) -> None:
    save(app, "Category:Countries", "Sovereign and partly recognised countries.")
    save(app, "Category:Bilateral relations of Azerbaijan",
         "Pairs of countries.\n\n[[Category:Foreign relations of Azerbaijan]]")
    countries = html_of(client, "/wiki/Category:Countries")
    assert "Sovereign and partly recognised countries." in countries
    assert list_titles(countries, "category-list") == ["Azerbaijan", "Kosovo", "Serbia", "Turkey"]
    parent = html_of(client, "/wiki/Category:Foreign_relations_of_Azerbaijan")
    subcategories = parent.split("<h2>Subcategories</h2>", 1)[1].split("<h2>", 1)[0]
    assert ">Bilateral relations of Azerbaijan</a>" in subcategories


def test_category_without_a_page_still_lists_members(app: Flask, client: FlaskClient) -> None:
    save(app, "Zeta page", "[[Category:Brand new category]]")
    save(app, "Eta page", "[[Category:Brand new category]]")
    html = html_of(client, "/wiki/Category:Brand_new_category")
    assert list_titles(html, "category-list") == ["Eta page", "Zeta page"]
    assert 'href="/wiki/Category:Brand_new_category?action=edit"' in html
    html_of(client, "/wiki/Category:Nothing_is_here", 404)


def test_special_categories_counts_members(app: Flask, client: FlaskClient) -> None:
    save(app, "Category:People", "Persons.")
    html = html_of(client, "/wiki/Special:Categories")
    entries = texts(r"<li>(.*?)</li>", section(html, "categories"))
    names = [re.sub(r"<[^>]+>", "", entry) for entry in entries]
    assert "Countries (4 members)" in names
    assert "People (4 members)" in names
    assert names == sorted(names)
    assert re.search(r'<a href="/wiki/Category:Cities" class="new">Cities</a>', html)
    assert re.search(r'<a href="/wiki/Category:People">People</a>', html)
    paged = html_of(client, "/wiki/Special:Categories?from=P&limit=1")
    assert [re.sub(r"<[^>]+>", "", e) for e in texts(r"<li>(.*?)</li>",
                                                    section(paged, "categories"))] == \
        ["People (4 members)"]


def test_seeded_pages_have_categories(client: FlaskClient) -> None:
    html = html_of(client, "/wiki/Category:International_organizations")
    assert list_titles(html, "category-list") == [
        "International Court of Justice", "Kosovo Force", "Organisation of Islamic Cooperation",
        "United Nations"]
    article = html_of(client, "/wiki/Azerbaijan%E2%80%93Kosovo_relations")
    assert 'href="/wiki/Category:Bilateral_relations_of_Azerbaijan"' in article


# ---------------------------------------------------------------------------------------------
# talk pages


def test_talk_tab_is_red_until_the_talk_page_exists(client: FlaskClient, wiki) -> None:  # type: ignore[no-untyped-def]
    tabs = tab_links(html_of(client, "/wiki/Kosovo"))
    assert list(tabs) == ["Article", "Talk"]
    assert 'class="new"' in tabs["Talk"]
    assert 'href="/wiki/Talk:Kosovo?action=edit&amp;redlink=1"' in tabs["Talk"]
    assert 'class="new"' not in tabs["Article"]
    assert wiki.edit("Talk:Kosovo", "Is the infobox right?", summary="question").status_code \
        == 303
    tabs = tab_links(html_of(client, "/wiki/Kosovo"))
    assert 'class="new"' not in tabs["Talk"] and 'href="/wiki/Talk:Kosovo"' in tabs["Talk"]


def test_talk_page_points_back_and_has_its_own_history(client: FlaskClient, wiki) -> None:  # type: ignore[no-untyped-def]
    wiki.edit("Talk:Serbia", "First comment.", summary="one")
    wiki.edit("Talk:Serbia", "First comment.\n\nSecond comment.", summary="two")
    talk = html_of(client, "/wiki/Talk:Serbia")
    assert "Second comment." in talk
    tabs = tab_links(talk)
    assert tabs["Article"] == '<a href="/wiki/Serbia">'
    assert re.search(r'<li class="selected"><a href="/wiki/Talk:Serbia">Talk</a>', talk)
    history = html_of(client, "/wiki/Talk:Serbia?action=history")
    assert len(re.findall(r'class="history-row"', history)) == 2
    article_history = html_of(client, "/wiki/Serbia?action=history")
    assert "(two)" not in article_history


def test_talk_tabs_of_a_missing_subject_and_of_other_namespaces(app: Flask,
                                                                client: FlaskClient) -> None:
    save(app, "Talk:Nowhere land", "Should this page exist?")
    tabs = tab_links(html_of(client, "/wiki/Talk:Nowhere_land"))
    assert 'class="new"' in tabs["Article"]
    user = tab_links(html_of(client, "/wiki/User:Someone", 404))
    assert list(user) == ["User page", "Talk"]
    assert 'href="/wiki/User_talk:Someone?action=edit&amp;redlink=1"' in user["Talk"]
    category = tab_links(html_of(client, "/wiki/Category:Countries"))
    assert list(category) == ["Category", "Talk"]
    assert ">Talk</a>" not in html_of(client, "/wiki/Special:AllPages")


def test_talk_tabs_cost_one_query_per_title(app: Flask) -> None:
    from wiki.db import db
    from wiki.views.lists import talk_tabs

    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    with app.test_request_context("/wiki/Kosovo"):
        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            first = talk_tabs(parse_title("Kosovo"))
            second = talk_tabs("Kosovo")
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)
    assert first == second and first is not None
    assert first.talk == parse_title("Talk:Kosovo") and first.talk.namespace == TALK
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1


# ---------------------------------------------------------------------------------------------
# feeds


def test_recent_changes_feed_is_valid_atom(app: Flask, client: FlaskClient) -> None:
    save(app, "Feed page", "First line.")
    save(app, "Feed page", "First line.\n\nSecond line.", summary="added a line")
    root, entries = parse_feed(client.get("/wiki/Special:RecentChanges?feed=atom&limit=5"))
    assert "Recent changes" in root.findtext(ATOM + "title", "")
    assert len(entries) == 5
    newest = entries[0]
    assert newest.findtext(ATOM + "title") == "Feed page"
    assert newest.findtext(f"{ATOM}author/{ATOM}name") == "Tester"
    link = newest.find(ATOM + "link")
    assert link is not None
    assert re.fullmatch(r"http://localhost:5000/wiki/Feed_page\?diff=\d+&oldid=\d+",
                        link.get("href"))
    content = newest.findtext(ATOM + "content", "")
    assert "added a line" in content
    assert '<table class="diff">' in content and "Second line." in content
    created = entries[1]
    assert re.fullmatch(r"http://localhost:5000/wiki/Feed_page\?oldid=\d+",
                        created.find(ATOM + "link").get("href"))  # type: ignore[union-attr]
    ids = [entry.findtext(ATOM + "id") for entry in entries]
    assert len(set(ids)) == len(ids)


def test_feed_content_is_escaped_html(app: Flask, client: FlaskClient) -> None:
    save(app, "Script page", "Hello <script>alert(1)</script>",
         summary="<b>bold</b> & <img src=x onerror=alert(1)>")
    response = client.get("/wiki/Special:RecentChanges?feed=atom&limit=1")
    _, entries = parse_feed(response)
    raw = response.get_data(as_text=True)
    assert "<script" not in raw and "<table" not in raw and "&lt;table" in raw
    content = entries[0].findtext(ATOM + "content", "")
    assert "<script>" not in content and "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "<b>" not in content and "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;img" in content


def test_recent_changes_feed_keeps_the_filters(app: Flask, client: FlaskClient) -> None:
    save(app, "Talk:Turkey", "Talk text")
    _, entries = parse_feed(client.get("/wiki/Special:RecentChanges?feed=atom&namespace=1"))
    assert [entry.findtext(ATOM + "title") for entry in entries] == ["Talk:Turkey"]
    html = html_of(client, "/wiki/Special:RecentChanges?namespace=1")
    assert 'type="application/atom+xml"' in html
    assert 'href="/wiki/Special:RecentChanges?feed=atom&amp;namespace=1&amp;limit=50"' in html


def test_history_feed_is_valid_atom(app: Flask, client: FlaskClient) -> None:
    save(app, "Kosovo", "New text of Kosovo.", summary="rewrite")
    save(app, "Serbia", "New text of Serbia.", summary="elsewhere")
    response = client.get("/wiki/Kosovo?action=history&feed=atom")
    root, entries = parse_feed(response)
    assert "Kosovo" in root.findtext(ATOM + "title", "")
    assert [entry.findtext(ATOM + "title") for entry in entries] == ["Kosovo", "Kosovo"]
    assert "rewrite" in entries[0].findtext(ATOM + "content", "")
    assert "diff-deletedline" in entries[0].findtext(ATOM + "content", "")
    limited = parse_feed(client.get("/wiki/Kosovo?action=history&feed=atom&limit=1"))[1]
    assert len(limited) == 1


def test_history_feed_of_a_missing_page_is_404(client: FlaskClient) -> None:
    assert client.get("/wiki/No_such_page_here?action=history&feed=atom").status_code == 404


# ---------------------------------------------------------------------------------------------
# bad parameters


@pytest.mark.parametrize("url", [
    "/wiki/Special:RecentChanges?limit=-1",
    "/wiki/Special:RecentChanges?limit=0",
    "/wiki/Special:RecentChanges?limit=99999999999999999999999",
    "/wiki/Special:RecentChanges?limit=abc",
    "/wiki/Special:RecentChanges?limit=%D9%A3",
    "/wiki/Special:RecentChanges?limit=1e3",
    "/wiki/Special:RecentChanges?offset=-1",
    "/wiki/Special:RecentChanges?offset=100000000000",
    "/wiki/Special:RecentChanges?days=abc",
    "/wiki/Special:RecentChanges?days=0",
    "/wiki/Special:RecentChanges?days=-3",
    "/wiki/Special:RecentChanges?days=99999",
    "/wiki/Special:RecentChanges?namespace=99",
    "/wiki/Special:RecentChanges?namespace=-1",
    "/wiki/Special:RecentChanges?namespace=--1",
    "/wiki/Special:RecentChanges?namespace=1.5",
    "/wiki/Special:RecentChanges?namespace=Nowhere",
    "/wiki/Special:RecentChanges?namespace=Special",
    "/wiki/Special:RecentChanges?hideminor=yes",
    "/wiki/Special:RecentChanges?feed=rss",
    "/wiki/Special:RecentChanges?feed=atom&limit=-4",
    "/wiki/Special:AllPages?limit=-5",
    "/wiki/Special:AllPages?limit=100000",
    "/wiki/Special:AllPages?namespace=all",
    "/wiki/Special:AllPages?namespace=%C2%B2",
    "/wiki/Special:AllPages?from=a%5Bb%5D",
    "/wiki/Special:AllPages?from=" + "x" * 1000,
    "/wiki/Special:Random/Nowhere",
    "/wiki/Special:WhatLinksHere/Kosovo?limit=0",
    "/wiki/Special:WhatLinksHere/Kosovo?offset=-1",
    "/wiki/Special:WhatLinksHere?target=a%7Cb",
    "/wiki/Special:WantedPages?limit=9999999",
    "/wiki/Special:WantedPages?offset=x",
    "/wiki/Special:Categories?limit=-1",
    "/wiki/Special:Categories?from=%7B%7B",
    "/wiki/Category:Countries?pagefrom=a%7Cb",
    "/wiki/Kosovo?action=history&feed=rss",
    "/wiki/Kosovo?action=history&feed=atom&limit=0",
    "/wiki/Kosovo?action=history&feed=atom&limit=100000",
])
def test_bad_parameters_are_400(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 400, (url, response.status_code)
    assert "error" in response.get_data(as_text=True).lower()


@pytest.mark.parametrize("url", [
    "/wiki/Special:RecentChanges?limit=500&offset=10000000",
    "/wiki/Special:RecentChanges?namespace=all&days=3650&hideminor=0",
    "/wiki/Special:AllPages?from=%E2%80%93&namespace=14",
    "/wiki/Special:WhatLinksHere/Special:RecentChanges",
    "/wiki/Special:WantedPages?offset=10000000",
    "/wiki/Special:Categories?from=Zzz",
    "/wiki/Category:Countries?pagefrom=Zzz",
])
def test_edge_parameters_answer_200(client: FlaskClient, url: str) -> None:
    assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("path", [
    "/wiki/Special:RecentChanges?feed=atom",
    "/wiki/Azerbaijan%E2%80%93Kosovo_relations?action=history&feed=atom",
])
def test_feeds_parse_with_a_feed_parser(wiki, client: FlaskClient, path: str) -> None:  # type: ignore[no-untyped-def]
    assert wiki.edit("Azerbaijan–Kosovo_relations".replace(" ", "_"),
                     "Replaced for the feed.", summary="feed check").status_code == 303
    response = client.get(path)
    assert response.status_code == 200
    feed = feedparser.parse(response.get_data())
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert feed.feed.title and feed.entries
    newest = feed.entries[0]
    assert newest.title and newest.link and newest.updated_parsed
    assert "feed check" in newest.summary or "feed check" in newest.content[0].value
