"""Which "X–Y relations" pages the wiki has: the live data behind the Main Page list, the
{{Relations of|X}} hubs (by continent, with the date relations were established) and the
relations matrix, offered to wiki templates through Lookups; and which existing page a missing
relations or hub title stands for."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa

from wiki.db import db
from wiki.existence import readable
from wiki.models import Link, Page, Revision
from wiki.relations.country import CONTINENTS, Country
from wiki.relations.names import (
    find_country,
    hub_title,
    parse_hub_title,
    parse_relations_title,
    relations_title,
    sort_key,
)
from wiki.relations.texts import date_sort_key, infobox_established
from wiki.titles import MAIN, Title, parse_title

BATCH = 500  # titles per query


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
            readable(),
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


def titles_for_pair(first: Country, second: Country) -> list[str]:
    """Every page title (articles and redirects, any dash, order or alias) naming this pair."""
    wanted = {first, second}
    titles = db.session.scalars(
        sa.select(Page.title).where(
            Page.namespace == MAIN, readable(), Page.title.like("%relations")
        ).order_by(Page.title)
    )
    return [title for title in titles if set(parse_relations_title(title) or ()) == wanted]


def relations_page_titles() -> list[str]:
    """Titles of every relations article, for the Main Page."""
    return [page.title for page in relations_pages()]


@dataclass(frozen=True, slots=True)
class HubRow:
    """One row of a hub's table: the partner, the relations article, and the date relations
    were established as that article's infobox gives it ("" when it does not)."""

    partner: Country
    title: str
    established: str = ""

    @property
    def established_sort(self) -> str:
        """The date as a sort key (ISO date or year)."""
        return date_sort_key(self.established)


@dataclass(frozen=True)
class Hub:
    """What a "Foreign relations of X" page lists: X's relations articles by partner, and the
    pairs with X that pages link to but nobody has written yet."""

    country: Country
    pages: list[tuple[Country, str]]
    wanted: list[tuple[Country, str]]
    rows: list[HubRow] = field(default_factory=list)

    @property
    def partners(self) -> list[Country]:
        """Every partner that has an article with this country."""
        return [partner for partner, _ in self.pages]

    @property
    def groups(self) -> list[tuple[str, list[HubRow]]]:
        """The rows by the partner's continent, continents in the usual order, empty ones out."""
        grouped: dict[str, list[HubRow]] = {continent: [] for continent in CONTINENTS}
        for row in self.rows:
            grouped.setdefault(row.partner.continent or "Other", []).append(row)
        return [(continent, rows) for continent, rows in grouped.items() if rows]


def established_dates(titles: Iterable[str]) -> dict[str, str]:
    """The `established` date in the infobox of each of these main-namespace articles."""
    wanted = sorted(set(titles))
    found: dict[str, str] = {}
    for start in range(0, len(wanted), BATCH):
        rows = db.session.execute(
            sa.select(Page.title, Revision.text)
            .join(Revision, Revision.id == Page.latest_revision_id)
            .where(Page.namespace == MAIN, Page.title.in_(wanted[start:start + BATCH]),
                   readable())
        )
        found.update((title, infobox_established(text)) for title, text in rows)
    return found


def wanted_pairs() -> list[tuple[str, Country, Country]]:
    """Relations titles that pages link to but that do not exist: (canonical title, A, B)."""
    linked = db.session.scalars(
        sa.select(Link.to_title).distinct().where(
            Link.to_namespace == MAIN,
            Link.to_title.like("%relations"),
            ~sa.exists().where(Page.namespace == MAIN, Page.title == Link.to_title),
        )
    )
    wanted: dict[str, tuple[str, Country, Country]] = {}
    for title in linked:
        pair = parse_relations_title(title)
        if pair is not None:
            canonical = relations_title(*pair)
            first, second = sorted(pair, key=lambda c: sort_key(c.name))
            wanted.setdefault(canonical, (canonical, first, second))
    existing = {page.title for page in relations_pages()}
    return [entry for title, entry in sorted(wanted.items()) if title not in existing]


def hub(country_name: str) -> Hub | None:
    """The hub data of one country; None for a name the registry does not know."""
    country = find_country(country_name)
    if country is None:
        return None
    own = [
        (page.partner_of(country), page.title)
        for page in relations_pages() if country in (page.first, page.second)
    ]
    wanted = [
        (second if first == country else first, title)
        for title, first, second in wanted_pairs() if country in (first, second)
    ]
    by_partner = lambda row: sort_key(row[0].name)  # noqa: E731
    own.sort(key=by_partner)
    dates = established_dates(title for _, title in own)
    rows = [HubRow(partner, title, dates.get(title, "")) for partner, title in own]
    return Hub(country, own, sorted(wanted, key=by_partner), rows)


def _is_article(title: Title) -> bool:
    """Whether the title is a readable page that is not a redirect."""
    return db.session.scalar(
        sa.select(Page.id).where(
            Page.namespace == title.namespace, Page.title == title.text, readable(),
            Page.is_redirect.is_(False),
        )
    ) is not None


def canonical_spelling(title: Title) -> Title | None:
    """The title another spelling stands for, asking nothing of the database: the canonical
    relations title for a title naming a pair under any name, alias, dash or order, or the hub
    title for "Foreign relations of" any name of a country."""
    if title.namespace != MAIN:
        return None
    pair = parse_relations_title(title.text)
    if pair is not None:
        target = relations_title(*pair)
    elif (country := parse_hub_title(title.text)) is not None:
        target = hub_title(country)
    else:
        return None
    found = parse_title(target)
    return found if found != title else None


def canonical_target(title: Title) -> Title | None:
    """The article a title with no page stands for, if that article exists."""
    found = canonical_spelling(title)
    return found if found is not None and _is_article(found) else None
