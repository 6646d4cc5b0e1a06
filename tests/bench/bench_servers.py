"""Which gunicorn setup serves the wiki best on this machine: sync workers against gthread, and
how many workers and threads, for the article view, a save and a search.

Run with ``python tests/bench/bench_servers.py [--quick | --setups sync:N gthread:NxT ...]
[--rounds N] [--threads N]``.

The script seeds a wiki in a temporary directory and gives each setup its own copy of the
database, so that each server's saves land in its own history. All the servers run at once, idle
but for the one being measured, and the setups take turns in rounds (--rounds): load from
elsewhere on the machine falls on all of them alike. In each turn a setup gets, after a short
warm-up:

- article: anonymous GETs of the seeded article (the page cache serves them);
- save: an anonymous visitor's save of the article, end to end as tests/bench/bench_site.py
  makes it (edit form, one sentence changed, post with the CSRF token and base revision), from
  four editors at once, each on their own paragraph; merges and conflicts are counted;
- search: a full-text query that matches no title (so it lists results).

The table gives requests (saves) per second, p50 and p99 for each, the ratio of each rate to the
best setup's, and a score: the geometric mean of the three ratios. The setup with the best score
is named at the end; deploy/gunicorn.conf.py says which one `make run` and the benchmarks use.
"""

from __future__ import annotations

import argparse
import math
import shutil
import signal
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

# bench_site (through bench_views) puts the project root on sys.path.
from bench_site import EDITABLE_PARAGRAPHS, SEARCH_PATH, Editor, check_search, get_ok, wiki_env
from bench_views import (
    ARTICLE_PATH,
    SETUP,
    Result,
    ServerSetup,
    _exit_on_sigterm,
    free_port,
    load_calls,
    seed_database,
    serving,
)

SETUPS = (
    ServerSetup("sync", 2), ServerSetup("sync", 3), ServerSetup("sync", 4),
    ServerSetup("sync", 5),
    ServerSetup("gthread", 1, 8), ServerSetup("gthread", 2, 2), ServerSetup("gthread", 2, 4),
    ServerSetup("gthread", 2, 8), ServerSetup("gthread", 3, 4), ServerSetup("gthread", 4, 2),
)
QUICK_SETUPS = (
    ServerSetup("sync", 2), ServerSetup("gthread", 2, 4), ServerSetup("gthread", 3, 4),
    ServerSetup("gthread", 1, 8),
)
KINDS = ("article", "save", "search")


def parse_setup(text: str) -> ServerSetup:
    """"sync:4" or "gthread:2x4" (workers x threads) as a setup."""
    kind, _, size = text.partition(":")
    workers, _, threads = size.partition("x")
    if kind not in ("sync", "gthread") or not workers.isdigit() or \
            (threads and not threads.isdigit()) or (kind == "sync" and threads):
        raise argparse.ArgumentTypeError(f"{text!r}: write sync:N or gthread:NxT")
    return ServerSetup(kind, int(workers), int(threads or 1))


@dataclass
class Server:
    """One setup under test: its port, its editors, and what each kind of request gave."""

    setup: ServerSetup
    port: int
    editors: list[Editor]
    results: dict[str, Result] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.results = {kind: Result(kind) for kind in KINDS}


def turn(server: Server, args: argparse.Namespace) -> None:
    """One setup's turn in a round: each kind of request, a warm-up then the measured part."""
    port = server.port
    plans = {
        "article": (lambda _c: get_ok(port, ARTICLE_PATH), args.threads, args.requests,
                    args.slice),
        "save": (lambda c: server.editors[c].save(), len(server.editors), args.saves,
                 2 * args.slice),
        "search": (lambda _c: get_ok(port, SEARCH_PATH), args.threads, args.requests,
                   args.slice),
    }
    for kind, (call, threads, total, cap) in plans.items():
        warm = load_calls(kind, call, threads * 2, threads, cap)
        result = server.results[kind]
        result.errors += warm.errors
        result.add(load_calls(kind, call, total, threads, cap))


def report(servers: list[Server]) -> ServerSetup:
    """Print the table; return the setup with the best score."""
    best = {kind: max(s.results[kind].rate for s in servers) or 1.0 for kind in KINDS}
    head = f"{'setup':<13}"
    for kind in KINDS:
        head += f" | {kind + ' /s':>10} {'p50':>6} {'p99':>6} {'ratio':>5}"
    print(head + f" | {'score':>5} {'errors':>6}")
    scores: dict[ServerSetup, float] = {}
    for server in servers:
        line = f"{server.setup.label:<13}"
        ratios = []
        for kind in KINDS:
            result = server.results[kind]
            ratio = result.rate / best[kind]
            ratios.append(ratio)
            line += (f" | {result.rate:>10.1f} {result.percentile(0.5):>6.1f} "
                     f"{result.percentile(0.99):>6.1f} {ratio:>5.2f}")
        scores[server.setup] = math.prod(ratios) ** (1 / len(ratios))
        errors = sum(result.errors for result in server.results.values())
        print(line + f" | {scores[server.setup]:>5.2f} {errors:>6}")
    print("p50 and p99 in ms; ratio: to the best setup's rate; score: geometric mean of ratios")
    saves = [server.results["save"] for server in servers]
    outcomes: dict[str, int] = {}
    for result in saves:
        for outcome, count in result.outcomes.items():
            outcomes[outcome] = outcomes.get(outcome, 0) + count
    print("saves: " + ", ".join(f"{count} {outcome}" for outcome, count
                                 in sorted(outcomes.items())))
    winner = max(scores, key=lambda setup: scores[setup])
    print(f"best: {winner.label} (score {scores[winner]:.2f}); deploy/gunicorn.conf.py has "
          f"{SETUP.label} (score {scores.get(SETUP, float('nan')):.2f})")
    return winner


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help=f"only {', '.join(s.label for s in QUICK_SETUPS)}")
    parser.add_argument("--setups", type=parse_setup, nargs="+",
                        help="setups to compare instead, as sync:N or gthread:NxT")
    parser.add_argument("--rounds", type=int, default=3, help="turns each setup takes")
    parser.add_argument("--threads", type=int, default=8, help="client threads for GETs")
    parser.add_argument("--requests", type=int, default=400,
                        help="article views (and searches) per setup per round")
    parser.add_argument("--saves", type=int, default=60, help="saves per setup per round")
    parser.add_argument("--slice", type=float, default=1.5,
                        help="seconds at most per kind per turn (twice that for saves)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    setups = args.setups or (QUICK_SETUPS if args.quick else SETUPS)

    with tempfile.TemporaryDirectory(prefix="bench-servers-") as temp:
        workdir = Path(temp)
        print("seeding a temporary wiki ...", flush=True)
        seed_database(workdir, wiki_env(workdir))
        servers: list[Server] = []
        with ExitStack() as stack:
            for number, setup in enumerate(setups):
                home = workdir / f"server-{number}"
                home.mkdir()
                shutil.copy(workdir / "wiki.sqlite3", home / "wiki.sqlite3")
                port = free_port()
                stack.enter_context(serving("wiki:create_app()", port, ARTICLE_PATH, home,
                                            wiki_env(home), home / "gunicorn.log", setup))
                check_search(port)
                editors = [Editor(port, n, f"e{n}") for n in range(EDITABLE_PARAGRAPHS)]
                servers.append(Server(setup, port, editors))
            print(f"{len(servers)} setups; {args.rounds} rounds; per turn {args.requests} "
                  f"article views and searches from {args.threads} client threads, "
                  f"{args.saves} saves from {EDITABLE_PARAGRAPHS} editors; one connection per "
                  "request", flush=True)
            for round_number in range(args.rounds):
                for server in servers:
                    turn(server, args)
                print(f"round {round_number + 1} done", flush=True)
        report(servers)
        failed = any(r.errors for s in servers for r in s.results.values())
        return 1 if failed else 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except KeyboardInterrupt:
        print("interrupted; the servers were stopped", file=sys.stderr)
        raise SystemExit(130) from None
