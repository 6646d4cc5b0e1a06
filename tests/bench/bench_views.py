"""Benchmark page views under gunicorn against a floor: the least a Flask page view can cost.

Run with ``python tests/bench/bench_views.py [--requests N] [--threads N] [--time-cap S]``.

The script seeds a wiki in a temporary directory, adds one edit to the benchmark article so a
diff has two revisions, and serves it with gunicorn, set up as deploy/gunicorn.conf.py says
(as `make run` serves it), on a free loopback port.
A second gunicorn serves a "floor" app written at run time: per request it opens SQLite, reads one
row (the article page's body HTML, fetched once from the wiki) and renders a Jinja page shell
around it, so both servers send pages of about the same size. Client threads then send a bounded
number of requests to each target, one connection per request for both, and the table shows
throughput and latency.

Target: the article view serves at least 0.8x the floor's requests per second. Missing the target
is reported, not fatal; the exit status is 1 when any request fails.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import runpy
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

HOST = "127.0.0.1"
ARTICLE_PATH = "/wiki/Azerbaijan%E2%80%93Kosovo_relations"
FLOOR_PATH = "/floor/1"
TARGET_RATIO = 0.8
STARTUP_SECONDS = 60.0
REQUEST_TIMEOUT = 30.0

FLOOR_APP = '''\
"""The floor: one SQLite row per request, rendered into a Jinja page shell."""

import os
import sqlite3

from flask import Flask, abort, render_template
from markupsafe import Markup

DATABASE = os.environ["FLOOR_DATABASE"]
app = Flask(__name__, template_folder="floor_templates")


@app.get("/floor/<int:page_id>")
def show(page_id):
    """Read the page's row with a fresh connection and render it."""
    connection = sqlite3.connect(DATABASE)
    try:
        row = connection.execute(
            "SELECT title, body FROM floor_page WHERE id = ?", (page_id,)
        ).fetchone()
    finally:
        connection.close()
    if row is None:
        abort(404)
    return render_template("page.html", title=row[0], body=Markup(row[1]))
'''

FLOOR_TEMPLATE = """\
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} – Wiki</title>
<link rel="stylesheet" href="/static/css/wiki.css">
</head>
<body>
{{ body|safe }}
</body>
</html>
"""


@dataclass(frozen=True)
class ServerSetup:
    """How gunicorn runs the app: its worker class, worker processes and threads per worker."""

    worker_class: str
    workers: int
    threads: int = 1

    @property
    def label(self) -> str:
        """"sync 4" or "gthread 2×4" (workers × threads)."""
        if self.worker_class == "sync":
            return f"sync {self.workers}"
        return f"{self.worker_class} {self.workers}×{self.threads}"

    def arguments(self) -> list[str]:
        """gunicorn's command-line options for this setup."""
        return ["--worker-class", self.worker_class, "--workers", str(self.workers),
                "--threads", str(self.threads)]


def chosen_setup() -> ServerSetup:
    """The setup `make run` uses, read from deploy/gunicorn.conf.py."""
    settings = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    return ServerSetup(str(settings["worker_class"]), int(settings["workers"]),
                       int(settings.get("threads", 1)))


SETUP = chosen_setup()
WORKERS = SETUP.workers


@dataclass
class Result:
    """What one measured run against one target produced."""

    name: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    elapsed: float = 0.0
    sizes: set[int] = field(default_factory=set)
    outcomes: dict[str, int] = field(default_factory=dict)

    def add(self, other: Result) -> None:
        """Fold another run of the same target into this one (rounds of an interleaved run)."""
        self.latencies += other.latencies
        self.errors += other.errors
        self.elapsed += other.elapsed
        self.sizes |= other.sizes
        for outcome, count in other.outcomes.items():
            self.outcomes[outcome] = self.outcomes.get(outcome, 0) + count

    @property
    def requests(self) -> int:
        """Requests sent, answered or not."""
        return len(self.latencies) + self.errors

    @property
    def rate(self) -> float:
        """Successful requests per second of wall time."""
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def percentile(self, fraction: float) -> float:
        """The latency (ms) at this fraction of the sorted successful requests (nearest rank)."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def fetch(port: int, path: str) -> tuple[int, bytes]:
    """GET a path over a fresh connection; return the status and body."""
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request("GET", path, headers={"Connection": "close"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def seed_database(workdir: Path, env: Mapping[str, str]) -> None:
    """Migrate and seed a fresh wiki database with `flask --app wiki init`."""
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wiki", "init"],
        cwd=workdir, env=dict(env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    if done.returncode:
        raise RuntimeError(f"flask init failed ({done.returncode}):\n"
                           f"{done.stdout.decode(errors='replace')}")


def add_edit(env: Mapping[str, str]) -> int:
    """Save one more revision of the article through the page service; return its id."""
    from wiki import create_app, pages
    from wiki.db import db
    from wiki.titles import parse_title

    app = create_app({
        "WIKI_DATABASE_URL": env["WIKI_DATABASE_URL"],
        "WIKI_SECRET_KEY": env["WIKI_SECRET_KEY"],
        "WIKI_MAP_CACHE_DIR": env["WIKI_MAP_CACHE_DIR"],
    }, instance_path=env["BENCH_INSTANCE"])
    with app.app_context():
        title = parse_title(unquote(ARTICLE_PATH.removeprefix("/wiki/")))
        page = pages.get_page(title)
        latest = pages.latest_revision(page)
        text = latest.text + "\n\nThis paragraph was added so the history has a second revision."
        result = pages.save_edit(title, text, author=pages.Author("Bench"),
                                 base_revision_id=latest.id, summary="bench")
        revision_id = int(result.revision.id)
        db.session.remove()
        db.engine.dispose()
    return revision_id


def store_floor_page(database: Path, html: str) -> None:
    """Keep the article page's title and body HTML as the one row the floor app reads."""
    title_match = re.search(r"<title>(.*?) – ", html, re.S)
    body_match = re.search(r"<body[^>]*>(.*)</body>", html, re.S)
    if title_match is None or body_match is None:
        raise RuntimeError("the article page has no <title> or <body> to copy")
    with sqlite3.connect(database) as connection:
        connection.execute(
            "CREATE TABLE IF NOT EXISTS floor_page (id INTEGER PRIMARY KEY, title TEXT, body TEXT)"
        )
        connection.execute("INSERT OR REPLACE INTO floor_page VALUES (1, ?, ?)",
                           (title_match.group(1), body_match.group(1)))
    connection.close()


def write_floor_app(workdir: Path) -> None:
    """Write the floor's module and template into the working directory."""
    (workdir / "floor_app.py").write_text(FLOOR_APP, encoding="utf-8")
    templates = workdir / "floor_templates"
    templates.mkdir()
    (templates / "page.html").write_text(FLOOR_TEMPLATE, encoding="utf-8")


def start_gunicorn(app: str, port: int, workdir: Path, env: Mapping[str, str],
                   log: Path, setup: ServerSetup = SETUP) -> subprocess.Popen[bytes]:
    """Start gunicorn set up as `make run` runs it (or as given) on a loopback port, logging to
    a file. The setup's options are all on the command line (the working directory is the
    temporary one, which has no deploy/gunicorn.conf.py to read)."""
    with log.open("wb") as handle:
        return subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"{HOST}:{port}", *setup.arguments(),
             "--chdir", str(workdir), app],
            cwd=workdir, env=dict(env), stdin=subprocess.DEVNULL, stdout=handle, stderr=handle,
        )


def wait_until_ready(process: subprocess.Popen[bytes], port: int, path: str, log: Path) -> None:
    """Poll the server until it answers 200, or fail when it exits or takes too long."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n{tail(log)}")
        try:
            status, _body = fetch(port, path)
        except OSError:
            time.sleep(0.1)
            continue
        if status == 200:
            return
        raise RuntimeError(f"{path} answered {status} while starting:\n{tail(log)}")
    raise RuntimeError(f"the server did not answer within {STARTUP_SECONDS:.0f} s:\n{tail(log)}")


def tail(log: Path, lines: int = 20) -> str:
    """The last lines of a server log."""
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def stop(process: subprocess.Popen[bytes]) -> None:
    """Ask gunicorn to stop, wait for it, and kill it when it lingers."""
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def serving(app: str, port: int, path: str, workdir: Path, env: Mapping[str, str],
            log: Path, setup: ServerSetup = SETUP) -> Iterator[subprocess.Popen[bytes]]:
    """Run a gunicorn server for the duration of the block (the block gets its arbiter
    process) and always stop it afterwards."""
    process = start_gunicorn(app, port, workdir, env, log, setup)
    try:
        wait_until_ready(process, port, path, log)
        yield process
    finally:
        stop(process)


def load_paths(port: int, paths: list[str], name: str, threads: int, time_cap: float
               ) -> Result:
    """GET each path once from client threads within `time_cap` seconds and time each."""
    result = Result(name)
    lock = threading.Lock()
    pending = iter(paths)
    deadline = time.monotonic() + time_cap

    def client() -> None:
        while True:
            with lock:
                path = next(pending, None)
            if path is None or time.monotonic() >= deadline:
                return
            began = time.perf_counter()
            try:
                status, body = fetch(port, path)
            except (OSError, http.client.HTTPException):
                status, body = 0, b""
            took = time.perf_counter() - began
            with lock:
                if status == 200:
                    result.latencies.append(took)
                    result.sizes.add(len(body))
                else:
                    result.errors += 1

    workers = [threading.Thread(target=client, daemon=True) for _ in range(threads)]
    began = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    result.elapsed = time.perf_counter() - began
    return result


def load_calls(name: str, call: Callable[[int], str | None], total: int, threads: int,
               time_cap: float) -> Result:
    """Make up to `total` calls from client threads within `time_cap` seconds and time each.
    A call gets its client thread's number and returns what came of it (an outcome counted in
    the result, such as "200" or "merged"), or None when it failed."""
    result = Result(name)
    lock = threading.Lock()
    remaining = [total]
    deadline = time.monotonic() + time_cap

    def client(number: int) -> None:
        while True:
            with lock:
                if remaining[0] <= 0 or time.monotonic() >= deadline:
                    return
                remaining[0] -= 1
            began = time.perf_counter()
            try:
                outcome = call(number)
            except (OSError, http.client.HTTPException):
                outcome = None
            took = time.perf_counter() - began
            with lock:
                if outcome is None:
                    result.errors += 1
                else:
                    result.latencies.append(took)
                    result.outcomes[outcome] = result.outcomes.get(outcome, 0) + 1

    workers = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(threads)]
    began = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    result.elapsed = time.perf_counter() - began
    return result


def load(port: int, path: str, name: str, total: int, threads: int, time_cap: float) -> Result:
    """Send up to `total` GETs of one path from client threads within `time_cap` seconds."""
    return load_paths(port, [path] * total, name, threads, time_cap)


def run_target(port: int, path: str, name: str, args: argparse.Namespace) -> Result:
    """Warm the target up, then measure it."""
    warm = load(port, path, name, args.warmup, args.threads, args.time_cap)
    result = load(port, path, name, args.requests, args.threads, args.time_cap)
    result.errors += warm.errors
    return result


def report(results: list[Result], floor: Result) -> None:
    """Print the table and the article view's standing against the target."""
    print(f"{'target':<14} {'requests':>8} {'errors':>6} {'req/s':>8} {'p50 ms':>7} "
          f"{'p99 ms':>7} {'KiB':>6}  vs floor")
    for result in results:
        ratio = result.rate / floor.rate if floor.rate else float("nan")
        versus = "" if result is floor else f"{ratio:.2f}× floor"
        kib = max(result.sizes, default=0) / 1024
        print(f"{result.name:<14} {result.requests:>8} {result.errors:>6} {result.rate:>8.1f} "
              f"{result.percentile(0.50):>7.1f} {result.percentile(0.99):>7.1f} {kib:>6.1f}  "
              f"{versus}")
    article = results[0]
    ratio = article.rate / floor.rate if floor.rate else float("nan")
    verdict = "met" if ratio >= TARGET_RATIO else "missed"
    print(f"article view: {ratio:.2f}× the floor (target ≥ {TARGET_RATIO}×) - {verdict}")


def _exit_on_sigterm(signum: int, _frame: FrameType | None) -> None:
    """Turn SIGTERM into SystemExit so the servers are stopped on the way out."""
    raise SystemExit(128 + signum)


def main() -> int:
    """Set up both servers, load them in turn, print the table; exit 1 if a request failed."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1500, help="measured requests per target")
    parser.add_argument("--warmup", type=int, default=50, help="unmeasured requests first")
    parser.add_argument("--threads", type=int, default=4, help="client threads")
    parser.add_argument("--time-cap", type=float, default=30.0,
                        help="seconds at most per target (measured part)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _exit_on_sigterm)

    with tempfile.TemporaryDirectory(prefix="bench-views-") as temp:
        workdir = Path(temp)
        database = workdir / "wiki.sqlite3"
        env = dict(os.environ)
        env.update({
            "WIKI_DATABASE_URL": f"sqlite:///{database}",
            "WIKI_SECRET_KEY": "bench-secret-key-not-for-production",
            "WIKI_MAP_CACHE_DIR": str(workdir / "maps"),
            "BENCH_INSTANCE": str(workdir / "instance"),
            "FLOOR_DATABASE": str(database),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        })
        print("seeding a temporary wiki ...", flush=True)
        seed_database(workdir, env)
        latest = add_edit(env)
        write_floor_app(workdir)
        targets = [
            ("article view", ARTICLE_PATH),
            ("history", f"{ARTICLE_PATH}?action=history"),
            ("diff", f"{ARTICLE_PATH}?diff=prev&oldid={latest}"),
        ]
        wiki_port, floor_port = free_port(), free_port()
        results: list[Result] = []
        with serving("wiki:create_app()", wiki_port, ARTICLE_PATH, workdir, env,
                     workdir / "wiki.log"):
            status, page = fetch(wiki_port, ARTICLE_PATH)
            if status != 200:
                raise RuntimeError(f"the article answered {status}")
            store_floor_page(database, page.decode("utf-8"))
            with serving("floor_app:app", floor_port, FLOOR_PATH, workdir, env,
                         workdir / "floor.log"):
                print(f"gunicorn {SETUP.label} each; {args.threads} client threads, "
                      f"{args.warmup} warm-up + {args.requests} requests per target "
                      f"(at most {args.time_cap:.0f} s), one connection per request", flush=True)
                for name, path in targets:
                    results.append(run_target(wiki_port, path, name, args))
                floor = run_target(floor_port, FLOOR_PATH, "floor", args)
                results.append(floor)
        report(results, floor)
        return 1 if any(result.errors for result in results) else 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except KeyboardInterrupt:
        print("interrupted; both servers were stopped", file=sys.stderr)
        raise SystemExit(130) from None
