"""The benchmark of `make bench` works: bench_site.py runs end to end with a few requests per
row (the save floor and Varnish included: without /usr/sbin/varnishd this test fails, it does
not skip), and its history seeding saves the asked number of revisions through the one writer,
and bench_saves.py counts the CPU a server's worker processes use."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent / "bench"
sys.path.insert(0, str(BENCH))

import bench_saves  # noqa: E402  (the bench folder is not a package)
import bench_site  # noqa: E402


def test_change_sentence_rewords_one_paragraph_and_keeps_its_length() -> None:
    text = ("Title line\n\nFirst paragraph, long enough to count as prose. It has two sentences "
            "in it, which is plenty.\n\nSecond paragraph, also long enough to count as prose: "
            "it has no full stop in the middle of it at all.")
    once = bench_site.change_sentence(text, 1, "a-1")
    twice = bench_site.change_sentence(once, 1, "a-2")
    assert once.split("\n")[:3] == text.split("\n")[:3]
    assert "(revised a-1)" in once and "(revised a-1)" not in twice
    assert "(revised a-2)" in twice and len(twice) == len(once)
    assert "prose. (revised" not in bench_site.change_sentence(text, 0, "b-1")


def test_cpu_seconds_counts_a_process_and_its_children() -> None:
    """What a worker process spends counts for the server (its parent) while it runs."""
    busy = subprocess.Popen([sys.executable, "-c", (
        "import time, sys\n"
        "sys.stdin.readline()\n"
        "end = time.process_time() + 0.4\n"
        "while time.process_time() < end: pass\n"
        "print('done', flush=True)\n"
        "sys.stdin.read()")], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert busy.stdin is not None and busy.stdout is not None
    try:
        before = bench_saves.cpu_seconds(os.getpid())
        busy.stdin.write("go\n")
        busy.stdin.flush()
        assert busy.stdout.readline() == "done\n"
        assert bench_saves.cpu_seconds(busy.pid) >= 0.35
        assert bench_saves.cpu_seconds(os.getpid()) - before >= 0.35
    finally:
        busy.communicate("")
    assert bench_saves.cpu_seconds(busy.pid) == 0.0  # gone: nothing to count


def test_bench_site_prints_the_one_table() -> None:
    assert bench_site.VARNISHD.exists(), "Debian's varnish is needed: apt-get install varnish"
    done = subprocess.run(
        [sys.executable, str(BENCH / "bench_site.py"), "--requests", "12", "--rounds", "2",
         "--warmup", "4", "--histories", "3", "30"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=180,
    )
    assert done.returncode == 0, done.stdout
    assert "saved 33 revisions for the history pages" in done.stdout
    rows = {line.split("  ")[0].strip(): line for line in done.stdout.splitlines()
            if re.match(r"[A-Za-z0-9 ,]+? {2,}\d+ +0 ", line)}
    assert set(rows) == {"article", "article via Varnish", "304 revalidation", "history 3",
                         "history 30", "diff", "search", "save, own pages", "save, one page",
                         "save floor", "floor"}, done.stdout
    assert re.search(r"^history 3 .*≥ 0\.8× floor$", done.stdout, re.M)
    for row in ("own pages", "one page"):
        assert re.search(rf"^save, {row}: [\d.]+ saves/s \(target ≥ 150/s\)", done.stdout, re.M)
    # The save floor answered every save with a redirect to its page, and has a rate.
    assert re.search(r"^save floor: [1-9][\d.]* saves/s; the target is [\d.]+× the save floor",
                     done.stdout, re.M), done.stdout
    assert re.search(r"^save floor +\d+ +0 .*$", done.stdout, re.M), done.stdout
    assert re.search(r"^Varnish: [1-9]\d* hits", done.stdout, re.M), done.stdout  # it caches
