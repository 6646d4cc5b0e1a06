"""Dependencies on the locator maps: the reviewed table of territories that the atlas draws as
features of their own but that belong to, or are represented abroad by, another state, and of
overseas parts of a state that the atlas draws inside the state's own outline.

A map that highlights a state shades its dependencies in a lighter tone of the state's colour
(Greenland and the Faroe Islands with Denmark, French Polynesia with France, Puerto Rico with
the United States); parts that are integral to the state (Åland, Hong Kong, Macau) take its full
colour. Overseas parts far from the state's main part, inside its own outline (French Guiana,
Réunion, the Caribbean Netherlands), are shaded in the lighter tone too: the polygons of the
state's outline whose centre lies within a part's radius of its location. When they would be
smaller than a few pixels, they also get a ring, as small states do.
"""

from __future__ import annotations

from dataclasses import dataclass

from wiki.relations.sources import Source, source_problems

_FACTBOOK = "https://www.cia.gov/the-world-factbook/countries/"
_NSGT = Source("https://www.un.org/dppa/decolonization/en/nsgl",
               "United Nations, Non-Self-Governing Territories, with their administering Powers")


def _factbook(slug: str, name: str) -> Source:
    return Source(f"{_FACTBOOK}{slug}/", f"The World Factbook, {name}: dependency status")


@dataclass(frozen=True, slots=True)
class Dependency:
    """A territory drawn as its own atlas feature, and the state it belongs to; ``integral``
    parts are drawn in the state's full colour, the others in its lighter tone."""

    a3: str
    name: str
    sovereign: str
    status: str
    source: Source
    integral: bool = False


@dataclass(frozen=True, slots=True)
class OverseasPart:
    """A part of a state inside the state's own atlas outline, far from its main part: shaded in
    the lighter tone of the state's colour, and ringed where it would be drawn smaller than a
    ring. ``radius_km`` is its rough size: the polygons of the outline centred within that
    distance of (``lon``, ``lat``) make up the part."""

    name: str
    sovereign: str
    lon: float
    lat: float
    radius_km: float
    status: str
    source: Source


DEPENDENCIES: tuple[Dependency, ...] = (
    Dependency("GRL", "Greenland", "DNK", "autonomous territory of the Kingdom of Denmark",
               _factbook("greenland", "Greenland")),
    Dependency("FRO", "Faroe Islands", "DNK", "autonomous territory of the Kingdom of Denmark",
               _factbook("faroe-islands", "Faroe Islands")),
    Dependency("ALA", "Åland", "FIN", "autonomous region of Finland",
               Source("https://www.finlex.fi/en/laki/kaannokset/1991/en19911144",
                      "Act on the Autonomy of Åland (1144/1991), section 1"), integral=True),
    Dependency("PYF", "French Polynesia", "FRA", "overseas collectivity of France", _NSGT),
    Dependency("NCL", "New Caledonia", "FRA", "special collectivity of France", _NSGT),
    Dependency("WLF", "Wallis and Futuna", "FRA", "overseas collectivity of France",
               _factbook("wallis-and-futuna", "Wallis and Futuna")),
    Dependency("SPM", "Saint Pierre and Miquelon", "FRA", "overseas collectivity of France",
               _factbook("saint-pierre-and-miquelon", "Saint Pierre and Miquelon")),
    Dependency("BLM", "Saint Barthélemy", "FRA", "overseas collectivity of France",
               _factbook("saint-barthelemy", "Saint Barthelemy")),
    Dependency("MAF", "Saint Martin", "FRA", "overseas collectivity of France",
               _factbook("saint-martin", "Saint Martin")),
    Dependency("ATF", "French Southern and Antarctic Lands", "FRA", "overseas territory of "
               "France", _factbook("french-southern-and-antarctic-lands",
                                   "French Southern and Antarctic Lands")),
    Dependency("ABW", "Aruba", "NLD", "constituent country of the Kingdom of the Netherlands",
               _factbook("aruba", "Aruba")),
    Dependency("CUW", "Curaçao", "NLD", "constituent country of the Kingdom of the "
               "Netherlands", _factbook("curacao", "Curacao")),
    Dependency("SXM", "Sint Maarten", "NLD", "constituent country of the Kingdom of the "
               "Netherlands", _factbook("sint-maarten", "Sint Maarten")),
    Dependency("PRI", "Puerto Rico", "USA", "unincorporated territory of the United States",
               _factbook("puerto-rico", "Puerto Rico")),
    Dependency("GUM", "Guam", "USA", "unincorporated territory of the United States", _NSGT),
    Dependency("VIR", "United States Virgin Islands", "USA", "unincorporated territory of the "
               "United States", _NSGT),
    Dependency("ASM", "American Samoa", "USA", "unincorporated territory of the United States",
               _NSGT),
    Dependency("MNP", "Northern Mariana Islands", "USA", "commonwealth in political union "
               "with the United States", _factbook("northern-mariana-islands",
                                                   "Northern Mariana Islands")),
    Dependency("AIA", "Anguilla", "GBR", "British overseas territory", _NSGT),
    Dependency("BMU", "Bermuda", "GBR", "British overseas territory", _NSGT),
    Dependency("VGB", "British Virgin Islands", "GBR", "British overseas territory", _NSGT),
    Dependency("CYM", "Cayman Islands", "GBR", "British overseas territory", _NSGT),
    Dependency("FLK", "Falkland Islands", "GBR", "British overseas territory (also claimed by "
               "Argentina)", _NSGT),
    Dependency("MSR", "Montserrat", "GBR", "British overseas territory", _NSGT),
    Dependency("SHN", "Saint Helena, Ascension and Tristan da Cunha", "GBR", "British overseas "
               "territory", _NSGT),
    Dependency("PCN", "Pitcairn Islands", "GBR", "British overseas territory", _NSGT),
    Dependency("TCA", "Turks and Caicos Islands", "GBR", "British overseas territory", _NSGT),
    Dependency("IOT", "British Indian Ocean Territory", "GBR", "British overseas territory",
               _factbook("british-indian-ocean-territory", "British Indian Ocean Territory")),
    Dependency("SGS", "South Georgia and the South Sandwich Islands", "GBR", "British overseas "
               "territory", _factbook("south-georgia-and-south-sandwich-islands",
                                      "South Georgia and South Sandwich Islands")),
    Dependency("JEY", "Jersey", "GBR", "British Crown dependency",
               _factbook("jersey", "Jersey")),
    Dependency("GGY", "Guernsey", "GBR", "British Crown dependency",
               _factbook("guernsey", "Guernsey")),
    Dependency("IMN", "Isle of Man", "GBR", "British Crown dependency",
               _factbook("isle-of-man", "Isle of Man")),
    Dependency("NFK", "Norfolk Island", "AUS", "external territory of Australia",
               _factbook("norfolk-island", "Norfolk Island")),
    Dependency("HMD", "Heard Island and McDonald Islands", "AUS", "external territory of "
               "Australia", _factbook("heard-island-and-mcdonald-islands",
                                      "Heard Island and McDonald Islands")),
    Dependency("IOA", "Christmas Island and the Cocos (Keeling) Islands", "AUS", "external "
               "territories of Australia", _factbook("christmas-island", "Christmas Island")),
    Dependency("ATC", "Ashmore and Cartier Islands", "AUS", "external territory of Australia",
               _factbook("ashmore-and-cartier-islands", "Ashmore and Cartier Islands")),
    Dependency("COK", "Cook Islands", "NZL", "self-governing in free association with New "
               "Zealand", _factbook("cook-islands", "Cook Islands")),
    Dependency("NIU", "Niue", "NZL", "self-governing in free association with New Zealand",
               _factbook("niue", "Niue")),
    Dependency("HKG", "Hong Kong", "CHN", "special administrative region of China",
               _factbook("hong-kong", "Hong Kong"), integral=True),
    Dependency("MAC", "Macau", "CHN", "special administrative region of China",
               _factbook("macau", "Macau"), integral=True),
)

_FRANCE = _factbook("france", "France (overseas regions and departments)")
_NETHERLANDS = _factbook("netherlands", "Netherlands (Caribbean Netherlands)")

OVERSEAS_PARTS: tuple[OverseasPart, ...] = (
    OverseasPart("Bonaire", "NLD", -68.27, 12.18, 25, "special municipality of the "
                 "Netherlands (Caribbean Netherlands)", _NETHERLANDS),
    OverseasPart("Saba and Sint Eustatius", "NLD", -63.1, 17.56, 20, "special municipalities "
                 "of the Netherlands (Caribbean Netherlands)", _NETHERLANDS),
    OverseasPart("French Guiana", "FRA", -53.1, 3.95, 230, "overseas region and department "
                 "of France", _FRANCE),
    OverseasPart("Guadeloupe", "FRA", -61.55, 16.2, 50, "overseas region and department of "
                 "France", _FRANCE),
    OverseasPart("Martinique", "FRA", -61.02, 14.64, 30, "overseas region and department of "
                 "France", _FRANCE),
    OverseasPart("Réunion", "FRA", 55.53, -21.13, 30, "overseas region and department of "
                 "France", _FRANCE),
    OverseasPart("Mayotte", "FRA", 45.15, -12.82, 20, "overseas region and department of "
                 "France", _FRANCE),
)


def dependency_problems(dependencies: tuple[Dependency, ...],
                        parts: tuple[OverseasPart, ...] = (),
                        features: set[str] | None = None) -> list[str]:
    """What is wrong with the tables (empty when every entry is complete): a missing source or
    status, a repeated or self-owned code, a part outside the map, or, when ``features`` (the
    atlas's codes) is given, a code the atlas does not have."""
    problems = []
    seen: set[str] = set()
    for entry in dependencies:
        label = f"dependency {entry.a3!r}"
        problems.extend(source_problems(label, getattr(entry, "source", None)))
        if entry.a3 in seen:
            problems.append(f"{label}: repeated")
        seen.add(entry.a3)
        if entry.a3 == entry.sovereign:
            problems.append(f"{label}: belongs to itself")
        if not entry.name.strip() or not entry.status.strip():
            problems.append(f"{label}: no name or status")
        if features is not None:
            problems.extend(f"{label}: unknown atlas code {code}"
                            for code in (entry.a3, entry.sovereign) if code not in features)
    for part in parts:
        label = f"overseas part {part.name!r}"
        problems.extend(source_problems(label, getattr(part, "source", None)))
        if not (-180 <= part.lon <= 180 and -90 <= part.lat <= 90) or part.radius_km <= 0:
            problems.append(f"{label}: position or size out of range")
        if not part.status.strip():
            problems.append(f"{label}: no status")
        if features is not None and part.sovereign not in features:
            problems.append(f"{label}: unknown atlas code {part.sovereign}")
    return problems
