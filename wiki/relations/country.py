"""The Country record: one state as the relations domain knows it.

Kept apart from the generated registry (``wiki.relations.countries``) so that module is pure data.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Country:
    """A state: ISO 3166 codes, the common name used in relations titles, and other names."""

    alpha3: str
    alpha2: str
    name: str
    aliases: tuple[str, ...]
