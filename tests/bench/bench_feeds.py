"""Benchmark the Atom feeds on large revisions: response size and peak memory.

A page gets N revisions of almost 2 MiB (the largest article) whose lines all change from one
revision to the next, saved through the page service; then the page's history feed and the
RecentChanges feed are fetched with limit=N, each in a fresh process, and the response size, the
growth of the process's peak RSS during the request and the time are printed.

Run with ``python tests/bench/bench_feeds.py [--revisions 8 50] [--keep DIR]``. Saving a 2 MiB
revision takes over a second, so 500 revisions take about a quarter of an hour to set up.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

TITLE = "Large page"
ARTICLE_BYTES = 2 * 1024 * 1024


def revision_text(number: int) -> str:
    """Just under 2 MiB of lines, none of which occurs in any other revision."""
    lines: list[str] = []
    size = 0
    while True:
        line = (f"Revision {number}, line {len(lines)}: the quick brown fox "
                f"{number * 7919 + len(lines)} jumps over the lazy dog.")
        if size + len(line) + 1 > ARTICLE_BYTES - 64:
            return "\n".join(lines) + "\n"
        lines.append(line)
        size += len(line) + 1


def make_app(instance: Path):  # type: ignore[no-untyped-def]
    """The wiki on instance/wiki.sqlite3."""
    from wiki import create_app

    return create_app({"WIKI_SECRET_KEY": "bench", "WIKI_PAGE_CACHE_BYTES": 0,
                       "WIKI_DATABASE_URL": f"sqlite:///{instance / 'wiki.sqlite3'}"},
                      instance_path=str(instance))


def set_up(instance: Path, revisions: int) -> None:
    """A seeded wiki whose newest edits are `revisions` large revisions of one page."""
    from wiki import pages
    from wiki.db import db
    from wiki.titles import parse_title

    app = make_app(instance)
    result = app.test_cli_runner().invoke(args=["init"])
    if result.exit_code != 0:
        raise SystemExit(result.output)
    with app.app_context():
        base = None
        for number in range(revisions):
            saved = pages.save_edit(parse_title(TITLE), revision_text(number),
                                    author=pages.Author("Bench"), base_revision_id=base)
            base = saved.revision.id
        # Fold the write-ahead log into the database now, so that the first reader's
        # checkpoint does not land in a measurement.
        db.session.remove()
        with db.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def measure(instance: Path, path: str) -> None:
    """In this (fresh) process: fetch `path` once and print size, peak RSS growth and time."""
    app = make_app(instance)
    client = app.test_client()
    client.get("/wiki/Main_Page?action=history&feed=atom&limit=1")  # imports, templates
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    response = client.get(path)
    body = response.get_data()
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"status": response.status_code, "bytes": len(body),
                      "peak_kib": after - before, "seconds": elapsed}))


def run_measurement(instance: Path, path: str) -> dict[str, float]:
    """Measure one feed in a child process, so each figure starts from the same memory."""
    output = subprocess.run(
        [sys.executable, __file__, "--measure", str(instance), path],
        check=True, capture_output=True, text=True, cwd=ROOT,
    ).stdout
    figures: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return figures


def main() -> int:
    """Set up each size of wiki, measure both feeds, print a table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--revisions", type=int, nargs="+", default=[8, 50])
    parser.add_argument("--keep", type=Path, help="build the wikis in this folder and keep them")
    parser.add_argument("--measure", nargs=2, metavar=("INSTANCE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(Path(args.measure[0]), args.measure[1])
        return 0

    print("bench_feeds.py: one page, N revisions of 2 MiB whose lines all change; each feed "
          "fetched once with limit=N in a fresh process")
    print(f"{'feed':<16}{'N':>5}{'status':>8}{'bytes':>14}{'bytes/entry':>13}"
          f"{'peak RSS +MiB':>15}{'seconds':>9}")
    with tempfile.TemporaryDirectory(prefix="bench-feeds-") as scratch:
        folder = args.keep or Path(scratch)
        for count in args.revisions:
            instance = folder / f"wiki-{count}"
            if not (instance / "wiki.sqlite3").exists():
                instance.mkdir(parents=True, exist_ok=True)
                started = time.perf_counter()
                set_up(instance, count)
                print(f"(set up {count} revisions in {time.perf_counter() - started:.0f} s)")
            slug = TITLE.replace(" ", "_")
            for label, path in (
                ("history", f"/wiki/{slug}?action=history&feed=atom&limit={count}"),
                ("recent changes", f"/wiki/Special:RecentChanges?feed=atom&limit={count}"),
            ):
                figures = run_measurement(instance, path)
                print(f"{label:<16}{count:>5}{figures['status']:>8.0f}{figures['bytes']:>14,.0f}"
                      f"{figures['bytes'] / count:>13,.0f}{figures['peak_kib'] / 1024:>15.1f}"
                      f"{figures['seconds']:>9.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
