"""The Country record: one state as the relations domain knows it.

Kept apart from the generated registry (``wiki.relations.countries``) so that module is pure data.
"""

from __future__ import annotations

from dataclasses import dataclass

CONTINENTS = ("Africa", "Americas", "Asia", "Europe", "Oceania")


@dataclass(frozen=True, slots=True)
class Country:
    """A state: ISO 3166 codes, the common name used in relations titles, other names, its
    continent (a UN M49 region), and whether running text puts "the" before its name ("the
    United States", "the Gambia")."""

    alpha3: str
    alpha2: str
    name: str
    aliases: tuple[str, ...]
    continent: str = ""
    takes_the: bool = False
