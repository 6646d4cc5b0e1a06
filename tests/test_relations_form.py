"""Special:NewRelations as an editor meets it with names typed every which way: names that fit
several states ("Congo") and unknown names come back with the choices and the form kept, ISO
codes are shown back as names before anything is made, inverted and reversed names are fine,
what it creates says "the United States" as Wikipedia does, and no input makes it fail."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_relations_web import (
    NEW_RELATIONS,
    anchors,
    assert_form_again,
    content,
    exists,
    form_token,
    inputs,
    path_of,
    query_of,
    submit,
    textarea,
)

from wiki.relations.create import RelationsFormError, RelationsRequest, resolve

EN_DASH = "\u2013"


def links_of_class(html: str, css: str) -> dict[str, str]:
    """Links with this class: text -> href."""
    return {unescape(a["text"]).strip(): a["href"] for a in anchors(html)
            if css in a.get("class", "").split()}


def alert(html: str) -> str:
    """The text of the form's alert box."""
    box = re.search(r'<div class="error-box" role="alert">(.*?)</div>', html, re.S)
    assert box, "no alert"
    return unescape(re.sub(r"<[^>]+>", "", box.group(1)))


# Names that fit several states -------------------------------------------------------------


@pytest.mark.parametrize(("typed", "choices"), [
    ("Congo", {"Democratic Republic of the Congo", "Republic of the Congo"}),
    ("the Congo", {"Democratic Republic of the Congo", "Republic of the Congo"}),
    ("Korea", {"North Korea", "South Korea"}),
])
def test_an_ambiguous_name_asks_which_state(client, typed, choices):
    response = submit(client, typed, "Kosovo", established="2008", lead="Kept lead",
                      summary="Kept summary")
    html = assert_form_again(response, "first", "more than one country")
    offered = links_of_class(html, "choice")
    assert set(offered) == choices
    for name, href in offered.items():
        assert urlsplit(href).path == NEW_RELATIONS
        assert query_of(href) == {"first": [name], "second": ["Kosovo"]}
    fields = inputs(html)
    assert fields["first"]["value"] == typed
    assert fields["second"]["value"] == "Kosovo"
    assert fields["established"]["value"] == "2008"
    assert fields["summary"]["value"] == "Kept summary"
    assert textarea(html, "lead") == "Kept lead"
    for name in choices:
        assert not exists(client, f"Foreign relations of the {name.removeprefix('The ')}")


def test_a_chosen_state_creates_the_page(client):
    html = submit(client, "Kosovo", "Congo").get_data(as_text=True)
    href = links_of_class(html, "choice")["Republic of the Congo"]
    prefilled = inputs(client.get(href).get_data(as_text=True))
    response = submit(client, prefilled["first"]["value"], prefilled["second"]["value"])
    assert response.status_code == 303
    title = f"Kosovo{EN_DASH}Republic of the Congo relations"
    assert urlsplit(response.headers["Location"]).path == path_of(title)


# ISO codes ----------------------------------------------------------------------------------


def test_codes_are_shown_back_as_names_before_anything_is_created(client):
    response = submit(client, "IS", "NOR", established="1905", summary="Codes")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    message = alert(html)
    assert "IS = Iceland" in message and "NOR = Norway" in message
    assert "Nothing was created" in message
    fields = inputs(html)
    assert (fields["first"]["value"], fields["second"]["value"]) == ("Iceland", "Norway")
    assert fields["established"]["value"] == "1905"
    assert fields["summary"]["value"] == "Codes"
    assert not exists(client, f"Iceland{EN_DASH}Norway relations")

    confirmed = submit(client, fields["first"]["value"], fields["second"]["value"],
                       established="1905")
    assert confirmed.status_code == 303
    assert urlsplit(confirmed.headers["Location"]).path == path_of(
        f"Iceland{EN_DASH}Norway relations")


def test_a_code_beside_a_name_is_confirmed_too(client):
    response = submit(client, "Kosovo", "DE")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "DE = Germany" in alert(html)
    assert inputs(html)["second"]["value"] == "Germany"
    assert inputs(html)["first"]["value"] == "Kosovo"
    assert not exists(client, f"Germany{EN_DASH}Kosovo relations")


def test_a_code_beside_an_unknown_name_is_resolved_and_the_other_marked(client):
    response = submit(client, "IS", "Atlantis")
    html = assert_form_again(response, "second", "Atlantis")
    assert "IS = Iceland" in alert(html)
    assert inputs(html)["first"]["value"] == "Iceland"


@pytest.mark.parametrize("typed", ["is", "Is", "deu"])
def test_codes_in_lower_case_are_not_codes(client, typed):
    html = assert_form_again(submit(client, typed, "Kosovo"), "first", "not a country")
    assert inputs(html)["first"]["value"] == typed
    assert "=" not in alert(html)


# Inverted and reversed names ----------------------------------------------------------------


@pytest.mark.parametrize(("first", "second", "title"), [
    ("Korea, South", "Kosovo", f"Kosovo{EN_DASH}South Korea relations"),
    ("Serbia", "Gambia, The", f"The Gambia{EN_DASH}Serbia relations"),
    ("St Lucia", "Kosovo", f"Kosovo{EN_DASH}Saint Lucia relations"),
    ("Timor Leste", "Kosovo", f"Kosovo{EN_DASH}Timor-Leste relations"),
    ("Holland", "Kosovo", f"Kosovo{EN_DASH}Netherlands relations"),
])
def test_other_spellings_and_either_order_make_the_canonical_title(client, first, second, title):
    response = submit(client, first, second)
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == path_of(title)


# What it creates ----------------------------------------------------------------------------


def test_names_with_the_in_the_article_and_the_hubs(client):
    response = submit(client, "USA", "UK", established="1783")
    assert response.status_code == 303
    title = f"United Kingdom{EN_DASH}United States relations"
    assert urlsplit(response.headers["Location"]).path == path_of(title)
    raw = client.get(path_of(title) + "?action=raw").get_data(as_text=True)
    assert ("are the bilateral relations between the [[United Kingdom]] and the "
            "[[United States]].") in raw
    assert "- [[Foreign relations of the United Kingdom]]" in raw
    assert "- [[Foreign relations of the United States]]" in raw
    assert "|established=1783}}" in raw
    html = content(client.get(path_of(title)).get_data(as_text=True))
    assert re.search(r"Relations established</th>\s*<td>1783</td>", html)

    for hub, owner in (("Foreign relations of the United States", "the [[United States]]'"),
                       ("Foreign relations of the United Kingdom", "the [[United Kingdom]]'s")):
        page = client.get(path_of(hub))
        assert page.status_code == 200, hub
        hub_raw = client.get(path_of(hub) + "?action=raw").get_data(as_text=True)
        assert hub_raw.startswith(f"The **{hub[0].lower()}{hub[1:]}** are {owner} relations")
    for old in ("Foreign relations of United States", "Foreign relations of United Kingdom"):
        assert not exists(client, old)


def test_the_gambia_keeps_the_in_titles_and_writes_the_in_text(client):
    assert submit(client, "Gambia", "Kosovo").status_code == 303
    title = f"The Gambia{EN_DASH}Kosovo relations"
    raw = client.get(path_of(title) + "?action=raw").get_data(as_text=True)
    assert "between the [[The Gambia|Gambia]] and [[Kosovo]]." in raw
    assert exists(client, "Foreign relations of the Gambia")
    assert not exists(client, "Foreign relations of The Gambia")


def test_an_overridden_pair_gets_wikipedias_title(client):
    response = submit(client, "Taiwan", "PRC")
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == path_of("Cross-Strait relations")
    for spelling in (f"China{EN_DASH}Taiwan relations", "Taiwan-China relations"):
        landed = client.get(path_of(spelling), follow_redirects=True)
        assert landed.status_code == 200
        assert urlsplit(landed.request.url).path == path_of("Cross-Strait relations")


# No input makes it fail ---------------------------------------------------------------------

ODD_INPUTS = [
    "", " ", "the", "The", "-", EN_DASH, ",", ", ,", "Korea,", ", Korea", "Korea, ,", "St.",
    "St", "Congo-Congo", "IS-IT", "Is", "ZZ", "XK ", "{{Relations of|Congo}}", "[[Kosovo]]",
    "<script>alert(1)</script>", "%00", "%", "\u202eKosovo", "Ko\u0301sovo", "\U0001f1fd\U0001f1f0",
    "\u2028", "\ufeffKosovo", "Kosovo" * 40, "a" * 5000, "Guinea-Bissau-Guinea", "relations",
    "Foreign relations of Kosovo", "Gambia, The, The", "The The Gambia", "U.S.",
    "S\u00e3o Tom\u00e9",
]  # fmt: skip


@pytest.mark.parametrize("odd", ODD_INPUTS)
def test_odd_input_is_answered_without_failing(client, odd):
    token = form_token(client)
    for data in ({"first": odd, "second": "Kosovo"}, {"first": "Serbia", "second": odd},
                 {"first": odd, "second": odd, "established": odd, "lead": odd, "summary": odd}):
        response = client.post(NEW_RELATIONS, data={"csrf_token": token, **data})
        assert response.status_code in {303, 400, 409}, (data, response.status_code)


@settings(database=None, max_examples=300)
@given(st.text(max_size=120), st.text(max_size=120), st.text(max_size=20))
def test_reading_the_form_never_fails(first: str, second: str, established: str) -> None:
    try:
        resolved = resolve(RelationsRequest(first, second, established))
    except RelationsFormError as error:
        assert error.errors or error.codes
        assert set(error.errors) <= {"first", "second", "established", "lead"}
    else:
        assert resolved.first != resolved.second
