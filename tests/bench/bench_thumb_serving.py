"""Benchmark serving a cached thumbnail against gunicorn serving a static file of the same size.

Run with ``python tests/bench/bench_thumb_serving.py [--requests N] [--threads N]``.

The script seeds a wiki in a temporary directory, uploads a photo-like 1600x1200 JPEG through
the wiki's upload service, and asks once for its 220 px thumbnail so it is made and cached on
disk. Two gunicorn servers (two sync workers each) then answer in turns: the wiki's
``/thumb/<sha1>/220px-<name>`` and a floor app that sends a file of the same bytes from disk
with Flask's ``send_file`` (the least a Python server can do for a static file). The table shows
requests per second; target: the thumbnail at 0.8x the floor or better, in one run.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_views import (
    ROOT,
    SETUP,
    Result,
    _exit_on_sigterm,
    fetch,
    free_port,
    load,
    seed_database,
    serving,
)

TARGET_RATIO = 0.8
NAME = "Harbour_photo.jpg"
FLOOR_APP = '''\
"""The floor: one file sent from disk per request."""
import os
from flask import Flask, send_file

app = Flask(__name__)
PATH = os.environ["FLOOR_FILE"]


@app.get("/static-thumb.jpg")
def thumb():
    return send_file(PATH, mimetype="image/jpeg", max_age=31536000)
'''
UPLOAD = '''\
import io, sys
from PIL import Image, ImageDraw
from wiki import create_app, pages
from wiki.files import storage
image = Image.new("RGB", (1600, 1200))
draw = ImageDraw.Draw(image)
for y in range(0, 1200, 8):
    draw.rectangle([0, y, 1600, y + 8], fill=(y % 256, (y * 3) % 256, 160))
out = io.BytesIO()
image.save(out, "JPEG", quality=90)
app = create_app()
with app.app_context():
    result = storage.upload(storage.file_title("Harbour photo.jpg"), out.getvalue(),
                            author=pages.SYSTEM, text="A generated photo.")
    print(result.version.sha1)
'''


def main() -> int:
    """Seed, upload, serve both, load them in turns, print the table."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1500, help="requests per target")
    parser.add_argument("--rounds", type=int, default=5, help="turns each target takes")
    parser.add_argument("--threads", type=int, default=4, help="client threads")
    parser.add_argument("--time-cap", type=float, default=30.0, help="seconds at most per target")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    with tempfile.TemporaryDirectory(prefix="bench-thumbs-") as temp:
        workdir = Path(temp)
        env = dict(os.environ)
        env.update({
            "WIKI_DATABASE_URL": f"sqlite:///{workdir / 'wiki.sqlite3'}",
            "WIKI_SECRET_KEY": "bench-secret-key-not-for-production",
            "WIKI_THUMB_DIR": str(workdir / "thumbs"),
            "WIKI_MAP_CACHE_DIR": str(workdir / "maps"),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        })
        print("seeding a temporary wiki and uploading a photo ...", flush=True)
        seed_database(workdir, env)
        done = subprocess.run([sys.executable, "-c", UPLOAD], cwd=workdir, env=env,
                              capture_output=True, text=True, check=True)
        sha1 = done.stdout.strip().splitlines()[-1]
        thumb_path = f"/thumb/{sha1}/220px-{NAME}"
        (workdir / "floor_app.py").write_text(FLOOR_APP, encoding="utf-8")
        wiki_port, floor_port = free_port(), free_port()
        with serving("wiki:create_app()", wiki_port, thumb_path, workdir, env,
                     workdir / "wiki.log"):
            status, body = fetch(wiki_port, thumb_path)  # made now, served from disk after
            if status != 200:
                print(f"the thumbnail answered {status}", file=sys.stderr)
                return 1
            (workdir / "static-thumb.jpg").write_bytes(body)
            floor_env = {**env, "FLOOR_FILE": str(workdir / "static-thumb.jpg")}
            with serving("floor_app:app", floor_port, "/static-thumb.jpg", workdir, floor_env,
                         workdir / "floor.log"):
                print(f"gunicorn {SETUP.label} each; {args.threads} client threads, "
                      f"{args.requests} requests per target in {args.rounds} rounds; "
                      f"thumbnail {len(body):,} bytes", flush=True)
                results = [Result("thumbnail"), Result("static file")]
                share = max(1, args.requests // args.rounds)
                for _round in range(args.rounds):
                    for result, port, path in ((results[0], wiki_port, thumb_path),
                                               (results[1], floor_port, "/static-thumb.jpg")):
                        part = load(port, path, result.name, share, args.threads,
                                    args.time_cap / args.rounds)
                        result.latencies += part.latencies
                        result.errors += part.errors
                        result.elapsed += part.elapsed
        print(f"{'target':<12} {'requests':>8} {'errors':>6} {'req/s':>8} {'p50 ms':>7} "
              f"{'p99 ms':>7}")
        for result in results:
            print(f"{result.name:<12} {result.requests:>8} {result.errors:>6} "
                  f"{result.rate:>8.1f} {result.percentile(0.50):>7.1f} "
                  f"{result.percentile(0.99):>7.1f}")
        ratio = results[0].rate / results[1].rate if results[1].rate else float("nan")
        verdict = "met" if ratio >= TARGET_RATIO else "missed"
        print(f"cached thumbnail: {ratio:.2f}× the static file (target ≥ {TARGET_RATIO}×) - "
              f"{verdict}")
        return 1 if any(result.errors for result in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
