"""Benchmark: the pathological texts of the security review at 2 MiB, rendered and saved.

Run with ``python tests/bench/bench_render_limits.py [--size BYTES]``.

For each text the table shows how long rendering takes against a seeded wiki (link lookups
included) and how long its save holds the write lock. Meanwhile another thread saves a small
edit to another page every 50 ms, and the last line gives the longest any of those saves took.

Targets: every render under 2 s; no other save delayed more than 1 s. Missing one is reported,
not fatal.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from wiki import create_app, pages, rendering  # noqa: E402
from wiki.titles import parse_title  # noqa: E402

RENDER_TARGET = 2.0
DELAY_TARGET = 1.0


def pathological(size: int) -> dict[str, str]:
    """The texts that were quadratic or slow, each `size` characters (ASCII: bytes too)."""
    texts = {
        "unclosed {{": "{{" * (size // 2),
        "unclosed {{ as lines": "{{\n" * (size // 3),
        "x {{a repeated": "x {{a " * (size // 6),
        "identical headings": "## A\n\n" * (size // 6),
        "table rows": "| a | b |\n|---|---|\n" + "| x | y |\n" * (size // 10),
        "<a repeated": "<a " * (size // 3),
        "*a repeated": "*a " * (size // 3),
        "backticks": "`" * size,
        "distinct red links": "".join(f"[[Red {i}]] " for i in range(size // 10)),
    }
    return {name: text[:size] for name, text in texts.items()}


@contextmanager
def timed_lock(holds: list[float]) -> Iterator[None]:
    """Record how long each save holds the write lock (the time spent in pages._write)."""
    original: Callable[..., Any] = pages._write

    def write(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            holds.append(time.perf_counter() - started)

    pages._write = write  # type: ignore[assignment]
    try:
        yield
    finally:
        pages._write = original  # type: ignore[assignment]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2 * 1024 * 1024)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"WIKI_SECRET_KEY": "bench"}, instance_path=folder)
        app.test_cli_runner().invoke(args=["init"])
        author = pages.Author("Bench", role="admin")
        stop = threading.Event()
        delays: list[float] = []

        def other_saves() -> None:
            with app.app_context():
                title = parse_title("Bench other page")
                n = 0
                while not stop.is_set():
                    page = pages.find_page(title)
                    started = time.perf_counter()
                    pages.save_edit(title, f"Edit {n}.", author=author,
                                    base_revision_id=page.latest_revision_id if page else None)
                    delays.append(time.perf_counter() - started)
                    n += 1
                    time.sleep(0.05)

        print(f"{'text':22} {'chars':>10} {'render s':>9} {'lock held s':>12}")
        worst_render = 0.0
        holds_all: list[float] = []
        worker = threading.Thread(target=other_saves, daemon=True)
        worker.start()
        for number, (name, text) in enumerate(pathological(args.size).items()):
            with app.app_context():
                title = parse_title(f"Bench pathological {number}")
                started = time.perf_counter()
                rendering.render_text(text, title)
                render_seconds = time.perf_counter() - started
                holds: list[float] = []
                with timed_lock(holds):
                    pages.save_edit(title, text, author=author, base_revision_id=None)
            worst_render = max(worst_render, render_seconds)
            holds_all += holds
            print(f"{name:22} {len(text):>10,} {render_seconds:>9.2f} {max(holds):>12.3f}",
                  flush=True)
        stop.set()
        worker.join()
    longest = max(delays) if delays else 0.0
    print(f"\nlongest render {worst_render:.2f} s (target < {RENDER_TARGET} s); longest lock "
          f"hold {max(holds_all):.3f} s; {len(delays)} saves to another page meanwhile, the "
          f"longest {longest:.3f} s (target < {DELAY_TARGET} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
