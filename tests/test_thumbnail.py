"""Checking uploaded images and making thumbnails: pure functions over bytes, and the disk
cache of thumbnails."""

from __future__ import annotations

import io
import threading
import zlib
from pathlib import Path

import pytest
from PIL import Image

from wiki.files.thumbnail import (
    STANDARD_WIDTHS,
    BadImage,
    ImageFacts,
    ThumbCache,
    check_image,
    make_thumbnail,
    thumb_width,
)
from wiki.markup.files import FileInfo

MAX_PIXELS = 50_000_000
ORIENTATION, GPS_IFD = 0x0112, 0x8825


def image_bytes(fmt: str, size: tuple[int, int] = (640, 480), mode: str = "RGB",
                **save: object) -> bytes:
    """A gradient image of the size, saved in the format."""
    img = Image.linear_gradient("L").resize(size).convert(mode)
    out = io.BytesIO()
    img.save(out, fmt, **save)
    return out.getvalue()


def jpeg_with_exif(size: tuple[int, int] = (400, 200), orientation: int = 1) -> bytes:
    """A JPEG carrying GPS coordinates, a camera comment and an orientation in its EXIF."""
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "Camera maker"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (42.0, 39.0, 50.0), 3: "E", 4: (21.0, 9.0, 40.0)})
    return image_bytes("JPEG", size, exif=exif.tobytes())


def png_with_header_size(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height but holds almost no data: a decompression
    bomb's header."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (len(body).to_bytes(4, "big") + kind + body
                + zlib.crc32(kind + body).to_bytes(4, "big"))
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))


def opened(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


@pytest.mark.parametrize(
    ("fmt", "filename", "mime"),
    [
        ("PNG", "Map.png", "image/png"),
        ("JPEG", "Photo.jpg", "image/jpeg"),
        ("JPEG", "Photo.JPEG", "image/jpeg"),
        ("GIF", "Flag.gif", "image/gif"),
        ("WEBP", "Photo.webp", "image/webp"),
    ],
)
def test_accepted_formats(fmt: str, filename: str, mime: str) -> None:
    facts = check_image(image_bytes(fmt), filename, allow_svg=False, max_pixels=MAX_PIXELS)
    assert facts == ImageFacts(mime=mime, width=640, height=480,
                               extension=filename.rsplit(".", 1)[1].lower())


@pytest.mark.parametrize(
    ("data", "filename", "reason"),
    [
        (image_bytes("PNG"), "Map.jpg", "contents are a PNG image"),
        (image_bytes("JPEG"), "Map.png", "contents are a JPEG image"),
        (image_bytes("GIF"), "Map.webp", "contents are a GIF image"),
        (b"<?php echo 1; ?>", "Map.png", "contents are not an image"),
        (image_bytes("PNG"), "Map.php.png", '".php" before'),
        (image_bytes("PNG"), "Map.html.png", '".html" before'),
        (image_bytes("PNG"), "Map.png.exe", '".exe" files cannot'),
        (image_bytes("PNG"), "Map", "needs an extension"),
        (image_bytes("PNG"), "Map.", "needs an extension"),
        (image_bytes("BMP"), "Map.bmp", '".bmp" files cannot'),
        (image_bytes("PNG")[:60], "Map.png", "not a valid PNG"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "Map.png", "not a valid PNG"),
    ],
)
def test_refused(data: bytes, filename: str, reason: str) -> None:
    with pytest.raises(BadImage, match=reason.replace(".", r"\.")):
        check_image(data, filename, allow_svg=False, max_pixels=MAX_PIXELS)


def test_double_extension_of_two_image_types_is_judged_by_the_last() -> None:
    data = image_bytes("PNG")
    assert check_image(data, "Map.jpg.png", allow_svg=False, max_pixels=MAX_PIXELS).mime \
        == "image/png"
    with pytest.raises(BadImage, match="contents are a PNG"):
        check_image(data, "Map.png.jpg", allow_svg=False, max_pixels=MAX_PIXELS)


@pytest.mark.parametrize("size", [(9000, 9000), (100_000, 100_000), (2**31 - 1, 2**31 - 1)])
def test_bomb_header_is_refused_before_decoding(size: tuple[int, int]) -> None:
    with pytest.raises(BadImage, match="pixels"):
        check_image(png_with_header_size(*size), "Bomb.png", allow_svg=False,
                    max_pixels=MAX_PIXELS)


def test_pixel_limit_is_the_callers() -> None:
    data = image_bytes("PNG", (100, 100))
    assert check_image(data, "A.png", allow_svg=False, max_pixels=10_000).width == 100
    with pytest.raises(BadImage, match="at most 9,999 pixels"):
        check_image(data, "A.png", allow_svg=False, max_pixels=9_999)


def test_orientation_is_applied_to_the_facts() -> None:
    facts = check_image(jpeg_with_exif((400, 200), orientation=6), "Photo.jpg",
                        allow_svg=False, max_pixels=MAX_PIXELS)
    assert (facts.width, facts.height) == (200, 400)


SVG = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="300" '
       b'height="150px"><rect width="10" height="10"/></svg>')


@pytest.mark.parametrize(
    ("svg", "size"),
    [
        (SVG, (300, 150)),
        (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 400"/>', (800, 400)),
        (b'<svg xmlns="http://www.w3.org/2000/svg" width="200" viewBox="0 0 800 400"/>',
         (200, 100)),
        (b'<svg xmlns="http://www.w3.org/2000/svg" width="100%"/>', (512, 512)),
        (b"<svg/>", (512, 512)),
    ],
)
def test_svg_size(svg: bytes, size: tuple[int, int]) -> None:
    facts = check_image(svg, "Map.svg", allow_svg=True, max_pixels=MAX_PIXELS)
    assert (facts.mime, facts.width, facts.height) == ("image/svg+xml", *size)


@pytest.mark.parametrize(
    ("svg", "reason"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "script"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "onload"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>', "foreignobject"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
         b'<a x:href="javascript:alert(1)"/></svg>', "link only within"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><a href="https://e.org"/></svg>',
         "link only within"),
        (b'<!DOCTYPE svg [<!ENTITY x "y">]><svg>&x;</svg>', "not a valid SVG"),
        (b"<html><body/></html>", "not an SVG"),
        (b"not xml at all", "not a valid SVG"),
        (image_bytes("PNG"), "not a valid SVG"),
    ],
)
def test_svg_refused(svg: bytes, reason: str) -> None:
    with pytest.raises(BadImage, match=reason):
        check_image(svg, "Map.svg", allow_svg=True, max_pixels=MAX_PIXELS)


def test_svg_refused_when_not_allowed() -> None:
    with pytest.raises(BadImage, match='".svg" files cannot'):
        check_image(SVG, "Map.svg", allow_svg=False, max_pixels=MAX_PIXELS)
    with pytest.raises(BadImage, match='".svg" files cannot'):
        check_image(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                    "Map.SVG", allow_svg=False, max_pixels=MAX_PIXELS)


@pytest.mark.parametrize(
    ("requested", "width"),
    [(1, 120), (120, 120), (121, 180), (220, 220), (221, 250), (1920, 1920), (5000, 1920)],
)
def test_thumb_width(requested: int, width: int) -> None:
    assert thumb_width(requested) == width
    assert width in STANDARD_WIDTHS


@pytest.mark.parametrize(
    ("fmt", "mime", "mode"),
    [("PNG", "image/png", "RGBA"), ("PNG", "image/png", "P"), ("PNG", "image/png", "L"),
     ("JPEG", "image/jpeg", "RGB"), ("JPEG", "image/jpeg", "CMYK"), ("GIF", "image/gif", "P"),
     ("WEBP", "image/webp", "RGBA"), ("WEBP", "image/webp", "RGB")],
)
def test_thumbnail_keeps_format_and_aspect(fmt: str, mime: str, mode: str) -> None:
    thumb = opened(make_thumbnail(image_bytes(fmt, (640, 480), mode), mime, 220))
    assert thumb.format == fmt
    assert thumb.size == (220, 165)


def test_thumbnail_is_never_wider_than_the_image() -> None:
    thumb = opened(make_thumbnail(image_bytes("PNG", (150, 100)), "image/png", 800))
    assert thumb.size == (150, 100)


def test_thumbnail_of_animated_gif_is_its_first_frame() -> None:
    frames = [Image.new("P", (200, 100), color) for color in (1, 2, 3)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100)
    thumb = opened(make_thumbnail(out.getvalue(), "image/gif", 120))
    assert thumb.size == (120, 60)
    assert getattr(thumb, "n_frames", 1) == 1


def test_thumbnail_strips_exif_and_gps() -> None:
    original = jpeg_with_exif()
    assert opened(original).getexif().get_ifd(GPS_IFD)  # the test image does carry GPS
    thumb_bytes = make_thumbnail(original, "image/jpeg", 120)
    thumb = opened(thumb_bytes)
    assert not thumb.getexif()
    assert "exif" not in thumb.info and "icc_profile" not in thumb.info
    assert b"Exif" not in thumb_bytes and b"Camera maker" not in thumb_bytes


def test_thumbnail_strips_png_text() -> None:
    from PIL.PngImagePlugin import PngInfo
    info = PngInfo()
    info.add_text("Comment", "secret place")
    thumb_bytes = make_thumbnail(image_bytes("PNG", pnginfo=info), "image/png", 120)
    assert b"secret place" not in thumb_bytes


def test_thumbnail_applies_orientation() -> None:
    # stored 400 x 200 and rotated a quarter turn when shown: 200 x 400 upright
    thumb = opened(make_thumbnail(jpeg_with_exif((400, 200), orientation=6), "image/jpeg", 120))
    assert thumb.size == (120, 240)


def test_thumbnail_of_svg_or_garbage_is_refused() -> None:
    with pytest.raises(BadImage):
        make_thumbnail(SVG, "image/svg+xml", 120)
    with pytest.raises(BadImage):
        make_thumbnail(b"\x89PNG\r\n\x1a\nbroken", "image/png", 120)


def test_thumbnails_in_threads() -> None:
    data = image_bytes("JPEG", (1200, 900))
    expected = make_thumbnail(data, "image/jpeg", 220)
    results: list[bytes] = []

    def work() -> None:
        results.extend(make_thumbnail(data, "image/jpeg", 220) for _ in range(3))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 12


SHA1 = "0123456789abcdef0123456789abcdef01234567"


def test_cache_makes_once_and_then_hits(tmp_path: Path) -> None:
    cache = ThumbCache(tmp_path)
    calls: list[int] = []

    def make() -> bytes:
        calls.append(1)
        return b"thumb"

    path = cache.get_or_make(SHA1, 220, "png", make)
    assert path == tmp_path / "01" / SHA1 / "220.png"
    assert path.read_bytes() == b"thumb"
    assert cache.get_or_make(SHA1, 220, "png", make) == path
    assert calls == [1]
    assert [p.name for p in path.parent.iterdir()] == ["220.png"]  # no temporary file left


def test_cache_leaves_nothing_when_making_fails(tmp_path: Path) -> None:
    def fail() -> bytes:
        raise BadImage("broken")

    with pytest.raises(BadImage):
        ThumbCache(tmp_path).get_or_make(SHA1, 220, "png", fail)
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_cache_write_is_atomic_under_concurrency(tmp_path: Path) -> None:
    cache = ThumbCache(tmp_path)
    payload = bytes(range(256)) * 4096
    start = threading.Barrier(6)
    seen: list[bytes] = []

    def make() -> bytes:
        return payload

    def work() -> None:
        start.wait()
        for _ in range(5):
            seen.append(cache.get_or_make(SHA1, 300, "jpg", make).read_bytes())

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == [payload] * 30
    assert [p.name for p in (tmp_path / "01" / SHA1).iterdir()] == ["300.jpg"]


@pytest.mark.parametrize(
    ("sha1", "width", "extension"),
    [("../../etc/passwd" + "0" * 24, 220, "png"), (SHA1.upper(), 220, "png"),
     (SHA1, 0, "png"), (SHA1, 220, "../png"), (SHA1, 220, "")],
)
def test_cache_refuses_keys_that_could_leave_its_directory(
        tmp_path: Path, sha1: str, width: int, extension: str) -> None:
    with pytest.raises(ValueError, match="not a thumbnail key"):
        ThumbCache(tmp_path).get_or_make(sha1, width, extension, lambda: b"x")


def test_file_urls() -> None:
    photo = FileInfo("Azerbaijan Kosovo Locator.png", SHA1, "image/png", 1000, 500)
    assert photo.original_url == f"/files/{SHA1}/Azerbaijan_Kosovo_Locator.png"
    assert photo.thumb_url(200) == f"/thumb/{SHA1}/220px-Azerbaijan_Kosovo_Locator.png"
    assert photo.thumb_url(5000) == photo.original_url  # no thumbnail as wide as the file
    odd = FileInfo("Ä?#&.jpg", SHA1, "image/jpeg", 4000, 3000)
    assert odd.thumb_url(220) == f"/thumb/{SHA1}/220px-%C3%84%3F%23%26.jpg"
    vector = FileInfo("Map.svg", SHA1, "image/svg+xml", 4000, 3000)
    assert vector.thumb_url(220) == vector.original_url


@pytest.mark.parametrize("element", ["set", "animate"])
def test_svg_animating_a_link_is_refused(element: str) -> None:
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><a>'
           f'<{element} attributeName="xlink:href" to="javascript:alert(1)"/><text>x</text>'
           "</a></svg>").encode()
    with pytest.raises(BadImage, match="animate links"):
        check_image(svg, "Drawing.svg", allow_svg=True, max_pixels=10**6)
