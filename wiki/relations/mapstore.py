"""Generated maps and where they are kept: an in-process cache bounded in bytes for every map,
and files under the map folder (keyed by the map data's version: the outlines, the reviewed
tables of disputed areas and dependencies, the drawing, and the country names that title the
maps) for the maps worth keeping: world maps, and pair maps the caller says to keep
(views/maps.py keeps those of pairs that have a relations page, so that anonymous requests for
arbitrary pairs cannot fill the disk). Each map comes with the hash of its bytes, the ETag
world maps are served with (a pair's map is served with one made of the data version and the
pair, see views/maps.py)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from threading import Lock

from wiki.relations import maps
from wiki.relations.countries import COUNTRIES
from wiki.relations.country import Country
from wiki.relations.dependencies import DEPENDENCIES, OVERSEAS_PARTS
from wiki.relations.disputed import AREAS
from wiki.relations.mapstyle import DRAWING_VERSION

DATA_FILE = Path(__file__).resolve().parent / "data" / "world-50m.json"


@dataclass(frozen=True, slots=True)
class StoredMap:
    """A generated map file: its bytes, media type and strong ETag."""

    content: bytes
    mimetype: str
    etag: str


def version_of(outlines: bytes, *tables: object) -> str:
    """A short hash of the outlines' bytes and the reprs of the tables and drawing version."""
    digest = hashlib.sha256(outlines)
    for table in tables:
        digest.update(b"\0" + repr(table).encode("utf-8"))
    return digest.hexdigest()[:12]


@cache
def data_version() -> str:
    """The version of everything a map is drawn from, so that new outlines, a change to the
    reviewed disputed areas or dependencies, a new drawing or a renamed country make new map
    files (and new map URLs, which carry it)."""
    return version_of(DATA_FILE.read_bytes(), AREAS, DEPENDENCIES, OVERSEAS_PARTS,
                      DRAWING_VERSION, map_names())


@cache
def data_modified() -> datetime:
    """When what maps are drawn from last changed on this server: the newest of the map data
    and the code that draws it (whole seconds, UTC), for Last-Modified."""
    folder = DATA_FILE.parent.parent
    newest = max(path.stat().st_mtime for path in (*folder.glob("*.py"), DATA_FILE))
    return datetime.fromtimestamp(int(newest), UTC)


def map_names() -> tuple[tuple[str, str], ...]:
    """Each country's code and the name its maps are titled with."""
    return tuple((country.alpha3, country.name) for country in COUNTRIES)


class MapStore:
    """Map files under a folder, for the maps worth keeping, plus an in-memory cache bounded in
    bytes for all maps; safe across threads and processes (files are written atomically)."""

    def __init__(self, folder: Path, memory_bytes: int) -> None:
        self.folder = folder
        self.memory_bytes = memory_bytes
        self._memory: OrderedDict[str, StoredMap] = OrderedDict()
        self._memory_used = 0
        self._lock = Lock()

    @staticmethod
    def pair_key(first: Country, second: Country, extension: str) -> str:
        """The name of a pair's map file."""
        return f"{first.alpha3}-{second.alpha3}.{extension}"

    def find_pair(self, first: Country, second: Country, extension: str) -> StoredMap | None:
        """A pair's map if it is in memory or on disk; None when it would have to be drawn."""
        key = self.pair_key(first, second, extension)
        found = self._remembered(key)
        if found is not None:
            return found
        path = self._path(key)
        if not path.exists():
            return None
        return self._remember(key, _stored(path.read_bytes(), extension))

    def draw_pair(self, first: Country, second: Country, extension: str, *,
                  keep_on_disk: bool) -> StoredMap:
        """Draw the locator map of a pair (first green, second orange) as "svg" or "png", and
        keep it in memory, and on disk as well when `keep_on_disk`."""
        if extension == "svg":
            svg = maps.render_map_svg(first.alpha3, second.alpha3, first.name, second.name)
            content = svg.encode("utf-8")
        else:
            content = maps.render_map_png(first.alpha3, second.alpha3)
        key = self.pair_key(first, second, extension)
        if keep_on_disk:
            _write_atomically(self._path(key), content)
        return self._remember(key, _stored(content, extension))

    def world(self, country: Country, partners: list[Country]) -> StoredMap:
        """A world map with the country in green and its partners in orange (kept on disk:
        there is one per country and set of relations pages)."""
        partner_codes = sorted({p.alpha3 for p in partners} - {country.alpha3})
        digest = hashlib.sha256(",".join(partner_codes).encode()).hexdigest()[:12]
        key = f"world-{country.alpha3}-{digest}.svg"
        found = self._remembered(key)
        if found is not None:
            return found
        path = self._path(key)
        if path.exists():
            content = path.read_bytes()
        else:
            roles = {code: "second" for code in partner_codes}
            roles[country.alpha3] = "first"
            title = f"Map of the countries {country.name} has relations pages with"
            content = maps.render_world_svg(roles, title).encode("utf-8")
            _write_atomically(path, content)
        return self._remember(key, _stored(content, "svg"))

    @property
    def memory_used(self) -> int:
        """Bytes of maps held in memory now (never more than memory_bytes)."""
        with self._lock:
            return self._memory_used

    def stored_files(self) -> list[Path]:
        """Every map file on disk (for tests and operators)."""
        return sorted(path for path in self.folder.rglob("*") if path.is_file()) \
            if self.folder.is_dir() else []

    def _path(self, key: str) -> Path:
        return self.folder / data_version() / key

    def _remembered(self, key: str) -> StoredMap | None:
        with self._lock:
            found = self._memory.get(key)
            if found is not None:
                self._memory.move_to_end(key)
            return found

    def _remember(self, key: str, stored: StoredMap) -> StoredMap:
        size = len(stored.content)
        if size > self.memory_bytes:
            return stored
        with self._lock:
            previous = self._memory.pop(key, None)
            if previous is not None:
                self._memory_used -= len(previous.content)
            self._memory[key] = stored
            self._memory_used += size
            while self._memory_used > self.memory_bytes:
                _, dropped = self._memory.popitem(last=False)
                self._memory_used -= len(dropped.content)
        return stored


def _stored(content: bytes, extension: str) -> StoredMap:
    """A map's bytes with their media type and strong ETag."""
    mimetype = "image/svg+xml" if extension == "svg" else "image/png"
    return StoredMap(content, mimetype, hashlib.sha256(content).hexdigest()[:32])


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
