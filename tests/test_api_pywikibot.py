"""pywikibot against a live wiki: a site built from the api.php address alone (no user-config
file, the family made in code), reading a page, all pages and recent changes.

The ``site`` fixture is what later tests of logging in and saving will build on.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from flask import Flask
from wikitest import create, serve

ARTICLE = "Azerbaijan–Kosovo relations"


@pytest.fixture(scope="module")
def pywikibot(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """pywikibot, configured in code: its files under a temporary folder, no throttling."""
    os.environ["PYWIKIBOT_NO_USER_CONFIG"] = "1"
    folder = str(tmp_path_factory.mktemp("pywikibot"))
    os.environ["PYWIKIBOT_DIR"] = folder
    module = pytest.importorskip("pywikibot")
    config = module.config
    config.base_dir = folder  # its API cache and throttle file (PYWIKIBOT_DIR needs a config)
    config.put_throttle = 0
    config.minthrottle = 0
    config.maxthrottle = 0
    config.maxlag = 0
    config.max_retries = 0
    config.retry_wait = 0
    config.socket_timeout = 30
    return module


@pytest.fixture
def site(pywikibot: ModuleType, app: Flask) -> Iterator[Any]:
    """A pywikibot site of a live wiki, known only by its api.php address."""
    from pywikibot.family import AutoFamily

    with serve(app) as live:
        family = AutoFamily(f"wiki{live.port}", live.url + "/w/api.php")
        yield pywikibot.Site(family.name, family)


def test_site_finds_the_wiki(site: Any) -> None:
    assert str(site.version()) == "1.39.0"
    assert site.siteinfo["mainpage"] == "Main Page"
    assert site.namespaces[14].custom_name == "Category"


def test_reads_a_page(pywikibot: ModuleType, site: Any) -> None:
    page = pywikibot.Page(site, ARTICLE)
    assert page.exists()
    assert page.text.startswith("{{Infobox bilateral relations")
    assert page.latest_revision_id > 0
    assert not pywikibot.Page(site, "Does not exist yet").exists()


def test_iterates_all_pages(pywikibot: ModuleType, site: Any, app: Flask,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(7):
        create(app, f"Pywikibot page {n}", "text")
    monkeypatch.setattr(pywikibot.config, "step", 3)  # three pages a request: continuation
    titles = [page.title() for page in site.allpages(prefix="Pywikibot page")]
    assert titles == [f"Pywikibot page {n}" for n in range(7)]
    every = [page.title() for page in site.allpages()]
    assert ARTICLE in every and every == sorted(every)


def test_iterates_recent_changes(site: Any, app: Flask) -> None:
    create(app, "Fresh change", "new text")
    changes = list(site.recentchanges(total=5))
    assert changes[0]["title"] == "Fresh change"
    assert changes[0]["type"] == "new"
    assert len(changes) == 5
