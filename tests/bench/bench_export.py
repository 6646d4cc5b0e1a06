"""Benchmark the XML export: time and peak memory of exporting every revision of a wiki of N
revisions, to show that memory stays flat as the wiki grows.

Each wiki is the seeded wiki plus synthetic pages of REVISIONS_PER_PAGE revisions each, about
3 KB of text a revision, every text different. Their rows are written straight into the pages
and revisions tables (the export reads nothing else); saving 100,000 revisions through the one
writer would take over ten minutes. Then, in a fresh process per figure, the whole wiki is
exported with its full history (what `flask export --full` does) into a sink that counts bytes,
and the time, the output size and the growth of the process's peak RSS are printed.

Run with ``python tests/bench/bench_export.py [--revisions 10000 100000] [--keep DIR]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

REVISIONS_PER_PAGE = 10
ROWS_PER_INSERT = 2000
WORDS = ("relations", "embassy", "treaty", "agreement", "minister", "visit", "trade", "border",
         "recognition", "ambassador", "cooperation", "consulate", "summit", "delegation",
         "economy", "culture")


def make_app(instance: Path):  # type: ignore[no-untyped-def]
    """The wiki on instance/wiki.sqlite3."""
    from wiki import create_app

    return create_app({"WIKI_SECRET_KEY": "bench",
                       "WIKI_DATABASE_URL": f"sqlite:///{instance / 'wiki.sqlite3'}"},
                      instance_path=str(instance))


def revision_text(page: int, number: int) -> str:
    """About 3 KB of Markdown, different for every page and revision."""
    lines = [f"# Bench page {page}", ""]
    for line in range(30):
        words = " ".join(WORDS[(page + number + line + k) % len(WORDS)] for k in range(12))
        lines.append(f"Paragraph {line} of revision {number}: {words} & <{page * 31 + line}>.")
    return "\n".join(lines)


def set_up(instance: Path, revisions: int) -> None:
    """A seeded wiki with `revisions` more revisions on synthetic pages."""
    import sqlalchemy as sa

    from wiki.db import db
    from wiki.models import Page, Revision

    app = make_app(instance)
    result = app.test_cli_runner().invoke(args=["init"])
    if result.exit_code != 0:
        raise SystemExit(result.output)
    start = datetime(2024, 1, 1)
    with app.app_context():
        first_page = (db.session.scalar(sa.select(sa.func.max(Page.id))) or 0) + 1
        first_revision = (db.session.scalar(sa.select(sa.func.max(Revision.id))) or 0) + 1
        page_count = -(-revisions // REVISIONS_PER_PAGE)
        page_rows, revision_rows = [], []
        revision_id = first_revision
        made = 0
        with db.engine.begin() as connection:
            for index in range(page_count):
                page_id = first_page + index
                parent = None
                for number in range(min(REVISIONS_PER_PAGE, revisions - made)):
                    text = revision_text(page_id, number)
                    data = text.encode("utf-8")
                    revision_rows.append({
                        "id": revision_id, "page_id": page_id, "parent_id": parent,
                        "timestamp": start + timedelta(minutes=revision_id),
                        "author": f"Editor {revision_id % 97}", "author_is_ip": False,
                        "summary": f"Edit {number}", "minor": number % 3 == 2, "text": text,
                        "size": len(data), "sha1": hashlib.sha1(data).hexdigest()})
                    parent = revision_id
                    revision_id += 1
                    made += 1
                page_rows.append({"id": page_id, "namespace": 0,
                                  "title": f"Bench page {page_id}",
                                  "latest_revision_id": parent, "is_redirect": False,
                                  "is_deleted": False, "created_at": start})
                if len(revision_rows) >= ROWS_PER_INSERT or index == page_count - 1:
                    pending = [dict(row, latest_revision_id=None) for row in page_rows]
                    connection.execute(sa.insert(Page.__table__), pending)
                    connection.execute(sa.insert(Revision.__table__), revision_rows)
                    connection.execute(
                        sa.update(Page.__table__)
                        .where(Page.__table__.c.id == sa.bindparam("page"))
                        .values(latest_revision_id=sa.bindparam("latest")),
                        [{"page": row["id"], "latest": row["latest_revision_id"]}
                         for row in page_rows])
                    page_rows, revision_rows = [], []
        db.session.remove()
        with db.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


class CountingSink:
    """Where the export goes: counts the bytes and keeps none."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, data: bytes) -> None:
        self.size += len(data)


def measure(instance: Path) -> None:
    """In this (fresh) process: export every revision once and print the figures."""
    from wiki.dumps import export

    app = make_app(instance)
    with app.app_context():
        # Imports, the first connection and the query compilations, outside the measurement.
        main_page = export.find_pages(["Main Page"]).page_ids
        for _piece in export.export_xml(export.Selection(page_ids=main_page), full_history=True):
            pass
        revisions = 0
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        sink = CountingSink()
        started = time.perf_counter()
        for piece in export.export_xml(export.Selection(everything=True), full_history=True):
            revisions += piece.count("<revision>")  # texts escape "<", so only tags match
            sink.write(piece.encode("utf-8"))
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"bytes": sink.size, "revisions": revisions, "seconds": elapsed,
                      "peak_kib": after, "growth_kib": after - before}))


def run_measurement(instance: Path) -> dict[str, float]:
    """Measure one export in a child process, so each figure starts from the same memory."""
    output = subprocess.run(
        [sys.executable, __file__, "--measure", str(instance)],
        check=True, capture_output=True, text=True, cwd=ROOT,
    ).stdout
    figures: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return figures


def main() -> int:
    """Set up each size of wiki, export it, print a table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--revisions", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--keep", type=Path, help="build the wikis in this folder and keep them")
    parser.add_argument("--measure", metavar="INSTANCE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(Path(args.measure))
        return 0

    print(f"bench_export.py: every revision of the wiki exported once (--full) in a fresh "
          f"process; {REVISIONS_PER_PAGE} revisions of about 3 KB a page")
    print(f"{'revisions':>10}{'exported':>10}{'MiB of XML':>12}{'seconds':>9}"
          f"{'revisions/s':>13}{'peak RSS MiB':>14}{'+MiB':>7}")
    with tempfile.TemporaryDirectory(prefix="bench-export-") as scratch:
        folder = args.keep or Path(scratch)
        for count in args.revisions:
            instance = folder / f"wiki-{count}"
            if not (instance / "wiki.sqlite3").exists():
                instance.mkdir(parents=True, exist_ok=True)
                started = time.perf_counter()
                set_up(instance, count)
                print(f"(set up {count:,} revisions in {time.perf_counter() - started:.0f} s)")
            figures = run_measurement(instance)
            print(f"{count:>10,}{figures['revisions']:>10,.0f}"
                  f"{figures['bytes'] / 1048576:>12.1f}{figures['seconds']:>9.2f}"
                  f"{figures['revisions'] / figures['seconds']:>13,.0f}"
                  f"{figures['peak_kib'] / 1024:>14.1f}{figures['growth_kib'] / 1024:>7.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
