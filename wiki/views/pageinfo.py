"""About a page: ?action=info ("Information for <Title>") and Special:CiteThisPage, the
bibliographic details and ready-made citations of a page's current revision.

Each view parses the request, asks wiki.pageinfo (or the page service) and renders a template.
Absolute addresses come from wiki.urls.absolute_url (the WIKI_BASE_URL setting), never from the
Host header.
"""

from __future__ import annotations

import sys
from datetime import datetime

from flask import Flask, current_app, render_template, request
from flask.typing import ResponseReturnValue

from wiki import clock, pageinfo, pages
from wiki.signatures import MONTHS
from wiki.titles import Title, page_url, parse_title
from wiki.urls import absolute_url
from wiki.views import special


def show_info(title: Title) -> ResponseReturnValue:
    """?action=info: the page's facts (404 for a missing page, through PageNotFound)."""
    return render_template("articles/info.html", title=title, info=pageinfo.page_info(title))


def citation_dates(value: datetime) -> dict[str, str]:
    """A date written as each citation style writes it."""
    month = MONTHS[value.month - 1]
    short = month if len(month) <= 4 else month[:3] + "."
    return {
        "wiki": f"{value.day} {month} {value.year}",  # 30 November 2026
        "apa": f"{value.year}, {month} {value.day}",  # 2026, November 30
        "mla": f"{value.day} {short} {value.year}",  # 30 Nov. 2026
        "chicago": f"{month} {value.day}, {value.year}",  # November 30, 2026
        "time": f"{value:%H:%M}, {value.day} {month} {value.year}",
    }


@special.special_page("CiteThisPage", "How to cite a page: its details and citations in "
                      "several styles")
def cite_this_page(subpage: str) -> ResponseReturnValue:
    """Special:CiteThisPage?page=<Title> (or /<Title>); a form when no page is named."""
    raw = subpage or request.args.get("page", "")
    if not raw.strip():
        return render_template("special/cite_this_page.html", title=None)
    title = parse_title(raw)
    page = pages.get_page(title)
    revision = pages.latest_revision(page)
    site = current_app.config["WIKI_SITE_NAME"]
    return render_template(
        "special/cite_this_page.html", title=title, revision=revision, site=site,
        permanent_url=absolute_url(page_url(title, oldid=revision.id)),
        revised=citation_dates(revision.timestamp), retrieved=citation_dates(clock.utcnow()),
    )


def init_app(app: Flask) -> None:
    """Register Special:CiteThisPage."""
    special.register_declared(app, sys.modules[__name__])
