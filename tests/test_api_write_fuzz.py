"""No input reaches a 5xx or an internal error: random parameter sets for login, edit, parse,
compare and the moderation modules, by GET and POST, with and without a valid token, as a
logged-in administrator (so that the modules get past their permission checks)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_api_write import API, Api, make_account
from wikitest import create

from wiki.api.action.modules import api_modules

# (login, clientlogin and logout would end the administrator's session: they have their own test)
MODULES = ("edit", "parse", "compare", "delete", "undelete", "protect", "rollback", "purge")
VALUES = st.one_of(
    st.sampled_from(["", "0", "1", "-1", "2", "99999999999999999999", "new", "Alpha", "alpha",
                     "Foo|bar", "Special:Log", "Talk:", "max", "prev", "next", "cur",
                     "20260101000000", "2026-01-01T00:00:00Z", "infinite", "1 week",
                     "edit=sysop|move=autoconfirmed", "edit=all", "text/markdown", "markdown",
                     "wikitext", "text|sections|links", "## H\n\nx", "x" * 300, "\u00e9\u0301",
                     "Setup", "127.0.0.1", "|", "\x1f", "+\\"]),
    st.text(max_size=20),
)


def _params(draw: st.DrawFn, names: list[str]) -> dict[str, str]:
    chosen = draw(st.lists(st.sampled_from(names), max_size=6, unique=True))
    return {name: draw(VALUES) for name in chosen}


@st.composite
def requests(draw: st.DrawFn, names_by_module: dict[str, list[str]]) -> tuple[str, dict[str, str],
                                                                                bool, bool]:
    module = draw(st.sampled_from(MODULES))
    return module, _params(draw, names_by_module[module]), draw(st.booleans()), \
        draw(st.booleans())


def test_no_input_is_an_internal_error(app: Flask) -> None:
    create(app, "Alpha", "Intro.\n\n## History\n\nText.")
    Api(app.test_client()).edit(title="Alpha", text="Intro.\n\n## History\n\nMore text.")
    make_account(app, "Boss", role="admin")
    with app.app_context():
        registry = api_modules(app)
        names = {}
        for name in MODULES:
            module = registry.get("action", name)
            assert module is not None
            names[name] = [module.prefix + param.name for param in module.params]
    api = Api(app.test_client())
    api.login("Boss")

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(requests(names))
    def run(request: tuple[str, dict[str, str], bool, bool]) -> None:
        module, params, post, with_token = request
        data: dict[str, Any] = {"action": module, "format": "json", **params}
        if with_token:
            data["token"] = api.token()
        response = api.client.post(API, data=data) if post else api.client.get(
            API, query_string=data)
        assert response.status_code == 200
        body = response.get_json()
        code = body.get("error", {}).get("code", "")
        assert not code.startswith("internal_api_error"), (data, body)

    run()


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["login", "clientlogin", "logout"]),
       st.dictionaries(st.sampled_from(["lgname", "lgpassword", "lgtoken", "username",
                                        "password", "logintoken", "loginreturnurl",
                                        "logincontinue", "token"]), VALUES, max_size=5))
def test_no_login_input_is_an_internal_error(app: Flask, module: str,
                                             params: dict[str, str]) -> None:
    client = app.test_client()
    response = client.post(API, data={"action": module, "format": "json", **params})
    assert response.status_code == 200
    body = response.get_json()
    assert not body.get("error", {}).get("code", "").startswith("internal_api_error"), body
    if module == "login":
        assert "reason" in body.get("login", {"reason": ""})
    if module == "clientlogin" and "clientlogin" in body:
        assert body["clientlogin"]["status"] == "PASS" or isinstance(
            body["clientlogin"]["message"], str)
