"""The live data relations templates show, and which changes to pages alter it.

{{Relations pages}} lists every relations article, {{Relations of|X}} shows X's hub, and the
relations infobox draws a locator map. register() offers them to wiki templates with their
topics, and a change listener names the topics a page change alters: a relations article
appearing, going, or turning into or out of a redirect; any edit of a relations article (its
hubs show the date its infobox gives for the establishment of relations); and links to unwritten
relations pages coming or going (a hub lists those as wanted). register() also lets missing
relations and hub titles lead to the page they stand for, and adds the upgrade that moves pages
made under older titles.

Map URLs carry the map data version (``?v=``), so that a browser that keeps a map for a year
fetches the new one when the maps change. The version changes with the code, not with any page,
so renders store map URLs without it and a view filter adds it whenever a page is shown: stored
renders never hold an old version.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from wiki.extensions import Registry
from wiki.invalidation import PageChange
from wiki.relations import catalog, maps, mapstore, upgrade
from wiki.relations.mapscene import WIDTH
from wiki.relations.names import find_country, match_name, parse_relations_title, prose_name
from wiki.relations.texts import country_article
from wiki.titles import MAIN, Title

# Renders happen outside requests too (seeding, CLI), so templates get plain paths, not url_for.
MAP_PREFIX = "/map"
ALL_RELATIONS = "relations"

_IMAGE_TAG = re.compile(r"<img\b[^>]*>")
_SOURCE = re.compile(r'\b(src|srcset)="([^"]*)"')
# A map file's path, alone or as one candidate of a srcset ("/map/A-B.png 1x, /map/A-B.svg 2x").
_MAP_PATH = re.compile(rf"(?<![^\s,]){MAP_PREFIX}/[A-Za-z0-9/-]+\.(?:svg|png)(?![^\s,])")


def country_topic(alpha3: str) -> str:
    """The topic of one country's relations pages (its hub's lists)."""
    return f"relations:{alpha3}"


def locator_map(first_name: str, second_name: str) -> dict[str, Any] | None:
    """URLs of the generated locator map for two country names (views add the map data
    version), or None if either is unknown."""
    first, second = find_country(str(first_name)), find_country(str(second_name))
    if first is None or second is None or first == second:
        return None
    pair = f"{first.alpha3}-{second.alpha3}"
    return {
        "svg_url": f"{MAP_PREFIX}/{pair}.svg",
        "png_url": f"{MAP_PREFIX}/{pair}.png",
        "width": WIDTH,
        "height": maps.map_height(first.alpha3, second.alpha3),
    }


def versioned_map_urls(html: str) -> str:
    """Add ``?v=<map data version>`` to every map file an image of this HTML shows (its src and
    srcset): the generated locator and world maps, and map files an infobox names."""
    if f"{MAP_PREFIX}/" not in html:
        return html
    suffix = f"?v={mapstore.data_version()}"

    def source(match: re.Match[str]) -> str:
        value = _MAP_PATH.sub(lambda path: path.group() + suffix, match.group(2))
        return f'{match.group(1)}="{value}"'

    return _IMAGE_TAG.sub(lambda tag: _SOURCE.sub(source, tag.group()), html)


def relations_of(country_name: str) -> dict[str, Any] | None:
    """The hub of one country for {{Relations of|X}}: its pages by continent with the dates
    relations were established, wanted pairs and world map; for a name that fits several
    states, only the names to choose from; None for an unknown name."""
    hub = catalog.hub(str(country_name))
    if hub is None:
        choices = match_name(str(country_name)).choices
        return {"choices": [country.name for country in choices]} if choices else None
    return {
        "country": hub.country,
        "prose_name": prose_name(hub.country),
        "pages": hub.pages,
        "groups": [
            {"continent": continent, "rows": [
                {"partner": row.partner, "article": country_article(row.partner),
                 "title": row.title, "established": row.established,
                 "sort": row.established_sort}
                for row in rows
            ]}
            for continent, rows in hub.groups
        ],
        "wanted": hub.wanted,
        "map_url": f"{MAP_PREFIX}/world/{hub.country.alpha3}.svg",
    }


def _hub_topics(country_name: str) -> Iterable[str]:
    country = find_country(str(country_name))
    return (country_topic(country.alpha3),) if country is not None else ()


def _pair_topics(title: Title) -> set[str]:
    """The hubs a relations title concerns (none for other titles)."""
    if title.namespace != MAIN:
        return set()
    pair = parse_relations_title(title.text)
    return {country_topic(country.alpha3) for country in pair} if pair else set()


def changed_topics(change: PageChange) -> set[str]:
    """Topics of relations data this change alters."""
    topics: set[str] = set()
    before, after = change.before, change.after
    was_article = before.exists and not before.is_redirect
    is_article = after.exists and not after.is_redirect
    if before.exists != after.exists or was_article != is_article:
        own = _pair_topics(change.title)
        if own:
            topics |= own | {ALL_RELATIONS}
    elif is_article:
        topics |= _pair_topics(change.title)  # an edit may change the date hubs show
    for linked in before.links ^ after.links:
        topics |= _pair_topics(linked)  # hubs list linked, unwritten pairs as wanted
    return topics


def register(extensions: Registry) -> None:
    """Offer the relations live data to wiki templates and listen for relations changes."""
    extensions.add_live_data("relations_pages", catalog.relations_page_titles,
                             lambda: (ALL_RELATIONS,))
    extensions.add_live_data("relations_of", relations_of, _hub_topics)
    extensions.add_live_data("locator_map", locator_map, lambda *_countries: ())
    extensions.add_change_listener(changed_topics)
    extensions.add_missing_page_resolver(catalog.canonical_target)
    extensions.add_title_spelling(catalog.canonical_spelling)
    extensions.add_upgrade_step(upgrade.run_upgrade)
    extensions.add_view_filter(versioned_map_urls)
