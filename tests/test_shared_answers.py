"""Shared answers (wiki.shared_answers): a render takes what the process's earlier renders were
told at the same epochs instead of asking the database again; an ordinary edit keeps them, and
every write that changes an answer (a page created, deleted or brought back, a file, live data)
makes the next render ask afresh. Renders inside a write transaction share nothing, and threads
rendering while pages come and go never see an answer older than the last committed change."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from flask import Flask
from wikitest import create, custom_app, statements_sent, wait_for

from wiki import invalidation, moderation, pages, rendering
from wiki.db import db, write_transaction
from wiki.extensions import LiveData
from wiki.lookups import RecordingLookups
from wiki.markup import FileInfo
from wiki.shared_answers import SharedAnswers
from wiki.titles import parse_title

TARGET = "Shared answer target"
LINKING = f"See [[{TARGET}]] and [[Shared answer missing]].{{{{Citation needed}}}}"
ADMIN = pages.Author("Admin", role="admin")


def is_red(html: str, title: str) -> bool:
    """Whether the render links to `title` as a page that does not exist."""
    href = "/wiki/" + title.replace(" ", "_")
    links = [part for part in html.split("<a ")[1:] if f'href="{href}' in part]
    assert links, f"no link to {title}"
    return all('class="new"' in link.split(">")[0] for link in links)


def render(app: Flask, text: str = LINKING) -> str:
    with app.app_context():
        return str(rendering.render_text(text).rendered.html)


def test_a_second_render_asks_the_database_nothing_the_first_was_told(app: Flask) -> None:
    create(app, TARGET, "Here.")
    first = render(app)
    with app.app_context():
        hits = rendering.shared_answers().hits
    with statements_sent(app) as sent:
        again = render(app)
    assert again == first
    assert not is_red(again, TARGET) and is_red(again, "Shared answer missing")
    asked = [statement for statement in sent if "pages" in statement]
    assert asked == [], asked  # existence came from the shared answers
    with app.app_context():
        assert rendering.shared_answers().hits >= hits + 3  # target, missing, help page


def test_without_sharing_every_render_asks(tmp_path: Any, database_url: str) -> None:
    for app in custom_app(tmp_path, database_url, WIKI_SHARED_ANSWERS=0):
        render(app)
        with statements_sent(app) as sent:
            render(app)
        assert any("pages" in statement for statement in sent)
        with app.app_context():
            assert rendering.shared_answers().hits == 0


def test_an_ordinary_edit_keeps_the_answers_epoch_and_a_new_page_moves_it(app: Flask) -> None:
    with app.app_context():
        before = invalidation.epochs()
    create(app, "Sandbox of answers", "One [[Main Page]].")  # a new page
    with app.app_context():
        created = invalidation.epochs()
        page = pages.get_page(parse_title("Sandbox of answers"))
        base = page.latest_revision_id
        pages.save_edit(parse_title("Sandbox of answers"), "Two [[Main Page]].",
                        author=ADMIN, base_revision_id=base, summary="")
        edited = invalidation.epochs()
        relations = parse_title("Azerbaijan–Kosovo relations")
        current = pages.get_page(relations)
        text = pages.latest_revision(current).text
        pages.save_edit(relations, text + "\n\nOne more sentence.", author=ADMIN,
                        base_revision_id=current.latest_revision_id, summary="")
        hubs_changed = invalidation.epochs()
    assert created[0] == before[0] + 1 and created[1] == before[1] + 1
    assert edited == created  # same links and categories: no answer changed
    # a relations page's edit changes what hubs show (the epoch), not which titles are pages
    assert hubs_changed[0] == edited[0] and hubs_changed[1] == edited[1] + 1


def test_pages_created_deleted_and_brought_back_show_in_the_next_render(app: Flask) -> None:
    assert is_red(render(app), TARGET)
    assert is_red(render(app), TARGET)  # served from the shared answers now
    create(app, TARGET, "Here.")
    assert not is_red(render(app), TARGET)
    with app.app_context():
        moderation.delete(parse_title(TARGET), "test", ADMIN)
    assert is_red(render(app), TARGET)
    with app.app_context():
        moderation.undelete(parse_title(TARGET), "test", ADMIN)
    assert not is_red(render(app), TARGET)


def test_a_render_inside_a_write_transaction_shares_nothing(app: Flask) -> None:
    class Undo(Exception):
        pass

    with app.app_context(), pytest.raises(Undo), write_transaction():
        pages.save_edit(parse_title(TARGET), "Soon gone.", author=ADMIN,
                        base_revision_id=None, summary="")
        # the transaction sees its own page: the answer must not outlive it
        assert not is_red(str(rendering.render_text(LINKING).rendered.html), TARGET)
        raise Undo
    # another write moves the answers epoch to the value the undone one had (with no render
    # between, as when another process made it)
    invalidate(app, invalidation.title_topic(parse_title("Another new page")))
    assert is_red(render(app), TARGET)


def recorder(app: Flask, shared: SharedAnswers, calls: list[str],
             files: dict[str, FileInfo | None]) -> RecordingLookups:
    """A recording lookups with two live data (one with topics, one without) and a file store
    that note each time they are really asked."""
    def counted(name: str) -> int:
        calls.append(name)
        return len(calls)

    live = {
        "changing": LiveData("changing", lambda: counted("changing"), lambda: ("test:topic",)),
        "lasting": LiveData("lasting", lambda: counted("lasting"), lambda: ()),
    }

    def file(name: str) -> FileInfo | None:
        calls.append(f"file {name}")
        return files.get(name)

    return RecordingLookups(live, rendering.template_library(), files=file, shared=shared)


def invalidate(app: Flask, topic: str) -> None:
    with app.app_context(), write_transaction():
        invalidation.invalidate({topic})


def test_live_data_and_files_are_shared_until_their_topics_change(app: Flask) -> None:
    shared = SharedAnswers(100)
    calls: list[str] = []
    files: dict[str, FileInfo | None] = {}

    def ask() -> tuple[Any, Any, FileInfo | None, set[str]]:
        with app.app_context():
            lookups = recorder(app, shared, calls, files)
            live = lookups.lookups().live
            answers = live["changing"](), live["lasting"](), lookups.file("Map.png")
            return (*answers, lookups.topics)

    first = ask()
    assert calls == ["changing", "lasting", "file Map.png"]
    assert ask() == first and len(calls) == 3  # all three shared
    assert "test:topic" in first[3] and "file:Map.png" in first[3]  # topics recorded still

    invalidate(app, "test:topic")  # the epoch moves: live data with topics is asked again
    second = ask()
    assert calls[3:] == ["changing"] and second[0] != first[0] and second[1:3] == first[1:3]

    files["Map.png"] = FileInfo(name="Map.png", sha1="a" * 40, mime="image/png", width=4,
                                height=3)
    invalidate(app, "file:Map.png")  # the answers epoch moves: files and titles asked again
    third = ask()
    assert calls[4:] == ["changing", "file Map.png"]
    assert third[2] == files["Map.png"] and third[1] == first[1]  # lasting data stays


def test_each_set_is_of_one_epoch_and_bounded() -> None:
    shared = SharedAnswers(2)
    first = shared.at(5, 9)
    assert first is not None
    first.add_titles({parse_title("A"): True})
    first.add_live(("x", ()), 1, lasting=False)
    assert shared.at(5, 9).titles == first.titles  # type: ignore[union-attr]
    moved = shared.at(5, 10)
    assert moved is not None and moved.titles == first.titles and moved.live == {}
    older = shared.at(4, 10)  # another answers epoch, even an older one: nothing shared
    assert older is not None and older.titles == {}
    older.add_titles({parse_title("B"): True, parse_title("C"): False})
    older.add_titles({parse_title("D"): True})  # no room left: not kept
    assert set(older.titles) == {parse_title("B"), parse_title("C")}
    assert SharedAnswers(0).at(1, 1) is None


def test_threads_never_see_an_answer_older_than_the_last_committed_change(app: Flask) -> None:
    """One thread deletes and brings back a page while four render a link to it: a render
    that began after a change committed, and ended before the next began, shows it."""
    create(app, TARGET, "Here.")
    lock = threading.Lock()
    state = {"version": 0, "exists": True, "busy": False}
    wrong: list[str] = []
    checked = [0]
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            with lock:
                version, exists, busy = state["version"], state["exists"], state["busy"]
            html = render(app)
            with lock:
                settled = not busy and not state["busy"] and state["version"] == version
                if settled:
                    checked[0] += 1
                    if is_red(html, TARGET) == exists:
                        wrong.append(f"version {version}: exists={exists}")

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        for round_number in range(12):
            with lock:
                state["busy"] = True
            with app.app_context():
                change = moderation.delete if round_number % 2 == 0 else moderation.undelete
                change(parse_title(TARGET), "test", ADMIN)
                db.session.remove()
            with lock:
                state.update(version=round_number + 1, exists=round_number % 2 == 1,
                             busy=False)
                before = checked[0]
            # However slow the machine, readers check each change before the next one.
            wait_for(lambda before=before: checked[0] >= before + 2,
                     f"no render checked change {round_number}")
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert not wrong, wrong[:5]
    assert checked[0] >= 24  # the readers really rendered between changes
