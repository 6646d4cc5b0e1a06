"""Measure what reading the article costs a browser: page weight and cumulative layout shift.

Run with ``python tests/bench/bench_page_weight.py [--path /wiki/...] [--width 1280]``.

The script seeds a wiki in a temporary directory, serves it on a free loopback port and opens
the article in headless Chromium (Debian's /usr/bin/chromium) with an empty cache, at 1280 x 900
unless told otherwise. It reports:

- page weight: the bytes transferred for every resource of the page (the HTML, style sheets,
  scripts, images, the favicon), as Chromium's network layer counts them (headers included),
  and the number of requests;
- cumulative layout shift (CLS): the sum of the 'layout-shift' entries a PerformanceObserver
  sees without recent input, once the page has loaded and again after scrolling to the end and
  back (a sticky header or a contents sidebar must not shift the text as the reader scrolls).

Nothing is asserted; the figures go to standard output (exit status 1 only when the page does
not answer 200).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from playwright.sync_api import sync_playwright  # noqa: E402
from wikitest import make_app, serve  # noqa: E402

ARTICLE_PATH = "/wiki/Azerbaijan%E2%80%93Kosovo_relations"
CHROMIUM = "/usr/bin/chromium"

OBSERVE_SHIFTS = """
window.__cls = 0;
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) { window.__cls += entry.value; }
  }
}).observe({type: "layout-shift", buffered: true});
"""

SCROLL_THROUGH = """async () => {
  const pause = () => new Promise(done => setTimeout(done, 50));
  const step = Math.max(200, Math.floor(window.innerHeight * 0.8));
  for (let y = 0; y < document.documentElement.scrollHeight; y += step) {
    window.scrollTo(0, y);
    await pause();
  }
  window.scrollTo(0, 0);
  await pause();
}"""


def measure(url: str, width: int, height: int) -> dict[str, float]:
    """Load the page once with an empty cache; return bytes, requests and CLS figures."""
    transferred: dict[str, int] = {}
    kinds: dict[str, str] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.on("Network.responseReceived",
               lambda event: kinds.__setitem__(event["requestId"], event["type"]))
        cdp.on("Network.loadingFinished",
               lambda event: transferred.__setitem__(event["requestId"],
                                                     int(event["encodedDataLength"])))
        page.add_init_script(OBSERVE_SHIFTS)
        response = page.goto(url, wait_until="load")
        if response is None or response.status != 200:
            raise SystemExit(f"{url} answered {response.status if response else 'nothing'}")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)
        load_cls = float(page.evaluate("window.__cls"))
        page.evaluate(SCROLL_THROUGH)
        page.wait_for_timeout(300)
        scroll_cls = float(page.evaluate("window.__cls"))
        browser.close()
    by_kind: dict[str, int] = {}
    for request_id, size in transferred.items():
        kind = kinds.get(request_id, "Other")
        by_kind[kind] = by_kind.get(kind, 0) + size
    figures: dict[str, float] = {
        "bytes": sum(transferred.values()), "requests": len(transferred),
        "cls_load": load_cls, "cls_after_scroll": scroll_cls,
    }
    figures.update({f"bytes_{kind.lower()}": size for kind, size in sorted(by_kind.items())})
    return figures


def main() -> None:
    """Seed, serve, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", default=ARTICLE_PATH, help="the page to load")
    parser.add_argument("--width", type=int, default=1280, help="viewport width in CSS pixels")
    parser.add_argument("--height", type=int, default=900, help="viewport height in CSS pixels")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-page-weight-") as folder:
        instance = Path(folder)
        app = make_app(instance, TESTING=False)
        result = app.test_cli_runner().invoke(args=["init"])
        if result.exit_code != 0:
            raise SystemExit(result.output)
        with serve(app) as server:
            figures = measure(server(args.path), args.width, args.height)
    print(f"page: {args.path} at {args.width}x{args.height}, empty cache")
    print(f"page weight: {int(figures['bytes']):,} bytes transferred in "
          f"{int(figures['requests'])} requests")
    for key, value in figures.items():
        if key.startswith("bytes_"):
            print(f"  {key[6:]:>12}: {int(value):,} bytes")
    print(f"cumulative layout shift: {figures['cls_load']:.4f} after load, "
          f"{figures['cls_after_scroll']:.4f} after scrolling to the end and back")


if __name__ == "__main__":
    main()
