"""Seeding: the pages a new wiki starts with, read from wiki/seeddata/*.md in name order, and
the upgrade steps extensions register to bring pages stored under older rules up to date.

Each file begins with "Title: <page title>" and a blank line. Pages are saved through the one
writer, by the system user, with the attribution summary the licence asks for: a page imported
from Wikipedia links its source article; the stubs say they were written for this wiki.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from wiki import pages
from wiki.db import db
from wiki.extensions import registry
from wiki.models import Page
from wiki.titles import Title, parse_title

SEED_DIR = Path(__file__).resolve().parent / "seeddata"
# Pages imported from Wikipedia, with their source articles; every other seed page was written
# for this wiki.
SOURCES = {
    "Azerbaijan–Kosovo relations":
        "https://en.wikipedia.org/wiki/Azerbaijan%E2%80%93Kosovo_relations",
}
WRITTEN_HERE = "Written for this wiki; CC BY-SA 4.0"


def seed_summary(title: Title) -> str:
    """The history entry of a seed page: where its text comes from and under which licence."""
    source = SOURCES.get(title.full)
    if source is None:
        return WRITTEN_HERE
    return f"Imported from Wikipedia: [{source} {title.full}] (CC BY-SA 4.0)"


@dataclass(frozen=True)
class SeedPage:
    """A page to seed: its title and Markdown."""

    title: Title
    text: str


def read_seed_pages(folder: Path = SEED_DIR) -> list[SeedPage]:
    """Every seed file, in name order."""
    seeds = []
    for path in sorted(folder.glob("*.md")):
        header, _, body = path.read_text(encoding="utf-8").partition("\n\n")
        if not header.startswith("Title: "):
            raise ValueError(f"{path.name} does not begin with a Title: line")
        seeds.append(SeedPage(parse_title(header.removeprefix("Title: ").strip()), body))
    return seeds


def seed_missing() -> int:
    """Create each seed page that does not exist yet; return how many were created."""
    author = pages.SYSTEM
    created = 0
    for seed_page in read_seed_pages():
        if pages.find_page(seed_page.title) is not None:
            continue
        pages.save_edit(seed_page.title, seed_page.text, author=author, base_revision_id=None,
                        summary=seed_summary(seed_page.title))
        created += 1
    return created


def seed_if_empty() -> int:
    """Seed a wiki that has no pages at all; a wiki with pages is left as it is."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(Page)):
        return 0
    return seed_missing()


def run_upgrades() -> list[str]:
    """Run every upgrade step the app registered; one line per change they made."""
    changes: list[str] = []
    for step in registry().upgrade_steps:
        changes.extend(step())
    return changes
