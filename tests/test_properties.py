"""Property-based tests (Hypothesis).

(a) Random Markdown and wikitext built from a grammar of the wiki's syntaxes and raw HTML render
to HTML that keeps the sanitizer's promises: only allowlisted tags and attributes, no event
handlers, no script URLs, no comments. Text without templates must stay inside the allowlist
exactly; with templates, the wiki's own template markup is added, and nothing executable may
appear.

(b) Random and malformed titles, query parameters and form bodies sent to the app never produce
a 5xx. Each test function builds one app; every example uses a fresh client, and examples that
write touch only a page of their own, so no example depends on another.
"""

from __future__ import annotations

import itertools
import re
import string
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from wikitest import CSRF_FIELD, custom_app

from wiki import accounts, pages
from wiki.markup import render
from wiki.markup.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_PROTOCOLS, ALLOWED_TAGS
from wiki.paths import PROJECT_ROOT
from wiki.titles import parse_title

PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture],
)
WIKI_TEMPLATE_DIR = PROJECT_ROOT / "templates" / "wikitemplates"


def template_tags() -> frozenset[str]:
    """Every element the wiki's own templates write (e.g. the infobox's <caption>)."""
    found: set[str] = {"div", "span"}  # _notice.html picks one of these by name
    for path in WIKI_TEMPLATE_DIR.glob("*.html"):
        source = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.S)
        found.update(tag.lower() for tag in re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", source))
    return frozenset(found)


TEMPLATE_TAGS = template_tags()
FORBIDDEN_ELEMENTS = frozenset({
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input",
    "button", "textarea", "select", "meta", "base", "link", "style", "svg", "math", "template",
    "noscript", "body", "html", "head",
})
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "background",
                            "poster", "data", "cite", "srcset", "lowsrc", "dynsrc"})
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\s]+")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")


# ---------------------------------------------------------------------------------------------
# (a) the grammar


TAG_NAMES = st.one_of(
    st.sampled_from([
        "script", "ScRiPt", "img", "IMG", "a", "svg", "math", "iframe", "div", "span", "p",
        "style", "object", "embed", "form", "input", "button", "table", "td", "tr", "sup",
        "abbr", "details", "body", "meta", "base", "link", "h2", "ol", "li", "section", "q",
        "video", "source", "template", "noscript", "textarea", "title", "xmp", "plaintext",
        "select", "option", "marquee", "frameset", "frame", "isindex", "image",
    ]),
    st.from_regex(r"[a-zA-Z][a-zA-Z0-9\-]{0,8}", fullmatch=True),
)
ATTRIBUTE_NAMES = st.one_of(
    st.sampled_from([
        "onerror", "onload", "onclick", "OnMouseOver", "onfocus", "href", "HREF", "src",
        "style", "class", "id", "title", "xlink:href", "formaction", "action", "srcset",
        "data", "lang", "rel", "width", "start", "alt", "cite", "srcdoc", "background",
        "xmlns", "http-equiv", "content", "target",
    ]),
    st.from_regex(r"[a-zA-Z_:][a-zA-Z0-9_:.\-]{0,8}", fullmatch=True),
)
URLS = st.sampled_from([
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)",
    "java&#x09;script:x", "&#106;avascript:x", "&#x6A;avascript:x", " javascript:x",
    "vbscript:msgbox(1)", "data:text/html,<script>alert(1)</script>",
    "data:image/svg+xml;base64,PHN2Zz4=", "javascript&colon;x", "%6Aavascript:x",
    "https://example.org/", "http://example.org/?a=1&b=2", "/wiki/Main_Page", "#section",
    "mailto:a@example.org", "//evil.example/", "Main Page", "feed:x", "file:///etc/passwd",
    "\ue0000\ue001",
])
SYMBOLS = "<>&\"'=/:;[]|*#_-`!()^~\\ \n\t.,?%"
PLAIN = st.text(
    alphabet=st.one_of(st.sampled_from(SYMBOLS), st.sampled_from(string.ascii_letters),
                       st.characters(blacklist_categories=("Cs",), blacklist_characters="{}")),
    max_size=25,
)
ATTRIBUTE_VALUES = st.one_of(URLS, PLAIN, st.sampled_from(["alert(1)", "x:expression(1)"]))


@st.composite
def attributes(draw: st.DrawFn) -> str:
    name = draw(ATTRIBUTE_NAMES)
    value = draw(ATTRIBUTE_VALUES)
    style = draw(st.sampled_from(["dq", "sq", "bare", "none", "slash"]))
    if style == "dq":
        return f' {name}="{value}"'
    if style == "sq":
        return f" {name}='{value}'"
    if style == "bare":
        return f" {name}={value.replace(' ', '')}"
    if style == "slash":
        return f"/{name}={value.replace(' ', '')}"
    return f" {name}"


def raw_html(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A raw tag with random attributes: closed, self-closing, unclosed or broken."""

    @st.composite
    def build(draw: st.DrawFn) -> str:
        tag = draw(TAG_NAMES)
        attrs = "".join(draw(st.lists(attributes(), max_size=3)))
        shape = draw(st.sampled_from(["pair", "pair", "self", "open", "close", "broken"]))
        body = draw(inner)
        if shape == "pair":
            return f"<{tag}{attrs}>{body}</{tag}>"
        if shape == "self":
            return f"<{tag}{attrs}/>"
        if shape == "open":
            return f"<{tag}{attrs}>{body}"
        if shape == "close":
            return f"{body}</{tag}>"
        return f"<{tag}{attrs}{body}"

    return build()


WORDS = st.one_of(PLAIN, st.sampled_from([
    "Kosovo", "Main Page", "Azerbaijan", "x", "<script>alert(1)</script>", "alert(1)",
    "Category:Things", "User:Someone", "Talk:Main Page", "Special:Log", ":Category:X",
]))


def inline(nested: st.SearchStrategy[str], with_templates: bool) -> st.SearchStrategy[str]:
    """Inline fragments around `nested` content."""
    options = [
        PLAIN,
        st.builds(lambda t: f"[[{t}]]", WORDS),
        st.builds(lambda t, label: f"[[{t}|{label}]]", WORDS, nested),
        st.builds(lambda t, f, label: f"[[{t}#{f}|{label}]]", WORDS, PLAIN, nested),
        st.builds(lambda x: f"**{x}**", nested),
        st.builds(lambda x: f"_{x}_", nested),
        st.builds(lambda x: f"~~{x}~~", nested),
        st.builds(lambda x: f"`{x}`", PLAIN),
        st.builds(lambda label, url: f"[{label}]({url})", nested, URLS),
        st.builds(lambda label, url, t: f'[{label}]({url} "{t}")', nested, URLS, PLAIN),
        st.builds(lambda alt, url: f"![{alt}]({url})", PLAIN, URLS),
        st.builds(lambda url: f"<{url}>", URLS),
        st.builds(lambda key: f"[^{key}]", st.one_of(st.sampled_from(["1", "a", "note"]), PLAIN)),
        st.sampled_from(["&#106;", "&amp;", "&colon;", "&lt;script&gt;", "&#x3C;", "\ue000",
                         "\ue001", "\ue0000\ue001", "<!-- c -->", "<![CDATA[x]]>", "<br>",
                         "\\<script>", "<", ">", "]]", "[[", "|"]),
        raw_html(nested),
    ]
    if with_templates:
        options.append(template_call(nested))
    return st.one_of(*options)


TEMPLATE_NAMES = st.one_of(
    st.sampled_from(["Main", "Infobox", "Infobox bilateral relations", "See also", "Further",
                     "Stub", "Empty section", "Relations of", "Relations pages", "infobox",
                     "INFOBOX_bilateral_relations", "No such template", "_notice",
                     "../base", "<script>"]),
    st.from_regex(r"[A-Za-z][A-Za-z _]{0,12}", fullmatch=True),
)
PARAMETER_NAMES = st.one_of(
    st.sampled_from(["title", "image", "caption", "alt", "label1", "data1", "header1", "above",
                     "below", "party1", "party2", "name", "mapcaption", "filetype", "mission1",
                     "envoy1", "envoytitle1", "established", "status", "section", "note1"]),
    st.from_regex(r"[a-z][a-z0-9]{0,6}", fullmatch=True),
)


def template_call(nested: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    value = st.one_of(nested, URLS, WORDS)
    parameter = st.one_of(value, st.builds(lambda n, v: f"{n}={v}", PARAMETER_NAMES, value))
    return st.builds(lambda name, params: "{{" + "|".join([name, *params]) + "}}",
                     TEMPLATE_NAMES, st.lists(parameter, max_size=4))


def document(with_templates: bool) -> st.SearchStrategy[str]:
    """A page text: blocks of inline fragments, headings, lists, tables, quotes, footnotes."""
    fragments = st.recursive(
        PLAIN, lambda nested: inline(nested, with_templates), max_leaves=8
    )
    line = st.lists(fragments, min_size=1, max_size=4).map("".join)
    block = st.one_of(
        line,
        st.builds(lambda n, t: "#" * n + " " + t, st.integers(1, 6), line),
        st.builds(lambda items: "\n".join(f"- {i}" for i in items), st.lists(line, max_size=3)),
        st.builds(lambda items: "\n".join(f"{n + 1}. {i}" for n, i in enumerate(items)),
                  st.lists(line, max_size=3)),
        st.builds(lambda a, b, c, d: f"| {a} | {b} |\n|---|:--:|\n| {c} | {d} |",
                  line, line, line, line),
        st.builds(lambda t: f"> {t}", line),
        st.builds(lambda key, t: f"[^{key}]: {t}", st.sampled_from(["1", "a", "note"]), line),
        st.builds(lambda t: f"```\n{t}\n```", line),
        st.builds(lambda t: f"    {t}", line),
        raw_html(line),
    )
    separators = st.sampled_from(["\n\n", "\n", " ", ""])
    return st.lists(st.tuples(block, separators), max_size=8).map(
        lambda parts: "".join(b + s for b, s in parts))


class Collector(HTMLParser):
    """Every element with its attributes, and every comment or declaration."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.other: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))

    def handle_comment(self, data: str) -> None:
        self.other.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.other.append(f"<!{decl}>")

    def unknown_decl(self, data: str) -> None:
        self.other.append(f"<![{data}]>")

    def handle_pi(self, data: str) -> None:
        self.other.append(f"<?{data}>")


def collect(html: str) -> Collector:
    parser = Collector()
    parser.feed(html)
    parser.close()
    return parser


def scheme_of(value: str) -> str | None:
    match = _SCHEME.match(_INVISIBLE.sub("", value).casefold())
    return match.group(1) if match else None


def executable_constructs(html: str, allowed_tags: frozenset[str]) -> list[str]:
    """What must never be in rendered page text."""
    found = collect(html)
    problems = [f"markup {item!r}" for item in found.other]
    for tag, attrs in found.elements:
        if tag in FORBIDDEN_ELEMENTS or tag not in allowed_tags:
            problems.append(f"element <{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                problems.append(f"{name} on <{tag}>")
            if name == "style":
                problems.append(f"style on <{tag}>")
            if name in URL_ATTRIBUTES and scheme_of(value or "") in {
                    "javascript", "vbscript", "data", "livescript"}:
                problems.append(f"{name}={value!r} on <{tag}>")
    return problems


@PROPERTY_SETTINGS
@given(document(with_templates=False))
@example("<img src=x onerror=alert(1)>[x](javascript:alert(1))[[a|<svg onload=1>]]")
@example("\ue0000\ue001<script>alert(1)</script>")
@example('<q lang="javascript:alert(1)" title="x">y</q> <sup title="t">1</sup>')
def test_rendering_without_templates_stays_inside_the_allowlist(text: str) -> None:
    html = str(render(text).html)
    found = collect(html)
    assert found.other == [], "comments or declarations survived"
    for tag, attrs in found.elements:
        assert tag in ALLOWED_TAGS, f"<{tag}> is not allowed: {html!r}"
        for name, value in attrs:
            assert name in ALLOWED_ATTRIBUTES.get(tag, []), f"{name} on <{tag}>: {html!r}"
            if name in {"href", "src", "cite"} and value:
                scheme = scheme_of(value)
                assert scheme is None or scheme in ALLOWED_PROTOCOLS, f"{name}={value!r}"
    assert executable_constructs(html, ALLOWED_TAGS) == []


@PROPERTY_SETTINGS
@given(document(with_templates=True))
@example("{{Infobox|title=<script>x</script>|image=javascript:alert(1)|caption=[[a|b]]}}")
@example('{{Infobox bilateral relations|x|A" onload="1|B|mapcaption=<svg onload=1>}}')
@example("{{Main|\ue0000\ue001}}\ue0000\ue001<img src=x onerror=1>")
def test_rendering_with_templates_has_nothing_executable(text: str) -> None:
    html = str(render(text).html)
    assert executable_constructs(html, ALLOWED_TAGS | TEMPLATE_TAGS) == [], html


def test_the_template_tag_set_is_what_the_templates_use() -> None:
    assert {"table", "caption", "img", "figure", "figcaption", "div", "span"} <= TEMPLATE_TAGS
    assert not TEMPLATE_TAGS & FORBIDDEN_ELEMENTS


# ---------------------------------------------------------------------------------------------
# (b) nothing a client sends produces a 5xx


@pytest.fixture
def fuzz_app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """One app per test function, with an edit limit no example reaches."""
    yield from custom_app(tmp_path, database_url, WIKI_EDIT_RATE_LIMIT="1000000/minute")


SEEDED_TITLES = ["Main_Page", "Kosovo", "Azerbaijan%E2%80%93Kosovo_relations", "No_such_page",
                 "Talk:Main_Page", "User:Nobody", "Category:Countries", "Special:Log",
                 "Special:Contributions/127.0.0.1", "Special:AllPages", "Special:RecentChanges",
                 "Special:Search", "Special:WhatLinksHere/Kosovo", "Special:Random",
                 "Special:UserLogin", "Special:CreateAccount", "Special:NewRelations",
                 "Special:RelationsMatrix", "Special:WantedPages", "Special:Categories",
                 "Special:NoSuchPage", "Special:Contributions"]
ANY_TEXT = st.text(max_size=40)
HUGE = st.integers(min_value=2**63 - 2, max_value=10**30)
NUMBERS = st.one_of(st.integers(-5, 80), st.integers(-(10**30), 10**30), HUGE)
PARAMETER_VALUES = st.one_of(
    NUMBERS.map(str), ANY_TEXT,
    st.sampled_from(["", "prev", "next", "cur", "0", "-1", "1e3", " 1", "1 ", "０", "١", "²",
                     "view", "edit", "history", "raw", "submit", "no", "yes", "atom", "rss"]),
)
PARAMETER_NAMES_HTTP = st.sampled_from([
    "action", "oldid", "diff", "limit", "offset", "undo", "undoafter", "older", "redirect",
    "redirectedfrom", "preload", "feed", "from", "namespace", "target", "type", "page", "user",
    "search", "fulltext", "go", "days", "hideminor", "title", "first", "second", "returnto",
    "redlink", "q", "format",
])
ACTIONS = st.one_of(st.sampled_from(["view", "edit", "history", "raw", "submit", "protect",
                                     "delete", "undelete", "rollback", "restore", "purge",
                                     "", "EDIT", "info"]), ANY_TEXT)


def random_path(title: str, safe: str) -> str:
    return "/wiki/" + quote(title, safe=safe)


@PROPERTY_SETTINGS
@given(title=st.one_of(ANY_TEXT, st.sampled_from(SEEDED_TITLES),
                       st.builds(lambda t, s: t + s, st.sampled_from(SEEDED_TITLES), ANY_TEXT)),
       safe=st.sampled_from(["", "/", "/:", "/:%", "/:?&=#"]))
@example(title="Main_Page/../../x", safe="/")
@example(title="%", safe="/:%")
@example(title="\x00", safe="")
def test_random_titles_never_fail(fuzz_app: Flask, title: str, safe: str) -> None:
    client = fuzz_app.test_client()
    response = client.get(random_path(title, safe))
    assert response.status_code < 500, (title, response.status_code)
    head = client.head(random_path(title, safe))
    assert head.status_code < 500


@PROPERTY_SETTINGS
@given(title=st.sampled_from(SEEDED_TITLES),
       params=st.lists(st.tuples(PARAMETER_NAMES_HTTP, PARAMETER_VALUES), max_size=5),
       action=st.one_of(st.none(), ACTIONS))
@example(title="Main_Page", params=[("oldid", "99999999999999999999999")], action=None)
@example(title="Main_Page", params=[("oldid", "²")], action=None)
@example(title="Main_Page", params=[("diff", "³"), ("oldid", "1")], action=None)
@example(title="Main_Page", params=[("diff", "99999999999999999999999")], action=None)
@example(title="Main_Page", params=[("undo", "99999999999999999999999")], action="edit")
def test_random_query_parameters_never_fail(fuzz_app: Flask, title: str,
                                            params: list[tuple[str, str]],
                                            action: str | None) -> None:
    client = fuzz_app.test_client()
    query = list(params) + ([("action", action)] if action is not None else [])
    response = client.get(f"/wiki/{title}?{urlencode(query)}")
    assert response.status_code < 500, (title, query, response.status_code)


_unique = itertools.count()


def fresh_page(app: Flask) -> tuple[str, int]:
    """A page of this example's own, with one revision."""
    title = f"Fuzz page {next(_unique)}"
    with app.app_context():
        result = pages.save_edit(parse_title(title), "Line one.\n\nLine two.",
                                 author=pages.Author("Setup"), base_revision_id=None)
        return title.replace(" ", "_"), result.revision.id


def token_of(client: FlaskClient) -> str:
    match = CSRF_FIELD.search(client.get("/wiki/Special:UserLogin").get_data(as_text=True))
    assert match
    return match.group(1)


FORM_FIELDS = st.sampled_from(["text", "base_revision", "summary", "minor", "save", "preview",
                               "diff", "csrf_token", "oldid", "from", "level", "expiry",
                               "reason", "wpTextbox", "text[]", ""])
FORM_VALUES = st.one_of(
    ANY_TEXT, NUMBERS.map(str),
    st.sampled_from(["", "1", "editor", "admin", "infinite", "1 day", "{base}", "{base}x",
                     "127.0.0.1", "Setup", "\x00", "\ue0000\ue001", "x" * 600]),
    st.text(max_size=3000).map(lambda t: t * 3),
)


@PROPERTY_SETTINGS
@given(fields=st.lists(st.tuples(FORM_FIELDS, FORM_VALUES), max_size=8),
       button=st.sampled_from(["save", "preview", "diff", None]),
       with_token=st.booleans(), with_base=st.booleans())
@example(fields=[("text", "x"), ("base_revision", "99999999999999999999999")], button="save",
         with_token=True, with_base=False)
@example(fields=[("text", "\x00\x01")], button="save", with_token=True, with_base=True)
def test_random_edit_form_bodies_never_fail(fuzz_app: Flask, fields: list[tuple[str, str]],
                                            button: str | None, with_token: bool,
                                            with_base: bool) -> None:
    title, base = fresh_page(fuzz_app)
    client = fuzz_app.test_client()
    form = [(name, value.replace("{base}", str(base))) for name, value in fields]
    if with_base:
        form.append(("base_revision", str(base)))
        form.append(("text", "Line one, changed.\n\nLine two."))
    if button:
        form.append((button, "1"))
    if with_token:
        form.append(("csrf_token", token_of(client)))
    response = client.post(f"/wiki/{title}?action=submit", data=urlencode(form),
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500, (form, response.status_code)


ADMIN_PASSWORD = "fuzz admin password"


@pytest.fixture
def admin_fuzz_app(fuzz_app: Flask) -> Flask:
    """The fuzzing app with an admin account to log in with."""
    with fuzz_app.app_context():
        accounts.create_account("Fuzz admin", ADMIN_PASSWORD, ADMIN_PASSWORD, role="admin")
    return fuzz_app


@PROPERTY_SETTINGS
@given(action=ACTIONS, fields=st.lists(st.tuples(FORM_FIELDS, FORM_VALUES), max_size=6),
       as_admin=st.booleans())
@example(action="restore", fields=[("oldid", "99999999999999999999999")], as_admin=False)
@example(action="rollback", fields=[("from", "Setup")], as_admin=True)
@example(action="protect", fields=[("level", "admin"), ("expiry", "")], as_admin=True)
def test_random_posts_to_page_actions_never_fail(admin_fuzz_app: Flask, action: str,
                                                 fields: list[tuple[str, str]],
                                                 as_admin: bool) -> None:
    title, base = fresh_page(admin_fuzz_app)
    client = admin_fuzz_app.test_client()
    if as_admin:
        login = client.post("/wiki/Special:UserLogin", data={
            "csrf_token": token_of(client), "name": "Fuzz admin", "password": ADMIN_PASSWORD})
        assert login.status_code == 303
    form = [(name, value.replace("{base}", str(base))) for name, value in fields]
    form.append(("csrf_token", token_of(client)))
    response = client.post(f"/wiki/{title}?{urlencode({'action': action})}",
                           data=urlencode(form), content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500, (action, form, response.status_code)


CONTENT_TYPES = st.sampled_from([
    "application/x-www-form-urlencoded", "multipart/form-data", "multipart/form-data; boundary=x",
    "application/json", "text/plain", "application/x-www-form-urlencoded; charset=latin-1", "",
])


@PROPERTY_SETTINGS
@given(body=st.binary(max_size=400), content_type=CONTENT_TYPES,
       target=st.sampled_from(["/wiki/{title}?action=submit", "/wiki/Special:UserLogin",
                               "/wiki/Special:CreateAccount", "/wiki/Special:NewRelations",
                               "/wiki/{title}?action=protect", "/wiki/Special:Search"]))
@example(body=b"text=%FF%FE&save=1", content_type="application/x-www-form-urlencoded",
         target="/wiki/{title}?action=submit")
@example(body=b"&" * 2000, content_type="application/x-www-form-urlencoded",
         target="/wiki/{title}?action=submit")
def test_random_request_bodies_never_fail(fuzz_app: Flask, body: bytes, content_type: str,
                                          target: str) -> None:
    title, _ = fresh_page(fuzz_app)
    client = fuzz_app.test_client()
    response = client.post(target.format(title=title), data=body, content_type=content_type)
    assert response.status_code < 500, (body, content_type, response.status_code)
