"""A Wikipedia-style wiki: create_app() assembles the Flask application; importing does no work."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from wiki.paths import INSTANCE, STATIC, TEMPLATES


def create_app(test_config: Mapping[str, Any] | None = None, *, instance_path: str | None = None
               ) -> Flask:
    """Build the app: config, database, its extension registry (live data for templates, special
    pages, missing-page offers, change listeners), CSRF, blueprints, error handlers, CLI."""
    app = Flask(
        __name__,
        instance_path=str(instance_path or INSTANCE),
        instance_relative_config=True,
        template_folder=str(TEMPLATES),
        static_folder=str(STATIC),
    )
    from wiki import (
        assets,
        cli,
        compression,
        db,
        extensions,
        purge,
        rendering,
        security,
        throttle,
        urls,
        views,
    )
    from wiki.api.action import endpoint as action_api
    from wiki.config import load_config
    from wiki.relations import live as relations_live

    load_config(app, test_config)
    urls.init_app(app)
    assets.init_app(app)
    compression.init_app(app)
    db.init_app(app)
    purge.init_app(app)
    registry = extensions.init_app(app)
    relations_live.register(registry)
    rendering.init_app(app)
    security.init_app(app)
    throttle.init_app(app)
    views.init_app(app)
    action_api.init_app(app)
    cli.init_app(app)
    return app
