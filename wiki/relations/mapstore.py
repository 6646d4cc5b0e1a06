"""Generated maps, made once and kept: each pair's SVG and PNG are rendered on first request,
stored under the map cache folder keyed by the outline data's version, and served from there
(and from a small in-process cache) with a strong ETag."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from threading import Lock

from wiki.relations import maps
from wiki.relations.country import Country

DATA_FILE = Path(__file__).resolve().parent / "data" / "world-50m.json"
_MEMORY_LIMIT = 256


@dataclass(frozen=True, slots=True)
class StoredMap:
    """A generated map file: its bytes, media type and strong ETag."""

    content: bytes
    mimetype: str
    etag: str


@cache
def data_version() -> str:
    """A short hash of the outline data, so a new data file makes new map files."""
    return hashlib.sha256(DATA_FILE.read_bytes()).hexdigest()[:12]


class MapStore:
    """Files under a folder plus a bounded in-memory cache; safe across threads and processes."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._memory: OrderedDict[str, StoredMap] = OrderedDict()
        self._lock = Lock()

    def pair(self, first: Country, second: Country, extension: str) -> StoredMap:
        """The locator map of a pair (first green, second orange), as "svg" or "png"."""
        key = f"{first.alpha3}-{second.alpha3}.{extension}"

        def make() -> bytes:
            if extension == "svg":
                svg = maps.render_map_svg(first.alpha3, second.alpha3, first.name, second.name)
                return svg.encode("utf-8")
            return maps.render_map_png(first.alpha3, second.alpha3)

        return self._get(key, extension, make)

    def world(self, country: Country, partners: list[Country]) -> StoredMap:
        """A world map with the country in green and its partners in orange."""
        partner_codes = sorted({p.alpha3 for p in partners} - {country.alpha3})
        digest = hashlib.sha256(",".join(partner_codes).encode()).hexdigest()[:12]
        key = f"world-{country.alpha3}-{digest}.svg"

        def make() -> bytes:
            roles = {code: "second" for code in partner_codes}
            roles[country.alpha3] = "first"
            title = f"Map of the countries {country.name} has relations pages with"
            return maps.render_world_svg(roles, title).encode("utf-8")

        return self._get(key, "svg", make)

    def _get(self, key: str, extension: str, make: Callable[[], bytes]) -> StoredMap:
        mimetype = "image/svg+xml" if extension == "svg" else "image/png"
        with self._lock:
            if key in self._memory:
                self._memory.move_to_end(key)
                return self._memory[key]
        path = self.folder / data_version() / key
        if path.exists():
            content = path.read_bytes()
        else:
            content = make()
            _write_atomically(path, content)
        stored = StoredMap(content, mimetype, hashlib.sha256(content).hexdigest()[:32])
        with self._lock:
            self._memory[key] = stored
            while len(self._memory) > _MEMORY_LIMIT:
                self._memory.popitem(last=False)
        return stored


def _write_atomically(path: Path, content: bytes) -> None:
    """Write via a temporary file and rename, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as output:
            output.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
