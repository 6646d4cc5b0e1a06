"""HTTP tests of action=query's read modules through the test client: prop=revisions and the
lists, in formatversion 1 and 2, their continuation and their errors."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from wikitest import create

from wiki import accounts, pages
from wiki.titles import parse_title

ARTICLE = "Azerbaijan–Kosovo relations"


def api(client: FlaskClient, **params: Any) -> dict[str, Any]:
    """One GET to /w/api.php (format=json added); checks the transport rules."""
    params.setdefault("format", "json")
    response = client.get("/w/api.php", query_string=params)
    assert response.status_code == 200
    assert response.content_type == "application/json; charset=utf-8"
    body: dict[str, Any] = response.get_json()
    return body


def error_code(body: dict[str, Any]) -> str:
    """The code of an error answer."""
    assert "error" in body, body
    code: str = body["error"]["code"]
    return code


def pages_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    """query.pages as a list, whatever the format version."""
    found = body["query"]["pages"]
    return list(found.values()) if isinstance(found, dict) else list(found)


def edit(app: Flask, title: str, text: str, author: str = "Editor", *, minor: bool = False,
         ip: bool = False, summary: str = "") -> int:
    """Save a revision through the page service; returns its id."""
    with app.app_context():
        page = pages.find_page(parse_title(title))
        base = page.latest_revision_id if page is not None else None
        who = pages.Author.anonymous(author) if ip else pages.Author(author)
        result = pages.save_edit(parse_title(title), text, author=who, base_revision_id=base,
                                 summary=summary, minor=minor)
        return result.revision.id


def collect(client: FlaskClient, key: str, **params: Any) -> list[dict[str, Any]]:
    """Follow continuation to the end, gathering query[key]; every batch must advance."""
    found: list[dict[str, Any]] = []
    cont: dict[str, Any] = {"continue": ""}
    seen: set[str] = set()
    for _ in range(200):
        body = api(client, action="query", **params, **cont)
        assert "error" not in body, body
        batch = body.get("query", {}).get(key, [])
        found += list(batch.values()) if isinstance(batch, dict) else batch
        if "continue" not in body:
            return found
        marker = repr(sorted(body["continue"].items()))
        assert marker not in seen, "a continuation value repeated"
        seen.add(marker)
        cont = body["continue"]
    raise AssertionError("continuation did not end")


# --- prop=revisions ---------------------------------------------------------------------------

@pytest.fixture
def history(app: Flask) -> list[int]:
    """A page with five revisions: one anonymous, one minor; returns ids oldest first."""
    ids = [create(app, "History page", "Lead.\n\n## One\n\nFirst.\n\n### Sub\n\nDeep.\n\n"
                                       "## Two\n\nSecond.", author="Alice")]
    ids.append(edit(app, "History page", "Lead 2.\n\n## One\n\nFirst.", "Bob", minor=True,
                    summary="shorter [[Kosovo]]"))
    ids.append(edit(app, "History page", "Lead 3.\n\n## One\n\nFirst.", "192.0.2.7", ip=True))
    ids.append(edit(app, "History page", "Lead 4.\n\n## One\n\nFirst.", "Alice"))
    ids.append(edit(app, "History page", "Lead 5 ü.\n\n## One\n\nFirst.", "Bob"))
    return ids


def test_latest_revision_with_content_fv1_legacy(client: FlaskClient, history: list[int]
                                                 ) -> None:
    body = api(client, action="query", prop="revisions", titles="History page",
               rvprop="content|ids|timestamp|size|sha1|flags|user|comment")
    [page] = pages_of(body)
    [revision] = page["revisions"]
    assert revision["revid"] == history[-1] and revision["parentid"] == history[-2]
    assert revision["*"] == "Lead 5 ü.\n\n## One\n\nFirst."
    assert revision["contentmodel"] == "markdown"
    assert revision["size"] == len(revision["*"].encode("utf-8"))
    assert len(revision["sha1"]) == 40 and int(revision["sha1"], 16) >= 0
    assert revision["timestamp"].endswith("Z") and len(revision["timestamp"]) == 20
    assert "minor" not in revision and "anon" not in revision
    assert "rvslots" in body["warnings"]["revisions"]["*"]


def test_content_in_slots_fv1_and_fv2(client: FlaskClient, history: list[int]) -> None:
    one = api(client, action="query", prop="revisions", titles="History page",
              rvprop="content|timestamp", rvslots="main")
    slot = pages_of(one)[0]["revisions"][0]["slots"]["main"]
    assert slot == {"contentmodel": "markdown", "contentformat": "text/markdown",
                    "*": "Lead 5 ü.\n\n## One\n\nFirst."}
    two = api(client, action="query", prop="revisions", titles="History page",
              rvprop="content|slotsize|slotsha1|roles", rvslots="*", formatversion="2")
    revision = two["query"]["pages"][0]["revisions"][0]
    assert revision["roles"] == ["main"]
    assert revision["slots"]["main"]["content"].startswith("Lead 5")
    assert revision["slots"]["main"]["size"] > 0 and len(revision["slots"]["main"]["sha1"]) == 40
    assert two["batchcomplete"] is True


def test_history_enumeration_flags_and_continuation(client: FlaskClient, history: list[int]
                                                    ) -> None:
    body = api(client, action="query", prop="revisions", titles="History page", rvlimit="2",
               rvprop="ids|flags|user|userid|comment|parsedcomment")
    revisions = pages_of(body)[0]["revisions"]
    assert [r["revid"] for r in revisions] == [history[4], history[3]]
    rvcontinue = body["continue"]["rvcontinue"]
    assert body["continue"]["continue"] == "||"
    assert "batchcomplete" not in body
    rest = api(client, action="query", prop="revisions", titles="History page", rvlimit="2",
               rvprop="ids|flags|user|comment|parsedcomment", rvcontinue=rvcontinue,
               **{"continue": "||"})
    older = pages_of(rest)[0]["revisions"]
    assert [r["revid"] for r in older] == [history[2], history[1]]
    assert older[0]["anon"] == "" and older[0]["user"] == "192.0.2.7"
    assert older[1]["minor"] == "" and older[1]["comment"] == "shorter [[Kosovo]]"
    assert '<a href="/wiki/Kosovo"' in older[1]["parsedcomment"]
    assert rest["continue"]["rvcontinue"] != rvcontinue


def test_every_revision_once_in_both_directions(client: FlaskClient, history: list[int]
                                                ) -> None:
    for direction, expected in (("older", history[::-1]), ("newer", history)):
        found = collect(client, "pages", prop="revisions", titles="History page", rvlimit="1",
                        rvdir=direction, rvprop="ids")
        assert [page["revisions"][0]["revid"] for page in found] == expected


def test_range_and_user_filters(client: FlaskClient, history: list[int]) -> None:
    def revids(**params: Any) -> list[int]:
        body = api(client, action="query", prop="revisions", titles="History page",
                   rvprop="ids", **params)
        return [r["revid"] for r in pages_of(body)[0].get("revisions", [])]

    assert revids(rvstartid=str(history[3]), rvendid=str(history[1])) == history[3:0:-1]
    assert revids(rvdir="newer", rvstartid=str(history[1]), rvlimit="2") == history[1:3]
    assert revids(rvuser="alice") == [history[3], history[0]]
    assert revids(rvexcludeuser="Alice", rvlimit="max") == [history[4], history[2], history[1]]
    assert revids(rvstart="2000-01-01T00:00:00Z") == []
    assert revids(rvend="20000101000000", rvlimit="10") == history[::-1]


def test_revids_mode(client: FlaskClient, history: list[int]) -> None:
    body = api(client, action="query", prop="revisions", revids=f"{history[1]}|{history[3]}|999",
               rvprop="ids|content", rvslots="main")
    [page] = pages_of(body)
    assert [r["revid"] for r in page["revisions"]] == [history[1], history[3]]
    assert body["query"]["badrevids"] == {"999": {"revid": 999, "missing": ""}}


def test_latest_of_several_pages_with_continuation(client: FlaskClient, app: Flask) -> None:
    titles = [f"Many {n}" for n in range(60)]
    for title in titles:
        create(app, title, f"Text of {title}.")
    found = collect(client, "pages", prop="revisions", titles="|".join(titles[:50]),
                    rvprop="content|ids", rvslots="main")
    texts = [r["slots"]["main"]["*"] for page in found for r in page.get("revisions", [])]
    assert sorted(texts) == sorted(f"Text of {title}." for title in titles[:50])


def test_sections(client: FlaskClient, history: list[int]) -> None:
    body = api(client, action="query", prop="revisions", revids=str(history[0]),
               rvprop="content", rvslots="main", rvsection="1")
    text = pages_of(body)[0]["revisions"][0]["slots"]["main"]["*"]
    assert text == "## One\n\nFirst.\n\n### Sub\n\nDeep."
    lead = api(client, action="query", prop="revisions", revids=str(history[0]),
               rvprop="content", rvslots="main", rvsection="0")
    assert pages_of(lead)[0]["revisions"][0]["slots"]["main"]["*"] == "Lead."
    for bad in ("4", "99", "-1", "x"):
        missing = api(client, action="query", prop="revisions", revids=str(history[0]),
                      rvprop="content", rvslots="main", rvsection=bad)
        assert error_code(missing) == "nosuchsection"
    assert api(client, action="query", prop="revisions", titles="History page",
               rvprop="content", rvsection="99")["error"]["info"] == "There is no section 99."


@pytest.mark.parametrize(("params", "code"), [
    ({"titles": "History page|Main Page", "rvlimit": "1"}, "invalidparammix"),
    ({"titles": "History page|Main Page", "rvdir": "newer"}, "invalidparammix"),
    ({"revids": "1", "rvlimit": "1"}, "invalidparammix"),
    ({"titles": "History page", "rvstartid": "1", "rvstart": "2020-01-01T00:00:00Z"},
     "invalidparammix"),
    ({"titles": "History page", "rvstartid": "99999"}, "badid_rvstartid"),
    ({"titles": "History page", "rvlimit": "ten"}, "badinteger"),
    ({"titles": "History page", "rvstart": "yesterday"}, "badtimestamp"),
    ({"titles": "History page", "rvdir": "sideways"}, "badvalue"),
    ({"titles": "History page", "rvlimit": "2", "rvcontinue": "garbage"}, "badcontinue"),
    ({"titles": "History page", "rvlimit": "2", "rvcontinue": "20200101000000|1"},
     "badcontinue"),
    ({"titles": "History page", "rvcontinue": "1|1"}, "badcontinue"),
    ({"titles": "History page", "rvlimit": "2", "rvcontinue": "20200101000000|x"},
     "badcontinue"),
])
def test_revision_errors(client: FlaskClient, history: list[int], params: dict[str, str],
                         code: str) -> None:
    assert error_code(api(client, action="query", prop="revisions", **params)) == code


def test_continuation_of_another_page_is_refused(client: FlaskClient, history: list[int]
                                                 ) -> None:
    first = api(client, action="query", prop="revisions", titles="History page", rvlimit="1")
    other = api(client, action="query", prop="revisions", titles="Main Page", rvlimit="1",
                rvcontinue=first["continue"]["rvcontinue"])
    assert error_code(other) == "badcontinue"


def test_content_limit_is_clamped_with_a_warning(client: FlaskClient, history: list[int]
                                                 ) -> None:
    body = api(client, action="query", prop="revisions", titles="History page",
               rvprop="content", rvslots="main", rvlimit="5000")
    assert len(pages_of(body)[0]["revisions"]) == 5
    assert "must be no greater than" in body["warnings"]["revisions"]["*"]
    maxed = api(client, action="query", prop="revisions", titles="History page",
                rvprop="ids", rvlimit="max")
    assert maxed["limits"] == {"revisions": 500}


# --- lists ------------------------------------------------------------------------------------

def test_allpages_every_page_once_in_title_order(client: FlaskClient, app: Flask) -> None:
    for n in range(12):
        create(app, f"Zz page {n:02d}", "x")
    found = collect(client, "allpages", list="allpages", aplimit="5")
    titles = [item["title"] for item in found]
    assert titles == sorted(titles) and len(titles) == len(set(titles))
    assert {f"Zz page {n:02d}" for n in range(12)} <= set(titles)
    assert all(set(item) == {"pageid", "ns", "title"} for item in found)
    descending = collect(client, "allpages", list="allpages", aplimit="7", apdir="descending")
    assert [item["title"] for item in descending] == titles[::-1]


def test_allpages_filters(client: FlaskClient, app: Flask) -> None:
    create(app, "Zz redirect", "#REDIRECT [[Kosovo]]")
    create(app, "Talk:Zz talk", "talk")

    def titles(**params: Any) -> list[str]:
        body = api(client, action="query", list="allpages", aplimit="max", **params)
        return [item["title"] for item in body["query"]["allpages"]]

    assert titles(apprefix="Zz") == ["Zz redirect"]
    assert titles(apprefix="zz", apfilterredir="nonredirects") == []
    assert titles(apfrom="Zz", apfilterredir="redirects") == ["Zz redirect"]
    assert titles(apnamespace="1") == ["Talk:Zz talk"]
    assert titles(apfrom="Kosovo", apto="Kosovo") == ["Kosovo"]
    assert error_code(api(client, action="query", list="allpages", apnamespace="99")) \
        == "badvalue"
    assert error_code(api(client, action="query", list="allpages", apfrom="a[b")) \
        == "invalidtitle"


def test_generator_allpages_in_title_order_with_ns(client: FlaskClient) -> None:
    body = api(client, action="query", generator="allpages", gaplimit="5", prop="info",
               gapfrom="!", inprop="protection")
    found = list(body["query"]["pages"].values())
    assert [page["title"] for page in found] == sorted(page["title"] for page in found)
    assert all("ns" in page for page in found)
    assert body["continue"]["continue"] == "gapcontinue||"
    two = api(client, action="query", generator="allpages", gaplimit="5", formatversion="2")
    assert isinstance(two["query"]["pages"], list) and len(two["query"]["pages"]) == 5


def test_generator_with_props_holds_its_batch(client: FlaskClient, app: Flask) -> None:
    for n in range(8):
        create(app, f"Yy {n}", f"body {n}")
    found = collect(client, "pages", generator="allpages", gapprefix="Yy", gaplimit="5",
                    prop="revisions", rvprop="content", rvslots="main")
    texts = [page["revisions"][0]["slots"]["main"]["*"] for page in found
             if "revisions" in page]
    assert sorted(texts) == [f"body {n}" for n in range(8)]


def test_recentchanges(client: FlaskClient, app: Flask, history: list[int]) -> None:
    found = collect(client, "recentchanges", list="recentchanges", rclimit="3",
                    rcprop="title|ids|timestamp|user|flags|sizes|comment")
    revids = [item["revid"] for item in found if item["type"] != "log"]
    assert revids == sorted(revids, reverse=True) and len(revids) == len(set(revids))
    ours = [item for item in found if item["title"] == "History page"]
    assert [item["type"] for item in ours] == ["edit"] * 4 + ["new"]
    assert ours[0]["old_revid"] == history[-2] and ours[-1]["old_revid"] == 0
    assert ours[2]["anon"] == "" and ours[3]["minor"] == ""
    assert {"ns", "title", "pageid", "revid", "old_revid", "rcid", "timestamp"} <= set(ours[0])
    newer = collect(client, "recentchanges", list="recentchanges", rclimit="4", rcdir="newer",
                    rcprop="ids")
    assert [item["rcid"] for item in newer] == [item["rcid"] for item in found][::-1]

    def titles(**params: Any) -> list[str]:
        body = api(client, action="query", list="recentchanges", rclimit="max", **params)
        return [item["title"] for item in body["query"]["recentchanges"]]

    assert titles(rcshow="anon") == ["History page"]
    assert titles(rcshow="minor", rcuser="Bob") == ["History page"]
    assert titles(rctype="new", rcnamespace="1") == []
    assert error_code(api(client, action="query", list="recentchanges",
                          rcshow="minor|!minor")) == "show"


def test_recentchanges_lists_log_actions(client: FlaskClient, app: Flask) -> None:
    with app.app_context():
        accounts.create_account("Logged", "correct horse battery", "correct horse battery")
    body = api(client, action="query", list="recentchanges", rctype="log",
               rcprop="title|ids|loginfo|user")
    [entry] = body["query"]["recentchanges"]
    assert entry["type"] == "log" and entry["logtype"] == "newusers"
    assert entry["rcid"] % 2 == 1 and entry["title"] == "User:Logged"
    events = api(client, action="query", list="logevents", letype="newusers")
    [event] = events["query"]["logevents"]
    assert event["action"] == "create" and event["title"] == "User:Logged"
    assert event["logid"] > 0 and event["timestamp"].endswith("Z")


def test_search(client: FlaskClient) -> None:
    body = api(client, action="query", list="search", srsearch="kosovo", srlimit="2")
    first = body["query"]["search"]
    assert len(first) == 2 and body["query"]["searchinfo"]["totalhits"] > 2
    assert {"ns", "title", "pageid", "size", "wordcount", "snippet", "timestamp"} <= set(first[0])
    assert '<span class="searchmatch">' in first[0]["snippet"]
    assert body["continue"]["sroffset"] == 2
    every = collect(client, "search", list="search", srsearch="kosovo", srlimit="7")
    assert len(every) == body["query"]["searchinfo"]["totalhits"]
    assert len({item["title"] for item in every}) == len(every)
    titles = api(client, action="query", list="search", srsearch="relations azerbaijan",
                 srwhat="title", srlimit="max")["query"]["search"]
    assert ARTICLE in [item["title"] for item in titles]
    assert error_code(api(client, action="query", list="search")) == "missingparam"


def test_search_snippets_are_escaped(client: FlaskClient, app: Flask) -> None:
    create(app, "Escaping", "Quokka `1 < 2` & more")
    body = api(client, action="query", list="search", srsearch="quokka")
    snippet = body["query"]["search"][0]["snippet"]
    plain = snippet.replace('<span class="searchmatch">', "").replace("</span>", "")
    assert "<" not in plain and "&lt;" in plain and "&amp;" in plain


def test_generator_search(client: FlaskClient) -> None:
    body = api(client, action="query", generator="search", gsrsearch="kosovo", gsrlimit="3")
    assert len(body["query"]["pages"]) == 3
    assert body["continue"]["gsroffset"] == 3


def test_backlinks(client: FlaskClient, app: Flask) -> None:
    for n in range(7):
        create(app, f"Linker {n}", "See [[Nowhere yet]].")
    create(app, "Redirect to nowhere", "#REDIRECT [[Nowhere yet]]")
    create(app, "Via redirect", "See [[Redirect to nowhere]].")
    found = collect(client, "backlinks", list="backlinks", bltitle="Nowhere yet", bllimit="3")
    assert [item["title"] for item in found][:7] == [f"Linker {n}" for n in range(7)]
    assert len(found) == 8 and found[-1]["redirect"] == ""
    redirected = api(client, action="query", list="backlinks", bltitle="Nowhere yet",
                     blfilterredir="redirects", blredirect="1")["query"]["backlinks"]
    assert redirected[0]["redirlinks"][0]["title"] == "Via redirect"
    generated = api(client, action="query", generator="backlinks", gbltitle="Nowhere yet",
                    gbllimit="max")
    assert len(generated["query"]["pages"]) == 8
    first = api(client, action="query", list="backlinks", bltitle="Nowhere yet", bllimit="2")
    other = api(client, action="query", list="backlinks", bltitle="Kosovo",
                blcontinue=first["continue"]["blcontinue"])
    assert error_code(other) == "badcontinue"
    assert error_code(api(client, action="query", list="backlinks")) == "missingparam"
    assert error_code(api(client, action="query", list="backlinks", bltitle="a|b")) \
        == "invalidtitle"


def test_categorymembers(client: FlaskClient, app: Flask) -> None:
    for n in range(5):
        create(app, f"Member {n}", "Text.\n\n[[Category:Testing things]]")
    create(app, "Category:Sub things", "[[Category:Testing things]]")
    found = collect(client, "categorymembers", list="categorymembers",
                    cmtitle="Category:Testing things", cmlimit="2", cmprop="ids|title|type")
    assert [item["title"] for item in found] == ["Category:Sub things"] + [
        f"Member {n}" for n in range(5)] or sorted(item["title"] for item in found) == sorted(
        ["Category:Sub things"] + [f"Member {n}" for n in range(5)])
    assert {item["type"] for item in found} == {"page", "subcat"}
    pages_only = api(client, action="query", list="categorymembers", cmtype="page",
                     cmtitle="Category:Testing things", cmlimit="max")
    assert len(pages_only["query"]["categorymembers"]) == 5
    generated = api(client, action="query", generator="categorymembers",
                    gcmtitle="Category:Testing things", gcmlimit="max")
    assert len(generated["query"]["pages"]) == 6
    assert error_code(api(client, action="query", list="categorymembers",
                          cmtitle="Testing things")) == "invalidcategory"


def test_usercontribs(client: FlaskClient, history: list[int]) -> None:
    found = collect(client, "usercontribs", list="usercontribs", ucuser="Alice|Bob",
                    uclimit="1")
    assert [item["revid"] for item in found] == [history[4], history[3], history[1],
                                                 history[0]]
    assert found[0]["top"] == "" and "top" not in found[1]
    assert found[-1]["new"] == "" and found[2]["minor"] == ""
    anon = api(client, action="query", list="usercontribs", ucuser="192.0.2.7")
    assert anon["query"]["usercontribs"][0]["userid"] == 0
    assert error_code(api(client, action="query", list="usercontribs")) == "missingparam"


# --- bad input --------------------------------------------------------------------------------

def test_unknown_parameters_and_modules(client: FlaskClient) -> None:
    body = api(client, action="query", list="allpages", aplimit="1", bogus="1")
    assert body["warnings"]["main"]["*"] == "Unrecognized parameter: bogus."
    unknown = api(client, action="query", list="allpages|nosuchlist", aplimit="1")
    assert "nosuchlist" in unknown["warnings"]["query"]["*"]
    assert error_code(api(client, action="nosuchaction")) == "badvalue"
    assert error_code(api(client, action="query", generator="nosuch")) == "badvalue"
    two = api(client, action="query", list="allpages", aplimit="1", bogus="1",
              formatversion="2")
    assert two["warnings"]["main"]["warnings"] == "Unrecognized parameter: bogus."


def test_limits_are_clamped_never_refused(client: FlaskClient) -> None:
    body = api(client, action="query", list="allpages", aplimit="100000")
    assert body["warnings"]["allpages"]["*"] == \
        'The value "100000" for parameter "aplimit" must be no greater than 500.'
    assert "allpages" in body["query"]
    zero = api(client, action="query", list="allpages", aplimit="0")
    assert len(zero["query"]["allpages"]) == 1
    maxed = api(client, action="query", list="allpages", aplimit="max")
    assert maxed["limits"] == {"allpages": 500}


def test_invalid_and_too_long_titles(client: FlaskClient) -> None:
    body = api(client, action="query", titles="Foo|bar<x>|" + "x" * 300, prop="revisions")
    invalid = [page for page in pages_of(body) if "invalid" in page]
    assert len(invalid) == 2 and all(page["invalidreason"] for page in invalid)
    missing = [page for page in pages_of(body) if "missing" in page]
    assert missing[0]["title"] == "Foo"


def test_parameter_mixes_and_value_counts(client: FlaskClient) -> None:
    assert error_code(api(client, action="query", titles="A", pageids="1")) == \
        "invalidparammix"
    many = "|".join(f"T{n}" for n in range(51))
    assert error_code(api(client, action="query", titles=many)) == "toomanyvalues"


@pytest.mark.parametrize("value", ["x", "-||", "a||b||c", "gapcontinue"])
def test_badcontinue_for_values_never_issued(client: FlaskClient, value: str) -> None:
    cont = api(client, action="query", list="allpages", apcontinue="lower case first")
    assert error_code(cont) == "badcontinue"
    if value.count("||") != 1:
        body = api(client, action="query", list="allpages", **{"continue": value})
        assert error_code(body) == "badcontinue"


@pytest.mark.parametrize(("module", "value"), [
    ("rc", "x"), ("rc", "20200101000000|2"), ("rc", "20200101000000|-3"), ("uc", "1|2|3"),
    ("le", "20200101000000|1"), ("cm", "page|zz|1"), ("ap", "Bad|title"), ("bl", "0|Kosovo"),
])
def test_list_badcontinue(client: FlaskClient, module: str, value: str) -> None:
    names = {"rc": "recentchanges", "uc": "usercontribs", "le": "logevents",
             "cm": "categorymembers", "ap": "allpages", "bl": "backlinks"}
    extra = {"uc": {"ucuser": "Alice"}, "cm": {"cmtitle": "Category:X"},
             "bl": {"bltitle": "Kosovo"}}.get(module, {})
    body = api(client, action="query", list=names[module], **extra,
               **{f"{module}continue": value})
    assert error_code(body) == "badcontinue"
