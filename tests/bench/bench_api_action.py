"""Benchmark the Action API's page read beside the HTML view of the same page.

Run with ``python tests/bench/bench_api_action.py [--requests N] [--threads N] [--time-cap S]``.

The script seeds a wiki in a temporary directory and serves it with gunicorn (two sync workers,
as bench_views.py does, whose helpers it uses) on a free loopback port. Client threads then send
a bounded number of requests, one connection each, to

- the API: ``action=query&prop=revisions&titles=Azerbaijan–Kosovo relations&rvprop=content|ids|
  timestamp&rvslots=main&format=json`` (what mwclient's ``page.text()`` asks), and
- the HTML view ``/wiki/Azerbaijan–Kosovo_relations``,

and prints calls per second and latency of each. The exit status is 1 when any request failed.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from bench_views import (
    ARTICLE_PATH,
    ROOT,
    WORKERS,
    Result,
    _exit_on_sigterm,
    fetch,
    free_port,
    run_target,
    seed_database,
    serving,
)

API_PATH = "/w/api.php?" + urlencode({
    "action": "query", "prop": "revisions", "titles": "Azerbaijan–Kosovo relations",
    "rvprop": "content|ids|timestamp", "rvslots": "main", "format": "json"})


def report(results: list[Result]) -> None:
    """Print calls per second and latency of each target, and the API against the view."""
    print(f"{'target':<12} {'requests':>8} {'errors':>6} {'calls/s':>8} {'p50 ms':>7} "
          f"{'p99 ms':>7} {'KiB':>6}")
    for result in results:
        kib = max(result.sizes, default=0) / 1024
        print(f"{result.name:<12} {result.requests:>8} {result.errors:>6} {result.rate:>8.1f} "
              f"{result.percentile(0.50):>7.1f} {result.percentile(0.99):>7.1f} {kib:>6.1f}")
    api, view = results
    if view.rate:
        print(f"api.php read: {api.rate / view.rate:.2f}× the HTML view's calls per second")


def main() -> int:
    """Seed, serve, load both targets, print the table; exit 1 if a request failed."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1500, help="measured requests per target")
    parser.add_argument("--warmup", type=int, default=50, help="unmeasured requests first")
    parser.add_argument("--threads", type=int, default=4, help="client threads")
    parser.add_argument("--time-cap", type=float, default=30.0,
                        help="seconds at most per target (measured part)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _exit_on_sigterm)

    with tempfile.TemporaryDirectory(prefix="bench-api-") as temp:
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
        port = free_port()
        results: list[Result] = []
        with serving("wiki:create_app()", port, ARTICLE_PATH, workdir, env,
                     workdir / "wiki.log"):
            status, body = fetch(port, API_PATH)
            if status != 200 or b'"revisions"' not in body:
                raise RuntimeError(f"the API answered {status}: {body[:300]!r}")
            print(f"{WORKERS} sync workers; {args.threads} client threads, {args.warmup} "
                  f"warm-up + {args.requests} requests per target (at most "
                  f"{args.time_cap:.0f} s), one connection per request", flush=True)
            results.append(run_target(port, API_PATH, "api.php", args))
            results.append(run_target(port, ARTICLE_PATH, "HTML view", args))
        report(results)
        return 1 if any(result.errors for result in results) else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    try:
        raise SystemExit(main())
    except KeyboardInterrupt:
        print("interrupted; the server was stopped", file=sys.stderr)
        raise SystemExit(130) from None
