"""Checking uploaded images and making their thumbnails: pure functions over bytes, plus a
directory cache of thumbnails on disk.

Nothing here keeps state between calls, so any thread may call anything. Pillow reads only an
image's header when it opens it, so the size of a decompression bomb is refused before a single
pixel is decoded.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from PIL import Image, ImageOps, UnidentifiedImageError

STANDARD_WIDTHS = (120, 180, 220, 250, 300, 400, 500, 800, 1280, 1920)
SVG_MIME = "image/svg+xml"
SVG_DEFAULT_SIZE = 512  # the size MediaWiki gives an SVG that states none

# extension -> (MIME type, Pillow format); the MIME type says which magic bytes must match
_RASTER = {
    "png": ("image/png", "PNG"),
    "jpg": ("image/jpeg", "JPEG"),
    "jpeg": ("image/jpeg", "JPEG"),
    "gif": ("image/gif", "GIF"),
    "webp": ("image/webp", "WEBP"),
}
_FORMAT_OF_MIME = {mime: pillow for mime, pillow in _RASTER.values()}
# Extensions that a web server might run or a browser might show as a page: refused anywhere
# in a name ("Map.php.png"), so that no misconfigured server ever treats the file as one.
_DANGEROUS_EXTENSIONS = frozenset({
    "php", "php3", "php4", "php5", "phtml", "phar", "pl", "py", "cgi", "asp", "aspx", "jsp",
    "sh", "exe", "bat", "cmd", "com", "scr", "dll", "js", "mjs", "html", "htm", "xhtml",
    "shtml", "hta", "svgz",
})
_EXIF_ORIENTATION = 0x0112
_SWAPPED_ORIENTATIONS = frozenset({5, 6, 7, 8})  # the rotations by a quarter turn
_SVG_NAMESPACE = "{http://www.w3.org/2000/svg}"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_ANIMATIONS = {"set", "animate", "animatemotion", "animatetransform", "animatecolor"}
_SVG_LENGTH = re.compile(r"\s*([0-9]*\.?[0-9]+)\s*(px)?\s*$")
JPEG_QUALITY = 85
WEBP_QUALITY = 85


class BadImage(ValueError):
    """Raised with a reader-facing reason when bytes are not an image this wiki accepts."""


@dataclass(frozen=True)
class ImageFacts:
    """What checking an image learned: its type, its size as shown, and its extension."""

    mime: str
    width: int
    height: int
    extension: str  # lower case, without the dot ("jpg", "png")


def _extension(filename: str, allow_svg: bool) -> str:
    """The lower-case extension of an acceptable file name, or raise BadImage."""
    parts = filename.lower().split(".")
    if len(parts) < 2 or not parts[-1]:
        raise BadImage("The file name needs an extension such as .png or .jpg.")
    extension = parts[-1]
    allowed = set(_RASTER) | ({"svg"} if allow_svg else set())
    if extension not in allowed:
        shown = ", ".join(f".{name}" for name in sorted(allowed))
        raise BadImage(f'".{extension}" files cannot be uploaded; allowed: {shown}.')
    inner = _DANGEROUS_EXTENSIONS.intersection(parts[1:-1])
    if inner:
        raise BadImage(f'The file name must not contain ".{sorted(inner)[0]}" before its '
                       "extension.")
    return extension


def _sniff(data: bytes) -> str | None:
    """The MIME type the magic bytes at the start of data announce (rasters only)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _oriented_size(img: Image.Image) -> tuple[int, int]:
    """The size an image is shown at once its EXIF orientation is applied."""
    width, height = img.size
    try:
        orientation = img.getexif().get(_EXIF_ORIENTATION)
    except (OSError, ValueError, SyntaxError):  # broken EXIF: shown unrotated
        return width, height
    return (height, width) if orientation in _SWAPPED_ORIENTATIONS else (width, height)


def _check_raster(data: bytes, extension: str, max_pixels: int) -> ImageFacts:
    mime, pillow_format = _RASTER[extension]
    sniffed = _sniff(data)
    if sniffed != mime:
        found = f"a {sniffed.split('/')[1].upper()} image" if sniffed else "not an image"
        raise BadImage(f'The file is named ".{extension}" but its contents are {found}.')
    try:
        # Opening reads the header only. Pillow's own bomb check (against its global limit)
        # may refuse first; the wiki's own limit is checked here without touching that global.
        with Image.open(io.BytesIO(data), formats=[pillow_format]) as img:
            width, height = img.size
            if width < 1 or height < 1:
                raise BadImage("The image has no pixels.")
            if width * height > max_pixels:
                raise BadImage(f"The image is {width:,} × {height:,} pixels; at most "
                               f"{max_pixels:,} pixels are accepted.")
            img.verify()
        with Image.open(io.BytesIO(data), formats=[pillow_format]) as img:
            shown = _oriented_size(img)  # verify() leaves an image that cannot be read on
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise BadImage(f"The image is too large; at most {max_pixels:,} pixels are "
                       "accepted.") from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        if isinstance(error, BadImage):
            raise
        raise BadImage(f"The file is not a valid {pillow_format} image.") from error
    return ImageFacts(mime=mime, width=shown[0], height=shown[1], extension=extension)


def _svg_length(value: str | None) -> float | None:
    """An SVG width or height in pixels, or None for a missing, relative or odd one."""
    match = _SVG_LENGTH.match(value) if value else None
    return float(match.group(1)) if match and float(match.group(1)) > 0 else None


def _svg_size(root_attributes: dict[str, str]) -> tuple[int, int]:
    """An SVG's width and height from its attributes, else its viewBox, else the default."""
    width = _svg_length(root_attributes.get("width"))
    height = _svg_length(root_attributes.get("height"))
    box = root_attributes.get("viewBox", "").replace(",", " ").split()
    box_size: tuple[float, float] | None = None
    if len(box) == 4:
        try:
            box_size = (float(box[2]), float(box[3]))
        except ValueError:
            box_size = None
        if box_size is not None and (box_size[0] <= 0 or box_size[1] <= 0):
            box_size = None
    if width and height:
        return max(1, round(width)), max(1, round(height))
    if box_size:
        ratio = box_size[1] / box_size[0]
        if width:
            return max(1, round(width)), max(1, round(width * ratio))
        if height:
            return max(1, round(height / ratio)), max(1, round(height))
        return max(1, round(box_size[0])), max(1, round(box_size[1]))
    return round(width or SVG_DEFAULT_SIZE), round(height or SVG_DEFAULT_SIZE)


def _check_svg(data: bytes) -> ImageFacts:
    """An SVG's facts; refuses XML that is not SVG and SVG that could run script."""
    try:
        root = fromstring(data, forbid_dtd=True)
    except (DefusedXmlException, SyntaxError, ValueError) as error:
        raise BadImage("The file is not a valid SVG image.") from error
    if root.tag not in {f"{_SVG_NAMESPACE}svg", "svg"}:
        raise BadImage("The file is XML but not an SVG image.")
    for element in root.iter():
        name = str(element.tag).rpartition("}")[2].lower()
        if name in {"script", "foreignobject", "handler"}:
            raise BadImage(f"SVG images must not contain <{name}> elements.")
        target = element.attrib.get("attributeName", "").rpartition(":")[2].strip().lower()
        if name in _ANIMATIONS and target == "href":
            # An animation can set where a link leads (to="javascript:..."), which no check of
            # the link's own attributes sees.
            raise BadImage("SVG images must not animate links.")
        for attribute, value in element.attrib.items():
            local = attribute.rpartition("}")[2].lower()
            if local.startswith("on"):
                raise BadImage(f'SVG images must not contain "{local}" attributes.')
            if (attribute in {"href", _XLINK_HREF}
                    and not value.strip().startswith("#")):
                raise BadImage("SVG images may link only within themselves.")
    width, height = _svg_size(dict(root.attrib))
    return ImageFacts(mime=SVG_MIME, width=width, height=height, extension="svg")


def check_image(data: bytes, filename: str, *, allow_svg: bool, max_pixels: int) -> ImageFacts:
    """Check that data is a PNG, JPEG, GIF or WebP image (or SVG, when allowed) whose contents
    match its file name's extension and whose size is within max_pixels; raise BadImage if not.

    The width and height are as shown, with a JPEG's EXIF orientation applied.
    """
    extension = _extension(filename, allow_svg)
    if extension == "svg":
        return _check_svg(data)
    return _check_raster(data, extension, max_pixels)


def thumb_width(requested: int) -> int:
    """The standard width a thumbnail of the requested width is made at: the smallest that is
    at least as wide, or the largest."""
    for width in STANDARD_WIDTHS:
        if width >= requested:
            return width
    return STANDARD_WIDTHS[-1]


def _output_mode(img: Image.Image, pillow_format: str) -> str:
    """The mode the thumbnail is resized and saved in."""
    has_alpha = img.mode in {"RGBA", "LA", "PA"} or "transparency" in img.info
    if pillow_format == "JPEG":
        return img.mode if img.mode in {"RGB", "L"} else "RGB"
    if img.mode in {"RGB", "RGBA", "L", "LA"}:
        return img.mode
    return "RGBA" if has_alpha else "RGB"


def make_thumbnail(data: bytes, mime: str, width: int) -> bytes:
    """A thumbnail of a checked raster image, width pixels wide (never wider than the image),
    in the image's own format, upright, and without EXIF, GPS or any other metadata."""
    pillow_format = _FORMAT_OF_MIME.get(mime)
    if pillow_format is None:
        raise BadImage(f"No thumbnails are made of {mime} files.")
    if width < 1:
        raise BadImage("A thumbnail needs a width of at least one pixel.")
    try:
        with Image.open(io.BytesIO(data), formats=[pillow_format]) as img:
            shown_width, shown_height = _oriented_size(img)
            target_width = min(width, shown_width)
            target_height = max(1, round(shown_height * target_width / shown_width))
            if pillow_format == "JPEG":
                # decode at a reduced scale (still at least the target size): far faster
                swapped = (shown_width, shown_height) != img.size
                img.draft(img.mode, (target_height, target_width) if swapped
                          else (target_width, target_height))
            upright = ImageOps.exif_transpose(img)  # a new image: the first frame, upright
            mode = _output_mode(upright, pillow_format)
            if upright.mode != mode:
                upright = upright.convert(mode)
            thumb = upright.resize((target_width, target_height), Image.Resampling.LANCZOS,
                                   reducing_gap=3.0)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError,
            Image.DecompressionBombError) as error:
        raise BadImage("The image could not be read.") from error
    thumb.info = {}  # nothing of the original's metadata (EXIF, ICC, XMP, comments) is saved
    out = io.BytesIO()
    if pillow_format == "JPEG":
        thumb.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    elif pillow_format == "PNG":
        thumb.save(out, "PNG", optimize=True)
    elif pillow_format == "WEBP":
        thumb.save(out, "WEBP", quality=WEBP_QUALITY)
    else:
        thumb.save(out, "GIF", optimize=True)
    return out.getvalue()


_SHA1 = re.compile(r"[0-9a-f]{40}")
_CACHE_EXTENSION = re.compile(r"[a-z0-9]{1,8}")


class ThumbCache:
    """Thumbnails on disk, at <directory>/<sha1[:2]>/<sha1>/<width>.<extension>.

    Each is written to a temporary file beside its place and renamed into it, so a reader sees
    a whole thumbnail or none; two requests (or processes) that make the same thumbnail at
    once both succeed and the last rename wins with the same bytes. The instance keeps only
    its directory, so threads may share it.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def path_for(self, sha1: str, width: int, extension: str) -> Path:
        """Where a thumbnail is kept; raises ValueError for a key that could leave the
        directory."""
        if not _SHA1.fullmatch(sha1) or not _CACHE_EXTENSION.fullmatch(extension) \
                or width < 1:
            raise ValueError("not a thumbnail key")
        return self.directory / sha1[:2] / sha1 / f"{width}.{extension}"

    def get_or_make(self, sha1: str, width: int, extension: str,
                    make: Callable[[], bytes]) -> Path:
        """The path of the cached thumbnail, made with make() and stored first if missing."""
        path = self.path_for(sha1, width, extension)
        if path.is_file():
            return path
        data = make()
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.chmod(temporary, 0o644)  # readable by a static file server, like the others
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return path
