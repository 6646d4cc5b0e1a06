"""The save floor: the least a safe save of the article can cost in a Flask app, to compare the
wiki's saves with, as the floor of tests/bench/bench_views.py is for its page views.

A save here is what bench_site.py's editors do to the wiki: GET the edit form (the page's text
in a textarea of a Jinja page shell, with a CSRF token from Flask-WTF and the base revision),
then POST it (Flask-WTF checks the token, the text is rendered by mistune with the plugins the
wiki uses and sanitized by nh3, and a new revision row and the page's pointer to it are written
in one SQLite transaction), answered by a redirect to the page. Nothing else: no merge check,
no wiki syntax, no stored search text, links or categories, no invalidation, no session beyond
the CSRF token, no rate limit.

The app is written into the benchmark's working directory and served by gunicorn as the wiki is.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

MODULE = "save_floor_app"
PATH = "/floor/save/{n}"

APP = '''\
"""The save floor: an edit form and its post, rendered, sanitized and stored in SQLite."""

import os
import sqlite3

import mistune
import nh3
from flask import Flask, abort, redirect, render_template, request
from flask_wtf.csrf import CSRFProtect, generate_csrf
from markupsafe import Markup

DATABASE = os.environ["SAVE_FLOOR_DATABASE"]
app = Flask(__name__, template_folder="save_floor_templates")
app.secret_key = os.environ["WIKI_SECRET_KEY"]
CSRFProtect(app)
markdown = mistune.create_markdown(
    escape=False, plugins=["table", "footnotes", "strikethrough", "url"])
LATEST = "SELECT r.id, r.text, r.html FROM page p JOIN revision r ON r.id = p.latest WHERE p.id = ?"


def connect():
    connection = sqlite3.connect(DATABASE, isolation_level=None, timeout=15)
    connection.execute("PRAGMA synchronous=NORMAL")
    return connection


@app.route("/floor/save/<int:page_id>", methods=["GET", "POST"])
def page(page_id):
    """The page (its stored HTML), its edit form, or the form's post."""
    action = request.args.get("action", "view")
    connection = connect()
    try:
        if request.method == "POST":
            if action != "submit":
                abort(405)
            text = request.form.get("text", "")
            base = request.form.get("base_revision", "")
            if not base.isdigit():
                abort(400)
            html = nh3.clean(markdown(text))
            connection.execute("BEGIN IMMEDIATE")
            added = connection.execute(
                "INSERT INTO revision (page_id, parent_id, text, html) VALUES (?, ?, ?, ?)",
                (page_id, int(base), text, html))
            connection.execute("UPDATE page SET latest = ? WHERE id = ?",
                               (added.lastrowid, page_id))
            connection.execute("COMMIT")
            return redirect(f"/floor/save/{page_id}", 303)
        row = connection.execute(LATEST, (page_id,)).fetchone()
        if row is None:
            abort(404)
        if action == "edit":
            return render_template("edit.html", page_id=page_id, base=row[0], text=row[1],
                                   token=generate_csrf())
        return render_template("page.html", page_id=page_id, body=Markup(row[2]))
    finally:
        connection.close()
'''

LAYOUT = """\
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{% endblock %} – Wiki</title>
<link rel="stylesheet" href="/static/css/wiki.css">
</head>
<body>
{% block body %}{% endblock %}
</body>
</html>
"""

EDIT = """\
{% extends "layout.html" %}
{% block title %}Editing page {{ page_id }}{% endblock %}
{% block body %}
<h1>Editing page {{ page_id }}</h1>
<form method="post" action="/floor/save/{{ page_id }}?action=submit">
<input type="hidden" name="csrf_token" value="{{ token }}">
<input type="hidden" name="base_revision" value="{{ base }}">
<textarea name="text" rows="25" cols="80">{{ text }}</textarea>
<label>Summary <input name="summary" maxlength="500"></label>
<button name="save" value="1">Save changes</button>
</form>
{% endblock %}
"""

PAGE = """\
{% extends "layout.html" %}
{% block title %}Page {{ page_id }}{% endblock %}
{% block body %}{{ body }}{% endblock %}
"""


def write(workdir: Path, database: Path, text: str, pages: int) -> list[str]:
    """Write the app and its templates into the working directory and a database of `pages`
    pages that each hold `text`; return the pages' paths."""
    (workdir / f"{MODULE}.py").write_text(APP, encoding="utf-8")
    templates = workdir / "save_floor_templates"
    templates.mkdir()
    for name, source in (("layout.html", LAYOUT), ("edit.html", EDIT), ("page.html", PAGE)):
        (templates / name).write_text(source, encoding="utf-8")
    connection = sqlite3.connect(database)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.executescript(
            "CREATE TABLE page (id INTEGER PRIMARY KEY, latest INTEGER);"
            "CREATE TABLE revision (id INTEGER PRIMARY KEY, page_id INTEGER NOT NULL, "
            "parent_id INTEGER, text TEXT NOT NULL, html TEXT NOT NULL);")
        for page_id in range(pages):
            added = connection.execute(
                "INSERT INTO revision (page_id, parent_id, text, html) VALUES (?, NULL, ?, '')",
                (page_id, text))
            connection.execute("INSERT INTO page VALUES (?, ?)", (page_id, added.lastrowid))
        connection.commit()
    finally:
        connection.close()
    return [PATH.format(n=page_id) for page_id in range(pages)]
