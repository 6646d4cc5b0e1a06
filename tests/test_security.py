"""Hardening, through the web: CSRF tokens on every form (a refused form hands the typed text
back), security headers on every response, edit rate limits per address and per account, and a
table of XSS vectors that are saved as page text and must render without anything executable."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse
from wikitest import CSRF_FIELD, WikiClient, create, custom_app

from wiki import accounts, pages
from wiki.db import db
from wiki.models import LogEntry, Page, Protection, Revision, User
from wiki.titles import parse_title

PASSWORD = "security password"


# ---------------------------------------------------------------------------------------------
# helpers


def token(client: FlaskClient, path: str = "/wiki/Special:UserLogin") -> str:
    match = CSRF_FIELD.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def logged_in(app: Flask, name: str, role: str = "editor") -> FlaskClient:
    with app.app_context():
        accounts.create_account(name, PASSWORD, PASSWORD, role=role)
    client = app.test_client()
    response = client.post("/wiki/Special:UserLogin", data={
        "csrf_token": token(client), "name": name, "password": PASSWORD})
    assert response.status_code == 303
    return client




def counts(app: Flask) -> dict[str, int]:
    """How many rows each table that a form can change holds, and which pages are deleted."""
    with app.app_context():
        found = {model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
                 or 0 for model in (Revision, Page, User, Protection, LogEntry)}
        found["deleted"] = db.session.scalar(
            sa.select(sa.func.count()).select_from(Page).where(Page.is_deleted.is_(True))) or 0
        return found


def textarea_contents(html: str) -> list[str]:
    return [unescape(c) for c in re.findall(r"<textarea\b[^>]*>(.*?)</textarea>", html, re.S)]


@pytest.fixture
def limited_app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """Three saves a minute per address and per account."""
    yield from custom_app(tmp_path, database_url, WIKI_EDIT_RATE_LIMIT="3/minute")


# ---------------------------------------------------------------------------------------------
# CSRF


LEAD = "A lead paragraph someone spent a while on."
REASON = "A reason typed with care"

# (name, path, form fields, the typed value that must come back or None)
FORMS = [
    ("edit-save", "/wiki/Sandbox?action=submit",
     {"text": "Typed text for the sandbox.", "base_revision": "", "summary": "s", "save": "1"},
     "Typed text for the sandbox."),
    ("edit-preview", "/wiki/Sandbox?action=submit",
     {"text": "Typed text to preview.", "base_revision": "", "preview": "1"},
     "Typed text to preview."),
    ("edit-existing", "/wiki/Csrf_target?action=submit",
     {"text": "Replacement text.", "base_revision": "{base}", "save": "1"}, "Replacement text."),
    ("new-relations", "/wiki/Special:NewRelations",
     {"first": "France", "second": "Japan", "lead": LEAD, "summary": ""}, LEAD),
    ("login", "/wiki/Special:UserLogin", {"name": "Somebody", "password": "not shown back"},
     "Somebody"),
    ("create-account", "/wiki/Special:CreateAccount",
     {"name": "Newcomer", "password": PASSWORD, "confirm": PASSWORD}, "Newcomer"),
    ("logout", "/wiki/Special:UserLogout", {}, None),
    ("protect", "/wiki/Csrf_target?action=protect",
     {"level": "admin", "expiry": "infinite", "reason": REASON}, REASON),
    ("delete", "/wiki/Csrf_target?action=delete", {"reason": REASON}, REASON),
    ("rollback", "/wiki/Csrf_target?action=rollback", {"from": "127.0.0.1"}, None),
    ("restore", "/wiki/Csrf_target?action=restore", {"oldid": "{first}"}, None),
]


def refused_post(app: Flask, path: str, data: dict[str, str], bad_token: str
                 ) -> tuple[FlaskClient, TestResponse]:
    """An admin's form post with a missing or bad token; returns the client and the answer,
    after checking that nothing changed."""
    first = create(app, "Csrf_target", "The first text.")
    assert WikiClient(app.test_client()).edit("Csrf_target", "The second text.").status_code \
        == 303
    base = pages_latest(app, "Csrf_target")
    client = logged_in(app, "Sysop", "admin")
    form = {key: value.format(base=base, first=first) for key, value in data.items()}
    if bad_token == "garbage":
        form["csrf_token"] = "IjAwMDAi.not-a-token.at-all"
    elif bad_token == "another session's":
        form["csrf_token"] = token(app.test_client())
    before = counts(app)
    response = client.post(path, data=form)
    assert counts(app) == before  # nothing happened
    return client, response


@pytest.mark.parametrize("bad_token", ["missing", "garbage", "another session's"])
@pytest.mark.parametrize(("name", "path", "data", "kept"), FORMS, ids=[f[0] for f in FORMS])
def test_form_posts_without_a_valid_token_are_400(
    app: Flask, name: str, path: str, data: dict[str, str], kept: str | None, bad_token: str,
) -> None:
    client, response = refused_post(app, path, data, bad_token)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "session token was missing or expired" in " ".join(unescape(html).split())
    assert "not shown back" not in html  # never a password
    # the session survived: still logged in
    assert "Sysop" in client.get("/wiki/Main_Page").get_data(as_text=True)


@pytest.mark.parametrize(("name", "path", "data", "kept"),
                         [f for f in FORMS if f[3] is not None],
                         ids=[f[0] for f in FORMS if f[3] is not None])
def test_form_refused_for_its_token_shows_the_typed_text_back(
    app: Flask, name: str, path: str, data: dict[str, str], kept: str,
) -> None:
    _, response = refused_post(app, path, data, "missing")
    assert response.status_code == 400
    html = unescape(response.get_data(as_text=True))
    assert kept in html, f"the {name} form lost what was typed"


def pages_latest(app: Flask, title: str) -> int:
    with app.app_context():
        page = pages.get_page(parse_title(title))
        assert page.latest_revision_id is not None
        return page.latest_revision_id


def test_refused_edit_shows_the_text_in_a_textarea(client: FlaskClient) -> None:
    typed = "Line one of a long text.\n\n<b>markup & ampersands</b> stay as typed."
    response = client.post("/wiki/Sandbox?action=submit",
                           data={"text": typed, "base_revision": "", "save": "1"})
    assert response.status_code == 400
    assert typed in textarea_contents(response.get_data(as_text=True))
    assert client.get("/wiki/Sandbox").status_code == 404


def test_a_token_from_before_login_does_not_work_after(app: Flask) -> None:
    with app.app_context():
        accounts.create_account("Switcher", PASSWORD, PASSWORD)
    client = app.test_client()
    old = token(client)
    response = client.post("/wiki/Special:UserLogin", data={
        "csrf_token": old, "name": "Switcher", "password": PASSWORD})
    assert response.status_code == 303
    response = client.post("/wiki/Sandbox?action=submit", data={
        "csrf_token": old, "text": "Planted.", "base_revision": "", "save": "1"})
    assert response.status_code == 400


# ---------------------------------------------------------------------------------------------
# security headers


HEADER_PATHS = [
    ("GET", "/"),
    ("GET", "/wiki/Main_Page"),
    ("GET", "/wiki/Main_Page?action=edit"),
    ("GET", "/wiki/Main_Page?action=history"),
    ("GET", "/wiki/Main_Page?action=raw"),
    ("GET", "/wiki/Main_Page?diff=prev"),
    ("GET", "/wiki/No_such_page_at_all"),
    ("GET", "/wiki/Main_Page?action=bogus"),
    ("GET", "/wiki/Bad[title]"),
    ("GET", "/wiki/Special:UserLogin"),
    ("GET", "/wiki/Special:Log"),
    ("GET", "/wiki/Special:Contributions/127.0.0.1"),
    ("GET", "/wiki/Special:NoSuchSpecialPage"),
    ("GET", "/static/css/wiki.css"),
    ("GET", "/no/such/route"),
    ("POST", "/wiki/Main_Page?action=submit"),
    ("POST", "/wiki/Special:UserLogin"),
    ("DELETE", "/wiki/Main_Page"),
]


@pytest.mark.parametrize(("method", "path"), HEADER_PATHS)
def test_security_headers_on_every_response(client: FlaskClient, method: str, path: str) -> None:
    response = client.open(path, method=method)
    assert response.status_code < 500
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives.get("script-src") == ["'self'"], policy
    assert directives.get("frame-ancestors") == ["'none'"], policy
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert directives.get("object-src") == ["'none'"]
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") in {
        "no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}


def test_security_headers_on_rate_limited_answers(limited_app: Flask) -> None:
    wiki = WikiClient(limited_app.test_client())
    for n in range(3):
        assert wiki.edit("Headers", f"Version {n}.").status_code == 303
    response = wiki.edit("Headers", "Version 3.")
    assert response.status_code == 429
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


# ---------------------------------------------------------------------------------------------
# edit rate limits


def test_edit_rate_limit_per_address(limited_app: Flask) -> None:
    client = limited_app.test_client()
    wiki = WikiClient(client)
    for n in range(3):
        assert wiki.edit("Fast", f"Version {n} of a page.").status_code == 303
    typed = "The fourth version, typed carefully and not to be lost."
    response = wiki.edit("Fast", typed)
    assert response.status_code == 429
    retry = response.headers.get("Retry-After", "")
    assert retry.isdigit() and int(retry) > 0
    html = response.get_data(as_text=True)
    assert typed in textarea_contents(html)
    assert "too fast" in html
    raw = client.get("/wiki/Fast?action=raw").get_data(as_text=True)
    assert raw == "Version 2 of a page."

    # another address is not slowed down; an account at the limited address is
    other = limited_app.test_client()
    environ = {"REMOTE_ADDR": "192.0.2.10"}
    page = other.get("/wiki/Fast?action=edit", environ_base=environ).get_data(as_text=True)
    form_token = CSRF_FIELD.search(page)
    base = re.search(r'name="base_revision" value="(\d+)"', page)
    assert form_token and base
    response = other.post("/wiki/Fast?action=submit", environ_base=environ, data={
        "csrf_token": form_token.group(1), "text": "From elsewhere.",
        "base_revision": base.group(1), "save": "1"})
    assert response.status_code == 303
    member = logged_in(limited_app, "Sameaddress")
    assert WikiClient(member).edit("Fast", "An account at the busy address.").status_code == 429


def test_edit_rate_limit_per_account(limited_app: Flask) -> None:
    member = logged_in(limited_app, "Roamer")
    for n in range(4):
        environ = {"REMOTE_ADDR": f"198.51.100.{n + 1}"}
        page = member.get("/wiki/Roaming?action=edit", environ_base=environ).get_data(True)
        form_token = CSRF_FIELD.search(page)
        base = re.search(r'name="base_revision" value="(\d*)"', page)
        assert form_token and base
        typed = f"Version {n}, from a new address each time."
        response = member.post("/wiki/Roaming?action=submit", environ_base=environ, data={
            "csrf_token": form_token.group(1), "text": typed, "base_revision": base.group(1),
            "save": "1"})
        if n < 3:
            assert response.status_code == 303, n
        else:
            assert response.status_code == 429
            assert int(response.headers["Retry-After"]) > 0
            assert typed in textarea_contents(response.get_data(as_text=True))
    raw = member.get("/wiki/Roaming?action=raw").get_data(as_text=True)
    assert raw == "Version 2, from a new address each time."
    # an anonymous visitor at a fresh address may still edit
    anon = limited_app.test_client()
    environ = {"REMOTE_ADDR": "198.51.100.99"}
    page = anon.get("/wiki/Other?action=edit", environ_base=environ).get_data(as_text=True)
    form_token = CSRF_FIELD.search(page)
    assert form_token
    response = anon.post("/wiki/Other?action=submit", environ_base=environ, data={
        "csrf_token": form_token.group(1), "text": "Fine.", "base_revision": "", "save": "1"})
    assert response.status_code == 303


def test_previews_and_show_changes_do_not_count(limited_app: Flask) -> None:
    client = limited_app.test_client()
    wiki = WikiClient(client)
    for n in range(5):
        assert wiki.edit("Careful", f"Draft {n}.", button="preview").status_code == 200
        assert wiki.edit("Careful", f"Draft {n}.", button="diff").status_code == 200
        assert client.get("/wiki/Careful?action=edit").status_code == 200
    for n in range(3):
        assert wiki.edit("Careful", f"Saved {n}.").status_code == 303
    assert wiki.edit("Careful", "One too many.").status_code == 429
    assert wiki.edit("Careful", "Still previewable.", button="preview").status_code == 200
    assert client.get("/wiki/Careful").status_code == 200


# ---------------------------------------------------------------------------------------------
# XSS: every vector is saved as page text and the rendered page must hold nothing executable

FORBIDDEN_ELEMENTS = frozenset({
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input",
    "button", "textarea", "select", "meta", "base", "link", "style", "svg", "math", "template",
    "noscript", "audio", "video", "source", "details", "marquee", "isindex", "xml", "body",
    "html", "head", "title",
})
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "background",
                            "poster", "data", "codebase", "dynsrc", "lowsrc", "cite", "srcset",
                            "longdesc", "usemap", "manifest", "ping"})
BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:", "mocha:")
# Elements the page template itself puts among the text, exactly as written there: the table of
# contents after the lead opens and closes as a <details> block. Page text cannot make one.
TEMPLATE_ELEMENTS = frozenset({("details", (("class", "toc-inline"),))})
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\s\u200b-\u200f\u2028\u2029\ufeff]+")


def normalized_url(value: str) -> str:
    """An attribute value as a browser reads the scheme: unescaped, no whitespace or control
    characters, case-folded. HTMLParser has already decoded the character references, once, as
    a browser does."""
    return _INVISIBLE.sub("", value).casefold()


class Audit(HTMLParser):
    """Finds executable constructs inside the element with the given class (the region), and
    script elements, event handlers and script URLs anywhere in the document."""

    def __init__(self, region_class: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.region_class = region_class
        self.region_tag: str | None = None
        self.depth = 0  # open elements of the region's kind inside the region
        self.region_found = False
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)
        if self.region_tag is None:
            classes = (dict(attrs).get("class") or "").split()
            if self.region_class in classes and not self.region_found and self.region_class:
                self.region_tag, self.depth, self.region_found = tag, 1, True
        elif tag == self.region_tag:
            self.depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self.region_tag is not None and tag == self.region_tag:
            self.depth -= 1
            if self.depth == 0:
                self.region_tag = None

    def _check(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        inside = self.region_tag is not None
        where = "content" if inside else "page"
        if inside and tag in FORBIDDEN_ELEMENTS and (tag, tuple(attrs)) not in TEMPLATE_ELEMENTS:
            self.problems.append(f"<{tag}> element in the {where}")
        if tag == "script" and not dict(attrs).get("src"):
            self.problems.append(f"inline <script> in the {where}")
        for name, value in attrs:
            name = name.lower()
            if name.startswith("on"):
                self.problems.append(f"{name} attribute on <{tag}> in the {where}")
            if inside and name == "style":
                self.problems.append(f"style attribute on <{tag}> in the {where}")
            if inside and name.startswith("xmlns"):
                self.problems.append(f"{name} attribute on <{tag}> in the {where}")
            if (name in URL_ATTRIBUTES or inside and name.endswith("href")) and value:
                if normalized_url(value).startswith(BAD_SCHEMES):
                    self.problems.append(f"{name}={value!r} on <{tag}> in the {where}")
                if name == "srcset" and inside:
                    self.problems.append(f"srcset on <{tag}> in the {where}")


def audit(html: str, region_class: str | None) -> list[str]:
    """Problems in the region (strict) and in the whole page (scripts, handlers, script URLs);
    with no region, only the whole-page checks."""
    parser = Audit(region_class)
    parser.feed(html)
    parser.close()
    if region_class is not None:
        assert parser.region_found, f"no element of class {region_class} on the page"
    return parser.problems


def P(payload: str, name: str):  # type: ignore[no-untyped-def]  # noqa: N802
    return pytest.param(payload, id=name)


SVG_B64 = "PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+"  # <svg onload=alert(1)>
HTML_B64 = "PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="  # <script>alert(1)</script>
ENTITY_JS = "&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;"
HEX_JS = "&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;"
PADDED_JS = "".join(f"&#{ord(c):07d}" for c in "javascript:")
PERCENT_JS = "".join(f"%{ord(c):02X}" for c in "javascript:")

XSS_VECTORS = [
    # script tags
    P("<script>alert(1)</script>", "script"),
    P("<SCRIPT>alert(1)</SCRIPT>", "script-upper"),
    P("<ScRiPt>alert(1)</sCrIpT>", "script-mixed-case"),
    P("<scr<script>ipt>alert(1)</scr</script>ipt>", "script-nested"),
    P('<script src="https://evil.example/x.js"></script>', "script-src"),
    P('<SCRIPT/XSS SRC="https://evil.example/x.js"></SCRIPT>', "script-slash-attr"),
    P("<<script>alert(1);//<</script>", "script-extra-bracket"),
    P('<SCRIPT a=">" SRC="https://evil.example/x.js"></SCRIPT>', "script-quoted-gt"),
    P("</script><script>alert(1)</script>", "script-close-first"),
    P("text\n\n<script>\nalert(1)\n</script>\n\nmore", "script-block"),
    # event handlers on many tags
    P("<img src=x onerror=alert(1)>", "img-onerror"),
    P('<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>', "img-onerror-upper"),
    P("<body onload=alert(1)>", "body-onload"),
    P('<div onmouseover="alert(1)">hover</div>', "div-onmouseover"),
    P('<a href="https://example.org" onclick="alert(1)">x</a>', "a-onclick"),
    P("<span onfocus=alert(1) tabindex=0 autofocus>x</span>", "span-onfocus"),
    P("<input autofocus onfocus=alert(1)>", "input-onfocus"),
    P("<details open ontoggle=alert(1)>x</details>", "details-ontoggle"),
    P('<video><source onerror="alert(1)"></video>', "video-source-onerror"),
    P("<audio src=x onerror=alert(1)>", "audio-onerror"),
    P("<marquee onstart=alert(1)>x</marquee>", "marquee-onstart"),
    P('<table background="javascript:alert(1)"><tr><td onclick=alert(1)>x</td></tr></table>',
      "table-background-td-onclick"),
    P("<p/onmouseover=alert(1)>x</p>", "p-slash-handler"),
    P("<sup onmouseover=alert(1) id=x>1</sup>", "sup-handler"),
    P('<abbr title="x" onmouseover=alert(1)>x</abbr>', "abbr-handler"),
    P("<img src=x:alert(alt) onerror=eval(src) alt=0>", "img-eval-src"),
    P("<h2 onclick=alert(1)>Heading</h2>", "raw-heading-handler"),
    # javascript:, vbscript: and data: URLs
    P("[click](javascript:alert(1))", "md-link-javascript"),
    P("[click](JaVaScRiPt:alert(1))", "md-link-mixed-case"),
    P("[click](vbscript:msgbox(1))", "md-link-vbscript"),
    P(f"[click](data:text/html;base64,{HTML_B64})", "md-link-data"),
    P("![img](javascript:alert(1))", "md-image-javascript"),
    P(f"![img](data:image/svg+xml;base64,{SVG_B64})", "md-image-data-svg"),
    P("<javascript:alert(1)>", "autolink-javascript"),
    P("[ref][1]\n\n[1]: javascript:alert(1)", "md-reference-link"),
    P('[x](javascript:alert(1) "title")', "md-link-with-title"),
    P("[x](javascript://%0Aalert(1))", "md-link-comment-newline"),
    P('<a href="javascript:alert(1)">x</a>', "a-javascript"),
    P('<a href="  javascript:alert(1)">x</a>', "a-leading-space"),
    P('<img src="javascript:alert(1)">', "img-javascript"),
    P('<a href="data:text/html,<script>alert(1)</script>">x</a>', "a-data"),
    P('<a href="vbscript:msgbox(1)">x</a>', "a-vbscript"),
    # entity- and percent-encoded, tab and newline tricks
    P(f'<a href="{ENTITY_JS}alert(1)">x</a>', "a-decimal-entities"),
    P(f'<a href="{HEX_JS}alert(1)">x</a>', "a-hex-entities"),
    P(f'<a href="{PADDED_JS}alert(1)">x</a>', "a-padded-entities"),
    P(f"[x]({ENTITY_JS}alert(1))", "md-link-entities"),
    P(f"[x]({PERCENT_JS}alert(1))", "md-link-percent-encoded"),
    P(f'<a href="{PERCENT_JS}alert(1)">x</a>', "a-percent-encoded"),
    P('<a href="jav&#x09;ascript:alert(1)">x</a>', "a-tab-entity"),
    P('<a href="jav&#x0A;ascript:alert(1)">x</a>', "a-newline-entity"),
    P('<a href="jav&#x0D;ascript:alert(1)">x</a>', "a-cr-entity"),
    P('<a href="java\tscript:alert(1)">x</a>', "a-literal-tab"),
    P('<a href="java\nscript:alert(1)">x</a>', "a-literal-newline"),
    P("[x](java\tscript:alert(1))", "md-link-literal-tab"),
    P('<a href="&#14;javascript:alert(1)">x</a>', "a-control-char-entity"),
    P('<a href="javascript&colon;alert(1)">x</a>', "a-named-colon"),
    P('<img src="jav&#x09;ascript:alert(1)">', "img-tab-entity"),
    # SVG and MathML
    P("<svg onload=alert(1)>", "svg-onload"),
    P("<svg><script>alert(1)</script></svg>", "svg-script"),
    P('<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">XSS</text></a></svg>',
      "svg-xlink"),
    P("<svg><animate onbegin=alert(1) attributeName=x dur=1s>", "svg-animate"),
    P("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", "math-mxss"),
    P('<math href="javascript:alert(1)">x</math>', "math-href"),
    # frames, objects, forms, meta, base, link
    P('<iframe src="javascript:alert(1)"></iframe>', "iframe-javascript"),
    P('<iframe srcdoc="<script>alert(1)</script>"></iframe>', "iframe-srcdoc"),
    P('<object data="javascript:alert(1)"></object>', "object-data"),
    P(f'<embed src="data:image/svg+xml;base64,{SVG_B64}">', "embed-data"),
    P('<form action="javascript:alert(1)"><button>go</button></form>', "form-action"),
    P('<form><button formaction="javascript:alert(1)">x</button></form>', "button-formaction"),
    P('<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', "meta-refresh"),
    P('<base href="javascript:alert(1)//">', "base-href"),
    P('<link rel="stylesheet" href="javascript:alert(1)">', "link-stylesheet"),
    P('<frameset><frame src="javascript:alert(1)"></frameset>', "frameset"),
    # CSS
    P('<style>body{background:url("javascript:alert(1)")}</style>', "style-element"),
    P('<div style="width: expression(alert(1))">x</div>', "style-expression"),
    P('<span style="background-image: url(javascript:alert(1))">x</span>', "style-url"),
    P("<style>@import 'https://evil.example/x.css';</style>", "style-import"),
    P('<div style="behavior: url(x.htc)">x</div>', "style-behavior"),
    P('<p style="x:\\65xpression(alert(1))">x</p>', "style-escaped-expression"),
    # malformed tags
    P('<img """><script>alert(1)</script>">', "img-quotes-script"),
    P("<img src=x onerror=alert(1)//", "unclosed-img"),
    P("<<img src=x onerror=alert(1)>>", "double-brackets"),
    P('<a href="https://example.org"<script>alert(1)</script>>x</a>', "a-broken-attr"),
    P("<img src=`x` onerror=alert(1)>", "img-backticks"),
    P("<div/ onmouseover=alert(1)>x</div>", "div-slash-space"),
    P("<img\nsrc=x\nonerror=alert(1)>", "img-newlines"),
    P('<a href="https://example.org/"onclick="alert(1)">x</a>', "a-no-space-handler"),
    # comments and CDATA
    P("<!--<script>alert(1)</script>-->", "comment-script"),
    P("<!--[if gte IE 4]><script>alert(1)</script><![endif]-->", "conditional-comment"),
    P("<![CDATA[<script>alert(1)</script>]]>", "cdata"),
    P("<!-- --!><script>alert(1)</script> -->", "comment-bang-close"),
    P("<? xml ?><script>alert(1)</script>", "processing-instruction"),
    P("<!--><img src=x onerror=alert(1)>-->", "comment-empty"),
    # wikilinks
    P("[[javascript:alert(1)]]", "wikilink-javascript"),
    P("[[javascript:alert(1)|click]]", "wikilink-javascript-label"),
    P("[[Main Page|<script>alert(1)</script>]]", "wikilink-label-script"),
    P("[[Main Page|<img src=x onerror=alert(1)>]]", "wikilink-label-img"),
    P('[[" onmouseover="alert(1)]]', "wikilink-target-quote"),
    P('[[Main Page|x" onclick="alert(1)]]', "wikilink-label-quote"),
    P("[[Main Page#<script>alert(1)</script>|x]]", "wikilink-fragment"),
    P("[[data:text/html,x|x]]", "wikilink-data"),
    # template parameters
    P("{{Main|<script>alert(1)</script>}}", "main-script"),
    P("{{Main|javascript:alert(1)}}", "main-javascript"),
    P("{{Main|[[javascript:alert(1)|x]]}}", "main-wikilink-javascript"),
    P('{{Main|Kosovo" onmouseover="alert(1)}}', "main-quote"),
    P("{{Infobox|title=<script>alert(1)</script>|image=javascript:alert(1)}}",
      "infobox-title-image"),
    P("{{Infobox|title=x|image=data:image/svg+xml,<svg onload=alert(1)>}}", "infobox-data-image"),
    P("{{Infobox|title=x|image=//evil.example/x.png|caption=<img src=x onerror=alert(1)>}}",
      "infobox-caption"),
    P('{{Infobox|title=x|image=/ok.png" onerror="alert(1)|alt=" onerror="alert(1)}}',
      "infobox-image-quote"),
    P("{{Infobox|image= JaVaScRiPt:alert(1)|label1=<svg onload=alert(1)>"
      "|data1=[x](javascript:alert(1))}}", "infobox-rows"),
    P("{{Infobox bilateral relations|<script>alert(1)</script>|France"
      '|Germany" onmouseover="alert(1)}}', "bilateral-positional"),
    P("{{Infobox bilateral relations|x|France|Germany|mission1=<iframe src=javascript:alert(1)>"
      '|envoy1=[e](javascript:alert(1))|filetype=png" onerror="alert(1)'
      "|mapcaption=<img src=x onerror=alert(1)>}}", "bilateral-named"),
    P('{{Infobox bilateral relations|name=<svg onload=alert(1)>|party1=" onclick="alert(1)'
      "|party2=javascript:alert(1)|established=<script>alert(1)</script>}}",
      "bilateral-parties"),
    P("{{See also|<script>alert(1)</script>|javascript:alert(1)}}", "see-also"),
    P("{{<script>alert(1)</script>}}", "template-name-script"),
    P("{{Further|[[Main Page|<b onclick=alert(1)>x</b>]]}}", "further-label"),
    P("{{Relations of|<img src=x onerror=alert(1)>}}", "relations-of"),
    # headings and footnotes
    P("# <script>alert(1)</script>", "heading-script"),
    P("## <img src=x onerror=alert(1)> one\n\n## two\n\n## three\n\n## four", "heading-toc-img"),
    P("## [x](javascript:alert(1))\n\n## b\n\n## c\n\n## d", "heading-toc-link"),
    P('## x" onclick="alert(1)\n\n## b\n\n## c\n\n## d', "heading-toc-quote"),
    P("Text[^1]\n\n[^1]: <script>alert(1)</script>", "footnote-script"),
    P('Text[^x" onclick="alert(1)]\n\n[^x" onclick="alert(1)]: note', "footnote-key"),
    P("Text[^1]\n\n[^1]: [x](javascript:alert(1))", "footnote-link"),
    P("Text[^a]\n\n[^a]: <img src=x onerror=alert(1)>\n\n## References", "footnote-references"),
    # the placeholder characters templates use
    P("\ue0000\ue001<script>alert(1)</script>", "placeholder-script"),
    P("{{Main|x}} \ue0000\ue001 <img src=x onerror=alert(1)>", "placeholder-with-template"),
    P('<img alt="\ue0000\ue001" src=x>{{Infobox|title=<svg onload=alert(1)>}}',
      "placeholder-in-attribute"),
    P("[\ue0000\ue001](javascript:alert(1))", "placeholder-link-label"),
    P('<a href="\ue0000\ue001">x</a>{{Main|javascript:alert(1)}}', "placeholder-in-href"),
    P("{{Main|\ue0000\ue001}}<script>alert(1)</script>", "placeholder-in-parameter"),
    # tables and lists
    P("| a | b |\n|---|---|\n| <script>alert(1)</script> | [x](javascript:alert(1)) |",
      "table-cells"),
    P("- <img src=x onerror=alert(1)>\n- [x](vbscript:x)", "list-items"),
    P("> <iframe src=javascript:alert(1)>", "blockquote-iframe"),
]


def test_the_xss_table_is_large_enough() -> None:
    assert len(XSS_VECTORS) >= 60


@pytest.mark.parametrize("payload", XSS_VECTORS)
def test_xss_vector_renders_harmless(client: FlaskClient, wiki: WikiClient, payload: str) -> None:
    text = f"Before the payload.\n\n{payload}\n\nAfter the payload."
    response = wiki.edit("Xss_test", text, summary="testing")
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == "/wiki/Xss_test"
    page = client.get("/wiki/Xss_test")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Before the payload." in html  # the text was rendered
    assert audit(html, "page-body") == []

    # the preview of the same text is just as harmless
    preview = wiki.edit("Xss_test", text, button="preview")
    assert preview.status_code == 200
    assert audit(preview.get_data(as_text=True), "preview") == []


def test_xss_in_the_edit_summary_is_shown_as_text(client: FlaskClient, wiki: WikiClient) -> None:
    summary = '<script>alert(1)</script><img src=x onerror=alert(1)>'
    assert wiki.edit("Summary_xss", "Some text.", summary=summary).status_code == 303
    for path in ("/wiki/Summary_xss?action=history", "/wiki/Special:Contributions/127.0.0.1",
                 "/wiki/Special:RecentChanges"):
        html = client.get(path).get_data(as_text=True)
        assert audit(html, None) == [], path
        assert "&lt;script&gt;" in html, path


def test_the_audit_catches_what_it_should() -> None:
    """The checker itself: each of these must be reported."""
    page = '<div class="page-body">{}</div>'
    for bad in ('<script>alert(1)</script>', '<a href=" JaVa&#x09;Script:x">x</a>',
                '<a href="&#106;avascript:x">x</a>', '<a href="javascript&colon;x">x</a>',
                '<img src="data:image/png;base64,AA">', '<p style="color:red">x</p>',
                '<span onclick="x">x</span>', '<svg></svg>', '<form></form>',
                '<a href="&#x76;bscript:x">x</a>', '<base href="/">'):
        assert audit(page.format(bad), "page-body"), bad
    harmless = ('<a href="/wiki/Main_Page" class="new">x</a><img src="/maps/a.svg">'
                '<a href="&amp;#106;avascript:x">x</a><a href="javascript&amp;colon;x">x</a>'
                '<div class="x"><p>javascript: is only text here</p></div>')
    assert audit(page.format(harmless), "page-body") == []


@pytest.mark.parametrize("path", ["/map/AZE-XKX.svg", "/map/AZE-XKX.png", "/map/world/XKX.svg"])
def test_map_responses_cannot_be_framed_or_run_script(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives.get("default-src") == ["'none'"]  # so no script source at all
    assert directives.get("frame-ancestors") == ["'none'"]
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
