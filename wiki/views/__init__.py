"""The blueprints: articles (read, edit, history, diff), special pages, maps, and error pages;
and /favicon.ico."""

from __future__ import annotations

from flask import Flask, Response, current_app, send_from_directory

FAVICON_MAX_AGE = 86400


def favicon() -> Response:
    """/favicon.ico: pages link to the SVG icon, but browsers, feed readers and bookmarks still
    ask here first."""
    folder = current_app.static_folder
    assert folder is not None  # create_app always gives one
    return send_from_directory(folder, "favicon.ico", max_age=FAVICON_MAX_AGE)


def init_app(app: Flask) -> None:
    """Register every blueprint and the error handlers."""
    from wiki.api import rest as rest_api
    from wiki.views import (
        accounts,
        articles,
        conditional,
        errors,
        export,
        files,
        helpers,
        imports,
        kept_diffs,
        kept_feed_entries,
        kept_page_layer,
        lists,
        maps,
        page_cache,
        pageinfo,
        relations,
        revision_pages,
        special,
    )
    from wiki.views import search as search_views

    app.url_map.converters["title"] = helpers.TitleConverter
    helpers.init_app(app)
    page_cache.init_app(app)
    revision_pages.init_app(app)
    kept_page_layer.init_app(app)
    kept_diffs.init_app(app)
    kept_feed_entries.init_app(app)
    conditional.init_app(app)
    errors.init_app(app)
    app.register_blueprint(articles.bp)
    maps.init_app(app)
    special.init_app(app)
    relations.init_app(app)
    accounts.init_app(app)
    imports.init_app(app)
    lists.init_app(app)
    pageinfo.init_app(app)
    export.init_app(app)
    files.init_app(app)
    search_views.init_app(app)
    rest_api.init_app(app)
    app.add_url_rule("/favicon.ico", "favicon", favicon)
