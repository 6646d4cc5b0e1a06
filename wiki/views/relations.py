"""The relations pages on the web: Special:NewRelations (one form makes an article, its
redirects and hubs; unknown or ambiguous names and ISO codes come back to the form with the
choices or the names the codes stand for), Special:RelationsMatrix, the "Create this relations
page" offer on missing relations titles. (The live data relations templates show, and the
resolver that sends other spellings to existing pages, are in wiki.relations.live.)"""

from __future__ import annotations

import sys
from functools import cache
from typing import Any

from flask import Flask, Response, flash, make_response, redirect, render_template, request
from flask.typing import ResponseReturnValue

from wiki.extensions import MissingPageOffer, registry
from wiki.relations import catalog
from wiki.relations.country import Country
from wiki.relations.create import (
    RelationsFormError,
    RelationsPageExists,
    RelationsRequest,
    create_relations_page,
    pair_from_title,
)
from wiki.relations.names import all_countries, prose_name, sort_key
from wiki.titles import Title, page_url
from wiki.views import conditional, special
from wiki.views.helpers import current_author

FIELDS = ("first", "second", "established", "lead", "summary")
FIELD_LIMITS = {"first": 200, "second": 200, "established": 20, "lead": 4000, "summary": 500}


@cache
def datalist_options() -> list[tuple[str, str]]:
    """(value, label) for the country fields' type-ahead: every name and alias."""
    options = []
    for country in sorted(all_countries(), key=lambda c: sort_key(c.name)):
        options.append((country.name, country.name))
        options.extend((alias, country.name) for alias in country.aliases)
    return options


def _form(values: dict[str, str], status: int = 200, **extra: Any) -> ResponseReturnValue:
    return render_template("special/new_relations.html", values=values,
                           options=datalist_options(), **extra), status


@special.special_page("NewRelations", "Create an \u201cX\u2013Y relations\u201d page in one step",
                  sidebar="New relations page")
def new_relations(_subpage: str) -> ResponseReturnValue:
    """The form (GET, prefilled from ?first=&second=) and its submission (POST)."""
    source = request.form if request.method == "POST" else request.args
    values = {name: source.get(name, "")[: FIELD_LIMITS[name]] for name in FIELDS}
    if request.method != "POST":
        return _form(values)
    relations_request = RelationsRequest(**values)
    try:
        created = create_relations_page(relations_request, current_author())
    except RelationsFormError as error:
        codes = [(values[name], country.name) for name, country in error.codes.items()]
        values.update((name, country.name) for name, country in error.codes.items())
        return _form(values, 400, errors=error.errors, suggestions=error.suggestions,
                     choices=error.choices, codes=codes)
    except RelationsPageExists as error:
        return _form(values, 409, exists=error.title, canonical=error.canonical)
    made = len(created.redirects) + len(created.hubs)
    flash(f"Created {created.article.full} with {made} redirects and hub pages.", "success")
    return redirect(page_url(created.article), code=303)


@special.special_page("RelationsMatrix", "Which pairs of countries have relations pages",
                  sidebar="Relations matrix")
def relations_matrix(_subpage: str) -> ResponseReturnValue:
    """Countries × countries: blue cells for existing pages, red cells to create them."""
    return conditional.answer(lambda: conditional.pages_validator("relationsmatrix"),
                              _matrix_page)


def _matrix_page() -> Response:
    found = catalog.relations_pages()
    existing = {(p.first.alpha3, p.second.alpha3): p.title for p in found}
    countries: dict[str, Country] = {}
    for page in found:
        countries[page.first.alpha3] = page.first
        countries[page.second.alpha3] = page.second
    ordered = sorted(countries.values(), key=lambda c: sort_key(c.name))
    cells = {}
    for row in ordered:
        for column in ordered:
            if row == column:
                continue
            first, second = sorted((row, column), key=lambda c: sort_key(c.name))
            cells[(row.alpha3, column.alpha3)] = existing.get((first.alpha3, second.alpha3))
    return make_response(render_template("special/relations_matrix.html", countries=ordered,
                                         cells=cells))


def offer_for_missing(title: Title) -> MissingPageOffer | None:
    """On a missing "X–Y relations" title (any dash, any order), offer the one-step form."""
    pair = pair_from_title(title)
    if pair is None:
        return None
    first, second = pair
    href = page_url("Special:NewRelations", first=first.name, second=second.name)
    return MissingPageOffer(
        href, "Create this relations page",
        f"an article on {prose_name(first)} and {prose_name(second)}, with its map, redirects "
        "and hub pages")


def init_app(app: Flask) -> None:
    """Register the relations special pages and the creation offer on missing pages."""
    special.register_declared(app, sys.modules[__name__])
    registry(app).add_missing_page_offer(offer_for_missing)
