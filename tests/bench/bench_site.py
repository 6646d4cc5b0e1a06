"""The one table of `make bench`: every URL the issue names, against the floor, in one run.

Run with ``python tests/bench/bench_site.py [--requests N] [--rounds N] [--threads N]
[--time-cap S]``.

The script seeds a wiki in a temporary directory, adds one edit to the benchmark article (so a
diff has two adjacent revisions) and three pages with 20, 200 and 2,000 revisions (each saved
through the one writer, pages.save_edit), then serves the wiki with gunicorn set up as `make run`
sets it up (deploy/gunicorn.conf.py), with WIKI_CACHE_SMAXAGE=3600 so that a shared cache may
keep its pages. Debian's Varnish (/usr/sbin/varnishd, with deploy/varnish/default.vcl) runs in
front of it, and beside it, under the same gunicorn setup, two floors: the floor of
tests/bench/bench_views.py (one SQLite row through a Jinja page shell) for the reading rows, and
the save floor of tests/bench/save_floor.py (an edit form and its post that render, sanitize and
store the text, and do nothing else) for the saving rows.

Rows:

- article: the anonymous view of the seeded article (served from the page cache);
- article via Varnish: the same URL through Varnish (a cache hit after the first request);
- 304: the article with If-None-Match of the ETag it answered with;
- history N: the history page of the page with N revisions;
- diff: two adjacent revisions of the article;
- search: a full-text query that matches no title, so it lists results;
- save, own pages: an anonymous visitor's save, end to end: GET the edit form, change one
  sentence of one paragraph (a distinct text each time, so each save is a new revision), POST
  it with the form's CSRF token and base revision. Four editors at once, each on their own copy
  of the seeded article (saved at the start through the one writer), as editors of a wiki
  mostly are: nothing to merge. The save rate is saves (edit form and post) per second.
- save, one page: the same four editors all on the seeded article, each changing their own
  paragraph, so most saves start from a revision that is no longer the latest and are merged
  (counted); overlapping ones answer a conflict (counted, not a failure).
- save floor: four editors saving their own copies of the article to the save floor app the way
  "save, own pages" saves to the wiki. The two save rows' ratios are to it.

The targets are measured in rounds, taking turns (--rounds), so that load from elsewhere on the
machine falls on all of them alike; the ratio to the floor compares figures of the same run.
Targets: history and diff at 0.8x the floor or better, 150 saves a second or more. Missing one is
reported, not fatal; the exit status is 1 when any request fails.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import quote, unquote, urlencode, urlsplit

import save_floor

# bench_views puts the project root on sys.path, so `wiki` imports resolve to this checkout.
from bench_views import (
    ARTICLE_PATH,
    FLOOR_PATH,
    HOST,
    REQUEST_TIMEOUT,
    ROOT,
    SETUP,
    STARTUP_SECONDS,
    Result,
    ServerSetup,
    _exit_on_sigterm,
    add_edit,
    fetch,
    free_port,
    load_calls,
    seed_database,
    serving,
    store_floor_page,
    tail,
    write_floor_app,
)

VARNISHD = Path("/usr/sbin/varnishd")
VARNISHSTAT = Path("/usr/bin/varnishstat")
VCL = ROOT / "deploy" / "varnish" / "default.vcl"
HISTORY_SIZES = (20, 200, 2000)
HISTORY_TITLE = "Bench history {n}"
SEARCH_PATH = "/wiki/Special:Search?search=Kosovo+recognition+parliament"
SAVE_TARGET = 150.0  # saves a second
HISTORY_TARGET = 0.8  # of the floor's requests a second
EDITABLE_PARAGRAPHS = 4  # the article's prose paragraphs, each apart from the next
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
BASE_FIELD = re.compile(r'name="base_revision" value="([^"]*)"')
TEXTAREA = re.compile(r'<textarea\b[^>]*name="text"[^>]*>(.*?)</textarea>', re.S)
MARK = re.compile(r" \(revised [0-9a-z-]+\)")
ETAG = re.compile(r"[Ee][Tt][Aa][Gg]: *(.+)")

def wiki_env(workdir: Path, **settings: str) -> dict[str, str]:
    """The environment of the wiki's processes: a temporary database and instance, the wiki of
    this checkout, saves not rate-limited (the limiter would refuse a benchmark's burst), and
    any other WIKI_* settings."""
    database = workdir / "wiki.sqlite3"
    env = dict(os.environ)
    env.update({
        "WIKI_DATABASE_URL": f"sqlite:///{database}",
        "WIKI_SECRET_KEY": "bench-secret-key-not-for-production",
        "WIKI_MAP_CACHE_DIR": str(workdir / "maps"),
        "WIKI_EDIT_RATE_LIMIT": "1000000/minute",
        "BENCH_INSTANCE": str(workdir / "instance"),
        "FLOOR_DATABASE": str(database),
        "SAVE_FLOOR_DATABASE": str(workdir / "save-floor.sqlite3"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
    })
    env.update(settings)
    return env


def history_path(revisions: int) -> str:
    """The history page of the page that has this many revisions."""
    title = HISTORY_TITLE.format(n=revisions).replace(" ", "_")
    return f"/wiki/{quote(title)}?action=history"


def seed_histories(env: Mapping[str, str], sizes: tuple[int, ...] = HISTORY_SIZES) -> float:
    """Create one page per size with that many revisions, each saved through the one writer
    (pages.save_edit: rendered, indexed, stored); return the seconds it took."""
    from wiki import create_app, pages
    from wiki.db import db
    from wiki.titles import parse_title

    began = time.perf_counter()
    app = create_app({
        "WIKI_DATABASE_URL": env["WIKI_DATABASE_URL"],
        "WIKI_SECRET_KEY": env["WIKI_SECRET_KEY"],
        "WIKI_MAP_CACHE_DIR": env["WIKI_MAP_CACHE_DIR"],
    }, instance_path=env["BENCH_INSTANCE"])
    with app.app_context():
        for size in sizes:
            title = parse_title(HISTORY_TITLE.format(n=size))
            base: int | None = None
            for number in range(1, size + 1):
                text = (f"A page with a long history: this is revision {number} of {size}.\n\n"
                        "It links to [[Kosovo]] and sits in [[Category:Benchmarks]].")
                result = pages.save_edit(title, text, author=pages.Author("Bench"),
                                         base_revision_id=base, summary=f"revision {number}")
                base = int(result.revision.id)
                db.session.remove()
        db.engine.dispose()
    return time.perf_counter() - began


class Editor:
    """An anonymous visitor who keeps editing one paragraph of the article through the edit
    form: their own cookies (the CSRF token lives in the session), a new sentence each time."""

    def __init__(self, port: int, paragraph: int, name: str, path: str = ARTICLE_PATH) -> None:
        self.port = port
        self.path = path
        self.paragraph = paragraph
        self.name = name
        self.edits = 0
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None
                ) -> tuple[int, str, str]:
        """(status, Location, body) of one request over a fresh connection; cookies kept."""
        connection = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT)
        headers = {"Accept": "text/html", "Connection": "close"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read().decode("utf-8", "replace")
            for cookie in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = cookie.partition("=")
                value = rest.split(";", 1)[0]
                if value and "expires=thu, 01 jan 1970" not in cookie.lower():
                    self.cookies[name.strip()] = value
                else:
                    self.cookies.pop(name.strip(), None)
            return response.status, response.headers.get("Location", ""), data
        finally:
            connection.close()

    def save(self) -> str | None:
        """One save: the edit form, then its post with one sentence changed. Returns "saved",
        "merged" or "conflict", or None when something failed."""
        status, _, page = self.request("GET", f"{self.path}?action=edit")
        token, base, text = CSRF_FIELD.search(page), BASE_FIELD.search(page), TEXTAREA.search(page)
        if status != 200 or not (token and base and text):
            return None
        self.edits += 1
        changed = change_sentence(unescape(text.group(1)), self.paragraph,
                                  f"{self.name}-{self.edits}")
        status, location, _ = self.request("POST", f"{self.path}?action=submit", {
            "csrf_token": token.group(1), "base_revision": base.group(1), "text": changed,
            "summary": "Reworded a sentence", "save": "1"})
        where = urlsplit(location)
        if status in (302, 303) and where.path == self.path:
            return "merged" if "diff=" in where.query else "saved"
        return "conflict" if status == 409 else None


COPIES = 4
COPY_TITLE = "Bench copy {n}"


def copy_article(env: dict[str, str]) -> list[str]:
    """Save the article's text as COPIES more pages through the one writer; their paths."""
    from wiki import create_app, pages
    from wiki.db import db
    from wiki.titles import parse_title

    app = create_app({name: env[name] for name in (
        "WIKI_DATABASE_URL", "WIKI_SECRET_KEY", "WIKI_MAP_CACHE_DIR")},
        instance_path=env["BENCH_INSTANCE"])
    paths = []
    with app.app_context():
        text = pages.latest_revision(pages.get_page(parse_title(
            unquote(ARTICLE_PATH.removeprefix("/wiki/"))))).text
        for number in range(COPIES):
            title = COPY_TITLE.format(n=number)
            pages.save_edit(parse_title(title), text, author=pages.Author("Bench"),
                            base_revision_id=None, summary="copy")
            paths.append("/wiki/" + quote(title.replace(" ", "_")))
        db.session.remove()
        db.engine.dispose()
    return paths


def change_sentence(text: str, paragraph: int, mark: str) -> str:
    """The text with the first sentence of its `paragraph`-th prose paragraph reworded: the
    mark of an earlier rewording replaced by this one, so the paragraph keeps its length."""
    lines = text.split("\n")
    prose = [n for n, line in enumerate(lines) if len(line) > 80 and line[0].isalpha()]
    number = prose[paragraph % len(prose)]
    line = MARK.sub("", lines[number])
    end = line.find(". ")
    if end < 0:
        end = line.rfind(".") if line.rstrip().endswith(".") else len(line)
    lines[number] = f"{line[:end]} (revised {mark}){line[end:]}"
    return "\n".join(lines)


def revalidate(port: int, path: str, etag: str) -> str | None:
    """A conditional GET with the ETag a client holds: "304" when it is still current."""
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request("GET", path, headers={"Connection": "close", "If-None-Match": etag})
        response = connection.getresponse()
        response.read()
        return "304" if response.status == 304 else None
    finally:
        connection.close()


def get_ok(port: int, path: str) -> str | None:
    """A GET that counts when it answers 200."""
    status, _body = fetch(port, path)
    return "200" if status == 200 else None


def article_etag(port: int) -> str:
    """The ETag the article answers an anonymous GET with."""
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request("GET", ARTICLE_PATH, headers={"Connection": "close"})
        response = connection.getresponse()
        response.read()
        etag = response.headers.get("ETag")
    finally:
        connection.close()
    if not etag:
        raise RuntimeError("the article answered without an ETag")
    return etag


def write_vcl(workdir: Path, backend_port: int) -> tuple[Path, str]:
    """deploy/varnish/default.vcl with each of its backends pointed at the wiki's port (the
    benchmark runs one wiki server), and where it came from."""
    source = VCL.read_text(encoding="utf-8")
    rewritten, count = re.subn(r'\.port\s*=\s*"[^"]*"', f'.port = "{backend_port}"', source)
    if not count:
        raise RuntimeError(f"{VCL} names no backend port")
    path = workdir / "bench.vcl"
    path.write_text(rewritten, encoding="utf-8")
    return path, "deploy/varnish/default.vcl"


def varnish_counts(state: Path) -> str:
    """Varnish's hits, misses and passes so far, as a line of the report."""
    done = subprocess.run(
        [str(VARNISHSTAT), "-1", "-n", str(state), "-I", "MAIN.cache_hit", "-I",
         "MAIN.cache_miss", "-I", "MAIN.s_pass"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=30)
    counts = dict(re.findall(r"MAIN\.(\w+)\s+(\d+)", done.stdout))
    return (f"Varnish: {counts.get('cache_hit', '?')} hits, {counts.get('cache_miss', '?')} "
            f"misses, {counts.get('s_pass', '?')} passes")


@contextmanager
def varnish(workdir: Path, port: int, backend_port: int) -> Iterator[tuple[str, Path]]:
    """Run varnishd in the foreground in front of the wiki for the block; yields where its VCL
    came from and its working directory. Fails when varnishd is missing: the table needs it."""
    if not VARNISHD.exists():
        raise RuntimeError(f"{VARNISHD} is missing: install Debian's varnish package")
    vcl, origin = write_vcl(workdir, backend_port)
    state = workdir / "varnish"
    log = workdir / "varnish.log"
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [str(VARNISHD), "-F", "-n", str(state), "-a", f"{HOST}:{port}", "-f", str(vcl),
             "-s", "malloc,64m"],
            stdin=subprocess.DEVNULL, stdout=handle, stderr=handle)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"varnishd exited with {process.returncode}:\n{tail(log)}")
            try:
                if get_ok(port, ARTICLE_PATH):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"varnishd did not answer in time:\n{tail(log)}")
            time.sleep(0.1)
        yield origin, state
    finally:
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Target:
    """One row: a name, the call one request (or save) makes, and its target if it has one."""

    name: str
    call: Callable[[int], str | None]
    threads: int
    result: Result
    goal: str = ""
    prepare: Callable[[], None] | None = None  # before each turn


def measure(targets: list[Target], floor: Target, args: argparse.Namespace) -> None:
    """Take turns: in each round every target (and the floor) gets a warm-up and its share of
    the requests; each target's rounds add up to its result."""
    share = max(1, args.requests // args.rounds)
    warmup = max(1, args.warmup // args.rounds)
    for _round in range(args.rounds):
        for target in [*targets, floor]:
            if target.prepare is not None:
                target.prepare()
            warm = load_calls(target.name, target.call, warmup, target.threads, args.time_cap)
            target.result.errors += warm.errors
            target.result.add(load_calls(target.name, target.call, share, target.threads,
                                         args.time_cap / args.rounds))


def ratio(result: Result, floor: Result) -> float:
    """A rate as a fraction of its floor's rate in the same run."""
    return result.rate / floor.rate if floor.rate else float("nan")


def report(targets: list[Target], floor: Target, floor_of_saves: Target, setup: ServerSetup
           ) -> list[str]:
    """The table, with each row's ratio to its floor (a save's to the save floor) and its
    target; returns the lines."""
    lines = [f"{'target':<20} {'requests':>8} {'errors':>6} {'req/s':>8} {'p50 ms':>7} "
             f"{'p99 ms':>7} {'vs floor':>8}  target"]
    for target in [*targets, floor_of_saves, floor]:
        result = target.result
        own_floor = floor_of_saves if target.name.startswith("save") else floor
        versus = "" if target is own_floor else f"{ratio(result, own_floor.result):.2f}×"
        lines.append(f"{target.name:<20} {result.requests:>8} {result.errors:>6} "
                     f"{result.rate:>8.1f} {result.percentile(0.50):>7.1f} "
                     f"{result.percentile(0.99):>7.1f} {versus:>8}  {target.goal}")
    for target in targets:
        result = target.result
        if target.goal.startswith("≥ 0.8"):
            share = ratio(result, floor.result)
            verdict = "met" if share >= HISTORY_TARGET else "missed"
            lines.append(f"{target.name}: {share:.2f}× the floor (target ≥ {HISTORY_TARGET}×) "
                         f"- {verdict}")
        if target.name.startswith("save"):
            verdict = "met" if result.rate >= SAVE_TARGET else "missed"
            counts = ", ".join(f"{n} {k}" for k, n in sorted(result.outcomes.items()))
            lines.append(f"{target.name}: {result.rate:.1f} saves/s (target ≥ "
                         f"{SAVE_TARGET:.0f}/s) - {verdict}; {counts}")
    save_floor_rate = floor_of_saves.result.rate
    lines.append(f"save floor: {save_floor_rate:.1f} saves/s; the target is "
                 f"{SAVE_TARGET / save_floor_rate if save_floor_rate else float('nan'):.2f}× "
                 "the save floor")
    lines.append(f"server: gunicorn {setup.label} (deploy/gunicorn.conf.py), the floors too")
    return lines


def build_targets(wiki_port: int, varnish_port: int, latest: int, threads: int,
                  copies: list[str], histories: tuple[int, ...] = HISTORY_SIZES
                  ) -> list[Target]:
    """Every row but the floor's, in the order of the table. The 304 row asks with the ETag
    the article has at the start of its turn (the saves of the turns before changed it)."""
    etag = [article_etag(wiki_port)]

    def refresh_etag() -> None:
        etag[0] = article_etag(wiki_port)

    editors = [Editor(wiki_port, n % EDITABLE_PARAGRAPHS, f"c{n}")
               for n in range(min(threads, EDITABLE_PARAGRAPHS))]
    owners = [Editor(wiki_port, 0, f"o{n}", path) for n, path in enumerate(copies)]

    def get(port: int, path: str) -> Callable[[int], str | None]:
        return lambda _client: get_ok(port, path)

    rows: list[tuple[str, Callable[[int], str | None], int, str]] = [
        ("article", get(wiki_port, ARTICLE_PATH), threads, ""),
        ("article via Varnish", get(varnish_port, ARTICLE_PATH), threads, ""),
        ("304 revalidation", lambda _client: revalidate(wiki_port, ARTICLE_PATH, etag[0]),
         threads, ""),
        *[(f"history {size:,}", get(wiki_port, history_path(size)), threads,
           f"≥ {HISTORY_TARGET}× floor") for size in histories],
        ("diff", get(wiki_port, f"{ARTICLE_PATH}?diff=prev&oldid={latest}"), threads,
         f"≥ {HISTORY_TARGET}× floor"),
        ("search", get(wiki_port, SEARCH_PATH), threads, ""),
        ("save, own pages", lambda client: owners[client].save(), len(owners),
         f"≥ {SAVE_TARGET:.0f} saves/s"),
        ("save, one page", lambda client: editors[client].save(), len(editors),
         f"≥ {SAVE_TARGET:.0f} saves/s"),
    ]
    targets = [Target(name, call, count, Result(name), goal)
               for name, call, count, goal in rows]
    targets[2].prepare = refresh_etag
    return targets


def check_search(port: int) -> None:
    """The search query must list results, not "Go" to a page."""
    status, body = fetch(port, SEARCH_PATH)
    if status != 200 or b"mw-search-result" not in body and b"search-result" not in body:
        raise RuntimeError(f"the search answered {status} without results")


def run(args: argparse.Namespace) -> int:
    """Seed, serve, measure, print; 1 if any request failed."""
    with tempfile.TemporaryDirectory(prefix="bench-site-") as temp:
        workdir = Path(temp)
        os.chmod(workdir, 0o755)  # Varnish's worker runs as its own user
        env = wiki_env(workdir, WIKI_CACHE_SMAXAGE="3600")
        print("seeding a temporary wiki ...", flush=True)
        seed_database(workdir, env)
        latest = add_edit(env)
        copies = copy_article(env)
        took = seed_histories(env, tuple(args.histories))
        print(f"saved {sum(args.histories):,} revisions for the history pages in {took:.1f} s",
              flush=True)
        write_floor_app(workdir)
        wiki_port, floor_port, varnish_port = free_port(), free_port(), free_port()
        save_floor_port = free_port()
        with serving("wiki:create_app()", wiki_port, ARTICLE_PATH, workdir, env,
                     workdir / "wiki.log"):
            status, page = fetch(wiki_port, ARTICLE_PATH)
            if status != 200:
                raise RuntimeError(f"the article answered {status}")
            store_floor_page(Path(env["FLOOR_DATABASE"]), page.decode("utf-8"))
            check_search(wiki_port)
            status, text = fetch(wiki_port, f"{copies[0]}?action=raw")
            if status != 200:
                raise RuntimeError(f"the article's copy answered {status}")
            floor_saves = save_floor.write(workdir, Path(env["SAVE_FLOOR_DATABASE"]),
                                           text.decode("utf-8"), len(copies))
            with serving("floor_app:app", floor_port, FLOOR_PATH, workdir, env,
                         workdir / "floor.log"), \
                    serving(f"{save_floor.MODULE}:app", save_floor_port,
                            f"{floor_saves[0]}?action=edit", workdir, env,
                            workdir / "save-floor.log"), \
                    varnish(workdir, varnish_port, wiki_port) as (origin, state):
                print(f"gunicorn {SETUP.label}; Varnish with {origin}; {args.threads} client "
                      f"threads ({EDITABLE_PARAGRAPHS} for saves), {args.rounds} rounds of "
                      f"{args.requests // args.rounds} requests per target, one connection per "
                      "request", flush=True)
                targets = build_targets(wiki_port, varnish_port, latest, args.threads, copies,
                                        tuple(args.histories))
                floor = Target("floor", lambda _client: get_ok(floor_port, FLOOR_PATH),
                               args.threads, Result("floor"))
                savers = [Editor(save_floor_port, 0, f"f{n}", path)
                          for n, path in enumerate(floor_saves)]
                floor_of_saves = Target("save floor", lambda client: savers[client].save(),
                                        len(savers), Result("save floor"))
                measure([*targets, floor_of_saves], floor, args)
                cached = varnish_counts(state)
        print("\n".join([*report(targets, floor, floor_of_saves, SETUP), cached]))
        every = [*targets, floor_of_saves, floor]
        return 1 if any(t.result.errors for t in every) else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1200,
                        help="measured requests (saves) per target, over all rounds")
    parser.add_argument("--rounds", type=int, default=3, help="turns the targets take")
    parser.add_argument("--warmup", type=int, default=60, help="unmeasured requests first")
    parser.add_argument("--threads", type=int, default=4, help="client threads")
    parser.add_argument("--time-cap", type=float, default=20.0,
                        help="seconds at most per target (measured part, over all rounds)")
    parser.add_argument("--histories", type=int, nargs="+", default=list(HISTORY_SIZES),
                        help="revisions of the history pages (default: %(default)s)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    return run(args)


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except KeyboardInterrupt:
        print("interrupted; the servers were stopped", file=sys.stderr)
        raise SystemExit(130) from None
