"""The REST API keeps to its OpenAPI document: schemathesis generates requests for every
operation described in /w/rest.php/v1/openapi.json and checks each answer. Any 5xx, any
undocumented status, content type or header, or any body that does not match its schema fails.

The app under test lets writes through without a token (Flask-WTF's WTF_CSRF_ENABLED off) and
has an edit limit out of reach, so generated edits reach the one writer. Besides the generated
values, path parameters and edit bases are drawn from what the wiki holds (a page with several
revisions, a redirect, a protected page, a deleted one), so that the answers of real pages are
checked too, not only 404s.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
import sqlalchemy as sa
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from wikitest import custom_app

from wiki import moderation, pages
from wiki.api.rest.openapi import document
from wiki.db import db
from wiki.models import Revision
from wiki.titles import parse_title

EXAMPLES_PER_OPERATION = 40
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_headers_conformance,
    schemathesis.checks.response_schema_conformance,
]
ARTICLE = "Azerbaijan–Kosovo relations"
# The article thrice: most drawn edits should meet a page with history.
TITLES = [ARTICLE.replace(" ", "_")] * 3 + ["Main Page", "Azerbaijan-Kosovo relations",
                                            "Protected", "Gone", "Special:Search", "Nowhere"]
# Every operation the document describes, as (method, path): one test each.
OPERATIONS = [(method.upper(), path) for path, methods in document()["paths"].items()
              for method in methods]


@pytest.fixture
def rest_app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """The seeded wiki, open to tokenless writes, with no practical edit limit, and with the
    pages the hooks point at."""
    for app in custom_app(tmp_path, database_url, WTF_CSRF_ENABLED=False,
                          WIKI_EDIT_RATE_LIMIT="100000/minute"):
        with app.app_context():
            title = parse_title(ARTICLE)
            base = pages.latest_revision(pages.get_page(title))
            for number in range(3):
                pages.save_edit(title, f"{base.text}\n\nAddendum {number}.",
                                author=pages.Author(f"Editor {number}"),
                                base_revision_id=pages.get_page(title).latest_revision_id,
                                summary=f"addendum {number}", minor=number == 1)
            pages.save_edit(parse_title("Azerbaijan-Kosovo relations"),
                            f"#REDIRECT [[{ARTICLE}]]", author=pages.SYSTEM,
                            base_revision_id=None)
            for name in ("Protected", "Gone"):
                pages.save_edit(parse_title(name), f"{name}.", author=pages.SYSTEM,
                                base_revision_id=None)
            moderation.protect(parse_title("Protected"), "admin", "test", None, pages.SYSTEM)
            moderation.delete(parse_title("Gone"), "test", pages.SYSTEM)
        yield app


def _revision_ids(app: Flask) -> tuple[list[int], list[int]]:
    """Every revision id, and the article's."""
    with app.app_context():
        everything = list(db.session.scalars(sa.select(Revision.id).order_by(Revision.id)))
        article = pages.get_page(parse_title(ARTICLE)).id
        own = list(db.session.scalars(sa.select(Revision.id).where(Revision.page_id == article)))
    return everything, own


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_every_answer_matches_the_document(rest_app: Flask, method: str, path: str) -> None:
    """No 5xx, and every status, content type, header and body is the documented one."""
    schema = schemathesis.openapi.from_wsgi("/w/rest.php/v1/openapi.json", rest_app)
    revisions, article_revisions = _revision_ids(rest_app)

    @schema.hook
    def flatmap_path_parameters(_context: Any, parameters: dict[str, Any] | None) -> Any:
        """As generated, or (twice as likely) titles and revision ids the wiki has."""
        if not parameters:
            return st.just(parameters)
        known = st.fixed_dictionaries({
            name: st.sampled_from(TITLES if name == "title" else revisions)
            for name in parameters
        })
        return st.one_of(st.just(parameters), known, known)

    @schema.hook
    def flatmap_body(_context: Any, body: Any) -> Any:
        """As generated, or (twice as likely) based on a revision of the article."""
        if not isinstance(body, dict) or "source" not in body or "title" in body:
            return st.just(body)
        based = st.sampled_from(article_revisions + revisions[:2]).map(
            lambda base: {**body, "latest": {"id": base}})
        return st.one_of(st.just(body), based, based)

    operation = schema[path][method]

    @given(case=operation.as_strategy(GenerationMode.POSITIVE))
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None,
              suppress_health_check=list(HealthCheck))
    def answers_as_documented(case: schemathesis.Case[Any]) -> None:
        # The WSGI transport does not decode compressed bodies, as an HTTP client would.
        case.call_and_validate(checks=CHECKS, headers={"Accept-Encoding": "identity"})

    answers_as_documented()
