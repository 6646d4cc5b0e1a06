"""Integer parameters: every route that reads one, for every integer parameter it reads (query
string and form fields), answers a malformed value with 400 and a message naming the parameter,
an empty one as if it were absent, and never 5xx. One parser reads them all
(wiki.views.helpers.parse_int); a property test checks that it raises nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st
from wikitest import WikiClient

from wiki import pages
from wiki.errors import BadParameter
from wiki.titles import parse_title
from wiki.views.helpers import MAX_ID, parse_int

BAD_VALUES = ["--1", "-1", " ", "1e3", "0x10", "\uff11\uff12", "99999999999999999999", "1.5",
              "+1", "\x00", "1 ", " 1", "\u0663", "1_000", "1\n", "-", "0" * 21 + "1"]
EMPTY = ""


@dataclass(frozen=True)
class Route:
    """A request that reads the integer parameter `name`; {r1}..{r3} stand for revision ids."""

    path: str
    name: str
    query: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] | None = None  # a form post, with the parameter among its fields
    empty_status: int | None = None  # what an empty value answers, when not as if absent

    def __str__(self) -> str:
        extra = "&".join(f"{k}={v}" for k, v in self.query.items())
        return f"{'POST' if self.form is not None else 'GET'} {self.path}?{extra} {self.name}"


ROUTES = [
    Route("/wiki/Numbers", "oldid"),
    Route("/wiki/Numbers", "oldid", {"action": "raw"}),
    Route("/wiki/Numbers", "oldid", {"action": "edit"}),
    Route("/wiki/Numbers", "undo", {"action": "edit"}),
    Route("/wiki/Numbers", "undoafter", {"action": "edit", "undo": "{r3}"}),
    Route("/wiki/Numbers", "limit", {"action": "history"}),
    Route("/wiki/Numbers", "offset", {"action": "history"}),
    Route("/wiki/Numbers", "older", {"action": "history"}),
    Route("/wiki/Numbers", "limit", {"action": "history", "feed": "atom"}),
    Route("/wiki/Numbers", "diff"),
    Route("/wiki/Numbers", "diff", {"oldid": "{r1}"}),
    Route("/wiki/Numbers", "oldid", {"diff": "{r3}"}),
    Route("/wiki/Numbers", "oldid", {"diff": "prev"}),
    Route("/wiki/Numbers", "oldid", {"diff": "next"}),
    Route("/wiki/Numbers", "oldid", {"diff": "cur"}),
    Route("/wiki/Special:RecentChanges", "limit"),
    Route("/wiki/Special:RecentChanges", "offset"),
    Route("/wiki/Special:RecentChanges", "days"),
    Route("/wiki/Special:RecentChanges", "namespace"),
    Route("/wiki/Special:RecentChanges", "limit", {"feed": "atom"}),
    Route("/wiki/Special:RecentChanges", "days", {"feed": "atom"}),
    Route("/wiki/Special:RecentChanges", "namespace", {"feed": "atom"}),
    Route("/wiki/Special:AllPages", "limit"),
    Route("/wiki/Special:AllPages", "namespace"),
    Route("/wiki/Special:WhatLinksHere/Kosovo", "limit"),
    Route("/wiki/Special:WhatLinksHere/Kosovo", "offset"),
    Route("/wiki/Special:WantedPages", "limit"),
    Route("/wiki/Special:WantedPages", "offset"),
    Route("/wiki/Special:Categories", "limit"),
    Route("/wiki/Special:Contributions/Setup", "limit"),
    Route("/wiki/Special:Contributions/Setup", "offset"),
    Route("/wiki/Special:Log", "limit"),
    Route("/wiki/Special:Log", "offset"),
    Route("/wiki/Special:Search", "limit", {"search": "Kosovo", "fulltext": "1"}),
    Route("/wiki/Special:Search", "offset", {"search": "Kosovo", "fulltext": "1"}),
    Route("/wiki/Special:Search", "namespace", {"search": "Kosovo", "fulltext": "1"}),
    Route("/api/suggest", "limit", {"q": "Ko"}),
    # An empty base revision is the form of a new page: on a page that exists, a conflict.
    Route("/wiki/Numbers", "base_revision", {"action": "submit"},
          form={"text": "Changed by the form.", "save": "1"}, empty_status=409),
    Route("/wiki/Numbers", "oldid", {"action": "restore"}, form={}, empty_status=400),
]


@pytest.fixture
def revisions(app: Flask) -> dict[str, str]:
    """A page "Numbers" with three revisions: {"r1": id, "r2": id, "r3": id}."""
    ids: dict[str, str] = {}
    base = None
    with app.app_context():
        for number in (1, 2, 3):
            result = pages.save_edit(parse_title("Numbers"), f"Revision {number}.\n",
                                     author=pages.Author("Setup"), base_revision_id=base)
            base = result.revision.id
            ids[f"r{number}"] = str(base)
    return ids


def request(client: FlaskClient, route: Route, value: str | None, ids: dict[str, str],
            token: str):  # type: ignore[no-untyped-def]
    """Send the route's request with the parameter set to `value` (left out when None)."""
    query = {k: v.format(**ids) for k, v in route.query.items()}
    params = {} if value is None else {route.name: value}
    if route.form is None:
        return client.get(f"{route.path}?{urlencode({**query, **params})}",
                          headers={"Accept": "text/html"})
    form = {**route.form, **params, "csrf_token": token}
    return client.post(f"{route.path}?{urlencode(query)}", data=form)


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_malformed_integers_are_400_naming_the_parameter(
        client: FlaskClient, wiki: WikiClient, revisions: dict[str, str], route: Route) -> None:
    token = wiki.token()
    for value in BAD_VALUES:
        response = request(client, route, value, revisions, token)
        assert response.status_code == 400, (route, value, response.status_code)
        body = response.get_data(as_text=True)
        assert route.name in body, (route, value, body[:300])
        if route.path.startswith("/api/"):
            assert response.is_json and response.json["error"]["code"] == "badparameter"


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_an_empty_integer_is_as_if_absent(
        client: FlaskClient, wiki: WikiClient, revisions: dict[str, str], route: Route) -> None:
    token = wiki.token()
    empty = request(client, route, EMPTY, revisions, token).status_code
    if route.empty_status is not None:
        assert empty == route.empty_status, (route, empty)
        return
    absent = request(client, route, None, revisions, token).status_code
    assert empty == absent, (route, empty, absent)
    assert empty < 500


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_good_integers_are_accepted(
        client: FlaskClient, wiki: WikiClient, revisions: dict[str, str], route: Route) -> None:
    value = {"limit": "5", "offset": "0", "days": "30", "namespace": "0", "older": "{r3}",
             "undo": "{r3}", "undoafter": "{r1}", "diff": "{r3}", "oldid": "{r2}",
             "base_revision": "{r3}"}[route.name].format(**revisions)
    response = request(client, route, value, revisions, wiki.token())
    assert response.status_code in (200, 303), (route, value, response.status_code)


@pytest.mark.parametrize("path", [
    "/wiki/Numbers?oldid=", "/wiki/Numbers?action=raw&oldid=", "/wiki/Numbers?oldid=&diff=",
])
def test_an_empty_oldid_shows_the_current_text(client: FlaskClient, revisions: dict[str, str],
                                               path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert "Revision 3." in response.get_data(as_text=True)


@pytest.mark.parametrize(("raw", "minimum", "maximum", "expected"), [
    ("0", 0, None, 0), ("7", 1, None, 7), (str(MAX_ID), 1, None, MAX_ID), ("-1", -1, 15, -1),
    ("007", 0, None, 7), ("-0", 0, None, 0),
])
def test_parse_int_reads_whole_numbers(raw: str, minimum: int, maximum: int | None,
                                       expected: int) -> None:
    assert parse_int("n", raw, minimum=minimum, maximum=maximum) == expected


@pytest.mark.parametrize("raw", [*BAD_VALUES, "", str(MAX_ID + 1), "0", "1" * 5000])
def test_parse_int_refuses_the_rest(raw: str) -> None:
    with pytest.raises(BadParameter, match='"n"'):
        parse_int("n", raw, minimum=1)


@given(raw=st.text(max_size=30), minimum=st.integers(-5, 5))
def test_parse_int_raises_nothing_but_bad_parameter(raw: str, minimum: int) -> None:
    try:
        value = parse_int("n", raw, minimum=minimum)
    except BadParameter:
        return
    assert minimum <= value <= MAX_ID
    assert raw.lstrip("-").isascii() and raw.lstrip("-").isdigit()
