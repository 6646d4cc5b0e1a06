"""Files in pages, with MediaWiki's syntax: [[File:Name.png|thumb|right|220px|alt=...|Caption]]
embeds an image, [[:File:Name.png]] links to its description page and [[Media:Name.png]] to
the file itself. "Image:" is an older name of "File:".

The parse function asks the caller's lookups for the file (state.env["lookups"].file) and
records a link to its File: title in state.env["links"], so that the page is listed among the
file's users and rendered again when the file changes. A missing file is a red link to the
upload form. A caption is inline wiki markup; it may hold links, one level deep.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from mistune import InlineParser, InlineState, Markdown
from mistune.util import escape

from wiki.markup.files import FileInfo
from wiki.markup.wikilinks import link_href
from wiki.titles import FILE, SPECIAL, Title, page_url, try_parse_title

# [[File:Name|option|...|caption]]; an option may hold [[links]] and [single brackets], and no
# "|" outside them, so the pattern has one way to match and never backtracks far.
FILE_LINK_PATTERN = (
    r"\[\[[ \t]*(?P<fl_colon>:?)[ \t]*(?P<fl_ns>(?i:file|image|media))[ \t]*:"
    r"(?P<fl_name>[^\[\]|\n]+)"
    r"(?P<fl_options>(?:\|(?:[^\[\]|\n]|\[\[[^\[\]\n]*\]\]|\[(?!\[)[^\[\]\n]*\])*)*)\]\]"
)
THUMB_WIDTH = 220  # MediaWiki's default width of a thumbnail and of a frameless image
UPRIGHT = 0.75  # the factor "upright" alone scales that default by
_SIZE = re.compile(r"^(?:(\d{1,5})\s*)?(?:x\s*(\d{1,5})\s*)?px$")
_UPRIGHT = re.compile(r"^upright(?:\s*=?\s*(.*))?$")
_KINDS = {"thumb": "thumb", "thumbnail": "thumb", "frame": "frame", "framed": "frame",
          "enframed": "frame", "frameless": "frameless"}
_HALIGN = {"left": "left", "right": "right", "center": "center", "centre": "center",
           "none": "none"}
_VALIGN = frozenset({"baseline", "sub", "super", "top", "text-top", "middle", "bottom",
                     "text-bottom"})
_IGNORED = ("page=", "lang=", "class=", "thumbtime=", "start=", "end=", "loop", "muted")
_TYPEOF = {"thumb": "mw:File/Thumb", "frame": "mw:File/Frame", "frameless": "mw:File/Frameless",
           "plain": "mw:File"}
_LINK_IN_TEXT = re.compile(r"\[\[([^\[\]|]*)(?:\|([^\[\]]*))?\]\]")


@dataclass(frozen=True)
class ImageOptions:
    """What the options of one [[File:...]] ask for."""

    kind: str = "plain"  # thumb, frame, frameless or plain
    halign: str = ""  # left, right, center, none, or "" for the kind's default
    valign: str = ""
    width: int | None = None
    height: int | None = None
    upright: float | None = None
    border: bool = False
    alt: str | None = None
    link: str | None = None  # None: the description page; "": no link
    caption: str = ""

    @property
    def block(self) -> bool:
        """Whether the image stands in a <figure> of its own rather than in the line."""
        return self.kind in {"thumb", "frame"} or bool(self.halign)


def split_options(text: str) -> list[str]:
    """The "|"-separated options after a file name, keeping "|" inside [[links]]."""
    parts: list[str] = []
    depth, start = 0, 0
    i = 0
    while i < len(text):
        pair = text[i:i + 2]
        if pair == "[[":
            depth, i = depth + 1, i + 2
            continue
        if pair == "]]" and depth:
            depth, i = depth - 1, i + 2
            continue
        if text[i] == "|" and not depth:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return parts


def parse_options(parts: list[str]) -> ImageOptions:
    """MediaWiki's reading of image options; the last unrecognized one is the caption."""
    found: dict[str, Any] = {}
    for raw in parts:
        part = raw.strip()
        word = part.lower()
        size = _SIZE.match(word)
        upright = _UPRIGHT.match(word)
        if word in _KINDS or word.startswith(("thumb=", "thumbnail=")):
            found["kind"] = _KINDS.get(word, "thumb")
        elif word in _HALIGN:
            found["halign"] = _HALIGN[word]
        elif word in _VALIGN:
            found["valign"] = word
        elif word == "border":
            found["border"] = True
        elif size and (size.group(1) or size.group(2)):
            found["width"] = int(size.group(1)) if size.group(1) else None
            found["height"] = int(size.group(2)) if size.group(2) else None
        elif upright:
            found["upright"] = _factor(upright.group(1))
        elif word.startswith("alt="):
            found["alt"] = part[4:].strip()
        elif word.startswith("link="):
            found["link"] = part[5:].strip()
        elif word.startswith(_IGNORED):
            continue
        else:
            found["caption"] = part
    return ImageOptions(**found)


def _factor(value: str | None) -> float:
    """An upright factor: the number given, or the default for none or a bad one."""
    try:
        factor = float(value) if value else UPRIGHT
    except ValueError:
        return UPRIGHT
    return factor if 0 < factor <= 10 and math.isfinite(factor) else UPRIGHT


def display_size(info: FileInfo, options: ImageOptions) -> tuple[int, int]:
    """The width and height an image is shown at: the size asked for, fitted in its box, the
    default for thumbnails (scaled by upright), and never larger than a raster file."""
    if options.kind == "frame":
        width = info.width  # a frame shows the file at its own size
    elif options.width or options.height:
        width = options.width or info.width * 10
        if options.height:
            width = min(width, max(1, round(info.width * options.height / info.height)))
    elif options.kind in {"thumb", "frameless"}:
        width = THUMB_WIDTH
        if options.upright is not None:
            width = max(10, round(THUMB_WIDTH * options.upright / 10) * 10)
    else:
        width = info.width
    if not info.is_vector:
        width = min(width, info.width)
    width = max(1, width)
    return width, max(1, round(info.height * width / info.width))


def image_sources(info: FileInfo, width: int) -> tuple[str, str]:
    """The src of an image shown width pixels wide and its srcset for 1.5x and 2x screens
    (empty for vectors, and without candidates no sharper than src)."""
    src = info.thumb_url(width)
    if info.is_vector:
        return src, ""
    candidates: list[str] = []
    seen = {src}
    for density in ("1.5", "2"):
        url = info.thumb_url(math.ceil(width * float(density)))
        if url not in seen:
            candidates.append(f"{url} {density}x")
            seen.add(url)
        if url == info.original_url:
            break
    return src, ", ".join(candidates)


def plain_text(text: object) -> str:
    """Wiki text as the words it shows ([[A|b]] -> b), for alt and title attributes."""
    return _LINK_IN_TEXT.sub(lambda m: m.group(2) or m.group(1).lstrip(":"), str(text)).strip()


def upload_url(title: Title) -> str:
    """The upload form, with the missing file's name filled in."""
    return page_url(Title(SPECIAL, "Upload"), wpDestFile=title.text.replace(" ", "_"))


@dataclass(frozen=True)
class Thumbnail:
    """An image as a template shows it: its sources and size."""

    src: str
    srcset: str
    width: int
    height: int


@dataclass(frozen=True)
class FileTarget:
    """A file as templates see it through file(name): its title, and its upload if any."""

    title: Title
    info: FileInfo | None

    @property
    def exists(self) -> bool:
        """Whether the file has been uploaded."""
        return self.info is not None

    @property
    def name(self) -> str:
        """The file's name, without "File:"."""
        return self.title.text

    @property
    def href(self) -> str:
        """The description page of an uploaded file, or the upload form for a missing one."""
        return self.title.path if self.info is not None else upload_url(self.title)

    def thumbnail(self, width: int) -> Thumbnail | None:
        """The image at most width pixels wide (the file's own width if smaller), or None
        for a missing file."""
        if self.info is None:
            return None
        shown = display_size(self.info, ImageOptions(kind="frameless", width=max(1, width)))
        src, srcset = image_sources(self.info, shown[0])
        return Thumbnail(src=src, srcset=srcset, width=shown[0], height=shown[1])


_FILE_PREFIX = re.compile(r"^(?:file|image)\s*:\s*", re.IGNORECASE)
_FILE_LINK_START = re.compile(r"^\[\[\s*(?:file|image)\s*:([^\[\]|]+)", re.IGNORECASE)


def file_title(value: str) -> Title | None:
    """The File: title a template parameter names ("Map.png", "File:Map.png" or
    "[[File:Map.png|...]]"), or None when it names no file (a path, an address)."""
    text = str(value).strip()
    link = _FILE_LINK_START.match(text)
    name = link.group(1) if link else _FILE_PREFIX.sub("", text, count=1)
    if not name.strip() or any(char in name for char in "/:\\"):
        return None
    title = try_parse_title("File:" + name)
    return title if title is not None and title.namespace == FILE else None


def file_finder(lookup: Callable[[str], FileInfo | None], record: Callable[[Title], None]
                ) -> Callable[[str], FileTarget | None]:
    """A file(name) function for templates: the named file, recorded as a link to its File:
    title (so that uploading it renders the page again), or None for a name of no file."""

    def find(value: str) -> FileTarget | None:
        title = file_title(value)
        if title is None:
            return None
        record(title)
        return FileTarget(title, lookup(title.text))

    return find


def parse_file_link(inline: InlineParser, m: re.Match[str], state: InlineState) -> int:
    """Turn [[File:...]], [[:File:...]] or [[Media:...]] into a token, recording the link."""
    title = try_parse_title("File:" + m.group("fl_name"))
    if title is None or title.namespace != FILE:
        state.append_token({"type": "text", "raw": m.group(0)})
        return m.end()
    env = state.env
    env.setdefault("links", {})[title] = None
    info: FileInfo | None = env["lookups"].file(title.text)
    parts = split_options(m.group("fl_options"))[1:]
    if m.group("fl_colon") or m.group("fl_ns").lower() == "media":
        label = "|".join(parts).strip() or m.group(0)[2:-2].strip().lstrip(":").strip()
        _append_link(state, title, info, label, media=m.group("fl_ns").lower() == "media")
        return m.end()
    options = parse_options(parts)
    if info is None:
        _append_link(state, title, None, plain_text(options.caption) or title.full, media=False)
        return m.end()
    if env.get("in_file_caption") and options.block:  # an image in a caption stays in line
        options = replace(options, kind="frameless", halign="")
    children: list[dict[str, Any]] = []
    if options.kind in {"thumb", "frame"} and options.caption:
        child = state.copy()
        child.src = options.caption
        env["in_file_caption"] = True
        try:
            children = inline.render(child)
        finally:
            env["in_file_caption"] = False
    state.append_token({"type": "wiki_file", "children": children,
                        "attrs": _image_attrs(title, info, options, env)})
    return m.end()


def _append_link(state: InlineState, title: Title, info: FileInfo | None, label: str,
                 *, media: bool) -> None:
    """A link to a file (media) or its description page; to the upload form if missing."""
    lookups = state.env["lookups"]
    if info is None and not (not media and lookups.exists(title)):
        href, css, tooltip = upload_url(title), "new", f"{title.full} (file does not exist)"
    elif media and info is not None:
        href, css, tooltip = info.original_url, "internal", title.full
    else:
        href, css, tooltip = link_href(title), "", title.full
    state.append_token({"type": "wikilink", "raw": label,
                        "attrs": {"href": href, "css": css, "tooltip": tooltip}})


def _image_attrs(title: Title, info: FileInfo, options: ImageOptions,
                 env: Any) -> dict[str, Any]:
    """What the renderer needs to draw one image, worked out at parse time."""
    width, height = display_size(info, options)
    src, srcset = image_sources(info, width)
    href, link_class = title.path, "mw-file-description"
    if options.link is not None:
        target = options.link
        if not target:
            href, link_class = "", ""
        elif target.lower().startswith(("http://", "https://")):
            href, link_class = target, "external"
        else:
            linked = try_parse_title(target)
            if linked is not None:
                env.setdefault("links", {})[linked] = None
                exists = env["lookups"].exists(linked)
                href, link_class = link_href(linked, exists=exists), "" if exists else "new"
    caption_text = plain_text(options.caption)
    halign = options.halign or ("right" if options.kind in {"thumb", "frame"} else "")
    classes = ["mw-default-size"] if not (options.width or options.height) else []
    if options.block:
        classes.append(f"mw-halign-{halign}")
    elif options.valign:
        classes.append(f"mw-valign-{options.valign}")
    if options.border and options.kind not in {"thumb", "frame"}:
        classes.append("mw-image-border")
    return {
        "block": options.block,
        "classes": " ".join(classes),
        "typeof": _TYPEOF[options.kind],
        "href": href,
        "link_class": link_class,
        "src": src,
        "srcset": srcset,
        "width": width,
        "height": height,
        "alt": options.alt if options.alt is not None else (caption_text or title.text),
        # an image shown without its caption has it as a tooltip, as on Wikipedia
        "tooltip": "" if options.kind in {"thumb", "frame"} else caption_text,
    }


def render_file(renderer: Any, text: str, *, block: bool, classes: str, typeof: str,
                href: str, link_class: str, src: str, srcset: str, width: int, height: int,
                alt: str, tooltip: str) -> str:
    """An image: a <figure> with its caption, or a <span> in the line."""
    image = (f'<img src="{escape(src)}"'
             + (f' srcset="{escape(srcset)}"' if srcset else "")
             + f' width="{width}" height="{height}" alt="{escape(alt)}"'
             + (f' title="{escape(tooltip)}"' if tooltip and not href else "")
             + ' loading="lazy" decoding="async">')
    if href:
        rel = ' rel="nofollow ugc"' if link_class == "external" else ""
        css = f' class="{link_class}"' if link_class else ""
        title_attr = f' title="{escape(tooltip)}"' if tooltip else ""
        image = f'<a href="{escape(href)}"{css}{rel}{title_attr}>{image}</a>'
    css = f' class="{classes}"' if classes else ""
    if not block:
        return f'<span{css} typeof="{typeof}">{image}</span>'
    caption = f"<figcaption>{text}</figcaption>" if text.strip() else ""
    return f'<figure{css} typeof="{typeof}">{image}{caption}</figure>'


def file_links(md: Markdown) -> None:
    """mistune plugin: register file links before wikilinks, so that a caption's own links
    stay inside it."""
    md.inline.register("wiki_file", FILE_LINK_PATTERN, parse_file_link, before="wikilink",
                       start_chars="[")
    if md.renderer is not None:
        md.renderer.register("wiki_file", render_file)
