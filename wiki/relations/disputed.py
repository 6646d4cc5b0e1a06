"""Disputed territory on the locator maps: the reviewed list of areas, who holds and who claims
each, how its outline is obtained and where the facts come from.

The maps follow Wikipedia's locator maps: each state's internationally recognised territory is
drawn in its colour (Cyprus with the north, Somalia with Somaliland, Syria with the Golan
Heights, Georgia with Abkhazia and South Ossetia, Ukraine with Crimea, Moldova with
Transnistria); an area held by another party or claimed by several states is drawn in a lighter
tone, striped (Kosovo on Serbia's maps is only lighter), and named in the legend, on every map
that highlights one of the states it involves. On maps of other pairs it is ordinary land.

No package on PyPI or npm ships Natural Earth's "breakaway and disputed areas" layer in a form
worth vendoring, so outlines come from the vendored atlas: either one of its own features (it has
Northern Cyprus, Somaliland, Western Sahara, Kosovo and the Siachen Glacier apart), or a
country's outline clipped to a small hand-drawn polygon (a few longitude/latitude points, which
may be concave) whose edges inside the country follow the line that bounds the area. The
polygon's edges outside the country do not matter: clipping removes them.
"""

from __future__ import annotations

from dataclasses import dataclass

from wiki.relations.polygons import is_simple
from wiki.relations.sources import Source, source_problems

LonLat = tuple[float, float]

_GOLAN = ((35.625, 32.6), (36.1, 32.6), (36.1, 33.5), (35.74, 33.5), (35.645, 33.27))
_CRIMEA = ((32.3, 44.2), (36.9, 44.2), (36.9, 45.6), (34.86, 46.03), (33.68, 46.17),
           (33.55, 46.0), (32.3, 45.6))
_KASHMIR_INDIA = ((73.0, 32.25), (75.3, 32.25), (75.75, 32.42), (76.6, 32.95), (77.6, 32.85),
                  (78.4, 32.53), (79.3, 32.1), (80.0, 36.6), (73.0, 36.6))
_KASHMIR_PAKISTAN = ((78.0, 32.78), (74.4, 32.78), (73.95, 32.88), (73.62, 33.15),
                     (73.5, 33.6), (73.45, 34.05), (73.38, 34.42), (73.75, 34.72),
                     (74.0, 34.95), (74.05, 35.15), (73.6, 35.35), (73.2, 35.55),
                     (72.9, 35.75), (72.55, 36.07), (72.65, 36.35), (73.05, 36.6),
                     (73.35, 36.87), (73.5, 37.6), (78.0, 37.6))
_AKSAI_CHIN = ((77.7, 35.5), (78.2, 36.05), (79.4, 36.1), (80.3, 35.65), (80.25, 35.15),
               (79.6, 34.35), (78.7, 34.3))
_ARUNACHAL = ((91.4, 26.93), (92.3, 26.97), (92.64, 26.99), (93.0, 26.93), (93.5, 26.98),
              (93.85, 27.07), (94.05, 27.33), (94.35, 27.5), (94.7, 27.63), (95.05, 27.82),
              (95.3, 27.95), (95.55, 27.97), (95.75, 27.85), (95.8, 27.6), (95.95, 27.45),
              (96.0, 27.3), (95.75, 27.2), (95.45, 27.2), (95.2, 27.02), (95.12, 26.85),
              (95.25, 26.6), (97.6, 26.6), (97.6, 29.7), (91.4, 29.7))
_ABYEI = ((27.8333, 9.0), (29.0, 9.0), (29.0, 10.1667), (27.8333, 10.1667))
_TRANSNISTRIA = ((28.6, 48.3), (28.44, 48.12), (28.7, 48.0), (28.97, 47.77), (29.05, 47.5),
                 (29.13, 47.27), (29.26, 47.15), (29.42, 46.9), (29.42, 46.8), (29.55, 46.78),
                 (29.7, 46.68), (29.93, 46.53), (30.3, 46.5), (30.3, 48.3))
_ABKHAZIA = ((39.8, 42.0), (41.55, 42.42), (42.02, 42.73), (42.2, 43.1), (42.2, 43.8),
             (39.8, 43.8))
_SOUTH_OSSETIA = ((43.55, 42.75), (43.5, 42.45), (43.75, 42.3), (43.9, 42.19), (44.1, 42.2),
                  (44.3, 42.05), (44.65, 42.1), (44.55, 42.4), (44.45, 42.7), (44.3, 42.9))


@dataclass(frozen=True, slots=True)
class Part:
    """One piece of an area as drawn: taken from the atlas feature ``feature`` (the whole of it,
    or only what lies inside the polygon ``within``), filled in the lighter tone of ``shown_as``
    and striped in the colour of ``striped_by`` when that state is highlighted (grey stripes
    otherwise; none at all when not ``striped``)."""

    feature: str
    shown_as: str
    striped_by: str | None = None
    within: tuple[LonLat, ...] = ()
    striped: bool = True


@dataclass(frozen=True, slots=True)
class DisputedArea:
    """A reviewed disputed area: ``states`` are the alpha-3 codes of the states it involves (a
    map highlighting any of them marks it); ``geometry`` says how its outline is obtained."""

    id: str
    name: str
    administered_by: str
    claimed_by: str
    states: tuple[str, ...]
    parts: tuple[Part, ...]
    geometry: str
    source: Source


AREAS: tuple[DisputedArea, ...] = (
    DisputedArea(
        "golan-heights", "Golan Heights",
        administered_by="Israel (occupied in 1967, annexation law of 1981)",
        claimed_by="Syria",
        states=("SYR", "ISR"),
        parts=(Part("ISR", "SYR", "ISR", _GOLAN),),
        geometry="The atlas draws the Golan inside Israel up to the 1974 disengagement line; "
                 "the area is that outline east of a hand-drawn line along the 1949 armistice "
                 "line (Yarmouk, east shore of Lake Tiberias, Jordan river, between Tel Dan and "
                 "Banias), good to a few kilometres.",
        source=Source("https://undocs.org/en/S/RES/497(1981)",
                      "UN Security Council resolution 497 (1981): Israel's decision to impose "
                      "its laws on the occupied Syrian Golan Heights is null and void"),
    ),
    DisputedArea(
        "northern-cyprus", "Northern Cyprus",
        administered_by="the Turkish Cypriot administration, recognised only by Turkey",
        claimed_by="Cyprus",
        states=("CYP", "TUR"),
        parts=(Part("CYN", "CYP", "TUR"),),
        geometry="The atlas's own feature CYN (Natural Earth's Northern Cyprus).",
        source=Source("https://undocs.org/en/S/RES/541(1983)",
                      "UN Security Council resolution 541 (1983): the declaration of the "
                      "'Turkish Republic of Northern Cyprus' is legally invalid"),
    ),
    DisputedArea(
        "somaliland", "Somaliland",
        administered_by="the self-declared Republic of Somaliland (since 1991), largely "
                        "unrecognised",
        claimed_by="Somalia",
        states=("SOM",),
        parts=(Part("SOL", "SOM"),),
        geometry="The atlas's own feature SOL (Natural Earth's Somaliland).",
        source=Source("https://undocs.org/en/S/RES/2036(2012)",
                      "UN Security Council resolution 2036 (2012), reaffirming respect for "
                      "the sovereignty, territorial integrity and unity of Somalia"),
    ),
    DisputedArea(
        "crimea", "Crimea",
        administered_by="Russia (annexed in 2014)",
        claimed_by="Ukraine",
        states=("UKR", "RUS"),
        parts=(Part("UKR", "UKR", "RUS", _CRIMEA),),
        geometry="The atlas draws Crimea inside Ukraine; the area is Ukraine's outline south "
                 "of a hand-drawn line across the Perekop isthmus, the Syvash and the Arabat "
                 "Spit, good to a few kilometres.",
        source=Source("https://undocs.org/en/A/RES/68/262",
                      "UN General Assembly resolution 68/262 (2014), Territorial integrity of "
                      "Ukraine"),
    ),
    DisputedArea(
        "kashmir", "Kashmir",
        administered_by="India (Jammu and Kashmir, Ladakh) and Pakistan (Azad Kashmir, "
                        "Gilgit-Baltistan), either side of the Line of Control",
        claimed_by="India and Pakistan, each the whole former princely state",
        states=("IND", "PAK"),
        parts=(Part("IND", "IND", "PAK", _KASHMIR_INDIA),
               Part("KAS", "IND", "PAK"),
               Part("PAK", "PAK", "IND", _KASHMIR_PAKISTAN)),
        geometry="The atlas's India and Pakistan outlines (their common border follows the "
                 "Line of Control) north of hand-drawn lines along the boundaries of Jammu and "
                 "Kashmir and Ladakh with Punjab and Himachal Pradesh, and of Azad Kashmir and "
                 "Gilgit-Baltistan with Punjab and Khyber Pakhtunkhwa, good to about ten "
                 "kilometres; plus the atlas's feature KAS (the Siachen Glacier).",
        source=Source("https://undocs.org/en/S/RES/47(1948)",
                      "UN Security Council resolution 47 (1948), The India-Pakistan question"),
    ),
    DisputedArea(
        "aksai-chin", "Aksai Chin",
        administered_by="China",
        claimed_by="India (as part of Ladakh)",
        states=("CHN", "IND"),
        parts=(Part("CHN", "CHN", "IND", _AKSAI_CHIN),),
        geometry="The atlas's China outline west of a hand-drawn approximation of India's claim "
                 "line (the Kunlun crest down to Lanak La); its western edge is the atlas's "
                 "Line of Actual Control.",
        source=Source("https://www.naturalearthdata.com/downloads/10m-cultural-vectors/"
                      "10m-admin-0-breakaway-disputed-areas/",
                      "Natural Earth, Admin 0 breakaway and disputed areas (Aksai Chin: "
                      "administered by China, claimed by India)"),
    ),
    DisputedArea(
        "arunachal-pradesh", "Arunachal Pradesh",
        administered_by="India",
        claimed_by="China (as 'Zangnan', South Tibet)",
        states=("IND", "CHN"),
        parts=(Part("IND", "IND", "CHN", _ARUNACHAL),),
        geometry="The atlas's India outline north of a hand-drawn line along the state's "
                 "boundary with Assam and Nagaland, good to about ten kilometres; the northern "
                 "edge is the atlas's McMahon Line.",
        source=Source("https://www.naturalearthdata.com/downloads/10m-cultural-vectors/"
                      "10m-admin-0-breakaway-disputed-areas/",
                      "Natural Earth, Admin 0 breakaway and disputed areas (Arunachal Pradesh: "
                      "administered by India, claimed by China)"),
    ),
    DisputedArea(
        "abyei", "Abyei",
        administered_by="a special administration under the 2005 Comprehensive Peace "
                        "Agreement, with UN peacekeepers (UNISFA)",
        claimed_by="Sudan and South Sudan",
        states=("SDN", "SSD"),
        parts=(Part("SDN", "SDN", "SSD", _ABYEI),),
        geometry="The atlas's Sudan outline inside the lines of the 2009 Abyei arbitration "
                 "award (27°50'E, 29°00'E, 10°10'N), the 1956 border being the atlas's "
                 "Sudan-South Sudan border.",
        source=Source("https://undocs.org/en/S/RES/1990(2011)",
                      "UN Security Council resolution 1990 (2011), establishing the UN Interim "
                      "Security Force for Abyei"),
    ),
    DisputedArea(
        "western-sahara", "Western Sahara",
        administered_by="Morocco (west of the berm, about four fifths) and the Sahrawi Arab "
                        "Democratic Republic (the east)",
        claimed_by="Morocco and the Sahrawi Arab Democratic Republic; a UN-listed "
                   "non-self-governing territory",
        states=("MAR",),
        parts=(Part("ESH", "ESH", "MAR"),),
        geometry="The atlas's own feature ESH (Natural Earth's Western Sahara).",
        source=Source("https://www.un.org/dppa/decolonization/en/nsgl",
                      "United Nations, Non-Self-Governing Territories (Western Sahara)"),
    ),
    DisputedArea(
        "transnistria", "Transnistria",
        administered_by="the self-declared Pridnestrovian Moldavian Republic, unrecognised, "
                        "with Russian troops",
        claimed_by="Moldova",
        states=("MDA",),
        parts=(Part("MDA", "MDA", None, _TRANSNISTRIA),),
        geometry="The atlas's Moldova outline east of a hand-drawn line along the Dniester "
                 "(taking in Bender on the right bank), good to a few kilometres.",
        source=Source("https://undocs.org/en/A/RES/72/282",
                      "UN General Assembly resolution 72/282 (2018), Complete and unconditional "
                      "withdrawal of foreign military forces from the territory of the "
                      "Republic of Moldova"),
    ),
    DisputedArea(
        "abkhazia", "Abkhazia",
        administered_by="the self-declared Republic of Abkhazia, recognised by Russia and a "
                        "few states, with Russian troops",
        claimed_by="Georgia",
        states=("GEO", "RUS"),
        parts=(Part("GEO", "GEO", "RUS", _ABKHAZIA),),
        geometry="The atlas's Georgia outline north-west of a hand-drawn line along the Inguri "
                 "river and the Svaneti range, good to a few kilometres.",
        source=Source("https://undocs.org/en/A/RES/62/249",
                      "UN General Assembly resolution 62/249 (2008), Status of internally "
                      "displaced persons and refugees from Abkhazia, Georgia"),
    ),
    DisputedArea(
        "south-ossetia", "South Ossetia",
        administered_by="the self-declared Republic of South Ossetia, recognised by Russia "
                        "and a few states, with Russian troops",
        claimed_by="Georgia",
        states=("GEO", "RUS"),
        parts=(Part("GEO", "GEO", "RUS", _SOUTH_OSSETIA),),
        geometry="The atlas's Georgia outline inside a hand-drawn polygon along the "
                 "administrative boundary line of the former South Ossetian autonomous "
                 "region, good to a few kilometres.",
        source=Source("https://undocs.org/en/A/RES/63/307",
                      "UN General Assembly resolution 63/307 (2009), Status of internally "
                      "displaced persons and refugees from Abkhazia, Georgia and the "
                      "Tskhinvali region/South Ossetia, Georgia"),
    ),
    DisputedArea(
        "kosovo", "Kosovo",
        administered_by="the Republic of Kosovo (independence declared in 2008, recognised "
                        "by many but not all UN members)",
        claimed_by="Serbia",
        states=("SRB",),
        parts=(Part("XKX", "SRB", striped=False),),
        geometry="The atlas's own feature XKX. On Kosovo's own maps it is a state like any "
                 "other; on Serbia's it is a lighter shade of Serbia's colour, unstriped.",
        source=Source("https://www.icj-cij.org/case/141",
                      "International Court of Justice, Accordance with international law of "
                      "the unilateral declaration of independence in respect of Kosovo, "
                      "advisory opinion of 22 July 2010"),
    ),
)


def area_problems(areas: tuple[DisputedArea, ...], features: set[str] | None = None
                  ) -> list[str]:
    """What is wrong with a list of areas (empty when every entry is complete): a missing
    source, a blank field, a repeated id, an outline that is not a simple polygon, or, when
    ``features`` (the atlas's codes) is given, a code the atlas does not have."""
    problems = []
    seen: set[str] = set()
    for area in areas:
        label = f"disputed area {getattr(area, 'id', area)!r}"
        problems.extend(source_problems(label, getattr(area, "source", None)))
        if area.id in seen:
            problems.append(f"{label}: repeated id")
        seen.add(area.id)
        for name in ("id", "name", "administered_by", "claimed_by", "geometry"):
            value = getattr(area, name)
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{label}: no {name}")
        if not area.states or not area.parts:
            problems.append(f"{label}: no states or no parts")
        codes = set(area.states)
        for part in area.parts:
            codes.update({part.feature, part.shown_as})
            if part.striped_by is not None:
                codes.add(part.striped_by)
            if part.within and (len(part.within) < 3 or not is_simple(part.within)):
                problems.append(f"{label}: the polygon of {part.feature} is not simple")
        if features is not None:
            problems.extend(f"{label}: unknown atlas code {code}"
                            for code in sorted(codes - features))
    return problems
