"""prop=templates and generator=templates: the wiki templates a page calls, named as MediaWiki
names them (namespace 10, "Template:Name"), the same whether the page's render is stored or made
again; siteinfo lists the Template namespace, which holds no pages."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from test_api_query import api, error_code, pages_of
from wikitest import create

from wiki import rendering


def _setup(app: Flask) -> None:
    create(app, "Alpha", "{{Reflist}}\n\nText.{{Citation needed|date=May 2026}}\n\n"
                         "{{citation_needed}} {{No such template}}")
    create(app, "Beta", "{{Reflist}}")
    create(app, "Plain", "No templates.")


def _templates(body: dict[str, object]) -> list[tuple[str, str]]:
    return [(page["title"], template["title"]) for page in pages_of(body)
            for template in page.get("templates", [])]


def test_templates_of_pages_in_batches(app: Flask, client: FlaskClient) -> None:
    _setup(app)
    expected = [("Alpha", "Template:Citation needed"), ("Alpha", "Template:No such template"),
                ("Alpha", "Template:Reflist"), ("Beta", "Template:Reflist")]
    with app.app_context():
        rendering.purge_all()  # no stored renders: rendered again
    body = api(client, action="query", prop="templates", titles="Alpha|Beta|Plain")
    assert _templates(body) == expected
    seen: list[tuple[str, str]] = []
    params = {"action": "query", "prop": "templates", "titles": "Alpha|Beta|Plain",
              "tllimit": "3"}
    calls = 0
    while True:  # now from the stored renders
        body = api(client, **params)
        calls += 1
        seen += _templates(body)
        if "continue" not in body:
            break
        params.update(body["continue"])
    assert calls == 2 and seen == expected
    assert all(template["ns"] == 10 for page in pages_of(body)
               for template in page.get("templates", []))


def test_only_the_named_templates_and_namespaces(app: Flask, client: FlaskClient) -> None:
    _setup(app)
    body = api(client, action="query", prop="templates", titles="Alpha",
               tltemplates="Template:Reflist|citation_needed|Nothing")
    assert _templates(body) == [("Alpha", "Template:Citation needed"),
                                ("Alpha", "Template:Reflist")]
    body = api(client, action="query", prop="templates", titles="Alpha", tlnamespace="0|14")
    assert _templates(body) == []
    assert "warnings" not in api(client, action="query", prop="templates", titles="Alpha",
                                 tlnamespace="10")


def test_templates_as_a_generator(app: Flask, client: FlaskClient) -> None:
    _setup(app)
    body = api(client, action="query", generator="templates", titles="Alpha|Beta",
               prop="info|revisions", formatversion="2")
    found = pages_of(body)
    assert sorted(page["title"] for page in found) == [
        "Template:Citation needed", "Template:No such template", "Template:Reflist"]
    assert all(page["ns"] == 10 and page["missing"] is True for page in found)


def test_a_continue_value_never_issued(app: Flask, client: FlaskClient) -> None:
    _setup(app)
    for value in ("x", "1|", "999999|reflist"):
        body = api(client, action="query", prop="templates", titles="Alpha",
                   tlcontinue=value)
        assert error_code(body) == "badcontinue"


def test_the_template_namespace_is_listed_and_empty(app: Flask, client: FlaskClient) -> None:
    body = api(client, action="query", meta="siteinfo", siprop="namespaces", formatversion="2")
    namespaces = body["query"]["namespaces"]
    assert namespaces["10"]["name"] == "Template" and namespaces["11"]["name"] == "Template talk"
    for params in ({"list": "allpages", "apnamespace": "10"},
                   {"list": "allpages", "apnamespace": "10", "apcontinue": "Reflist"},
                   {"list": "search", "srsearch": "Kosovo", "srnamespace": "10"}):
        body = api(client, action="query", formatversion="2", **params)
        assert "warnings" not in body and "error" not in body
        assert not next(iter(body["query"].values()))
