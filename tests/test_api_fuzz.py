"""Random parameter sets posted to /w/api.php by GET and POST: module names (real and made up),
parameter names from the modules' own declarations (and made-up ones), and values of every
awkward kind. Every answer must be HTTP 200 with JSON, and none an internal error."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wiki.api.action.modules import api_modules

VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["max", "", "|", "||", "-||", "0", "-1", "1", "10", "501", "5000",
                     "99999999999999999999", "1e3", "now", "2026-01-01T00:00:00Z",
                     "20260101000000", "*", "\x1fa\x1fb", "Main Page", "Category:X", "a|b|c",
                     "Azerbaijan–Kosovo relations", "20200101000000|1", "0|Main_Page|1"]),
    st.integers(min_value=-10**20, max_value=10**20).map(str),
    st.lists(st.text(max_size=8), max_size=60).map("|".join),
)


def declared(app: Flask) -> tuple[list[str], dict[str, list[str]]]:
    """Every module name, and the parameter names each module group reads (with prefixes)."""
    with app.app_context():
        registry = api_modules()
        names: dict[str, list[str]] = {}
        for module in registry:
            prefixes = [module.prefix] if module.group in ("action", "meta", "prop") else \
                [module.prefix, "g" + module.prefix]
            names[module.name] = [prefix + param.name for prefix in prefixes
                                  for param in module.all_params]
        return sorted(names), names


@settings(max_examples=250, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_every_answer_is_200_json(app: Flask, data: st.DataObject) -> None:
    modules, parameters = declared(app)
    client = app.test_client()
    action = data.draw(st.sampled_from(["query", "query", "query", "paraminfo", "help"]
                                       + modules) | st.text(max_size=10))
    picked = data.draw(st.lists(st.sampled_from(modules), max_size=3))
    params: dict[str, Any] = {"action": action, "format": "json"}
    if action == "query":
        for group in ("prop", "list", "meta", "generator"):
            if data.draw(st.booleans()):
                params[group] = "|".join(data.draw(st.lists(
                    st.sampled_from(modules) | st.text(max_size=6), min_size=1, max_size=3)))
    for name in picked:
        if not parameters[name]:
            continue
        for parameter in data.draw(st.lists(st.sampled_from(parameters[name]), max_size=4)):
            params[parameter] = data.draw(VALUES)
    if data.draw(st.booleans()):
        params[data.draw(st.text(min_size=1, max_size=10))] = data.draw(VALUES)
    for key in ("titles", "revids", "pageids", "formatversion", "continue"):
        if data.draw(st.booleans()):
            params[key] = data.draw(VALUES | st.sampled_from(["2", "1"]))
    if data.draw(st.booleans()):
        response = client.get("/w/api.php", query_string=params)
    else:
        response = client.post("/w/api.php", data=params)
    assert response.status_code == 200
    if response.content_type.startswith("application/rsd+xml"):
        assert params["action"] == "rsd"
        return
    assert response.content_type == "application/json; charset=utf-8"
    body = json.loads(response.get_data(as_text=True))
    assert isinstance(body, dict)
    code = body.get("error", {}).get("code", "")
    assert not code.startswith("internal_api_error"), (params, body)
