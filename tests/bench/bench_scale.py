"""Benchmark the wiki at two corpus sizes: article view, full-text search and recent changes.

Run with ``python tests/bench/bench_scale.py [--small N] [--large N] [--revisions R]
[--revised-share F] [--keep DIR] [--requests N] [--threads N] [--time-cap S]``.

For each size the script builds a synthetic corpus into an SQLite file (``flask init``, then
``flask generate-corpus``, which saves every revision through the one writer), serves it with
gunicorn (set up as deploy/gunicorn.conf.py says) on a free loopback port, and sends a bounded
number of requests from client threads, one connection per request, as
tests/bench/bench_views.py does:

- article view: random titles from a pool of --pool pages, the same pool size for both corpora,
  so the per-process page cache sees the same traffic whatever the corpus size;
- article, uncached: the same titles with ``?action=view``, which the page cache does not serve;
- search: ``Special:Search?search=<term>&fulltext=1`` for words of very different frequency
  (from one in nearly every page to a rare one), a folded name ("Tadic" finds "Tadić") and a
  two-word query; each term gets an equal share of the requests;
- recent changes: ``Special:RecentChanges`` (the 50 newest edits).

The client runs as many threads as gunicorn has workers, so latencies are service times rather
than time spent queueing for a worker. Targets: at the large size an article view costs at most
1.2x what it costs at the small size (cost: 1 / requests per second at full load), and search p95
stays under 50 ms. Missing a target is reported, not fatal; the exit status is 1 when any request
fails.

Building a corpus is the slow part (every revision is rendered and indexed by save_edit; the
command prints its rate). ``--keep DIR`` keeps each built corpus in DIR under a name that says
its size, revisions, share and seed, and reuses it on the next run. The defaults are the full
measurement: 1,000 and 100,000 pages, 10 revisions on a tenth of the pages and one on the rest
(190,000 saves for the large corpus, about 20 minutes at some 160 saves a second; 10 revisions
on every page would mean a million saves, close to two hours). Build it once and measure it as
often as wanted with

    python tests/bench/bench_scale.py --keep ~/wiki-corpora

``make bench`` runs a quicker version (1,000 and 20,000 pages, 3 revisions on a tenth).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

# bench_views puts the project root on sys.path, so `wiki` imports below resolve to this checkout.
from bench_views import (
    ROOT,
    SETUP,
    WORKERS,
    Result,
    _exit_on_sigterm,
    free_port,
    load_paths,
    seed_database,
    serving,
)

from wiki import corpus
from wiki.search.sqlite import match_expression
from wiki.search.text import query_terms

ARTICLE_TARGET = 1.2
SEARCH_P95_MS = 50.0
RECENT_CHANGES = "/wiki/Special:RecentChanges"
SECRET = "bench-secret-key-not-for-production"


@dataclass(frozen=True)
class SearchTerm:
    """A search the benchmark sends, and what kind of word it is."""

    kind: str
    query: str

    @property
    def path(self) -> str:
        """The full-text search URL for the query."""
        return f"/wiki/Special:Search?search={quote(self.query)}&fulltext=1"


@dataclass
class Measured:
    """Everything measured against one corpus."""

    label: str
    description: str
    results: list[Result] = field(default_factory=list)
    per_term: list[tuple[SearchTerm, int, Result]] = field(default_factory=list)

    def result(self, name: str) -> Result:
        """The result of the target with this name."""
        return next(r for r in self.results if r.name == name)


def size_label(count: int) -> str:
    """1000 -> "1k", 100000 -> "100k", 250 -> "250"."""
    return f"{count / 1000:g}k" if count >= 1000 else str(count)


def search_terms(seed: int) -> list[SearchTerm]:
    """Words of very different frequency from the corpus vocabulary, a name, two words."""
    words = corpus.vocabulary(seed)
    return [
        SearchTerm("most common word", words[0]),
        SearchTerm("common word", words[20]),
        SearchTerm("medium word", words[200]),
        SearchTerm("rare word", words[2000]),
        SearchTerm("name, folded", "Tadic"),
        SearchTerm("two words", f"{words[5]} {words[50]}"),
    ]


def corpus_name(count: int, args: argparse.Namespace) -> str:
    """The file name of a corpus: what it holds, so a kept one is reused only when it fits."""
    return (f"corpus-{count}p-{args.revisions}r-{args.revised_share:g}share-"
            f"seed{args.seed}.sqlite3")


def build_corpus(target: Path, count: int, args: argparse.Namespace, env: Mapping[str, str]
                 ) -> dict[str, float]:
    """Build a corpus into `target` (under a temporary name until it is complete)."""
    building = target.with_name(target.name + ".building")
    for leftover in (building, Path(f"{building}-wal"), Path(f"{building}-shm")):
        leftover.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-scale-build-") as temp:
        workdir = Path(temp)
        build_env = {**env, "WIKI_DATABASE_URL": f"sqlite:///{building}"}
        seed_database(workdir, build_env)
        command = [sys.executable, "-m", "flask", "--app", "wiki", "generate-corpus",
                   "--pages", str(count), "--revisions", str(args.revisions),
                   "--revised-share", str(args.revised_share), "--seed", str(args.seed)]
        began = time.perf_counter()
        done = subprocess.run(command, cwd=workdir, env=build_env)
        seconds = time.perf_counter() - began
        if done.returncode:
            raise RuntimeError(f"generate-corpus failed ({done.returncode})")
    connection = sqlite3.connect(building)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    building.replace(target)
    saves = corpus.planned_saves(count, args.revisions, args.revised_share)
    stats = {"seconds": seconds, "saves": saves}
    target.with_suffix(".json").write_text(json.dumps(stats), encoding="utf-8")
    return stats


def corpus_database(count: int, args: argparse.Namespace, folder: Path,
                    env: Mapping[str, str]) -> tuple[Path, str]:
    """A built corpus file (reused from --keep when there) and how it came to be."""
    target = folder / corpus_name(count, args)
    if target.exists():
        stats_file = target.with_suffix(".json")
        stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
        how = "reused"
    else:
        print(f"building the {size_label(count)} corpus ({count:,} pages, "
              f"{corpus.planned_saves(count, args.revisions, args.revised_share):,} "
              "revisions) ...", flush=True)
        stats = build_corpus(target, count, args, env)
        how = "built"
    if stats.get("seconds"):
        seconds = stats["seconds"]
        took = f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min"
        how += f", build {took}, {stats['saves'] / seconds:.0f} revisions/s"
    return target, how


def describe(database: Path, how: str, count: int, args: argparse.Namespace) -> str:
    """What the corpus holds, counted in the file itself."""
    connection = sqlite3.connect(database)
    try:
        pages = connection.execute("SELECT count(*) FROM pages").fetchone()[0]
        revisions = connection.execute("SELECT count(*) FROM revisions").fetchone()[0]
    finally:
        connection.close()
    revised = len(corpus.edited_pages(count, args.revised_share)) if args.revisions > 1 else 0
    spread = (f"{args.revisions} revisions on {revised:,} pages, 1 on the rest"
              if 0 < revised < count else f"{args.revisions} revision(s) per page")
    return (f"{pages:,} pages, {revisions:,} revisions ({spread}), "
            f"{database.stat().st_size / 2**20:,.0f} MiB; {how}")


def term_matches(database: Path, term: SearchTerm) -> int:
    """How many index rows contain every word of the query."""
    connection = sqlite3.connect(database)
    try:
        return int(connection.execute(
            "SELECT count(*) FROM search_fts WHERE search_fts MATCH ?",
            (match_expression(query_terms(term.query)),),
        ).fetchone()[0])
    finally:
        connection.close()


def run_paths(port: int, paths: list[str], warmup: list[str], name: str,
              args: argparse.Namespace) -> Result:
    """Warm up on some paths, then measure the others; warm-up failures count as errors."""
    warm = load_paths(port, warmup, name, args.threads, args.time_cap)
    result = load_paths(port, paths, name, args.threads, args.time_cap)
    result.errors += warm.errors
    return result


def combined(name: str, parts: list[Result]) -> Result:
    """One result from several measured one after another."""
    merged = Result(name)
    for part in parts:
        merged.latencies.extend(part.latencies)
        merged.errors += part.errors
        merged.elapsed += part.elapsed
        merged.sizes |= part.sizes
    return merged


def measure(count: int, database: Path, description: str, args: argparse.Namespace,
            env: Mapping[str, str]) -> Measured:
    """Serve one corpus and measure every target against it."""
    rng = random.Random(args.seed)
    pool = rng.sample(corpus.plan(count, args.seed), min(args.pool, args.small, count))
    total = args.requests + args.warmup
    articles = [rng.choice(pool).title.path for _ in range(total)]
    measured = Measured(size_label(count), description)
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as temp:
        workdir = Path(temp)
        server_env = {**env, "WIKI_DATABASE_URL": f"sqlite:///{database}",
                      "WIKI_MAP_CACHE_DIR": str(workdir / "maps")}
        port = free_port()
        with serving("wiki:create_app()", port, articles[0], workdir, server_env,
                     workdir / "wiki.log"):
            split = args.warmup
            measured.results.append(
                run_paths(port, articles[split:], articles[:split], "article view", args))
            uncached = [path + "?action=view" for path in articles]
            measured.results.append(
                run_paths(port, uncached[split:], uncached[:split], "article, uncached", args))
            terms = search_terms(args.seed)
            share, warm_share = max(1, args.requests // len(terms)), max(1, split // len(terms))
            for term in terms:
                result = run_paths(port, [term.path] * share, [term.path] * warm_share,
                                   f"search: {term.kind}", args)
                measured.per_term.append((term, term_matches(database, term), result))
            measured.results.append(combined("search", [r for _, _, r in measured.per_term]))
            measured.results.append(run_paths(port, [RECENT_CHANGES] * args.requests,
                                              [RECENT_CHANGES] * split, "recent changes", args))
    return measured


def report(small: Measured, large: Measured, args: argparse.Namespace) -> None:
    """Print the tables and the two target lines."""
    for measured in (small, large):
        print(f"{measured.label}: {measured.description}")
    if args.revisions > 1 and args.revised_share < 1:
        print(f"note: only {args.revised_share:.0%} of the pages have {args.revisions} revisions "
              "(--revised-share); the others have one.")
    print()
    print(f"{'corpus':<7} {'target':<18} {'requests':>8} {'errors':>6} {'req/s':>7} "
          f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'KiB':>6}")
    for measured in (small, large):
        for r in measured.results:
            print(f"{measured.label:<7} {r.name:<18} {r.requests:>8} {r.errors:>6} "
                  f"{r.rate:>7.1f} {r.percentile(0.50):>7.1f} {r.percentile(0.95):>7.1f} "
                  f"{r.percentile(0.99):>7.1f} {max(r.sizes, default=0) / 1024:>6.1f}")
    print()
    print(f"{'search term':<34} " + " ".join(
        f"{m.label + ' matches':>12} {'p50':>6} {'p95':>6}" for m in (small, large)))
    for (term, small_hits, small_r), (_, large_hits, large_r) in zip(
            small.per_term, large.per_term, strict=True):
        print(f"{term.kind + ': ' + term.query:<34} "
              f"{small_hits:>12,} {small_r.percentile(0.5):>6.1f} {small_r.percentile(0.95):>6.1f} "
              f"{large_hits:>12,} {large_r.percentile(0.5):>6.1f} {large_r.percentile(0.95):>6.1f}")
    print()
    small_view, large_view = small.result("article view"), large.result("article view")
    ratio = small_view.rate / large_view.rate if large_view.rate else float("nan")
    verdict = "met" if ratio <= ARTICLE_TARGET else "missed"
    print(f"article view at {large.label} costs {ratio:.2f}× the {small.label} figure "
          f"(target within {ARTICLE_TARGET}×) - {verdict}")
    p95 = large.result("search").percentile(0.95)
    verdict = "met" if p95 < SEARCH_P95_MS else "missed"
    print(f"search p95 at {large.label}: {p95:.1f} ms (target < {SEARCH_P95_MS:.0f} ms) - "
          f"{verdict}")


def main() -> int:
    """Build (or reuse) both corpora, measure each under gunicorn, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", type=int, default=1000, help="pages in the small corpus")
    parser.add_argument("--large", type=int, default=100_000, help="pages in the large corpus")
    parser.add_argument("--revisions", type=int, default=10, help="revisions per revised page")
    parser.add_argument("--revised-share", type=float, default=0.1,
                        help="share of pages with --revisions revisions (the rest get one)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed")
    parser.add_argument("--keep", type=Path, default=None,
                        help="keep built corpora in this folder and reuse them")
    parser.add_argument("--pool", type=int, default=1000, help="distinct articles requested")
    parser.add_argument("--requests", type=int, default=3000, help="measured requests per target")
    parser.add_argument("--warmup", type=int, default=60, help="unmeasured requests first")
    parser.add_argument("--threads", type=int, default=WORKERS, help="client threads")
    parser.add_argument("--time-cap", type=float, default=60.0,
                        help="seconds at most per measured load")
    args = parser.parse_args()
    if not 1 <= args.small <= args.large or args.revisions < 1 or args.requests < 1:
        parser.error("need 1 <= --small <= --large, --revisions >= 1 and --requests >= 1")
    if not 0.0 <= args.revised_share <= 1.0:
        parser.error("--revised-share is a fraction between 0 and 1")
    signal.signal(signal.SIGTERM, _exit_on_sigterm)

    env = dict(os.environ)
    env.update({
        "WIKI_SECRET_KEY": SECRET,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
    })
    with tempfile.TemporaryDirectory(prefix="bench-scale-corpora-") as temp:
        folder = args.keep or Path(temp)
        folder.mkdir(parents=True, exist_ok=True)
        built = [(count, *corpus_database(count, args, folder, env))
                 for count in (args.small, args.large)]
        print(f"gunicorn {SETUP.label}; {args.threads} client threads; per target "
              f"{args.warmup} warm-up + {args.requests} requests (at most {args.time_cap:.0f} s "
              "per load), one connection per request", flush=True)
        small, large = (measure(count, database, describe(database, how, count, args), args,
                                env) for count, database, how in built)
        report(small, large, args)
    failed = any(r.errors for m in (small, large) for r in m.results)
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except KeyboardInterrupt:
        print("interrupted; the servers were stopped", file=sys.stderr)
        raise SystemExit(130) from None
