"""Benchmark the locator maps: time per pair (wall clock and CPU, so that a busy machine shows
as a gap between them), regional versus world, memory and SVG sizes.

Run with ``python tests/bench/bench_maps.py [--repeat N] [--png DIR]``. Targets: regional maps
under 150 ms, world maps under 300 ms, every SVG under 100 KiB. The first thirty pairs are the
original set, so figures compare across versions; the others have disputed areas, dependencies
or Pacific-centred world maps.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from wiki.relations import maps  # noqa: E402
from wiki.relations.mapareas import area_parts  # noqa: E402
from wiki.relations.mapscene import prepared  # noqa: E402
from wiki.relations.mapworld import world_base  # noqa: E402
from wiki.relations.topojson import load_world  # noqa: E402

PAIRS = [
    ("AZE", "XKX"), ("AZE", "SRB"), ("XKX", "SRB"), ("VAT", "MCO"), ("CHN", "USA"),
    ("FRA", "DEU"), ("NOR", "SWE"), ("USA", "CAN"), ("USA", "MEX"), ("RUS", "UKR"),
    ("RUS", "USA"), ("RUS", "JPN"), ("FJI", "TON"), ("AUS", "NZL"), ("AUS", "TLS"),
    ("ARG", "CHL"), ("ARG", "JPN"), ("ZAF", "LSO"), ("ITA", "SMR"), ("ITA", "VAT"),
    ("SGP", "MYS"), ("IND", "PAK"), ("ISR", "PSE"), ("CYP", "TUR"), ("GMB", "SEN"),
    ("KIR", "TUV"), ("BRA", "PRT"), ("EGY", "SDN"), ("KOR", "PRK"), ("GRL", "DNK"),
]
EXTRA_PAIRS = [
    ("ISR", "SYR"), ("RUS", "UKR"), ("GEO", "RUS"), ("MDA", "UKR"), ("CHN", "IND"),
    ("SSD", "SDN"), ("MRT", "MAR"), ("ETH", "SOM"), ("HUN", "SRB"), ("CAN", "DNK"),
    ("BRA", "FRA"), ("NLD", "VEN"), ("CHL", "NZL"),
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
    parser.add_argument("--original", action="store_true", help="only the original 30 pairs")
    args = parser.parse_args()
    pairs = PAIRS if args.original else PAIRS + EXTRA_PAIRS

    start = time.perf_counter()
    load_world()
    decoded = time.perf_counter()
    prepared()
    ready = time.perf_counter()
    world_base(False)
    world_ready = time.perf_counter()
    area_parts()
    areas_ready = time.perf_counter()
    baseline_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"decode {1000 * (decoded - start):.1f} ms, prepare {1000 * (ready - decoded):.1f} ms, "
          f"world layer {1000 * (world_ready - ready):.1f} ms, disputed areas "
          f"{1000 * (areas_ready - world_ready):.1f} ms (once per process, not below)")

    times: dict[str, list[float]] = {"regional": [], "world": []}
    cpu_times: dict[str, list[float]] = {"regional": [], "world": []}
    png_times: list[float] = []
    sizes: list[float] = []
    peaks: list[float] = []
    failed = False
    print(f"{'pair':<9} {'kind':<8} {'svg ms':>7} {'cpu ms':>7} {'png ms':>7} {'KiB':>6}"
          f" {'peak KiB':>8}")
    for first, second in pairs:
        runs, cpu_runs = [], []
        for _ in range(args.repeat):
            began, cpu_began = time.perf_counter(), time.process_time()
            svg = maps.render_map_svg(first, second, first, second)
            runs.append(1000 * (time.perf_counter() - began))
            cpu_runs.append(1000 * (time.process_time() - cpu_began))
        began = time.perf_counter()
        png = maps.render_map_png(first, second)
        png_ms = 1000 * (time.perf_counter() - began)
        tracemalloc.start()
        maps.render_map_svg(first, second, first, second)
        peak = tracemalloc.get_traced_memory()[1] / 1024
        tracemalloc.stop()
        kind = "world" if 'class="locator-map world"' in svg else "regional"
        elapsed, cpu = statistics.median(runs), statistics.median(cpu_runs)
        kib = len(svg.encode()) / 1024
        times[kind].append(elapsed)
        cpu_times[kind].append(cpu)
        png_times.append(png_ms)
        sizes.append(kib)
        peaks.append(peak)
        limit = REGIONAL_MS if kind == "regional" else WORLD_MS
        flag = "" if elapsed < limit and kib < SVG_KIB else "  <-- over target"
        failed = failed or bool(flag)
        print(f"{first}-{second:<5} {kind:<8} {elapsed:7.1f} {cpu:7.1f} {png_ms:7.1f} {kib:6.1f}"
              f" {peak:8.0f}{flag}")
        if args.png:
            args.png.mkdir(parents=True, exist_ok=True)
            (args.png / f"{first}-{second}.png").write_bytes(png)
    print(_summary("regional SVG", times["regional"]))
    print(_summary("regional SVG (CPU)", cpu_times["regional"]))
    print(_summary("world SVG", times["world"]))
    print(_summary("world SVG (CPU)", cpu_times["world"]))
    print(_summary("PNG", png_times))
    print(f"SVG size: min {min(sizes):.1f} KiB, median {statistics.median(sizes):.1f} KiB, "
          f"max {max(sizes):.1f} KiB")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"memory: peak {max(peaks):.0f} KiB allocated while drawing one SVG (median "
          f"{statistics.median(peaks):.0f} KiB); process peak {rss / 1024:.1f} MiB, "
          f"{baseline_kib / 1024:.1f} MiB after loading the outlines and the world layer")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
