"""Which "X–Y relations" pages the wiki has: the live data behind the Main Page list, the
{{Relations of|X}} hubs and the relations matrix, offered to wiki templates through Lookups."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from wiki.db import db
from wiki.models import Page
from wiki.relations.country import Country
from wiki.relations.names import find_country, parse_relations_title, relations_title, sort_key
from wiki.titles import MAIN


@dataclass(frozen=True, slots=True)
class RelationsPage:
    """An existing relations article and the two countries it is about (in title order)."""

    title: str
    first: Country
    second: Country

    def partner_of(self, country: Country) -> Country:
        """The other side of the pair."""
        return self.second if self.first == country else self.first


def relations_pages() -> list[RelationsPage]:
    """Every relations article (not redirects) whose title is the canonical one for its pair."""
    titles = db.session.scalars(
        sa.select(Page.title).where(
            Page.namespace == MAIN,
            Page.is_redirect.is_(False),
            Page.latest_revision_id.is_not(None),
            Page.title.like("%relations"),
        )
    )
    found = []
    for title in titles:
        pair = parse_relations_title(title)
        if pair is None or relations_title(*pair) != title:
            continue
        first, second = sorted(pair, key=lambda c: sort_key(c.name))
        found.append(RelationsPage(title, first, second))
    return sorted(found, key=lambda page: (sort_key(page.first.name), sort_key(page.second.name)))


def relations_page_titles() -> list[str]:
    """Titles of every relations article, for the Main Page."""
    return [page.title for page in relations_pages()]


def relations_of(country_name: str) -> list[dict[str, object]] | None:
    """The relations articles of one country, by partner name; None for an unknown country."""
    country = find_country(country_name)
    if country is None:
        return None
    rows = [
        {"title": page.title, "partner": page.partner_of(country)}
        for page in relations_pages() if country in (page.first, page.second)
    ]
    return sorted(rows, key=lambda row: sort_key(row["partner"].name))  # type: ignore[attr-defined]
