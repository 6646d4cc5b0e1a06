"""Bringing pages made under older naming rules up to the titles Wikipedia uses.

Earlier versions titled hubs without "the" ("Foreign relations of United States", "Foreign
relations of The Gambia") and wrote the Bahamas as "The Bahamas" in relations titles. Each such
page becomes a redirect to the current title; when the current title has no page yet, the text
is saved there first (an untouched generated hub stub is replaced by the current stub). Every
change is an edit saved through pages.save_edit, so history, renders and invalidation work as
for any edit; running the upgrade again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import product

import sqlalchemy as sa

from wiki import pages
from wiki.db import db, write_transaction
from wiki.existence import is_readable, readable
from wiki.models import Page
from wiki.relations.country import Country
from wiki.relations.names import (
    HUB_PREFIX,
    all_countries,
    hub_title,
    parse_relations_title,
    relations_title,
    sort_key,
)
from wiki.relations.texts import hub_text, legacy_hub_text
from wiki.titles import MAIN, Title, parse_title

# Names relations titles used for a state before the registry followed Wikipedia, by code.
LEGACY_NAMES: dict[str, tuple[str, ...]] = {"BHS": ("The Bahamas",)}
REASON = "the title Wikipedia uses"


@dataclass
class Upgrade:
    """What an upgrade did: pages whose text moved to a new title (then redirected), and pages
    that only became redirects (the new title had a page already)."""

    moved: list[tuple[Title, Title]] = field(default_factory=list)
    redirected: list[tuple[Title, Title]] = field(default_factory=list)

    def describe(self) -> list[str]:
        """One line per change, for the command line."""
        return ([f"Moved {old.full} to {new.full}" for old, new in self.moved]
                + [f"Redirected {old.full} to {new.full}" for old, new in self.redirected])


def _names(country: Country) -> list[str]:
    """Every name the country went by in titles: the current one, its form with "The" and
    without, and the legacy names."""
    core = country.name.removeprefix("The ")
    names = [country.name, *LEGACY_NAMES.get(country.alpha3, ())]
    if country.takes_the:
        names += [core, f"The {core}"]
    return list(dict.fromkeys(names))


def legacy_hub_titles(country: Country) -> list[str]:
    """Hub titles earlier versions made (or editors may have) for the country."""
    current = hub_title(country)
    return [title for name in _names(country)
            if (title := HUB_PREFIX + name) != current]


def legacy_relations_titles(first: Country, second: Country) -> list[str]:
    """Relations titles earlier versions made for the pair under the countries' legacy names."""
    current = relations_title(first, second)
    found = []
    for a, b in product(_names(first), _names(second)):
        a, b = sorted((a, b), key=sort_key)
        title = f"{a}\u2013{b} relations"
        if title != current:
            found.append(title)
    return list(dict.fromkeys(found))


def _upgrade_page(old: Title, new: Title, text_for_new: str | None, author: pages.Author,
                  done: Upgrade) -> None:
    """Make the article at ``old`` a redirect to ``new``, saving its text (or ``text_for_new``)
    at ``new`` first when no article stands there (a redirect there is replaced). Redirects,
    missing and deleted pages at ``old`` are left alone, and so is a deleted page at ``new``."""
    page = pages.find_page(old)
    if not is_readable(page) or page.is_redirect:
        return
    target = pages.find_page(new)
    if target is not None and target.is_deleted:
        return  # an administrator deleted the new title; restoring it is theirs to decide
    text = pages.latest_revision(page).text
    with write_transaction():
        if target is None or target.latest_revision_id is None or target.is_redirect:
            base = target.latest_revision_id if target is not None else None
            pages.save_edit(new, text_for_new or text, author=author, base_revision_id=base,
                            summary=f"Moved from [[{old.full}]], to {REASON}")
            done.moved.append((old, new))
        else:
            done.redirected.append((old, new))
        pages.save_edit(old, f"#REDIRECT [[{new.full}]]", author=author,
                        base_revision_id=page.latest_revision_id,
                        summary=f"Redirect to [[{new.full}]], {REASON}")


def upgrade_hub(country: Country, author: pages.Author, done: Upgrade | None = None) -> Upgrade:
    """Turn the country's hubs under old titles into redirects to its current hub."""
    done = done if done is not None else Upgrade()
    new = parse_title(hub_title(country))
    for old_text in legacy_hub_titles(country):
        old = parse_title(old_text)
        page = pages.find_page(old)
        if not is_readable(page):
            continue
        name = old_text.removeprefix(HUB_PREFIX)
        stub = pages.latest_revision(page).text == legacy_hub_text(country, name)
        _upgrade_page(old, new, hub_text(country) if stub else None, author, done)
    return done


def _legacy_relations_articles() -> list[tuple[Title, Title]]:
    """(old, current) titles of relations articles under a legacy name of either country."""
    legacy = [name for names in LEGACY_NAMES.values() for name in names]
    if not legacy:
        return []
    titles = db.session.scalars(
        sa.select(Page.title).where(
            Page.namespace == MAIN, Page.is_redirect.is_(False), readable(),
            sa.or_(*(Page.title.contains(name) for name in legacy)),
        ).order_by(Page.title)
    )
    found = []
    for title in titles:
        pair = parse_relations_title(title)
        if pair is not None and title in legacy_relations_titles(*pair):
            found.append((parse_title(title), parse_title(relations_title(*pair))))
    return found


def upgrade_titles(author: pages.Author = pages.SYSTEM) -> Upgrade:
    """Bring every hub and relations article under an old title up to date."""
    done = Upgrade()
    for country in all_countries():
        if legacy_hub_titles(country):
            upgrade_hub(country, author, done)
    for old, new in _legacy_relations_articles():
        _upgrade_page(old, new, None, author, done)
    return done


def run_upgrade() -> list[str]:
    """The upgrade step the app registers: run as the system user, say what changed."""
    return upgrade_titles(pages.SYSTEM).describe()

