"""action=edit over HTTP: what MediaWiki clients send and what they get back (the wire reference
§5): tokens, bases and the three-way merge, conflicts that save nothing, sections, append and
prepend, create-only and no-create, undo, md5, content models, permissions, the size and rate
limits, and errors that are always HTTP 200 with MediaWiki's codes."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from test_accounts import PASSWORD
from wikitest import WikiClient, create, custom_app

from wiki import accounts, moderation, pages
from wiki.db import db
from wiki.models import Page, Revision
from wiki.titles import parse_title

API = "/w/api.php"
ARTICLE = "Intro line.\n\n## History\n\nFirst history line.\n\nSecond history line.\n\n" \
          "### Early\n\nEarly days.\n\n## Later\n\nLater days."


class Api:
    """One client of /w/api.php with its own cookies: GET and POST with format=json, and the
    tokens of its session."""

    def __init__(self, client: FlaskClient, address: str = "127.0.0.1") -> None:
        self.client = client
        self.environ = {"REMOTE_ADDR": address}

    def get(self, **params: Any) -> dict[str, Any]:
        """A GET; the answer is always 200 with JSON."""
        params.setdefault("format", "json")
        response = self.client.get(API, query_string=params, environ_base=self.environ)
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        body: dict[str, Any] = response.get_json()
        return body

    def post(self, **params: Any) -> dict[str, Any]:
        """A form POST; the answer is always 200 with JSON."""
        params.setdefault("format", "json")
        response = self.client.post(API, data=params, environ_base=self.environ)
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        assert response.content_type == "application/json; charset=utf-8"
        body: dict[str, Any] = response.get_json()
        if "error" in body:
            assert response.headers["MediaWiki-API-Error"] == body["error"]["code"]
        return body

    def token(self, kind: str = "csrf") -> str:
        """A token of this session."""
        found: str = self.get(action="query", meta="tokens", type=kind)["query"]["tokens"][
            f"{kind}token"]
        return found

    def edit(self, **params: Any) -> dict[str, Any]:
        """action=edit with this session's csrf token."""
        params.setdefault("token", self.token())
        return self.post(action="edit", **params)

    def login(self, name: str, password: str = PASSWORD) -> dict[str, Any]:
        """action=login with a fresh login token."""
        return self.post(action="login", lgname=name, lgpassword=password,
                         lgtoken=self.token("login"))


def error_code(answer: dict[str, Any]) -> str:
    """The code of an error answer."""
    assert "error" in answer, answer
    code: str = answer["error"]["code"]
    return code


def page_text(app: Flask, title: str) -> str:
    """The current text of a page."""
    with app.app_context():
        return pages.latest_revision(pages.get_page(parse_title(title))).text


def revision_count(app: Flask, title: str) -> int:
    """How many revisions the page has (0 when it does not exist)."""
    with app.app_context():
        page = pages.find_page(parse_title(title))
        if page is None:
            return 0
        return db.session.scalar(sa.select(sa.func.count()).select_from(Revision)
                                 .where(Revision.page_id == page.id)) or 0


def latest(app: Flask, title: str) -> tuple[int, str, str]:
    """(id, 14-digit timestamp, author) of the page's latest revision."""
    with app.app_context():
        revision = pages.latest_revision(pages.get_page(parse_title(title)))
        return revision.id, revision.timestamp.strftime("%Y%m%d%H%M%S"), revision.author


def make_account(app: Flask, name: str, role: str = "editor") -> None:
    """An account with the test password."""
    with app.app_context():
        accounts.create_account(name, PASSWORD, PASSWORD, role=role)


@pytest.fixture
def api(client: FlaskClient) -> Api:
    """An anonymous API client."""
    return Api(client)


@pytest.fixture
def alpha(app: Flask) -> int:
    """A page "Alpha" with sections; its revision id."""
    return create(app, "Alpha", ARTICLE)


# ---------------------------------------------------------------------------------------------
# saving


def test_a_save_answers_as_mediawiki_does(app: Flask, api: Api, alpha: int) -> None:
    answer = api.edit(title="Alpha", text="New text.", summary="rewrite")
    edit = answer["edit"]
    assert list(edit) == ["result", "pageid", "title", "contentmodel", "oldrevid", "newrevid",
                          "newtimestamp"]
    assert edit["result"] == "Success" and edit["title"] == "Alpha"
    assert edit["contentmodel"] == "markdown" and edit["oldrevid"] == alpha
    revision_id, stamp, author = latest(app, "Alpha")
    assert edit["newrevid"] == revision_id and author == "127.0.0.1"
    assert edit["newtimestamp"] == f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}T{stamp[8:10]}:" \
                                   f"{stamp[10:12]}:{stamp[12:]}Z"
    assert page_text(app, "Alpha") == "New text."


def test_creating_a_page_says_new(app: Flask, api: Api) -> None:
    edit = api.edit(title="does not exist yet", text="Fresh.")["edit"]
    assert list(edit)[:2] == ["new", "result"] and edit["new"] == ""
    assert edit["title"] == "Does not exist yet" and edit["oldrevid"] == 0
    assert page_text(app, "Does not exist yet") == "Fresh."


def test_the_same_text_is_nochange(app: Flask, api: Api, alpha: int) -> None:
    edit = api.edit(title="Alpha", text=ARTICLE)["edit"]
    assert edit == {"result": "Success", "pageid": edit["pageid"], "title": "Alpha",
                    "contentmodel": "markdown", "nochange": ""}
    assert revision_count(app, "Alpha") == 1


def test_formatversion_2_uses_booleans(api: Api) -> None:
    edit = api.edit(title="Beta", text="Text.", formatversion="2")["edit"]
    assert edit["new"] is True


def test_page_ids_name_pages_too(app: Flask, api: Api, alpha: int) -> None:
    with app.app_context():
        page_id = pages.get_page(parse_title("Alpha")).id
    assert api.edit(pageid=page_id, text="By id.")["edit"]["title"] == "Alpha"
    assert error_code(api.edit(pageid=999999, text="x")) == "nosuchpageid"
    assert error_code(api.edit(pageid=page_id, title="Alpha", text="x")) == "invalidparammix"
    assert error_code(api.edit(text="x")) == "missingparam"


def test_summary_minor_and_flags(app: Flask, api: Api, alpha: int) -> None:
    api.edit(title="Alpha", text="Changed.", summary="  a   summary ", minor="1", bot="1",
             tags="x", watchlist="nochange")
    with app.app_context():
        revision = pages.latest_revision(pages.get_page(parse_title("Alpha")))
        assert revision.summary == "a summary" and revision.minor
    api.edit(title="Alpha", text="Changed again.", minor="", notminor="1")
    with app.app_context():
        assert not pages.latest_revision(pages.get_page(parse_title("Alpha"))).minor


def test_a_long_summary_is_shortened_not_refused(app: Flask, api: Api, alpha: int) -> None:
    assert api.edit(title="Alpha", text="Changed.", summary="s" * 900)["edit"]["result"] == \
        "Success"
    with app.app_context():
        assert len(pages.latest_revision(pages.get_page(parse_title("Alpha"))).summary) == 500


def test_signatures_are_expanded_as_on_the_web(app: Flask, api: Api) -> None:
    api.edit(title="Talk:Alpha", text="A question. ~~~")
    assert "~~~" not in page_text(app, "Talk:Alpha")
    assert "127.0.0.1" in page_text(app, "Talk:Alpha")


# ---------------------------------------------------------------------------------------------
# tokens and POST


def test_every_write_needs_post(api: Api, alpha: int) -> None:
    token = api.token()
    for action in ("edit", "delete", "protect", "rollback", "undelete", "logout", "login",
                   "clientlogin"):
        answer = api.get(action=action, title="Alpha", text="x", token=token)
        assert error_code(answer) == "mustbeposted", action


WRITES = [
    ("edit", {"title": "Alpha", "text": "Vandalism."}),
    ("delete", {"title": "Alpha"}),
    ("undelete", {"title": "Alpha"}),
    ("protect", {"title": "Alpha", "protections": "edit=sysop"}),
    ("rollback", {"title": "Alpha", "user": "Setup"}),
    ("logout", {}),
]


@pytest.mark.parametrize(("action", "params"), WRITES, ids=[w[0] for w in WRITES])
def test_every_write_is_refused_without_a_valid_token(app: Flask, client: FlaskClient,
                                                      alpha: int, action: str,
                                                      params: dict[str, str]) -> None:
    make_account(app, "Boss", role="admin")
    api = Api(client)
    assert api.login("Boss")["login"]["result"] == "Success"
    valid = api.token()
    other = Api(app.test_client())
    other_token = other.token()
    assert other_token != valid
    assert error_code(api.post(action=action, **params)) == "missingparam"
    assert error_code(api.post(action=action, token="", **params)) == "missingparam"
    for bad in ("+\\", "nonsense+\\", valid.removesuffix("+\\"), other_token,
                valid[:-5] + "AAAAA+\\"):
        assert error_code(api.post(action=action, token=bad, **params)) == "badtoken", bad
    assert page_text(app, "Alpha") == ARTICLE and revision_count(app, "Alpha") == 1
    with app.app_context():
        page = pages.get_page(parse_title("Alpha"))
        assert not page.is_deleted and moderation.permissions.active_protection(page) is None
    assert "anon" not in api.get(action="query", meta="userinfo")["query"]["userinfo"]


def test_a_token_of_an_ended_session_is_refused(app: Flask, client: FlaskClient,
                                                alpha: int) -> None:
    make_account(app, "Writer")
    api = Api(client)
    api.login("Writer")
    token = api.token()
    assert api.post(action="logout", token=token) == {}
    assert error_code(api.edit(title="Alpha", text="Late.", token=token)) == "badtoken"
    assert page_text(app, "Alpha") == ARTICLE


def test_tokens_expire_with_the_csrf_time_limit(tmp_path: Path, database_url: str) -> None:
    import time

    for application in custom_app(tmp_path, database_url, WTF_CSRF_TIME_LIMIT=1):
        api = Api(application.test_client())
        token = api.token()
        time.sleep(2.1)
        assert error_code(api.edit(title="Expiry", text="x", token=token)) == "badtoken"
        assert api.edit(title="Expiry", text="x")["edit"]["result"] == "Success"


def test_a_token_works_through_the_query_string_too(app: Flask, api: Api) -> None:
    token = api.token()
    response = api.client.post(f"{API}?action=edit&format=json&title=Gamma",
                               data={"text": "Body.", "token": token})
    assert response.get_json()["edit"]["result"] == "Success"


# ---------------------------------------------------------------------------------------------
# bases, merges and conflicts


def test_a_stale_base_merges_changes_to_other_lines(app: Flask, api: Api, alpha: int) -> None:
    _, stamp, _ = latest(app, "Alpha")
    theirs = ARTICLE.replace("Intro line.", "Intro line, edited by someone else.")
    WikiClient(app.test_client()).edit("Alpha", theirs)
    mine = ARTICLE.replace("Later days.", "Later days, edited through the API.")
    edit = api.edit(title="Alpha", text=mine, basetimestamp=stamp)["edit"]
    assert edit["result"] == "Success"
    text = page_text(app, "Alpha")
    assert "edited by someone else" in text and "edited through the API" in text


def test_overlapping_changes_are_an_editconflict_and_save_nothing(app: Flask, api: Api,
                                                                  alpha: int) -> None:
    base_id, stamp, _ = latest(app, "Alpha")
    WikiClient(app.test_client()).edit("Alpha", ARTICLE.replace("Later days.", "Theirs."))
    for base in ({"basetimestamp": stamp}, {"baserevid": str(base_id)},
                 {"basetimestamp": f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}T{stamp[8:10]}:"
                                   f"{stamp[10:12]}:{stamp[12:]}Z"}):
        answer = api.edit(title="Alpha", text=ARTICLE.replace("Later days.", "Mine."), **base)
        assert error_code(answer) == "editconflict", base
        assert "Theirs." in page_text(app, "Alpha") and revision_count(app, "Alpha") == 2


def test_without_a_base_the_current_text_is_replaced(app: Flask, api: Api, alpha: int) -> None:
    WikiClient(app.test_client()).edit("Alpha", ARTICLE.replace("Later days.", "Theirs."))
    assert api.edit(title="Alpha", text="Mine.")["edit"]["result"] == "Success"
    assert page_text(app, "Alpha") == "Mine."


def test_a_page_created_after_the_base_time_is_a_conflict(app: Flask, api: Api) -> None:
    create(app, "Late", "Created meanwhile.")
    answer = api.edit(title="Late", text="Mine.", basetimestamp="20000101000000")
    assert error_code(answer) == "editconflict"
    assert page_text(app, "Late") == "Created meanwhile."


def test_own_consecutive_edits_do_not_conflict(app: Flask, client: FlaskClient,
                                               alpha: int) -> None:
    make_account(app, "Writer")
    api = Api(client)
    api.login("Writer")
    _, stamp, _ = latest(app, "Alpha")
    api.edit(title="Alpha", text=ARTICLE.replace("Later days.", "First try."),
             basetimestamp=stamp)
    second = api.edit(title="Alpha", text=ARTICLE.replace("Later days.", "Second try."),
                      basetimestamp=stamp)
    assert second["edit"]["result"] == "Success"
    assert "Second try." in page_text(app, "Alpha")


def test_anonymous_callers_never_resolve_their_own_conflicts(app: Flask, api: Api,
                                                             alpha: int) -> None:
    _, stamp, _ = latest(app, "Alpha")
    api.edit(title="Alpha", text=ARTICLE.replace("Later days.", "First try."),
             basetimestamp=stamp)
    answer = api.edit(title="Alpha", text=ARTICLE.replace("Later days.", "Second try."),
                      basetimestamp=stamp)
    assert error_code(answer) == "editconflict"
    assert "First try." in page_text(app, "Alpha")


def test_a_base_revision_of_another_page_is_refused(app: Flask, api: Api, alpha: int) -> None:
    other = create(app, "Other", "Other text.")
    assert error_code(api.edit(title="Alpha", text="x", baserevid=str(other))) == "revwrongpage"
    assert error_code(api.edit(title="Alpha", text="x", baserevid="99999")) == "nosuchrevid"
    assert error_code(api.edit(title="Alpha", text="x", basetimestamp="yesterday")) == \
        "badtimestamp"


def test_revision_timestamps_strictly_increase(app: Flask, api: Api) -> None:
    for n in range(4):
        api.edit(title="Quick", text=f"Version {n}.")
    with app.app_context():
        page = pages.get_page(parse_title("Quick"))
        stamps = list(db.session.scalars(sa.select(Revision.timestamp)
                                         .where(Revision.page_id == page.id)
                                         .order_by(Revision.id)))
    assert all(a < b for a, b in zip(stamps, stamps[1:], strict=False))


# ---------------------------------------------------------------------------------------------
# sections, append, prepend


def test_replacing_a_section_keeps_the_rest(app: Flask, api: Api, alpha: int) -> None:
    api.edit(title="Alpha", section="2", text="### Early\n\nReplaced early days.")
    assert page_text(app, "Alpha") == ARTICLE.replace("Early days.", "Replaced early days.")
    api.edit(title="Alpha", section="0", text="New intro.")
    assert page_text(app, "Alpha").startswith("New intro.\n\n## History")


def test_a_section_includes_its_subsections(app: Flask, api: Api, alpha: int) -> None:
    api.edit(title="Alpha", section="1", text="## History\n\nShort now.")
    assert page_text(app, "Alpha") == "Intro line.\n\n## History\n\nShort now.\n\n## Later\n\n" \
                                      "Later days."


def test_a_section_edit_from_an_old_base_merges(app: Flask, api: Api, alpha: int) -> None:
    _, stamp, _ = latest(app, "Alpha")
    WikiClient(app.test_client()).edit("Alpha", ARTICLE.replace("Intro line.", "Their intro."))
    api.edit(title="Alpha", section="3", text="## Later\n\nMy later days.", basetimestamp=stamp)
    text = page_text(app, "Alpha")
    assert text.startswith("Their intro.") and text.endswith("My later days.")


def test_a_section_beyond_the_last_is_nosuchsection(app: Flask, api: Api, alpha: int) -> None:
    answer = api.edit(title="Alpha", section="4", text="x")
    assert error_code(answer) == "nosuchsection"
    assert answer["error"]["info"] == "There is no section 4."
    assert error_code(api.edit(title="Alpha", section="4", appendtext="x")) == "nosuchsection"
    assert error_code(api.edit(title="Nothing here", section="1", text="x")) == "nosuchsection"
    assert error_code(api.edit(title="Alpha", section="first", text="x")) == "invalidsection"
    assert page_text(app, "Alpha") == ARTICLE


def test_a_new_section_takes_its_heading_from_sectiontitle_or_summary(app: Flask, api: Api,
                                                                      alpha: int) -> None:
    api.edit(title="Alpha", section="new", sectiontitle="Question", text="Why?")
    assert page_text(app, "Alpha").endswith("Later days.\n\n## Question\n\nWhy?")
    with app.app_context():
        assert pages.latest_revision(pages.get_page(parse_title("Alpha"))).summary == \
            "/* Question */ new section"
    api.edit(title="Alpha", section="new", summary="Another", text="Because.")
    assert page_text(app, "Alpha").endswith("## Another\n\nBecause.")
    assert error_code(api.edit(title="Alpha", section="new", text=" ")) == "emptynewsection"
    api.edit(title="New talk", section="new", sectiontitle="Hello", text="First post.")
    assert page_text(app, "New talk") == "## Hello\n\nFirst post."


def test_append_and_prepend(app: Flask, api: Api, alpha: int) -> None:
    api.edit(title="Alpha", appendtext="\n\nAppended.")
    api.edit(title="Alpha", prependtext="Prepended.\n\n")
    text = page_text(app, "Alpha")
    assert text.startswith("Prepended.\n\nIntro line.") and text.endswith("Appended.")
    api.edit(title="Alpha", section="2", appendtext="\n\nMore early days.")
    assert "Early days.\n\nMore early days.\n\n## Later" in page_text(app, "Alpha")
    api.edit(title="Created by appending", appendtext="Hello.")
    assert page_text(app, "Created by appending") == "Hello."
    assert error_code(api.edit(title="Alpha", text="x", appendtext="y")) == "invalidparammix"


def test_appending_never_conflicts(app: Flask, api: Api, alpha: int) -> None:
    _, stamp, _ = latest(app, "Alpha")
    api.edit(title="Alpha", appendtext="\n\nOne.", basetimestamp=stamp)
    assert api.edit(title="Alpha", appendtext="\n\nTwo.", basetimestamp=stamp)["edit"][
        "result"] == "Success"
    assert page_text(app, "Alpha").endswith("One.\n\nTwo.")


def test_nothing_to_save_is_missingparam(api: Api, alpha: int) -> None:
    answer = api.edit(title="Alpha", summary="no text")
    assert error_code(answer) == "missingparam"


# ---------------------------------------------------------------------------------------------
# createonly, nocreate, deleted pages, undo, md5, content models


def test_createonly_and_nocreate(app: Flask, api: Api, alpha: int) -> None:
    assert error_code(api.edit(title="Alpha", text="x", createonly="1")) == "articleexists"
    assert error_code(api.edit(title="Missing", text="x", nocreate="1")) == "missingtitle"
    assert revision_count(app, "Missing") == 0 and page_text(app, "Alpha") == ARTICLE
    assert api.edit(title="Missing", text="x", createonly="1")["edit"]["new"] == ""
    assert api.edit(title="Alpha", text="y", nocreate="1")["edit"]["result"] == "Success"


def test_a_deleted_page_cannot_be_edited(app: Flask, api: Api, alpha: int) -> None:
    with app.app_context():
        moderation.delete(parse_title("Alpha"), "test", pages.SYSTEM)
    answer = api.edit(title="Alpha", text="Back.", starttimestamp="20000101000000")
    assert error_code(answer) == "pagedeleted"
    assert "deleted since you fetched" in answer["error"]["info"]
    assert error_code(api.edit(title="Alpha", text="Back.", recreate="1")) == "pagedeleted"
    assert error_code(api.edit(title="Alpha", text="Back.", nocreate="1")) == "missingtitle"


def test_undo(app: Flask, api: Api, alpha: int) -> None:
    first = api.edit(title="Alpha", text=ARTICLE.replace("Intro line.", "Bad intro."))
    api.edit(title="Alpha", text=page_text(app, "Alpha").replace("Later days.", "Kept."))
    edit = api.edit(title="Alpha", undo=str(first["edit"]["newrevid"]))["edit"]
    assert edit["result"] == "Success"
    assert page_text(app, "Alpha") == ARTICLE.replace("Later days.", "Kept.")
    with app.app_context():
        summary = pages.latest_revision(pages.get_page(parse_title("Alpha"))).summary
    assert summary.startswith(f"Undid revision {first['edit']['newrevid']}")
    assert error_code(api.edit(title="Alpha", undo="99999")) == "nosuchrevid"
    assert error_code(api.edit(title="Alpha", undo=str(alpha))) == "undofailure"


def test_undo_with_conflicting_later_edits_fails(app: Flask, api: Api, alpha: int) -> None:
    first = api.edit(title="Alpha", text=ARTICLE.replace("Intro line.", "Bad intro."))
    api.edit(title="Alpha", text=ARTICLE.replace("Intro line.", "Other intro."))
    answer = api.edit(title="Alpha", undo=str(first["edit"]["newrevid"]))
    assert error_code(answer) == "undofailure"
    assert page_text(app, "Alpha").startswith("Other intro.")


def test_md5(app: Flask, api: Api, alpha: int) -> None:
    text = "Checked text."
    good = hashlib.md5(text.encode()).hexdigest()
    assert error_code(api.edit(title="Alpha", text=text, md5="0" * 32)) == "badmd5"
    assert page_text(app, "Alpha") == ARTICLE
    assert api.edit(title="Alpha", text=text, md5=good)["edit"]["result"] == "Success"
    both = hashlib.md5(b"AB").hexdigest()
    assert api.edit(title="Alpha", prependtext="A", appendtext="B", md5=both)["edit"]


def test_content_models_and_formats(app: Flask, api: Api, alpha: int) -> None:
    assert api.edit(title="Alpha", text="One.", contentmodel="markdown",
                    contentformat="text/markdown")["edit"]["result"] == "Success"
    assert error_code(api.edit(title="Alpha", text="Two.", contentformat="text/x-wiki")) == \
        "badformat"
    assert error_code(api.edit(title="Alpha", text="Two.", contentmodel="wikitext")) == \
        "contentmodel-mismatch"
    assert error_code(api.edit(title="Alpha", text="Two.", contentmodel="nonsense")) == \
        "badvalue"
    assert page_text(app, "Alpha") == "One."


def test_redirects_are_followed_on_request(app: Flask, api: Api, alpha: int) -> None:
    create(app, "Alias", "#REDIRECT [[Alpha]]")
    edit = api.edit(title="Alias", text="Through the redirect.", redirect="1")["edit"]
    assert edit["title"] == "Alpha" and page_text(app, "Alpha") == "Through the redirect."
    api.edit(title="Alias", text="The redirect itself.")
    assert page_text(app, "Alias") == "The redirect itself."


# ---------------------------------------------------------------------------------------------
# bad input


@pytest.mark.parametrize("title", ["Foo|bar", "A[b]", "x" * 300, "Special:Nothing" + "y" * 250,
                                   "", " ", "Talk:", "a/../b"])
def test_invalid_titles(app: Flask, api: Api, title: str) -> None:
    answer = api.edit(title=title, text="x")
    assert error_code(answer) in ("invalidtitle", "missingparam")
    if title.strip():
        assert error_code(answer) == "invalidtitle"


def test_special_pages_cannot_exist(api: Api) -> None:
    assert error_code(api.edit(title="Special:RecentChanges", text="x")) == "pagecannotexist"


@pytest.mark.parametrize("text", ["Bell \x07 here", "Nul \x00 here", "Escape \x1b[31m",
                                  "C1 \x85 here"])
def test_control_characters_are_refused(app: Flask, api: Api, alpha: int, text: str) -> None:
    answer = api.edit(title="Alpha", text=text)
    assert error_code(answer) == "badinput"
    assert page_text(app, "Alpha") == ARTICLE


def test_text_over_the_size_limit_is_contenttoobig(tmp_path: Path, database_url: str) -> None:
    for application in custom_app(tmp_path, database_url, WIKI_MAX_ARTICLE_BYTES=1000):
        api = Api(application.test_client())
        answer = api.edit(title="Big", text="x" * 1001)
        assert error_code(answer) == "contenttoobig"
        assert revision_count(application, "Big") == 0


def test_nonsense_parameters_are_answered_never_a_5xx(api: Api, alpha: int) -> None:
    for params in ({"baserevid": "x"}, {"baserevid": "-1"}, {"baserevid": "99999999999999"},
                   {"undo": "abc"}, {"undo": "99999999999999"}, {"pageid": "1e9"},
                   {"section": "-1"}, {"section": "9999999999"}, {"starttimestamp": "soon"},
                   {"contentformat": "text/plain"}, {"watchlist": "always"}):
        answer = api.edit(title="Alpha", text="x", **params)
        assert "error" in answer, params


# ---------------------------------------------------------------------------------------------
# permissions and limits


def test_protected_pages_answer_protectedpage(app: Flask, client: FlaskClient,
                                              alpha: int) -> None:
    with app.app_context():
        moderation.protect(parse_title("Alpha"), "editor", "vandalism", None, pages.SYSTEM)
    api = Api(client)
    assert error_code(api.edit(title="Alpha", text="Anonymous.")) == "protectedpage"
    make_account(app, "Writer")
    api.login("Writer")
    assert api.edit(title="Alpha", text="By an editor.")["edit"]["result"] == "Success"
    with app.app_context():
        moderation.protect(parse_title("Alpha"), "admin", "war", None, pages.SYSTEM)
    assert error_code(api.edit(title="Alpha", text="Again.")) == "protectedpage"
    assert page_text(app, "Alpha") == "By an editor."


@pytest.fixture
def closed(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """A wiki that asks editors to log in."""
    yield from custom_app(tmp_path, database_url, WIKI_ANONYMOUS_EDITS=False)


def test_anonymous_editing_off(closed: Flask) -> None:
    create(closed, "Alpha", ARTICLE)
    api = Api(closed.test_client())
    assert error_code(api.edit(title="Alpha", text="x")) == "noedit-anon"
    assert error_code(api.edit(title="Brand new", text="x")) == "cantcreate-anon"
    userinfo = api.get(action="query", meta="userinfo", uiprop="rights")["query"]["userinfo"]
    assert "edit" not in userinfo["rights"]
    make_account(closed, "Writer")
    api.login("Writer")
    assert api.edit(title="Brand new", text="x")["edit"]["new"] == ""


def test_assert_user_when_logged_out(app: Flask, api: Api, alpha: int) -> None:
    assert error_code(api.edit(title="Alpha", text="x", **{"assert": "user"})) == \
        "assertuserfailed"
    assert error_code(api.edit(title="Alpha", text="x", **{"assert": "bot"})) == \
        "assertbotfailed"
    assert page_text(app, "Alpha") == ARTICLE


@pytest.fixture
def limited(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """Three saves a minute per address and per account."""
    yield from custom_app(tmp_path, database_url, WIKI_EDIT_RATE_LIMIT="3/minute")


def test_api_saves_count_against_the_edit_forms_limit(limited: Flask) -> None:
    api = Api(limited.test_client())
    web = WikiClient(limited.test_client())
    assert web.edit("Limited", "One.").status_code == 303
    assert api.edit(title="Limited", text="Two.")["edit"]["result"] == "Success"
    assert api.edit(title="Limited", text="Three.")["edit"]["result"] == "Success"
    answer = api.edit(title="Limited", text="Four.")
    assert error_code(answer) == "ratelimited"
    assert page_text(limited, "Limited") == "Three."
    assert web.edit("Limited", "Five.").status_code == 429
    elsewhere = Api(limited.test_client(), address="203.0.113.7")
    assert elsewhere.edit(title="Limited", text="Six.")["edit"]["result"] == "Success"


def test_an_accounts_limit_follows_it_to_other_addresses(limited: Flask) -> None:
    make_account(limited, "Writer")
    first = Api(limited.test_client(), address="203.0.113.1")
    first.login("Writer")
    for n in range(3):
        assert first.edit(title="Limited", text=f"Edit {n}.")["edit"]["result"] == "Success"
    second = Api(limited.test_client(), address="203.0.113.2")
    second.login("Writer")
    assert error_code(second.edit(title="Limited", text="More.")) == "ratelimited"


def test_logged_in_saves_are_attributed_to_the_account(app: Flask, client: FlaskClient,
                                                       alpha: int) -> None:
    make_account(app, "Writer")
    api = Api(client)
    api.login("Writer")
    api.edit(title="Alpha", text="Signed work.")
    assert latest(app, "Alpha")[2] == "Writer"
    with app.app_context():
        revision = pages.latest_revision(pages.get_page(parse_title("Alpha")))
        assert not revision.author_is_ip


def test_the_api_saves_what_the_web_form_would(app: Flask, api: Api) -> None:
    """One writer: the revision row, render and links are those of a web save."""
    api.edit(title="Linker", text="See [[Alpha]].")
    with app.app_context():
        page = db.session.scalar(sa.select(Page).where(Page.title == "Linker"))
        assert page is not None and page.latest_revision_id is not None
    html = api.client.get("/wiki/Linker").get_data(as_text=True)
    assert "/wiki/Alpha?action=edit&amp;redlink=1" in html
