"""What the markup knows of an uploaded file, and the URLs of the file and its thumbnails."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from wiki.files.thumbnail import SVG_MIME, thumb_width


def _url_name(name: str) -> str:
    """A file name as the last part of a URL: underscores for spaces, percent-encoded."""
    return quote(name.replace(" ", "_"), safe="")


@dataclass(frozen=True)
class FileInfo:
    """An uploaded file's current version: its name (without "File:"), content hash, type and
    size as shown."""

    name: str
    sha1: str
    mime: str
    width: int
    height: int

    @property
    def is_vector(self) -> bool:
        """Whether the file is an SVG, which is shown as it is, never thumbnailed."""
        return self.mime == SVG_MIME

    @property
    def original_url(self) -> str:
        """The URL of the file itself."""
        return f"/files/{self.sha1}/{_url_name(self.name)}"

    def thumb_url(self, width: int) -> str:
        """The URL of a thumbnail at least width pixels wide (a standard width), or of the
        file itself for an SVG, beyond the widest standard width, or when the thumbnail would
        be no smaller than the file."""
        standard = thumb_width(width)
        if self.is_vector or standard < width or standard >= self.width:
            return self.original_url
        return f"/thumb/{self.sha1}/{standard}px-{_url_name(self.name)}"
