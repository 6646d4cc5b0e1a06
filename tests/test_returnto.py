"""Where logging in and signing up send you (`returnto`): a page of this wiki, never another site,
and a clear 400 (never a 500) for a value that cannot go into a Location header."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from test_accounts import PASSWORD, error_box, fields, logged_in_as, sign_up, token

from wiki.returnto import safe_target

# Each of these is read by some browser as another site, or is a URL rather than a page.
OFFSITE = [
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "/\\/evil.example/",
    "///evil.example/",
    " //evil.example/",
    "/%09/evil.example/",
    "/%2F/evil.example/",
    "/%5Cevil.example/",
    "https://evil.example/",
    "HTTPS://evil.example/",
    "http:evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
]
# Control characters cannot be put into a header: 400, not a 500 and not a redirect.
CONTROL = [
    "/\t/evil.example/",
    "\t//evil.example/",
    "/wiki/Kosovo\r\nSet-Cookie: planted=1",
    "/wiki/Kosovo\nX-Injected: 1",
    "/wiki/Kosovo\r",
    "/wiki/Kosovo\x1b",
    "/wiki/Kosovo\x7f",
    "/wiki/Kosovo\x85",
]
LOCAL = [
    ("/wiki/Kosovo?action=history", "/wiki/Kosovo?action=history"),
    ("/wiki/Kosovo#History", "/wiki/Kosovo#History"),
    ("Kosovo", "/wiki/Kosovo"),
    ("Talk:Kosovo", "/wiki/Talk:Kosovo"),
    ("Special:RecentChanges", "/wiki/Special:RecentChanges"),
    ("", "/wiki/Main_Page"),
]


@pytest.mark.parametrize("target", OFFSITE)
def test_offsite_targets_fall_back_to_the_main_page(target: str) -> None:
    assert safe_target(target) == "/wiki/Main_Page"


@pytest.mark.parametrize(("target", "expected"), LOCAL)
def test_pages_of_this_wiki_are_followed(target: str, expected: str) -> None:
    assert safe_target(target) == expected


def _location(response) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    parts = urlsplit(response.headers["Location"])
    return parts.netloc, parts.path


def log_in_to(client: FlaskClient, target: str, *, in_query: bool = False):  # type: ignore[no-untyped-def]
    data = {"csrf_token": token(client), "name": "Traveller", "password": PASSWORD}
    if in_query:
        return client.post("/wiki/Special:UserLogin", data=data,
                           query_string={"returnto": target})
    return client.post("/wiki/Special:UserLogin", data={**data, "returnto": target})


def sign_up_to(client: FlaskClient, target: str, name: str):  # type: ignore[no-untyped-def]
    data = {"csrf_token": token(client, "/wiki/Special:CreateAccount"), "name": name,
            "password": PASSWORD, "confirm": PASSWORD}
    return client.post("/wiki/Special:CreateAccount", data=data,
                       query_string={"returnto": target})


@pytest.fixture
def traveller(client: FlaskClient) -> FlaskClient:
    assert sign_up(client, "Traveller").status_code == 303
    client.delete_cookie("session")
    return client


@pytest.mark.parametrize("in_query", [False, True], ids=["form", "query"])
@pytest.mark.parametrize("target", OFFSITE)
def test_log_in_never_redirects_off_site(traveller: FlaskClient, target: str,
                                         in_query: bool) -> None:
    response = log_in_to(traveller, target, in_query=in_query)
    assert response.status_code == 303
    assert _location(response) in {("", "/wiki/Main_Page"), ("localhost", "/wiki/Main_Page")}
    assert logged_in_as(traveller) == "Traveller"


@pytest.mark.parametrize("target", OFFSITE)
def test_sign_up_never_redirects_off_site(client: FlaskClient, target: str) -> None:
    response = sign_up_to(client, target, "Newcomer")
    assert response.status_code == 303
    assert _location(response) in {("", "/wiki/Main_Page"), ("localhost", "/wiki/Main_Page")}
    assert logged_in_as(client) == "Newcomer"


def test_the_reported_payload_is_refused(traveller: FlaskClient) -> None:
    body = f"csrf_token={token(traveller)}&name=Traveller&password=correct+horse+battery" \
           "&returnto=%2F%09%2Fevil.example%2F"
    response = traveller.post("/wiki/Special:UserLogin", data=body,
                              content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert logged_in_as(traveller) is None


@pytest.mark.parametrize("target", CONTROL)
def test_control_characters_in_returnto_are_400_on_log_in(traveller: FlaskClient,
                                                          target: str) -> None:
    response = log_in_to(traveller, target)
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "returnto" in error_box(response.get_data(as_text=True))
    assert logged_in_as(traveller) is None
    form = traveller.get("/wiki/Special:UserLogin", query_string={"returnto": target})
    assert form.status_code == 400


@pytest.mark.parametrize("target", CONTROL)
def test_control_characters_in_returnto_are_400_on_sign_up(client: FlaskClient,
                                                           target: str) -> None:
    response = sign_up_to(client, target, "Controlled")
    assert response.status_code == 400
    assert "returnto" in error_box(response.get_data(as_text=True))
    assert logged_in_as(client) is None
    assert client.get("/wiki/User:Controlled").status_code == 404
    form = client.get("/wiki/Special:CreateAccount", query_string={"returnto": target})
    assert form.status_code == 400


@pytest.mark.parametrize(("target", "expected"), LOCAL)
def test_log_in_returns_to_pages_of_this_wiki(traveller: FlaskClient, target: str,
                                              expected: str) -> None:
    response = log_in_to(traveller, target)
    assert response.status_code == 303
    location = response.headers["Location"]
    assert urlsplit(location).netloc in {"", "localhost"}
    assert location.endswith(expected)


def test_the_log_in_link_carries_the_page_back(client: FlaskClient) -> None:
    assert sign_up(client, "Reader").status_code == 303
    client.delete_cookie("session")
    page = client.get("/wiki/Main_Page?action=history").get_data(as_text=True)
    link = re.search(r'href="(/wiki/Special:UserLogin\?returnto=[^"]+)"', page)
    assert link, "no log-in link that returns here"
    form = fields(client.get(unescape(link.group(1))).get_data(as_text=True))
    assert form.inputs["returnto"] == "/wiki/Main_Page?action=history"
    response = client.post("/wiki/Special:UserLogin", data={
        **form.inputs, "name": "Reader", "password": PASSWORD})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/wiki/Main_Page?action=history")
