"""Benchmark `flask import`: revisions imported per second and the importing process's peak memory.

Run with ``python tests/bench/bench_import.py [--pages N] [--revisions R] [--text-bytes B]
[--compress none|gzip|bzip2] [--keep DIR]``.

The script writes a MediaWiki XML export page by page to a temporary file (never the whole dump
in memory): --pages pages of --revisions revisions each, every revision a different Markdown
text of about --text-bytes bytes with a few wikilinks, by accounts and IP addresses in turn. It
then makes a fresh SQLite wiki (``flask init``) and imports the file through the CLI exactly as an
operator would (``flask --app wiki import FILE``), in a child process whose peak resident memory
(ru_maxrss, from wait4) it reports with the wall time and the revisions per second.

Targets: at least 1,000 revisions a second into SQLite, and under 300 MB peak memory for the
default 200,000 revisions (2,000 pages x 100). Missing a target is reported; the exit status is
1 when the import fails or imports fewer revisions than the dump holds.
"""

from __future__ import annotations

import argparse
import bz2
import gzip
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[2]
RATE_TARGET = 1000.0  # revisions a second
MEMORY_TARGET_MB = 300.0
WORDS = ("relations", "embassy", "treaty", "border", "trade", "minister", "visit", "agreement",
         "consulate", "cooperation", "dispute", "recognition", "summit", "delegation")


def write_dump(out: IO[bytes], pages: int, revisions: int, text_bytes: int, seed: int) -> int:
    """Write an export of Markdown pages to `out`, a page at a time; returns the revisions."""
    rng = random.Random(seed)
    start = datetime(2015, 1, 1, tzinfo=UTC)
    out.write(b'<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11" '
              b'xml:lang="en">\n  <siteinfo>\n    <sitename>Bench</sitename>\n'
              b'    <namespaces><namespace key="0" case="first-letter" /></namespaces>\n'
              b"  </siteinfo>\n")
    written = 0
    for number in range(pages):
        title = f"Bench page {number}"
        parts = [f"  <page>\n    <title>{title}</title>\n    <ns>0</ns>\n"
                 f"    <id>{number + 1}</id>\n"]
        when = start + timedelta(minutes=number)
        text = ""
        for revision in range(revisions):
            when += timedelta(hours=1 + rng.randrange(48))
            text = _text(rng, number, revision, text_bytes)
            contributor = (f"<ip>192.0.2.{revision % 250 + 1}</ip>" if revision % 3 == 0 else
                           f"<username>Editor {revision % 17}</username><id>{revision % 17 + 1}"
                           "</id>")
            parts.append(
                f"    <revision>\n      <id>{number * revisions + revision + 1}</id>\n"
                f"      <timestamp>{when:%Y-%m-%dT%H:%M:%SZ}</timestamp>\n"
                f"      <contributor>{contributor}</contributor>\n"
                + ("      <minor />\n" if revision % 4 == 1 else "")
                + f"      <comment>Edit {revision} of {title}</comment>\n"
                "      <model>markdown</model>\n      <format>text/markdown</format>\n"
                f'      <text bytes="{len(text.encode())}" xml:space="preserve">'
                f"{escape(text)}</text>\n    </revision>\n")
            written += 1
        parts.append("  </page>\n")
        out.write("".join(parts).encode("utf-8"))
    out.write(b"</mediawiki>\n")
    return written


def _text(rng: random.Random, page: int, revision: int, size: int) -> str:
    """A Markdown text of about `size` bytes, different for every revision."""
    words = [f"Revision {revision} of page {page}."]
    length = len(words[0])
    while length < size:
        word = rng.choice(WORDS)
        if rng.random() < 0.05:
            word = f"[[Bench page {rng.randrange(page + 1)}]]"
        words.append(word)
        length += len(word) + 1
    return "## Section\n\n" + " ".join(words)


def open_output(path: Path, compress: str) -> IO[bytes]:
    """The dump file, compressed as asked."""
    if compress == "gzip":
        return gzip.open(path, "wb", compresslevel=6)
    if compress == "bzip2":
        return bz2.open(path, "wb", compresslevel=9)
    return path.open("wb")


def run(command: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str, float, float]:
    """Run a command; (exit status, output, seconds, peak resident memory in MB)."""
    began = time.perf_counter()
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=output,
                                   stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - began
        output.seek(0)
        text = output.read().decode("utf-8", "replace")
    return process.returncode, text, seconds, usage.ru_maxrss / 1024  # ru_maxrss is in KiB


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--revisions", type=int, default=100)
    parser.add_argument("--text-bytes", type=int, default=300)
    parser.add_argument("--compress", choices=("none", "gzip", "bzip2"), default="none")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="keep the dump and the wiki in this folder")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-import-") as temporary:
        workdir = args.keep or Path(temporary)
        workdir.mkdir(parents=True, exist_ok=True)
        suffix = {"none": "", "gzip": ".gz", "bzip2": ".bz2"}[args.compress]
        dump = workdir / f"bench-{args.pages}x{args.revisions}.xml{suffix}"
        began = time.perf_counter()
        with open_output(dump, args.compress) as out:
            total = write_dump(out, args.pages, args.revisions, args.text_bytes, args.seed)
        print(f"Wrote {dump.name}: {args.pages:,} pages, {total:,} revisions, "
              f"{dump.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - began:.1f} s")

        instance = workdir / "instance"
        database = instance / "wiki.sqlite3"
        if database.exists():
            database.unlink()
        instance.mkdir(exist_ok=True)
        env = dict(os.environ, PYTHONPATH=str(ROOT), WIKI_SECRET_KEY="bench-secret",
                   WIKI_DATABASE_URL=f"sqlite:///{database}",
                   WIKI_MAP_CACHE_DIR=str(instance / "maps"))
        flask = [sys.executable, "-m", "flask", "--app", f"wiki:create_app(instance_path="
                 f"{str(instance)!r})"]
        status, output, _, _ = run([*flask, "init"], env, workdir)
        if status:
            print(output)
            return 1

        status, output, seconds, peak_mb = run([*flask, "import", str(dump)], env, workdir)
        imported = re.search(r"Revisions: ([\d,]+) imported", output)
        count = int(imported.group(1).replace(",", "")) if imported else 0
        rate = count / seconds if seconds else 0.0
        print(output.strip().splitlines()[-1] if status else
              next(line for line in output.splitlines() if line.startswith("Import of")))
        print(f"Imported {count:,} revisions in {seconds:.1f} s: {rate:,.0f} revisions/s "
              f"(target {RATE_TARGET:,.0f}); peak memory of the import {peak_mb:.0f} MB "
              f"(target under {MEMORY_TARGET_MB:.0f} MB).")
        for missed, what in ((rate < RATE_TARGET, "rate"),
                             (peak_mb >= MEMORY_TARGET_MB, "memory")):
            if missed:
                print(f"Missed the {what} target.")
        if status or count != total:
            print(output[-3000:])
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
