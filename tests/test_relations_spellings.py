"""Every spelling finds the page: a title with no page that names a pair (or a hub) whose page
exists, under any alias, dash or order, sends the reader there with "(Redirected from …)" exactly
as a stored redirect does, and never offers to create it; once the page is gone, the spelling
offers creation again (the answer is never cached)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from test_relations_web import anchors, path_of, submit
from wikitest import create

from wiki import moderation, pages
from wiki.extensions import registry
from wiki.titles import parse_title

EN_DASH = "\u2013"
PORTUGAL_TIMOR = f"Portugal{EN_DASH}Timor-Leste relations"
GAMBIA_PORTUGAL = f"The Gambia{EN_DASH}Portugal relations"
ADMIN = pages.Author("Sysop", role="admin")


def assert_led_to(client, spelling: str, target: str) -> str:  # type: ignore[no-untyped-def]
    """The spelling sends the reader to the target, which says where they came from."""
    hop = client.get(path_of(spelling))
    assert hop.status_code == 302, spelling
    location = urlsplit(hop.headers["Location"])
    assert location.path == path_of(target)
    assert parse_qs(location.query) == {"redirectedfrom": [spelling]}
    landed = client.get(path_of(spelling), follow_redirects=True)
    assert landed.status_code == 200
    html = landed.get_data(as_text=True)
    assert f'<h1 class="page-title">{target}</h1>' in html
    assert re.search(r'\(Redirected from <a href="[^"]*\?redirect=no">'
                     + re.escape(spelling) + r"</a>\)", html)
    return html


@pytest.mark.parametrize("spelling", [
    "Portugal-East Timor relations",
    f"East Timor{EN_DASH}Portugal relations",
    "Portugal–Timor Leste relations",
    "Timor Leste-Portugal relations",
    "Portugal\u2014Timor-Leste relations",
    "Portugal–TL relations",
    "PRT–TLS relations",
])
def test_spellings_of_a_pair_lead_to_its_page(client, spelling):
    assert submit(client, "Portugal", "Timor-Leste").status_code == 303
    assert_led_to(client, spelling, PORTUGAL_TIMOR)


@pytest.mark.parametrize("spelling", ["Gambia–Portugal relations", "Portugal-Gambia relations",
                                      "Portugal–the Gambia relations"])
def test_the_gambia_under_other_spellings(client, wiki, spelling):
    assert wiki.edit(GAMBIA_PORTUGAL.replace(" ", "_"), "An article.").status_code == 303
    assert_led_to(client, spelling, GAMBIA_PORTUGAL)


def test_no_redirect_shows_where_the_title_leads_and_offers_no_creation(client):
    assert submit(client, "Portugal", "Timor-Leste").status_code == 303
    response = client.get(path_of("Portugal-East Timor relations") + "?redirect=no")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    leads = re.search(r'<p class="leads-to">(.*?)</p>', html, re.S)
    assert leads and path_of(PORTUGAL_TIMOR) in leads.group(1)
    assert "Create the page" not in html
    assert "Create this relations page" not in html


def test_spellings_of_a_hub_lead_to_the_hub(client):
    assert submit(client, "United States", "Kosovo").status_code == 303
    hub = "Foreign relations of the United States"
    for spelling in ("Foreign relations of United States", "Foreign relations of USA",
                     "Foreign relations of the US", "Foreign relations of The United States"):
        assert_led_to(client, spelling, hub)


def test_an_overridden_title_is_found_under_the_plain_spelling(client, wiki):
    assert wiki.edit("Cross-Strait_relations", "About China and Taiwan.").status_code == 303
    assert_led_to(client, "PRC–ROC relations", "Cross-Strait relations")


def test_a_stored_page_under_a_spelling_is_shown_itself(client, wiki):
    assert submit(client, "Portugal", "Timor-Leste").status_code == 303
    spelling = "Portugal-East Timor relations"
    assert wiki.edit(spelling.replace(" ", "_"), "A page of its own.").status_code == 303
    response = client.get(path_of(spelling))
    assert response.status_code == 200
    assert "A page of its own." in response.get_data(as_text=True)


def test_a_forged_redirectedfrom_is_dropped(client):
    assert submit(client, "Portugal", "Timor-Leste").status_code == 303
    for forged in ("Kosovo-Serbia relations", "Anything at all", "Portugal-Spain relations"):
        response = client.get(path_of(PORTUGAL_TIMOR), query_string={"redirectedfrom": forged})
        assert response.status_code == 301, forged
        assert urlsplit(response.headers["Location"]).path == path_of(PORTUGAL_TIMOR)
        assert "redirectedfrom" not in response.headers["Location"]
    genuine = client.get(path_of(PORTUGAL_TIMOR),
                         query_string={"redirectedfrom": "Portugal-East Timor relations"})
    assert genuine.status_code == 200


def test_a_spelling_offers_creation_again_once_the_page_is_gone(app: Flask, client):
    assert submit(client, "Portugal", "Timor-Leste").status_code == 303
    spelling = "Portugal-East Timor relations"
    target_path = path_of(PORTUGAL_TIMOR) + "?redirectedfrom=" + spelling.replace(" ", "_")
    for _ in range(3):  # the target as reached from the spelling, stored in the page cache
        assert_led_to(client, spelling, PORTUGAL_TIMOR)
    with app.app_context():
        moderation.delete(parse_title(PORTUGAL_TIMOR), "test", ADMIN)

    response = client.get(path_of(spelling))
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    texts = [a["text"].strip() for a in anchors(html)]
    assert f'Create the page "{spelling}"' in texts
    assert "Create this relations page" in texts
    # The target no longer says it was reached from the spelling.
    assert client.get(target_path).status_code == 301

    with app.app_context():
        moderation.undelete(parse_title(PORTUGAL_TIMOR), "test", ADMIN)
    assert_led_to(client, spelling, PORTUGAL_TIMOR)


def test_a_spelling_does_not_lead_to_a_redirect(app: Flask, client):
    create(app, PORTUGAL_TIMOR, "#REDIRECT [[Portugal]]")
    response = client.get(path_of("Portugal-East Timor relations"))
    assert response.status_code == 404
    assert "Create this relations page" in response.get_data(as_text=True)


@pytest.mark.parametrize("title", [
    "Portugal-East Timor relations",  # its page does not exist
    "Congo–Portugal relations",  # ambiguous
    "Atlantis–Portugal relations",
    "Foreign relations of Congo",
    "Talk:Portugal-East Timor relations",
])
def test_titles_without_an_existing_page_stay_missing(client, title):
    assert client.get(path_of(title)).status_code == 404


def test_the_resolver_is_an_extension_point_of_each_app(app: Flask):
    resolvers = registry(app).missing_page_resolvers
    assert len(resolvers) == 1
    with app.app_context():
        assert registry(app).resolve_missing(parse_title("Kosovo-Azerbaijan relations")) \
            == parse_title(f"Azerbaijan{EN_DASH}Kosovo relations")
        assert registry(app).resolve_missing(parse_title("Nothing here")) is None


def _link_classes(client, page: str, target: str) -> list[str]:  # type: ignore[no-untyped-def]
    html = client.get(path_of(page)).get_data(as_text=True)
    return [a.get("class", "") for a in anchors(html)
            if a["text"].strip() == target]


def test_links_to_a_spelling_are_blue_while_its_page_exists(app: Flask, client):
    spelling = "Portugal-East Timor relations"
    create(app, "Lisbon", f"See [[{spelling}]].")
    assert _link_classes(client, "Lisbon", spelling) == ["new"]  # nothing to lead to yet

    assert submit(client, "Portugal", "Timor-Leste").status_code == 303
    assert _link_classes(client, "Lisbon", spelling) == [""]  # the stored render was dropped

    with app.app_context():
        moderation.delete(parse_title(PORTUGAL_TIMOR), "test", ADMIN)
    assert _link_classes(client, "Lisbon", spelling) == ["new"]
