"""Where a save's time goes: saves per second over HTTP by number of editors, and the cost of
each part of one save, measured in-process.

Run with ``python tests/bench/bench_saves.py [--rounds N] [--saves N] [--sections N]``.

Part 1 serves a seeded wiki with gunicorn as `make run` does (deploy/gunicorn.conf.py) and makes
saves of the seeded article as tests/bench/bench_site.py does (edit form, one sentence changed,
post), from 1, 2 and 4 editors at once, each on their own paragraph, from 4 editors each on
their own copy of the article, and from 4 editors each on their own page of the save floor
(tests/bench/save_floor.py, served the same way), taking turns in rounds. With more than one
editor of a page most saves start from a revision that is no longer the latest: they are merged,
and a save whose page moved on between its render and the write lock merges and renders again.
Beside each rate it shows the CPU time a save took in the server (gunicorn's arbiter and
workers, from Linux's /proc) and in this process's client threads, and how many cores they kept
busy together: at that server CPU per save the machine's cores cannot serve more saves a second
than cores × 1000 / (ms per save), however the server is set up.

Part 2 makes --sections saves in this process with each of two apps on the same database,
taking turns: one keeping rendered template calls (wiki.markup.kept_calls), one keeping none.

Part 3 makes --sections saves one after another in this process through Flask's test client (no
HTTP, no concurrency) and times the parts of each by wrapping the functions that do them: the
edit form, the save's plan (merge check, render, search text), the write inside the lock (new
revision, stored render, links, search index, invalidation) and the commit. The rest of the
post (CSRF check, form parsing, rate limiter, session, redirect) is what is left of the post.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import signal
import tempfile
import time
from collections.abc import Callable, Iterator
from html import unescape
from pathlib import Path
from typing import Any

import save_floor
from bench_site import (
    BASE_FIELD,
    CSRF_FIELD,
    EDITABLE_PARAGRAPHS,
    TEXTAREA,
    Editor,
    change_sentence,
    copy_article,
    wiki_env,
)
from bench_views import (
    ARTICLE_PATH,
    SETUP,
    Result,
    _exit_on_sigterm,
    fetch,
    free_port,
    load_calls,
    seed_database,
    serving,
)


def over_http(workdir: Path, args: argparse.Namespace) -> None:
    """Saves per second by 1, 2 and 4 editors of the article, by 4 editors of 4 pages with
    the article's text (one each: nothing to merge), and by 4 editors of 4 such pages of the
    save floor (tests/bench/save_floor.py), in turns; prints a table."""
    env = wiki_env(workdir)
    copies = copy_article(env)
    port, floor_port = free_port(), free_port()
    floor_name = "save floor, 4 pages"
    crowds = {
        "1 editor, 1 page": [Editor(port, 0, "a0")],
        "2 editors, 1 page": [Editor(port, n, f"b{n}") for n in range(2)],
        "4 editors, 1 page": [Editor(port, n, f"c{n}") for n in range(EDITABLE_PARAGRAPHS)],
        "4 editors, 4 pages": [Editor(port, 0, f"d{n}", path) for n, path in enumerate(copies)],
    }
    results = {name: Result(name) for name in [*crowds, floor_name]}
    cpu = {name: [0.0, 0.0] for name in results}  # server and client CPU seconds
    with serving("wiki:create_app()", port, ARTICLE_PATH, workdir, env,
                 workdir / "wiki.log") as server:
        status, text = fetch(port, f"{copies[0]}?action=raw")
        if status != 200:
            raise RuntimeError(f"the article's copy answered {status}")
        floor_paths = save_floor.write(workdir, Path(env["SAVE_FLOOR_DATABASE"]),
                                       text.decode("utf-8"), len(copies))
        crowds[floor_name] = [Editor(floor_port, 0, f"f{n}", path)
                              for n, path in enumerate(floor_paths)]
        with serving(f"{save_floor.MODULE}:app", floor_port, f"{floor_paths[0]}?action=edit",
                     workdir, env, workdir / "save-floor.log") as floor_server:
            for _round in range(args.rounds):
                for name, editors in crowds.items():
                    serves = floor_server if name == floor_name else server

                    def save(client: int, editors: list[Editor] = editors) -> str | None:
                        return editors[client].save()
                    load_calls("warm", save, len(editors), len(editors), 10.0)
                    server_before = cpu_seconds(serves.pid)
                    client_before = time.process_time()
                    results[name].add(load_calls("save", save, args.saves, len(editors), 20.0))
                    cpu[name][0] += cpu_seconds(serves.pid) - server_before
                    cpu[name][1] += time.process_time() - client_before
    print(f"saves over HTTP, gunicorn {SETUP.label}, {args.rounds} rounds of {args.saves}; "
          "CPU ms per save in the server and the client, and the cores they kept busy")
    print(f"{'editors':<20} {'saves/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} "
          f"{'server':>7} {'client':>7} {'cores':>6}  outcomes")
    for name, result in results.items():
        outcomes = ", ".join(f"{n} {k}" for k, n in sorted(result.outcomes.items()))
        server_ms, client_ms = (1000 * seconds / max(result.requests, 1) for seconds in cpu[name])
        cores = sum(cpu[name]) / result.elapsed if result.elapsed else 0.0
        print(f"{name:<20} {result.rate:>8.1f} {result.percentile(0.5):>7.1f} "
              f"{result.percentile(0.99):>7.1f} {result.errors:>6} {server_ms:>7.1f} "
              f"{client_ms:>7.1f} {cores:>6.2f}  {outcomes}")
    own = "4 editors, 4 pages"
    server_ms = 1000 * cpu[own][0] / max(results[own].requests, 1)
    count = os.cpu_count() or 1
    if server_ms:
        print(f"{own}: at {server_ms:.1f} ms of server CPU a save, {count} cores serve at most "
              f"{count * 1000 / server_ms:.0f} saves/s")


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user and system) used so far by a process and its children, as Linux's
    /proc has them (gunicorn's arbiter and its workers); 0 where there is no /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if entry.name == str(pid) or fields[1] == str(pid):
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def save_once(client: Any, number: int) -> None:
    """One save through a test client: the edit form, then its post with a sentence changed."""
    form = client.get(f"{ARTICLE_PATH}?action=edit").get_data(as_text=True)
    token, base, text = CSRF_FIELD.search(form), BASE_FIELD.search(form), TEXTAREA.search(form)
    assert token and base and text
    answer = client.post(f"{ARTICLE_PATH}?action=submit", data={
        "csrf_token": token.group(1), "base_revision": base.group(1),
        "text": change_sentence(unescape(text.group(1)), 0, f"k-{number}"),
        "summary": "Reworded a sentence", "save": "1"})
    if answer.status_code != 303:
        raise RuntimeError(f"a save answered {answer.status_code}")


def kept_calls_effect(workdir: Path, count: int, rounds: int = 4) -> None:
    """Whole saves in-process by two apps on one database, taking turns: one that keeps
    rendered template calls (the default) and one that keeps none; prints both."""
    os.environ.update(wiki_env(workdir))
    from wiki import create_app

    apps = {"keeping template calls": create_app(instance_path=str(workdir / "instance")),
            "keeping none": create_app({"WIKI_TEMPLATE_CALL_CACHE_BYTES": 0},
                                       instance_path=str(workdir / "instance"))}
    clients = {name: app.test_client() for name, app in apps.items()}
    spent = dict.fromkeys(apps, 0.0)
    number = 0
    for _round in range(rounds + 1):
        for name, client in clients.items():
            began = time.perf_counter()
            for _ in range(count // rounds):
                number += 1
                save_once(client, number)
            if _round:  # the first round warms both up
                spent[name] += time.perf_counter() - began
    print(f"\nwhole saves in-process, taking turns ({rounds} rounds of {count // rounds})")
    for name, seconds in spent.items():
        print(f"{name:<24} {seconds / (count // rounds * rounds) * 1000:8.2f} ms/save")
    kept, none = spent["keeping template calls"], spent["keeping none"]
    print(f"kept template calls make a save take {kept / none:.2f}× the time")


def in_process(workdir: Path, count: int) -> None:
    """Time the parts of `count` saves made one after another; prints a table."""
    os.environ.update(wiki_env(workdir))
    from wiki import create_app, invalidation, pages, permissions, rendering, search
    from wiki.security import csrf
    from wiki.views import editing

    app = create_app(instance_path=str(workdir / "instance"))
    client = app.test_client()
    totals: dict[str, float] = {}

    def add(label: str, seconds: float) -> None:
        totals[label] = totals.get(label, 0.0) + seconds

    def wrap(module: Any, name: str, label: str) -> None:
        function: Callable[..., Any] = getattr(module, name)

        @functools.wraps(function)
        def timed(*positional: Any, **named: Any) -> Any:
            began = time.perf_counter()
            try:
                return function(*positional, **named)
            finally:
                add(label, time.perf_counter() - began)

        setattr(module, name, timed)

    parts = [
        (editing, "edit_form", "edit form (view)"),
        (csrf, "protect", "CSRF check"),
        (editing, "submit", "post (view)"),
        (pages, "save_edit", "  save_edit"),
        (pages, "_plan", "    plan: merge check, render, search text"),
        (rendering, "render_text", "      render (Markdown, templates, sanitizer)"),
        (search, "prepare", "      search text"),
        (pages, "_write", "    write in the lock"),
        (pages, "_locked_page", "      page row, locked"),
        (invalidation, "page_state", "      page state before"),
        (permissions, "check_edit", "      permission checks (plan and write)"),
        (pages, "_insert_revision", "      insert the revision"),
        (rendering, "store_render", "      store the render"),
        (rendering, "record_links", "      links and categories"),
        (search, "index_page", "      search index"),
        (invalidation, "publish", "      invalidation"),
    ]
    for module, name, label in parts:
        wrap(module, name, label)
    transaction = pages.write_transaction

    @contextlib.contextmanager
    def timed_transaction(*positional: Any, **named: Any) -> Iterator[None]:
        with transaction(*positional, **named):
            yield
            began = time.perf_counter()
        add("    commit", time.perf_counter() - began)

    setattr(pages, "write_transaction", timed_transaction)  # noqa: B010

    def cycle(number: int) -> None:
        began = time.perf_counter()
        form = client.get(f"{ARTICLE_PATH}?action=edit").get_data(as_text=True)
        add("GET edit form (request)", time.perf_counter() - began)
        token, base, text = CSRF_FIELD.search(form), BASE_FIELD.search(form), TEXTAREA.search(form)
        assert token and base and text
        changed = change_sentence(unescape(text.group(1)), 0, f"s-{number}")
        began = time.perf_counter()
        answer = client.post(f"{ARTICLE_PATH}?action=submit", data={
            "csrf_token": token.group(1), "base_revision": base.group(1), "text": changed,
            "summary": "Reworded a sentence", "save": "1"})
        add("POST save (request)", time.perf_counter() - began)
        if answer.status_code != 303:
            raise RuntimeError(f"a save answered {answer.status_code}")

    for number in range(20):
        cycle(number)
    totals.clear()
    began = time.perf_counter()
    for number in range(count):
        cycle(1000 + number)
    whole = (time.perf_counter() - began) / count * 1000
    order = ["GET edit form (request)", "edit form (view)", "POST save (request)",
             "CSRF check", "post (view)", *[label for _m, _n, label in parts[3:]], "    commit"]
    print(f"\none save after another, in-process (Flask test client), {count} saves")
    print(f"{'part':<48} {'ms/save':>8} {'share':>6}")
    print(f"{'whole save (edit form and post)':<48} {whole:>8.2f} {100:>5.0f}%")
    for label in order:
        value = totals.get(label, 0.0) / count * 1000
        print(f"{label:<48} {value:>8.2f} {100 * value / whole:>5.0f}%")
    print(f"at this cost one core makes {1000 / whole:.0f} saves/s, two {2000 / whole:.0f}/s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3, help="turns over HTTP")
    parser.add_argument("--saves", type=int, default=60, help="saves per editor count per turn")
    parser.add_argument("--sections", type=int, default=200, help="saves timed in-process")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    with tempfile.TemporaryDirectory(prefix="bench-saves-") as temp:
        workdir = Path(temp)
        seed_database(workdir, wiki_env(workdir))
        over_http(workdir, args)
        kept_calls_effect(workdir, args.sections)
        in_process(workdir, args.sections)
    return 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except KeyboardInterrupt:
        raise SystemExit(130) from None
