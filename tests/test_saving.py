"""Saving as the one writer does it: one's own stale edits are merged like anyone else's, an
overlap with one's own earlier save goes to the newer text and says so in the history, a page
that keeps moving under a large save is refused with the text kept, and a redirect note is only
shown for a real redirect."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from wiki import pages
from wiki.db import db
from wiki.errors import EditConflict, PageBusy
from wiki.models import Revision
from wiki.titles import parse_title

LINES = "\n\n".join(f"Line {n} of the page." for n in range(1, 6))
BOT = pages.Author("Busy bot")
OTHER = pages.Author("Someone else")


def save(app: Flask, text: str, base: int | None, author: pages.Author = BOT,
         summary: str = "") -> tuple[str, int]:
    """(status, new revision id) of a save through the one writer."""
    with app.app_context():
        result = pages.save_edit(parse_title("Saved page"), text, author=author,
                                 base_revision_id=base, summary=summary)
        return result.status, result.revision.id


def latest(app: Flask) -> tuple[str, str]:
    """(text, summary) of the page's latest revision."""
    with app.app_context():
        revision = pages.latest_revision(pages.get_page(parse_title("Saved page")))
        return revision.text, revision.summary


def test_two_stale_edits_of_one_account_are_merged(app: Flask) -> None:
    first = save(app, LINES, None)[1]
    save(app, LINES.replace("Line 1 of", "Line 1, edited in one tab, of"), first)
    status, _ = save(app, LINES.replace("Line 5 of", "Line 5, edited in another tab, of"), first)
    assert status == "merged"
    text = latest(app)[0]
    assert "edited in one tab" in text and "edited in another tab" in text


def test_an_overlap_with_ones_own_save_goes_to_the_newer_text_and_says_so(app: Flask) -> None:
    first = save(app, LINES, None)[1]
    earlier = save(app, LINES.replace("Line 3 of", "Line 3 (first try) of"), first)[1]
    status, _ = save(app, LINES.replace("Line 3 of", "Line 3 (second try) of"), first,
                     summary="fix line 3")
    assert status == "merged"
    text, summary = latest(app)
    assert "(second try)" in text and "(first try)" not in text
    assert summary == f"fix line 3 (replaced 1 overlapping line of own revision {earlier})"


def test_an_overlap_with_someone_elses_save_is_a_conflict(app: Flask) -> None:
    first = save(app, LINES, None)[1]
    save(app, LINES.replace("Line 3 of", "Line 3 (theirs) of"), first, author=OTHER)
    with pytest.raises(EditConflict):
        save(app, LINES.replace("Line 3 of", "Line 3 (mine) of"), first)
    assert "(theirs)" in latest(app)[0]


def test_an_overlap_after_someone_elses_save_too_is_a_conflict(app: Flask) -> None:
    """Only when every newer revision is one's own may the newer text win."""
    first = save(app, LINES, None)[1]
    second = save(app, LINES.replace("Line 3 of", "Line 3 (own) of"), first)[1]
    save(app, LINES.replace("Line 3 of", "Line 3 (own) of").replace("Line 1", "Line one"),
         second, author=OTHER)
    with pytest.raises(EditConflict):
        save(app, LINES.replace("Line 3 of", "Line 3 (again) of"), first)


def test_a_large_save_under_a_page_that_keeps_moving_is_refused_with_the_text_kept(
        app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    first = save(app, LINES, None)[1]
    moves = []

    def always_moved(*_args: Any, **_kwargs: Any) -> pages.SaveResult:
        moves.append(1)
        raise pages._PageMoved()

    monkeypatch.setattr(pages, "_write", always_moved)
    large = LINES + "\n\n" + "[[A link]] " * 3000  # too costly to render inside the lock
    with pytest.raises(PageBusy) as refused:
        save(app, large, first)
    assert refused.value.details["text"].startswith("Line 1")
    assert len(moves) == pages.LARGE_SAVE_ATTEMPTS
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Revision).where(
            Revision.id > first)) == 0


def test_redirected_from_is_shown_only_for_a_real_redirect(app: Flask,
                                                          client: FlaskClient) -> None:
    with app.app_context():
        pages.save_edit(parse_title("Old name"), "#REDIRECT [[Kosovo]]", author=BOT,
                        base_revision_id=None)
    followed = client.get("/wiki/Old_name")
    assert followed.status_code == 302
    page = client.get(followed.headers["Location"])
    assert page.status_code == 200 and "(Redirected from" in page.get_data(as_text=True)
    forged = client.get("/wiki/Kosovo?redirectedfrom=Somewhere+else")
    assert forged.status_code == 301 and forged.headers["Location"].endswith("/wiki/Kosovo")
    not_a_redirect = client.get("/wiki/Kosovo?redirectedfrom=Serbia")
    assert not_a_redirect.status_code == 301
    kept = client.get("/wiki/Kosovo?redirectedfrom=Serbia&title=x&title=y")
    assert kept.status_code == 301
    assert kept.headers["Location"].endswith("/wiki/Kosovo?title=x&title=y")
