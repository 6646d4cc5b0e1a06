"""prop=categories and generator=categories: the categories of the given pages, continued in
batches, and those categories as pages (a category with no page of its own comes back
missing)."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from test_api_query import api, error_code, pages_of
from wikitest import create


def _setup(app: Flask) -> None:
    create(app, "Alpha", "Text.\n\n[[Category:Zeta]] [[Category:Beta]] [[Category:Gamma]]")
    create(app, "Delta", "Text.\n\n[[Category:Beta]]")
    create(app, "Category:Beta", "About Beta.")


def test_categories_of_pages_in_batches(app: Flask, client: FlaskClient) -> None:
    _setup(app)
    seen: list[tuple[str, str]] = []
    params: dict[str, str] = {"action": "query", "prop": "categories",
                              "titles": "Alpha|Delta", "cllimit": "2"}
    calls = 0
    while True:
        body = api(client, **params)
        calls += 1
        for page in pages_of(body):
            seen += [(page["title"], category["title"])
                     for category in page.get("categories", [])]
        if "continue" not in body:
            break
        params.update(body["continue"])
    assert calls == 2
    assert seen == [("Alpha", "Category:Beta"), ("Alpha", "Category:Gamma"),
                    ("Alpha", "Category:Zeta"), ("Delta", "Category:Beta")]


def test_only_the_named_categories(app: Flask, client: FlaskClient) -> None:
    _setup(app)
    body = api(client, action="query", prop="categories", titles="Alpha",
               clcategories="Category:Zeta|Nothing")
    assert [c["title"] for c in pages_of(body)[0]["categories"]] == ["Category:Zeta"]


def test_categories_as_a_generator(app: Flask, client: FlaskClient) -> None:
    _setup(app)
    body = api(client, action="query", generator="categories", titles="Alpha|Delta",
               prop="info", formatversion="2")
    found = {page["title"]: page for page in pages_of(body)}
    assert set(found) == {"Category:Beta", "Category:Gamma", "Category:Zeta"}
    assert "pageid" in found["Category:Beta"] and not found["Category:Beta"].get("missing")
    assert found["Category:Zeta"]["missing"] is True and found["Category:Zeta"]["ns"] == 14


def test_a_continue_value_never_issued(app: Flask, client: FlaskClient) -> None:
    _setup(app)
    for value in ("x", "1|", "999999|Beta", "1|not a_valid|x"):
        body = api(client, action="query", prop="categories", titles="Alpha",
                   clcontinue=value)
        assert error_code(body) == "badcontinue", value


def test_a_list_generator_still_refuses_titles(client: FlaskClient) -> None:
    body = api(client, action="query", generator="allpages", titles="Alpha")
    assert error_code(body) == "invalidparammix"
