"""Benchmark the APIs' reads of the article beside its HTML view, in one run.

Run with ``python tests/bench/bench_api.py [--requests N] [--threads N] [--time-cap S]``.

The script seeds a wiki in a temporary directory and serves it with gunicorn (set up as
deploy/gunicorn.conf.py says) on a free loopback port, as tests/bench/bench_views.py does (and with
its helpers). Client threads then send a bounded number of GETs to each target, one connection
per request:

- api.php: ``action=query&prop=revisions`` of the article with its content, as mwclient's
  ``page.text()`` asks it;
- REST page: ``/w/rest.php/v1/page/Azerbaijan–Kosovo_relations`` (JSON with the Markdown source);
- REST html: the same page's ``/html`` (the stored render, with its ETag);
- HTML view: ``/wiki/Azerbaijan–Kosovo_relations``, the article as readers get it (served from
  the per-process page cache).

The targets take turns: after a warm-up, each round sends an equal share of the requests to
each target in order, so that load from anything else on the machine falls on all of them alike.
The table shows requests per second, latency and body size for each; the exit status is 1 when
any request fails.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

# bench_views puts the project root on sys.path, so the wiki imported by gunicorn is this checkout.
from bench_views import (
    ARTICLE_PATH,
    ROOT,
    SETUP,
    Result,
    _exit_on_sigterm,
    free_port,
    load,
    seed_database,
    serving,
)

REST_PATH = "/w/rest.php/v1/page/" + ARTICLE_PATH.removeprefix("/wiki/")
ACTION_PATH = "/w/api.php?" + urlencode({
    "action": "query", "prop": "revisions", "titles": "Azerbaijan\u2013Kosovo relations",
    "rvprop": "content|ids|timestamp", "rvslots": "main", "format": "json"})


def measure(port: int, targets: list[tuple[str, str]], args: argparse.Namespace
            ) -> list[Result]:
    """Warm every target up, then load them in turns for --rounds rounds; one Result each."""
    results = [Result(name) for name, _path in targets]
    for result, (name, path) in zip(results, targets, strict=True):
        result.errors += load(port, path, name, args.warmup, args.threads, args.time_cap).errors
    share = max(1, args.requests // args.rounds)
    for _round in range(args.rounds):
        for result, (name, path) in zip(results, targets, strict=True):
            part = load(port, path, name, share, args.threads, args.time_cap / args.rounds)
            result.latencies += part.latencies
            result.errors += part.errors
            result.elapsed += part.elapsed
            result.sizes |= part.sizes
    return results


def report(results: list[Result]) -> None:
    """Print the table, and each API read's rate as a share of the HTML view's."""
    print(f"{'target':<12} {'requests':>8} {'errors':>6} {'req/s':>8} {'p50 ms':>7} "
          f"{'p99 ms':>7} {'KiB':>6}")
    for result in results:
        kib = max(result.sizes, default=0) / 1024
        print(f"{result.name:<12} {result.requests:>8} {result.errors:>6} {result.rate:>8.1f} "
              f"{result.percentile(0.50):>7.1f} {result.percentile(0.99):>7.1f} {kib:>6.1f}")
    view = results[-1]
    for result in results[:-1]:
        ratio = result.rate / view.rate if view.rate else float("nan")
        print(f"{result.name}: {ratio:.2f}× the HTML view's calls per second")


def main() -> int:
    """Seed, serve, load each target in turn, print the table; exit 1 if a request failed."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1500, help="measured requests per target")
    parser.add_argument("--warmup", type=int, default=50, help="unmeasured requests first")
    parser.add_argument("--rounds", type=int, default=5, help="turns each target takes")
    parser.add_argument("--threads", type=int, default=4, help="client threads")
    parser.add_argument("--time-cap", type=float, default=30.0,
                        help="seconds at most per target (measured part)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _exit_on_sigterm)

    with tempfile.TemporaryDirectory(prefix="bench-rest-") as temp:
        workdir = Path(temp)
        env = dict(os.environ)
        env.update({
            "WIKI_DATABASE_URL": f"sqlite:///{workdir / 'wiki.sqlite3'}",
            "WIKI_SECRET_KEY": "bench-secret-key-not-for-production",
            "WIKI_MAP_CACHE_DIR": str(workdir / "maps"),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        })
        print("seeding a temporary wiki ...", flush=True)
        seed_database(workdir, env)
        targets = [("api.php", ACTION_PATH), ("REST page", REST_PATH),
                   ("REST html", REST_PATH + "/html"), ("HTML view", ARTICLE_PATH)]
        port = free_port()
        with serving("wiki:create_app()", port, ARTICLE_PATH, workdir, env,
                     workdir / "wiki.log"):
            print(f"gunicorn {SETUP.label}; {args.threads} client threads, "
                  f"{args.warmup} warm-up + {args.requests} requests per target in "
                  f"{args.rounds} rounds (at most {args.time_cap:.0f} s), one connection per "
                  "request", flush=True)
            results = measure(port, targets, args)
        report(results)
        return 1 if any(result.errors for result in results) else 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except KeyboardInterrupt:
        print("interrupted; the server was stopped", file=sys.stderr)
        raise SystemExit(130) from None
