"""Where a reviewed fact about a territory comes from: a web address and a short citation.

Shared by the reviewed tables of disputed areas and of dependencies, whose tests fail when an
entry has no source.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True, slots=True)
class Source:
    """A citation: the address of the document and what it is ("UN General Assembly
    resolution 68/262 (2014), Territorial integrity of Ukraine")."""

    url: str
    citation: str


def source_problems(label: str, source: object) -> list[str]:
    """What is wrong with an entry's source (empty when it has a usable one)."""
    if not isinstance(source, Source):
        return [f"{label}: no source"]
    problems = []
    parts = urlsplit(source.url.strip()) if isinstance(source.url, str) else None
    if parts is None or parts.scheme != "https" or not parts.netloc:
        problems.append(f"{label}: source address is not an https URL: {source.url!r}")
    if not isinstance(source.citation, str) or len(source.citation.strip()) < 10:
        problems.append(f"{label}: source has no citation")
    return problems
