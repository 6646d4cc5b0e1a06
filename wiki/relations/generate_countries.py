"""Generate ``wiki/relations/countries.py``, the committed registry of the 197 states.

Run by a developer when names change: ``python -m wiki.relations.generate_countries`` (``--check``
only compares). Codes and ISO names come from ISO 3166 via pycountry, a development-only dependency
imported inside ``main``; the UN membership list, the common names that relations titles use, the
names running text writes with "the" and each state's continent (which ISO does not record) are
the reviewed tables below. The application never imports this.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from wiki.relations.conventions import AMBIGUOUS_NAMES
from wiki.relations.country import CONTINENTS, Country
from wiki.relations.names import match_key, sort_key

OUTPUT = Path(__file__).with_name("countries.py")
LINE_LENGTH = 100

# The 193 member states of the United Nations, by ISO alpha-3 code (South Sudan joined last, 2011).
UN_MEMBERS: tuple[str, ...] = (
    "AFG", "AGO", "ALB", "AND", "ARE", "ARG", "ARM", "ATG", "AUS", "AUT", "AZE", "BDI", "BEL",
    "BEN", "BFA", "BGD", "BGR", "BHR", "BHS", "BIH", "BLR", "BLZ", "BOL", "BRA", "BRB", "BRN",
    "BTN", "BWA", "CAF", "CAN", "CHE", "CHL", "CHN", "CIV", "CMR", "COD", "COG", "COL", "COM",
    "CPV", "CRI", "CUB", "CYP", "CZE", "DEU", "DJI", "DMA", "DNK", "DOM", "DZA", "ECU", "EGY",
    "ERI", "ESP", "EST", "ETH", "FIN", "FJI", "FRA", "FSM", "GAB", "GBR", "GEO", "GHA", "GIN",
    "GMB", "GNB", "GNQ", "GRC", "GRD", "GTM", "GUY", "HND", "HRV", "HTI", "HUN", "IDN", "IND",
    "IRL", "IRN", "IRQ", "ISL", "ISR", "ITA", "JAM", "JOR", "JPN", "KAZ", "KEN", "KGZ", "KHM",
    "KIR", "KNA", "KOR", "KWT", "LAO", "LBN", "LBR", "LBY", "LCA", "LIE", "LKA", "LSO", "LTU",
    "LUX", "LVA", "MAR", "MCO", "MDA", "MDG", "MDV", "MEX", "MHL", "MKD", "MLI", "MLT", "MMR",
    "MNE", "MNG", "MOZ", "MRT", "MUS", "MWI", "MYS", "NAM", "NER", "NGA", "NIC", "NLD", "NOR",
    "NPL", "NRU", "NZL", "OMN", "PAK", "PAN", "PER", "PHL", "PLW", "PNG", "POL", "PRK", "PRT",
    "PRY", "QAT", "ROU", "RUS", "RWA", "SAU", "SDN", "SEN", "SGP", "SLB", "SLE", "SLV", "SMR",
    "SOM", "SRB", "SSD", "STP", "SUR", "SVK", "SVN", "SWE", "SWZ", "SYC", "SYR", "TCD", "TGO",
    "THA", "TJK", "TKM", "TLS", "TON", "TTO", "TUN", "TUR", "TUV", "TZA", "UGA", "UKR", "URY",
    "USA", "UZB", "VCT", "VEN", "VNM", "VUT", "WSM", "YEM", "ZAF", "ZMB", "ZWE",
)  # fmt: skip

# States that relations pages cover although they are not UN members. Kosovo is not in ISO 3166;
# XK / XKX are the user-assigned codes in common use.
NON_MEMBERS: tuple[str, ...] = ("PSE", "TWN", "VAT", "XKX")
KOSOVO = Country("XKX", "XK", "Kosovo", ())

# Common names used in Wikipedia's relations titles, where they differ from the ISO short name.
# Wikipedia titles the pairs of the Bahamas without "The" ("Bahamas–Cuba relations",
# "Bahamas–United States relations") but those of the Gambia with it ("The Gambia–Senegal
# relations").
NAME_OVERRIDES: dict[str, str] = {
    "BHS": "Bahamas",
    "BOL": "Bolivia",
    "BRN": "Brunei",
    "CIV": "Ivory Coast",
    "COD": "Democratic Republic of the Congo",
    "COG": "Republic of the Congo",
    "CPV": "Cape Verde",
    "CZE": "Czech Republic",
    "FSM": "Federated States of Micronesia",
    "GMB": "The Gambia",
    "IRN": "Iran",
    "KOR": "South Korea",
    "LAO": "Laos",
    "MDA": "Moldova",
    "PRK": "North Korea",
    "PSE": "Palestine",
    "RUS": "Russia",
    "STP": "São Tomé and Príncipe",
    "SYR": "Syria",
    "TUR": "Turkey",
    "TWN": "Taiwan",
    "TZA": "Tanzania",
    "VAT": "Holy See",
    "VEN": "Venezuela",
    "VNM": "Vietnam",
}

# States whose names running text writes with "the", as Wikipedia titles their hubs ("Foreign
# relations of the United States", "Foreign relations of the Gambia", but "Foreign relations of
# Seychelles", "Foreign relations of Palestine").
TAKES_THE: frozenset[str] = frozenset({
    "ARE", "BHS", "CAF", "COD", "COG", "COM", "CZE", "DOM", "FSM", "GBR", "GMB", "MDV", "MHL",
    "NLD", "PHL", "SLB", "USA", "VAT",
})  # fmt: skip

# The continent of each state: the UN M49 regions (Cyprus, Turkey and the Caucasus in Asia,
# Russia in Europe), with Taiwan and Palestine in Asia and the Holy See and Kosovo in Europe.
CONTINENT_MEMBERS: dict[str, tuple[str, ...]] = {
    "Africa": (
        "AGO", "BDI", "BEN", "BFA", "BWA", "CAF", "CIV", "CMR", "COD", "COG", "COM", "CPV", "DJI",
        "DZA", "EGY", "ERI", "ETH", "GAB", "GHA", "GIN", "GMB", "GNB", "GNQ", "KEN", "LBR", "LBY",
        "LSO", "MAR", "MDG", "MLI", "MOZ", "MRT", "MUS", "MWI", "NAM", "NER", "NGA", "RWA", "SDN",
        "SEN", "SLE", "SOM", "SSD", "STP", "SWZ", "SYC", "TCD", "TGO", "TUN", "TZA", "UGA", "ZAF",
        "ZMB", "ZWE",
    ),
    "Americas": (
        "ARG", "ATG", "BHS", "BLZ", "BOL", "BRA", "BRB", "CAN", "CHL", "COL", "CRI", "CUB", "DMA",
        "DOM", "ECU", "GRD", "GTM", "GUY", "HND", "HTI", "JAM", "KNA", "LCA", "MEX", "NIC", "PAN",
        "PER", "PRY", "SLV", "SUR", "TTO", "URY", "USA", "VCT", "VEN",
    ),
    "Asia": (
        "AFG", "ARE", "ARM", "AZE", "BGD", "BHR", "BRN", "BTN", "CHN", "CYP", "GEO", "IDN", "IND",
        "IRN", "IRQ", "ISR", "JOR", "JPN", "KAZ", "KGZ", "KHM", "KOR", "KWT", "LAO", "LBN", "LKA",
        "MDV", "MMR", "MNG", "MYS", "NPL", "OMN", "PAK", "PHL", "PRK", "PSE", "QAT", "SAU", "SGP",
        "SYR", "THA", "TJK", "TKM", "TLS", "TUR", "TWN", "UZB", "VNM", "YEM",
    ),
    "Europe": (
        "ALB", "AND", "AUT", "BEL", "BGR", "BIH", "BLR", "CHE", "CZE", "DEU", "DNK", "ESP", "EST",
        "FIN", "FRA", "GBR", "GRC", "HRV", "HUN", "IRL", "ISL", "ITA", "LIE", "LTU", "LUX", "LVA",
        "MCO", "MDA", "MKD", "MLT", "MNE", "NLD", "NOR", "POL", "PRT", "ROU", "RUS", "SMR", "SRB",
        "SVK", "SVN", "SWE", "UKR", "VAT", "XKX",
    ),
    "Oceania": (
        "AUS", "FJI", "FSM", "KIR", "MHL", "NRU", "NZL", "PLW", "PNG", "SLB", "TON", "TUV", "VUT",
        "WSM",
    ),
}  # fmt: skip

# Other names people type or link, beyond the ISO short, official and common names. Hyphens and
# spaces match alike, and so do "St", "St." and "Saint", so "Timor Leste" and "St Kitts and
# Nevis" need no entry.
EXTRA_ALIASES: dict[str, tuple[str, ...]] = {
    "ARE": ("UAE",),
    "BHS": ("The Bahamas",),
    "BIH": ("Bosnia", "Bosnia-Herzegovina"),
    "CHN": ("PRC",),
    "COD": ("DR Congo", "DRC", "Congo-Kinshasa", "Congo (Kinshasa)", "Zaire",
            "Democratic Republic of Congo"),
    "COG": ("Congo-Brazzaville", "Congo (Brazzaville)", "Republic of Congo"),
    "FSM": ("Micronesia",),
    "GBR": ("UK", "U.K.", "Great Britain", "Britain"),
    "GEO": ("Georgia (country)",),
    "IRL": ("Republic of Ireland",),
    "KNA": ("St. Kitts and Nevis",),
    "KOR": ("Republic of Korea", "Korea Republic", "ROK"),
    "LAO": ("Lao PDR",),
    "LCA": ("St. Lucia",),
    "MKD": ("Macedonia", "Republic of Macedonia"),
    "MMR": ("Burma",),
    "NLD": ("Holland",),
    "PRK": ("DPRK", "Korea DPR"),
    "PSE": ("State of Palestine",),
    "STP": ("Sao Tome",),
    "SWZ": ("Swaziland",),
    "TLS": ("East Timor",),
    "TUR": ("Republic of Turkey",),
    "TWN": ("Republic of China", "ROC", "Chinese Taipei"),
    "USA": ("USA", "US", "U.S.", "U.S.A."),
    "VAT": ("Vatican City", "Vatican", "Vatican City State"),
    "VCT": ("St. Vincent and the Grenadines",),
    "XKX": ("Republic of Kosovo",),
}

# ISO labels that are not names of the state in ordinary use, left out of the aliases; "Congo"
# alone names both Congos (see conventions.AMBIGUOUS_NAMES).
DROPPED_ISO_NAMES: dict[str, tuple[str, ...]] = {
    "COG": ("Congo",),
    "TWN": ("Taiwan, Province of China",),
}


def _iso_names(record: Any) -> list[str]:
    """A pycountry record's short, common and official names; a leading lower-case "the" dropped."""
    names = []
    for attribute in ("name", "common_name", "official_name"):
        value = getattr(record, attribute, None)
        if value:
            names.append(value[4:] if value.startswith("the ") else value)
    return names


def _aliases(alpha3: str, name: str, candidates: Iterable[str]) -> tuple[str, ...]:
    """Candidates that fold differently from ``name`` and from each other, in order."""
    dropped = {match_key(text) for text in DROPPED_ISO_NAMES.get(alpha3, ())}
    seen = {match_key(name)} | dropped
    kept = []
    for text in candidates:
        key = match_key(text)
        if key not in seen:
            seen.add(key)
            kept.append(text)
    return tuple(kept)


def _continents() -> dict[str, str]:
    """Each code's continent; ValueError for an unknown continent or a code listed twice."""
    found: dict[str, str] = {}
    for continent, members in CONTINENT_MEMBERS.items():
        if continent not in CONTINENTS:
            raise ValueError(f"{continent!r} is not one of {CONTINENTS}")
        for alpha3 in members:
            if found.setdefault(alpha3, continent) != continent or members.count(alpha3) > 1:
                raise ValueError(f"{alpha3} is listed twice among the continents")
    return found


def build_countries(iso: Any) -> tuple[Country, ...]:
    """The registry from a pycountry-like ``countries`` database and the tables above, checked."""
    if len(UN_MEMBERS) != 193 or len(set(UN_MEMBERS)) != 193:
        raise ValueError("UN_MEMBERS must hold 193 distinct codes")
    if set(UN_MEMBERS) & set(NON_MEMBERS):
        raise ValueError("a non-member is listed among the UN members")
    codes = {*UN_MEMBERS, *NON_MEMBERS}
    continents = _continents()
    for table, listed in (("the continents", set(continents)), ("TAKES_THE", set(TAKES_THE))):
        if listed - codes:
            raise ValueError(f"{table} list codes of no state: {sorted(listed - codes)}")
    if set(continents) != codes:
        raise ValueError(f"states without a continent: {sorted(codes - set(continents))}")
    countries = []
    for alpha3 in (*UN_MEMBERS, *NON_MEMBERS):
        extra = EXTRA_ALIASES.get(alpha3, ())
        if alpha3 == KOSOVO.alpha3:
            name, alpha2, candidates = KOSOVO.name, KOSOVO.alpha2, list(extra)
        else:
            record = iso.get(alpha_3=alpha3)
            if record is None:
                raise ValueError(f"{alpha3} is not in ISO 3166")
            name = NAME_OVERRIDES.get(alpha3, record.name)
            alpha2, candidates = record.alpha_2, [*_iso_names(record), *extra]
        if name.startswith("The ") and alpha3 not in TAKES_THE:
            raise ValueError(f"{name} is written with 'The' but is not in TAKES_THE")
        countries.append(Country(alpha3, alpha2, name, _aliases(alpha3, name, candidates),
                                 continents[alpha3], alpha3 in TAKES_THE))
    _check_unique(countries)
    return tuple(sorted(countries, key=lambda country: sort_key(country.name)))


def _check_unique(countries: list[Country]) -> None:
    """Raise ValueError if two countries share a code, or a folded name, alias or code, or if a
    name or alias is one of the names that stand for several states."""
    owner: dict[str, str] = {}
    ambiguous = {match_key(name) for name, _ in AMBIGUOUS_NAMES}
    for country in countries:
        keys = {match_key(text) for text in (country.name, *country.aliases)}
        if keys & ambiguous:
            raise ValueError(f"{country.alpha3} has a name that stands for several states")
        keys |= {country.alpha3.casefold(), country.alpha2.casefold()}
        for key in keys:
            other = owner.setdefault(key, country.alpha3)
            if other != country.alpha3:
                raise ValueError(f"{key!r} names both {other} and {country.alpha3}")


def _literal(text: str) -> str:
    """A double-quoted Python string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _tuple_literal(items: tuple[str, ...]) -> str:
    """A tuple of strings on one line."""
    if len(items) == 1:
        return f"({_literal(items[0])},)"
    return "(" + ", ".join(_literal(item) for item in items) + ")"


def _entry(country: Country) -> list[str]:
    """Source lines for one registry entry, wrapped the way the formatter would wrap them."""
    codes = [_literal(country.alpha3), _literal(country.alpha2), _literal(country.name)]
    tail = [_literal(country.continent)] + (["takes_the=True"] if country.takes_the else [])
    line = f"    Country({', '.join([*codes, _tuple_literal(country.aliases), *tail])}),"
    if len(line) <= LINE_LENGTH:
        return [line]
    lines = ["    Country("] + [f"        {code}," for code in codes]
    aliases = f"        {_tuple_literal(country.aliases)},"
    if len(aliases) <= LINE_LENGTH:
        lines.append(aliases)
    else:
        lines.append("        (")
        lines += [f"            {_literal(alias)}," for alias in country.aliases]
        lines.append("        ),")
    lines += [f"        {item}," for item in tail]
    lines.append("    ),")
    return lines


def render(countries: Iterable[Country]) -> str:
    """The source text of ``countries.py``."""
    header = [
        '"""The states of the relations domain: 193 UN members plus Holy See, Palestine,',
        "Kosovo and Taiwan, sorted by the common name that relations titles use.",
        "",
        "Generated by ``python -m wiki.relations.generate_countries``: do not edit by hand.",
        "Data from ISO 3166 via pycountry, plus the reviewed tables in that script.",
        '"""',
        "",
        "from wiki.relations.country import Country",
        "",
        "COUNTRIES: tuple[Country, ...] = (",
    ]
    body = [line for country in countries for line in _entry(country)]
    return "\n".join([*header, *body, ")", ""])


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, compare) the generated registry; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the file is out of date")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where to write")
    options = parser.parse_args(argv)

    import pycountry

    text = render(build_countries(pycountry.countries))
    current = options.output.read_text(encoding="utf-8") if options.output.exists() else None
    if options.check:
        if current != text:
            print(f"{options.output} is out of date", file=sys.stderr)
            return 1
        return 0
    if current != text:
        options.output.write_text(text, encoding="utf-8")
    print(f"{options.output}: {text.count('    Country(')} countries")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
