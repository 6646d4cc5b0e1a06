"""The blueprints: articles (read, edit, history, diff), special pages, maps, and error pages."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register every blueprint and the error handlers."""
    from wiki.views import (
        accounts,
        articles,
        errors,
        helpers,
        lists,
        maps,
        page_cache,
        pageinfo,
        relations,
        special,
    )
    from wiki.views import search as search_views

    app.url_map.converters["title"] = helpers.TitleConverter
    helpers.init_app(app)
    page_cache.init_app(app)
    errors.init_app(app)
    app.register_blueprint(articles.bp)
    maps.init_app(app)
    special.init_app(app)
    relations.init_app(app)
    accounts.init_app(app)
    lists.init_app(app)
    pageinfo.init_app(app)
    search_views.init_app(app)
