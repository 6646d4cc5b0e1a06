"""action=paraminfo as MediaWiki 1.39 answers it, action=rsd, and the EditURI link clients
use to find the API from any page."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from test_api_query import api


def modules_of(body: dict[str, Any], key: str = "modules") -> dict[str, dict[str, Any]]:
    """The described modules by path."""
    return {module["path"]: module for module in body["paraminfo"][key]}


def parameter(module: dict[str, Any], name: str) -> dict[str, Any]:
    """One parameter of a described module."""
    [found] = [item for item in module["parameters"] if item["name"] == name]
    return found


def test_list_module(client: FlaskClient) -> None:
    body = api(client, action="paraminfo", modules="query+allpages")
    module = modules_of(body)["query+allpages"]
    assert {key: module[key] for key in ("name", "classname", "group", "prefix", "source")} == {
        "name": "allpages", "classname": "ApiQueryAllPages", "group": "list", "prefix": "ap",
        "source": "MediaWiki"}
    assert module["generator"] == "" and module["readrights"] == ""
    assert module["templatedparameters"] == [] and module["helpurls"]
    assert "mustbeposted" not in module and "description" not in module
    limit = parameter(module, "limit")
    assert (limit["type"], limit["default"], limit["min"], limit["max"], limit["highmax"]) == (
        "limit", 10, 1, 500, 5000)
    assert parameter(module, "filterredir")["type"] == ["all", "redirects", "nonredirects"]
    namespace = parameter(module, "namespace")
    assert namespace["type"] == "namespace" and "multi" not in namespace
    indexes = [item["index"] for item in module["parameters"]]
    assert indexes == list(range(1, len(indexes) + 1))


def test_multi_values_and_format_version_2(client: FlaskClient) -> None:
    body = api(client, action="paraminfo", modules="query+revisions", formatversion="2")
    [module] = body["paraminfo"]["modules"]
    prop = parameter(module, "prop")
    assert prop["multi"] is True and prop["required"] is False
    assert (prop["limit"], prop["lowlimit"], prop["highlimit"]) == (50, 50, 500)
    assert prop["default"] == "ids|timestamp|flags|comment|user"
    assert parameter(module, "slots")["allspecifier"] == "*"
    assert "generator" not in module and module["readrights"] is True


def test_main_and_query(client: FlaskClient) -> None:
    body = api(client, action="paraminfo", modules="main|query")
    found = modules_of(body)
    action = parameter(found["main"], "action")
    assert "query" in action["type"] and "paraminfo" in action["type"]
    assert set(action["submodules"]) == set(action["type"])
    assert all(path == name for name, path in action["submodules"].items())
    assert parameter(found["main"], "format")["type"] == ["json", "jsonfm"]
    query = found["query"]
    assert parameter(query, "list")["submodules"]["allpages"] == "query+allpages"
    generator = parameter(query, "generator")
    assert generator["submoduleparamprefix"] == "g"
    assert {"allpages", "backlinks", "categorymembers", "search", "recentchanges"} <= set(
        generator["type"])
    assert "usercontribs" not in generator["type"]


def test_token_parameters_name_their_type(client: FlaskClient) -> None:
    body = api(client, action="paraminfo", modules="query+tokens")
    assert parameter(modules_of(body)["query+tokens"], "type")["type"][0] == "csrf"


def test_unknown_modules_warn(client: FlaskClient) -> None:
    body = api(client, action="paraminfo", modules="query+allpages|nosuch|query+nothing")
    assert list(modules_of(body)) == ["query+allpages"]
    warning = body["warnings"]["paraminfo"]["*"]
    assert 'The module "main" does not have a submodule "nosuch".' in warning
    assert 'The module "query" does not have a submodule "nothing".' in warning


def test_wildcards_and_deprecated_forms(client: FlaskClient) -> None:
    every = api(client, action="paraminfo", modules="query+*")
    paths = set(modules_of(every))
    assert {"query+revisions", "query+allpages", "query+siteinfo", "query+info"} <= paths
    old = api(client, action="paraminfo", querymodules="allpages", formatmodules="json",
              mainmodule="1")
    assert old["paraminfo"]["querymodules"][0]["querytype"] == "list"
    assert old["paraminfo"]["formatmodules"][0]["name"] == "json"
    assert old["paraminfo"]["mainmodule"]["path"] == "main"
    assert "deprecated" in old["warnings"]["paraminfo"]["*"]


def test_help_formats(client: FlaskClient) -> None:
    for helpformat in ("wikitext", "html", "raw"):
        body = api(client, action="paraminfo", modules="query+search", helpformat=helpformat)
        module = modules_of(body)["query+search"]
        assert module["description"] and module["examples"] == []
        assert parameter(module, "search")["description"]
        assert parameter(module, "search")["required"] == ""
    assert api(client, action="paraminfo", helpformat="pdf")["error"]["code"] == "badvalue"


def test_rsd_and_edit_uri(client: FlaskClient) -> None:
    response = client.get("/w/api.php?action=rsd")
    assert response.status_code == 200
    assert response.content_type.startswith("application/rsd+xml")
    assert 'apiLink="http://localhost:5000/w/api.php"' in response.get_data(as_text=True)
    page = client.get("/wiki/Main_Page").get_data(as_text=True)
    assert '<link rel="EditURI" type="application/rsd+xml" href="/w/api.php?action=rsd">' in page
