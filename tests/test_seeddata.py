"""Checks on the seed pages in wiki/seeddata: format, fidelity to the source, no red links."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

SEED_DIR = Path(__file__).resolve().parent.parent / "wiki" / "seeddata"
SOURCE = SEED_DIR / "source" / "azerbaijan-kosovo-relations.txt"
SOURCE_SHA256 = "e36267a68c50780c482359fa2b34611527d0344701b7cc95d8b192a1f84a1056"

MAIN_PAGE = "Main Page"
ARTICLE = "Azerbaijan–Kosovo relations"
ARTICLE_INFOBOX = "{{Infobox bilateral relations|Azerbaijan–Kosovo|Azerbaijan|Kosovo|filetype=png}}"

WIKILINK = re.compile(r"\[\[([^\[\]|\n]+)(?:\|([^\[\]\n]*))?\]\]")
FOOTNOTE_MARK = re.compile(r"\[\^[\w-]+\](?!:)")
CITATION_NEEDED = re.compile(r"\{\{Citation needed\|date=[A-Z][a-z]+ \d{4}\}\}")
INFOBOX = re.compile(r"\{\{\s*Infobox bilateral relations\s*\|([^{}]*)\}\}")

# Every page the article is expected to link to.
ARTICLE_TARGETS = [
    "Azerbaijan",
    "Kosovo",
    "Sovereign state",
    "International recognition of Kosovo",
    "Ministry of Foreign Affairs (Azerbaijan)",
    "Khazar Ibrahim",
    "2008 Kosovo declaration of independence",
    "Kosovo Force",
    "Zahid Oruj",
    "National Assembly (Azerbaijan)",
    "Organisation of Islamic Cooperation",
    "Turkey",
    "International Court of Justice",
    "Secession",
    "Fait accompli",
    "Serbia",
    "President of Serbia",
    "Boris Tadić",
    "Baku",
    "President of Azerbaijan",
    "Ilham Aliyev",
    "Territorial integrity",
    "United Nations",
    "International law",
    "Foreign relations of Azerbaijan",
    "Foreign relations of Kosovo",
    "Azerbaijan–Serbia relations",
]


def normalize_title(text: str) -> str:
    """A link target as a page title: no fragment, single spaces, first letter upper-cased."""
    text = text.split("#", 1)[0].replace("_", " ")
    text = re.sub(r"\s+", " ", text).strip().lstrip(":").strip()
    return text[:1].upper() + text[1:]


def parse_seed(path: Path) -> tuple[str, str]:
    """The (title, body) of a seed file: "Title: ..." line, one blank line, then the body."""
    text = path.read_text(encoding="utf-8")
    first, sep, rest = text.partition("\n")
    assert sep, f"{path.name}: no line after the title"
    assert first.startswith("Title: "), f"{path.name}: first line must be 'Title: ...'"
    title = first[len("Title: "):]
    assert title == title.strip() and title, f"{path.name}: bad title {title!r}"
    blank, sep, body = rest.partition("\n")
    assert sep and blank == "", f"{path.name}: the title line must be followed by one blank line"
    assert body.strip(), f"{path.name}: empty body"
    assert not body.startswith("\n"), f"{path.name}: more than one blank line after the title"
    return title, body


def seed_files() -> list[Path]:
    return sorted(SEED_DIR.glob("*.md"))


@pytest.fixture(scope="module")
def seeds() -> dict[str, tuple[Path, str]]:
    result: dict[str, tuple[Path, str]] = {}
    for path in seed_files():
        title, body = parse_seed(path)
        assert title not in result, f"duplicate title {title!r} in {path.name}"
        result[title] = (path, body)
    return result


def displayed(markdown: str) -> str:
    """The text as shown, without the citations added to it: [[A|B]] -> B, [[A]] -> A,
    \\[ \\] -> [ ], and no footnote marks or {{Citation needed}}."""
    text = FOOTNOTE_MARK.sub("", CITATION_NEEDED.sub("", markdown))
    text = WIKILINK.sub(lambda m: m.group(2) if m.group(2) is not None else m.group(1), text)
    return text.replace("\\[", "[").replace("\\]", "]")


def source_paragraphs() -> list[str]:
    """The lead and History paragraphs of the source: no title, infobox, headings or See also."""
    text = SOURCE.read_text(encoding="utf-8")
    paragraphs: list[str] = []
    in_see_also = False
    for block in re.split(r"\n\s*\n", text):
        lines = []
        for line in block.splitlines():
            stripped = line.strip()
            if re.fullmatch(r"==\s*See also\s*==", stripped):
                in_see_also = True
                continue
            if re.fullmatch(r"==+[^=].*==+", stripped):
                in_see_also = False
                continue
            if in_see_also or not stripped:
                continue
            if stripped == "Infobox" or stripped.startswith("- Filetype"):
                continue
            if re.fullmatch(r"=[^=].*=", stripped):
                continue
            lines.append(stripped)
        if lines:
            paragraphs.append(" ".join(lines))
    return paragraphs


def test_seed_files_exist_and_are_named_in_order():
    files = seed_files()
    assert files, "no seed files"
    for path in files:
        assert re.fullmatch(r"\d\d-[a-z0-9-]+\.md", path.name), path.name
    assert files[0].name == "00-main-page.md"
    assert files[1].name == "01-azerbaijan-kosovo-relations.md"


def test_titles_are_unique_and_include_main_pages(seeds):
    assert MAIN_PAGE in seeds
    assert ARTICLE in seeds
    assert "\u2013" in ARTICLE
    assert parse_seed(seed_files()[0])[0] == MAIN_PAGE
    assert parse_seed(seed_files()[1])[0] == ARTICLE


def test_article_starts_with_infobox(seeds):
    _, body = seeds[ARTICLE]
    assert body.splitlines()[0] == ARTICLE_INFOBOX


def test_source_has_expected_paragraphs():
    paragraphs = source_paragraphs()
    assert len(paragraphs) == 4, paragraphs
    assert paragraphs[0].startswith("Azerbaijani–Kosovan relations")
    assert paragraphs[1].startswith("In February 2008")
    assert paragraphs[2].startswith("In a 3 December 2009")
    assert paragraphs[3].startswith("At a meeting with Serbian president")


@pytest.mark.parametrize("index", range(4))
def test_article_keeps_source_text_word_for_word(seeds, index):
    _, body = seeds[ARTICLE]
    paragraph = source_paragraphs()[index]
    assert paragraph in displayed(body)


def test_article_has_history_and_see_also(seeds):
    _, body = seeds[ARTICLE]
    assert "\n## History\n" in body
    see_also = body.split("\n## See also\n", 1)[1].split("\n## References\n")[0]
    see_also = see_also.strip().splitlines()
    assert see_also == [
        "- [[Foreign relations of Azerbaijan]]",
        "- [[Foreign relations of Kosovo]]",
        "- [[Azerbaijan–Serbia relations]]",
    ]


def test_article_links_every_expected_target(seeds):
    _, body = seeds[ARTICLE]
    targets = {normalize_title(m.group(1)) for m in WIKILINK.finditer(body)}
    missing = [t for t in ARTICLE_TARGETS if t not in targets]
    assert not missing, f"article does not link to {missing}"


def test_no_red_links(seeds):
    titles = set(seeds)
    problems = []
    for path, body in seeds.values():
        for m in WIKILINK.finditer(body):
            target = normalize_title(m.group(1))
            if target.lower().startswith("category:"):
                continue
            if target not in titles:
                problems.append(f"{path.name}: [[{m.group(1)}]]")
        for m in INFOBOX.finditer(body):
            parts = [p.strip() for p in m.group(1).split("|") if "=" not in p]
            for country in parts[1:3]:
                if normalize_title(country) not in titles:
                    problems.append(f"{path.name}: infobox country {country}")
    assert not problems, problems


def test_every_stub_has_notice_and_links_back(seeds):
    for title, (path, body) in seeds.items():
        if title in (MAIN_PAGE, ARTICLE) or title.startswith("Help:"):
            continue
        assert re.search(r"^\{\{Stub\}\}$", body, re.MULTILINE), f"{path.name} lacks {{{{Stub}}}}"
        links = [normalize_title(m.group(1)) for m in WIKILINK.finditer(body)]
        assert any(link != title for link in links), f"{path.name} links to no other page"


def test_see_also_pages_link_to_article(seeds):
    see_also = ("Foreign relations of Azerbaijan", "Foreign relations of Kosovo",
                "Azerbaijan–Serbia relations")
    for title in see_also:
        _, body = seeds[title]
        assert f"[[{ARTICLE}]]" in body, title
    assert seeds["Azerbaijan–Serbia relations"][1].splitlines()[0] == (
        "{{Infobox bilateral relations|Azerbaijan–Serbia|Azerbaijan|Serbia}}"
    )


def test_main_page_sections(seeds):
    _, body = seeds[MAIN_PAGE]
    assert f"[[{ARTICLE}]]" in body
    assert "## Relations pages\n\n{{Relations pages}}" in body
    assert "## Taking part" in body


def test_source_copy_is_unchanged():
    assert hashlib.sha256(SOURCE.read_bytes()).hexdigest() == SOURCE_SHA256


def test_readme_credits_source_and_licence():
    readme = (SEED_DIR / "README").read_text(encoding="utf-8")
    assert "https://en.wikipedia.org/wiki/Azerbaijan%E2%80%93Kosovo_relations" in readme
    assert "https://creativecommons.org/licenses/by-sa/4.0/" in readme


def test_history_keeps_the_source_structure(seeds):
    _, body = seeds[ARTICLE]
    history = body.split("\n## History\n", 1)[1].split("\n## ", 1)[0]
    assert not re.search(r"^#{2,6} ", history, re.MULTILINE), "History has no subheadings"
    for invented in ("Kosovo's declaration of independence", "International Court of Justice "
                     "hearing", "Support for Serbia"):
        assert f"# {invented}" not in body


# Every footnote of the article and the citation template it must use: only sources that can
# be named exactly (see README, "Seed data").
ARTICLE_REFERENCES = {
    "ministry": "{{Cite web |url=https://www.eurasia.ro/2008/02/18/azerbaijan-says-not-"
                "recognizing-kosovo-independence/ |title=Azerbaijan says not recognizing Kosovo "
                "independence |website=eurasia.ro |date=18 February 2008}}",
    "withdrawal": "{{Cite news |title=Azerbaijan parliament okays troop pull out from Kosovo "
                  "|agency=Agence France-Presse |date=4 March 2008}}",
    "icj-hearing": "{{Cite news |url=http://www.today.az/news/politics/57930.html "
                   "|title=Azerbaijan supports Serbia's position on Kosovo |work=Today.Az "
                   "|agency=APA |date=4 December 2009}}",
    "icj-hearings-ended": "{{Cite web |url=https://icj-cij.org/node/101855 |title=Accordance "
                          "with International Law of the Unilateral Declaration of Independence "
                          "by the Provisional Institutions of Self-Government of Kosovo (Request "
                          "for Advisory Opinion): Conclusion of public hearings |publisher="
                          "International Court of Justice |date=11 December 2009}}",
    "aliyev-tadic": "{{Cite news |title=Azerbaijan refuses to recognize Kosovo |agency=Interfax "
                    "|date=14 May 2010}}",
}


def test_article_cites_its_sources_and_marks_the_rest(seeds):
    _, body = seeds[ARTICLE]
    definitions = dict(re.findall(r"^\[\^([\w-]+)\]: (.*)$", body, re.MULTILINE))
    assert definitions == ARTICLE_REFERENCES
    marks = re.findall(r"\[\^([\w-]+)\](?!:)", body)
    assert sorted(set(marks)) == sorted(ARTICLE_REFERENCES)
    assert len(CITATION_NEEDED.findall(body)) == 3  # Oruj's words, the OIC in March and June
    assert "\n## References\n\n{{Reflist}}\n" in body


def test_stub_facts_are_dated():
    text = {path.name: path.read_text(encoding="utf-8") for path in seed_files()}
    assert "30 August 1991" in text["06-azerbaijan.md"]
    assert "26 December 1991" in text["06-azerbaijan.md"]
    assert "when the Soviet Union was dissolved" not in text["06-azerbaijan.md"]
    assert "led the Democratic Party from 2004 to 2012" in text["23-boris-tadic.md"]
    assert "In 2008 he was a member of the" in text["14-zahid-oruj.md"]
    assert "September 2023" in text["27-territorial-integrity.md"]
