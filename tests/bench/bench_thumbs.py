"""Benchmark: thumbnails of a large photo.

Run with ``python tests/bench/bench_thumbs.py [--runs N]``.

Makes a 4000 x 3000 JPEG (a gradient with noise, so that it compresses like a photo) and
thumbnails it to 220, 440 and 800 pixels wide, N times each, printing the median and 95th
percentile. Target: p95 under 300 ms for each width. Missing it is reported, not fatal.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from wiki.files.thumbnail import make_thumbnail  # noqa: E402

WIDTHS = (220, 440, 800)
TARGET = 0.300


def photo(width: int = 4000, height: int = 3000) -> bytes:
    """A photo-sized JPEG: colour gradients with noise on top."""
    red = Image.linear_gradient("L").resize((width, height))
    green = red.transpose(Image.Transpose.ROTATE_90).resize((width, height))
    noise = Image.effect_noise((width, height), 64)
    img = Image.merge("RGB", (red, green, noise))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90)
    return out.getvalue()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    data = photo()
    print(f"4000 x 3000 JPEG, {len(data) / 1e6:.1f} MB; {args.runs} runs per width")
    print(f"{'width':>6} {'p50 ms':>8} {'p95 ms':>8} {'bytes':>8}  "
          f"target p95 < {TARGET * 1000:.0f} ms")
    for width in WIDTHS:
        times: list[float] = []
        size = 0
        for _ in range(args.runs):
            start = time.perf_counter()
            size = len(make_thumbnail(data, "image/jpeg", width))
            times.append(time.perf_counter() - start)
        p50, p95 = statistics.median(times), percentile(times, 0.95)
        verdict = "ok" if p95 < TARGET else "MISSED"
        print(f"{width:>6} {p50 * 1000:>8.1f} {p95 * 1000:>8.1f} {size:>8}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
