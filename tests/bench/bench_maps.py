"""Benchmark the locator maps: time per pair, regional versus world, and SVG sizes.

Run with ``python tests/bench/bench_maps.py [--repeat N] [--png DIR]``. Targets: regional maps
under 150 ms, world maps under 300 ms, every SVG under 100 KiB.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from wiki.relations import maps  # noqa: E402
from wiki.relations.mapscene import prepared, world_base  # noqa: E402
from wiki.relations.topojson import load_world  # noqa: E402

PAIRS = [
    ("AZE", "XKX"), ("AZE", "SRB"), ("XKX", "SRB"), ("VAT", "MCO"), ("CHN", "USA"),
    ("FRA", "DEU"), ("NOR", "SWE"), ("USA", "CAN"), ("USA", "MEX"), ("RUS", "UKR"),
    ("RUS", "USA"), ("RUS", "JPN"), ("FJI", "TON"), ("AUS", "NZL"), ("AUS", "TLS"),
    ("ARG", "CHL"), ("ARG", "JPN"), ("ZAF", "LSO"), ("ITA", "SMR"), ("ITA", "VAT"),
    ("SGP", "MYS"), ("IND", "PAK"), ("ISR", "PSE"), ("CYP", "TUR"), ("GMB", "SEN"),
    ("KIR", "TUV"), ("BRA", "PRT"), ("EGY", "SDN"), ("KOR", "PRK"), ("GRL", "DNK"),
]

REGIONAL_MS, WORLD_MS, SVG_KIB = 150, 300, 100


def _summary(label: str, values: list[float]) -> str:
    if not values:
        return f"{label}: none"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (f"{label}: n={len(values)} median {statistics.median(values):.1f} ms, "
            f"p95 {p95:.1f} ms, max {max(values):.1f} ms")


def main() -> int:
    """Time every pair and print the figures; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3, help="runs per pair (median kept)")
    parser.add_argument("--png", type=Path, help="also write PNGs into this directory")
    args = parser.parse_args()

    start = time.perf_counter()
    load_world()
    decoded = time.perf_counter()
    prepared()
    ready = time.perf_counter()
    world_base(False)
    world_ready = time.perf_counter()
    print(f"decode {1000 * (decoded - start):.1f} ms, prepare {1000 * (ready - decoded):.1f} ms, "
          f"world layer {1000 * (world_ready - ready):.1f} ms (once per process, not below)")

    times: dict[str, list[float]] = {"regional": [], "world": []}
    png_times: list[float] = []
    sizes: list[float] = []
    failed = False
    print(f"{'pair':<9} {'kind':<8} {'svg ms':>7} {'png ms':>7} {'KiB':>6}")
    for first, second in PAIRS:
        runs = []
        for _ in range(args.repeat):
            began = time.perf_counter()
            svg = maps.render_map_svg(first, second, first, second)
            runs.append(1000 * (time.perf_counter() - began))
        began = time.perf_counter()
        png = maps.render_map_png(first, second)
        png_ms = 1000 * (time.perf_counter() - began)
        kind = "world" if 'class="locator-map world"' in svg else "regional"
        elapsed = statistics.median(runs)
        kib = len(svg.encode()) / 1024
        times[kind].append(elapsed)
        png_times.append(png_ms)
        sizes.append(kib)
        limit = REGIONAL_MS if kind == "regional" else WORLD_MS
        flag = "" if elapsed < limit and kib < SVG_KIB else "  <-- over target"
        failed = failed or bool(flag)
        print(f"{first}-{second:<5} {kind:<8} {elapsed:7.1f} {png_ms:7.1f} {kib:6.1f}{flag}")
        if args.png:
            args.png.mkdir(parents=True, exist_ok=True)
            (args.png / f"{first}-{second}.png").write_bytes(png)
    print(_summary("regional SVG", times["regional"]))
    print(_summary("world SVG", times["world"]))
    print(_summary("PNG", png_times))
    print(f"SVG size: min {min(sizes):.1f} KiB, median {statistics.median(sizes):.1f} KiB, "
          f"max {max(sizes):.1f} KiB")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
