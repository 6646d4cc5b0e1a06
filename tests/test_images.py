"""Files in pages: [[File:...]] with MediaWiki's options, [[:File:...]], [[Media:...]], and
the infoboxes' images, rendered with a plain file lookup: no app, no database."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from wiki.markup import FileInfo, Lookups, render
from wiki.markup.images import ImageOptions, display_size, parse_options, split_options
from wiki.markup.sanitize import sanitize_html
from wiki.titles import FILE, MAIN, Title

SHA1 = "0123456789abcdef0123456789abcdef01234567"
FILES = {
    "Photo.jpg": FileInfo("Photo.jpg", SHA1, "image/jpeg", 4000, 3000),
    "Small icon.png": FileInfo("Small icon.png", SHA1, "image/png", 100, 50),
    "Map.svg": FileInfo("Map.svg", SHA1, "image/svg+xml", 800, 400),
    "Azerbaijan Kosovo Locator.png": FileInfo("Azerbaijan Kosovo Locator.png", SHA1,
                                              "image/png", 1000, 800),
}
THUMB = f"/thumb/{SHA1}/"


def lookups() -> Lookups:
    return Lookups(exists=lambda title: title.full in {"Kosovo"}, file=FILES.get)


def html_of(text: str) -> str:
    return str(render(text, lookups()).html)


def img(html: str) -> dict[str, str]:
    tag = re.search(r"<img\b[^>]*>", html)
    assert tag is not None, html
    return dict(re.findall(r'(\w+)="([^"]*)"', tag.group()))


def test_thumb_with_every_part() -> None:
    html = html_of("[[File:Photo.jpg|thumb|left|alt=A harbour|A photo of [[Kosovo]] "
                   "and **more**]]")
    assert html.startswith('<figure class="mw-default-size mw-halign-left" '
                           'typeof="mw:File/Thumb"><a href="/wiki/File:Photo.jpg" '
                           'class="mw-file-description"><img ')
    assert img(html) == {
        "src": f"{THUMB}220px-Photo.jpg",
        "srcset": f"{THUMB}400px-Photo.jpg 1.5x, {THUMB}500px-Photo.jpg 2x",
        "width": "220", "height": "165", "alt": "A harbour", "loading": "lazy",
        "decoding": "async",
    }
    assert ('<figcaption>A photo of <a href="/wiki/Kosovo" title="Kosovo">Kosovo</a> and '
            "<strong>more</strong></figcaption></figure>") in html
    assert "<p>" not in html  # the figure stands on its own


@pytest.mark.parametrize(
    ("source", "classes", "typeof", "size"),
    [
        ("[[File:Photo.jpg|thumb]]", "mw-default-size mw-halign-right", "Thumb", (220, 165)),
        ("[[File:Photo.jpg|thumbnail|300px]]", "mw-halign-right", "Thumb", (300, 225)),
        ("[[File:Photo.jpg|thumb|upright]]", "mw-default-size mw-halign-right", "Thumb",
         (160, 120)),
        ("[[File:Photo.jpg|thumb|upright=0.5]]", "mw-default-size mw-halign-right", "Thumb",
         (110, 82)),
        ("[[File:Photo.jpg|thumb|upright=2|100px]]", "mw-halign-right", "Thumb", (100, 75)),
        ("[[File:Photo.jpg|thumb|x150px]]", "mw-halign-right", "Thumb", (200, 150)),
        ("[[File:Photo.jpg|thumb|400x150px]]", "mw-halign-right", "Thumb", (200, 150)),
        ("[[File:Photo.jpg|thumb|centre]]", "mw-default-size mw-halign-center", "Thumb",
         (220, 165)),
        ("[[File:Photo.jpg|thumb|none]]", "mw-default-size mw-halign-none", "Thumb", (220, 165)),
        ("[[File:Small icon.png|frame|500px]]", "mw-halign-right", "Frame", (100, 50)),
        ("[[File:Small icon.png|thumb]]", "mw-default-size mw-halign-right", "Thumb", (100, 50)),
        ("[[File:Photo.jpg|frameless|center]]", "mw-default-size mw-halign-center",
         "Frameless", (220, 165)),
        ("[[File:Map.svg|thumb|500px]]", "mw-halign-right", "Thumb", (500, 250)),
    ],
)
def test_figures(source: str, classes: str, typeof: str, size: tuple[int, int]) -> None:
    html = html_of(source + " ")
    assert html.startswith(f'<figure class="{classes}" typeof="mw:File/{typeof}">')
    attrs = img(html)
    assert (int(attrs["width"]), int(attrs["height"])) == size


@pytest.mark.parametrize(
    ("source", "outer", "size"),
    [
        ("[[File:Photo.jpg]]", '<span class="mw-default-size" typeof="mw:File">', (4000, 3000)),
        ("[[File:Photo.jpg|frameless]]", '<span class="mw-default-size" '
                                         'typeof="mw:File/Frameless">', (220, 165)),
        ("[[File:Photo.jpg|frameless|upright]]", 'typeof="mw:File/Frameless"', (160, 120)),
        ("[[File:Photo.jpg|50px|border|middle]]", '<span class="mw-valign-middle '
                                                  'mw-image-border" typeof="mw:File">', (50, 38)),
        ("[[Image:Photo.jpg|50px]]", '<span typeof="mw:File">', (50, 38)),
        ("[[file:photo.jpg|50px]]", '<span typeof="mw:File">', (50, 38)),
    ],
)
def test_inline_images(source: str, outer: str, size: tuple[int, int]) -> None:
    html = html_of(f"Before {source} after").strip()
    assert html.startswith("<p>Before <span") and html.endswith("</span> after</p>")
    assert outer in html
    attrs = img(html)
    assert (int(attrs["width"]), int(attrs["height"])) == size


def test_inline_caption_is_alt_and_tooltip() -> None:
    html = html_of("[[File:Photo.jpg|50px|The [[Kosovo|harbour]] at dawn]]")
    assert 'title="The harbour at dawn"' in html
    assert img(html)["alt"] == "The harbour at dawn"
    assert "<figcaption>" not in html


def test_srcset_of_a_file_smaller_than_two_times() -> None:
    # the smallest thumbnail (120 px) would be wider than the file: the file itself serves
    attrs = img(html_of("[[File:Small icon.png|60px]]"))
    assert attrs["src"] == f"/files/{SHA1}/Small_icon.png"
    assert "srcset" not in attrs
    attrs = img(html_of("[[File:Photo.jpg|1000px]]"))
    assert attrs["src"] == f"{THUMB}1280px-Photo.jpg"
    assert attrs["srcset"] == f"{THUMB}1920px-Photo.jpg 1.5x, /files/{SHA1}/Photo.jpg 2x"
    assert img(html_of("[[File:Photo.jpg]]"))["src"] == f"/files/{SHA1}/Photo.jpg"


def test_svg_is_shown_from_the_original_without_srcset() -> None:
    attrs = img(html_of("[[File:Map.svg|thumb]]"))
    assert attrs["src"] == f"/files/{SHA1}/Map.svg"
    assert "srcset" not in attrs


@pytest.mark.parametrize(
    ("source", "href", "extra"),
    [
        ("[[File:Photo.jpg|50px|link=Kosovo]]", "/wiki/Kosovo", ""),
        ("[[File:Photo.jpg|50px|link=Nowhere]]", "/wiki/Nowhere?action=edit&amp;redlink=1",
         ' class="new"'),
        ("[[File:Photo.jpg|50px|link=https://example.org/x]]", "https://example.org/x",
         ' class="external" rel="nofollow ugc"'),
    ],
)
def test_link_option(source: str, href: str, extra: str) -> None:
    assert f'<a href="{href}"{extra}><img' in html_of(source)


def test_empty_link_option_leaves_the_image_unlinked() -> None:
    html = html_of("[[File:Photo.jpg|50px|link=]]")
    assert "<a" not in html and "<img" in html


def test_missing_file_is_a_red_upload_link() -> None:
    html = html_of("[[File:Missing file.png|thumb|A caption]] [[File:Gone.png]]")
    assert ('<a href="/wiki/Special:Upload?wpDestFile=Missing_file.png" class="new" '
            'title="File:Missing file.png (file does not exist)">A caption</a>') in html
    assert '>File:Gone.png</a>' in html
    assert "<img" not in html and "<figure" not in html


def test_description_and_media_links() -> None:
    html = html_of("[[:File:Photo.jpg]], [[:Image:Photo.jpg|the photo]], "
                   "[[Media:Photo.jpg|download]], [[Media:Gone.png]]")
    assert '<a href="/wiki/File:Photo.jpg" title="File:Photo.jpg">File:Photo.jpg</a>' in html
    assert '<a href="/wiki/File:Photo.jpg" title="File:Photo.jpg">the photo</a>' in html
    assert (f'<a href="/files/{SHA1}/Photo.jpg" class="internal" title="File:Photo.jpg">'
            "download</a>") in html
    assert 'href="/wiki/Special:Upload?wpDestFile=Gone.png" class="new"' in html
    assert "<img" not in html


def test_file_links_are_recorded() -> None:
    rendered = render("[[File:Photo.jpg|thumb|See [[Kosovo]]]] [[:File:Map.svg]] "
                      "[[Media:Gone.png]] [[File:Missing.png]]", lookups())
    assert rendered.links == (Title(FILE, "Photo.jpg"), Title(MAIN, "Kosovo"),
                              Title(FILE, "Map.svg"), Title(FILE, "Gone.png"),
                              Title(FILE, "Missing.png"))


@pytest.mark.parametrize(
    "source",
    ["`[[File:Photo.jpg|thumb]]`", "```\n[[File:Photo.jpg|thumb]]\n```",
     "    [[File:Photo.jpg|thumb]]"],
)
def test_file_links_in_code_stay_literal(source: str) -> None:
    rendered = render(source, lookups())
    assert "[[File:Photo.jpg|thumb]]" in rendered.html and rendered.links == ()


def test_image_in_a_caption_stays_in_the_line() -> None:
    html = html_of("[[File:Photo.jpg|thumb|Icon [[File:Small icon.png|thumb|20px]] here]]")
    assert html.count("<figure") == 1
    assert re.search(r"<figcaption>Icon <span[^>]*><a[^>]*><img[^>]*></a></span> here", html)


@pytest.mark.parametrize(
    "source",
    ['[[File:Photo.jpg|thumb|alt=x" onerror="alert(1)|<script>alert(1)</script>]]',
     '[[File:Photo.jpg|50px|link=javascript:alert(1)]]',
     '[[File:Photo.jpg|thumb|<img src=x onerror=alert(1)>]]',
     '[[File:Photo.jpg|thumb|[javascript:alert(1) x]]]'],
)
def test_options_inject_nothing(source: str) -> None:
    parser = Attributes()
    parser.feed(html_of(source))
    assert "script" not in parser.tags
    assert not [name for name, _ in parser.attributes if name.startswith(("on", "style"))]
    assert not [value for name, value in parser.attributes
                if name in {"href", "src", "srcset"} and value.lower().startswith("javascript")]


class Attributes(HTMLParser):
    """Every tag and attribute of a document, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend((name, value or "") for name, value in attrs)


def test_sanitizer_keeps_the_figure_and_drops_injected_attributes() -> None:
    figure = ('<figure class="mw-default-size mw-halign-right" typeof="mw:File/Thumb">'
              '<a href="/wiki/File:P.jpg" class="mw-file-description">'
              '<img src="/thumb/a/220px-P.jpg"'
              ' srcset="/thumb/a/400px-P.jpg 1.5x, /thumb/a/500px-P.jpg 2x" width="220" '
              'height="165" alt="P" loading="lazy" decoding="async"></a>'
              "<figcaption>Caption</figcaption></figure>")
    assert str(sanitize_html(figure)) == figure
    hostile = ('<figure class="mw-halign-right evil" style="position:fixed" onclick="x()">'
               '<img src="javascript:alert(1)" srcset="javascript:alert(1) 2x" onerror="x()">'
               '<img src="/wiki/Special:UserLogout" srcset="//evil.example/x.png 2x">'
               '<img src="/thumb/a/1.png" srcset="/thumb/a/2.png 2x, data:x 3x">'
               "<figcaption onmouseover=\"x()\">C</figcaption></figure>")
    assert str(sanitize_html(hostile)) == (
        '<figure class="mw-halign-right"><img><img><img src="/thumb/a/1.png">'
        "<figcaption>C</figcaption></figure>")


def test_option_parsing() -> None:
    assert split_options("thumb|A [[B|c]] d|x") == ["thumb", "A [[B|c]] d", "x"]
    assert parse_options(["thumb", "right", "200x100px", "upright=0.5", "alt=A",
                          "link=", "border", "page=2", "First", "Second"]) == ImageOptions(
        kind="thumb", halign="right", width=200, height=100, upright=0.5, alt="A", link="",
        border=True, caption="Second")
    assert parse_options(["upright=huge"]).upright == 0.75


def test_display_size_never_enlarges_a_raster() -> None:
    small = FILES["Small icon.png"]
    assert display_size(small, ImageOptions(width=1000)) == (100, 50)
    assert display_size(FILES["Map.svg"], ImageOptions(width=1000)) == (1000, 500)


# ---------------------------------------------------------------------------------------------
# The infoboxes, through the wiki's own template library


def test_infobox_image_and_caption() -> None:
    rendered = render("{{Infobox|title=T|image=File:Photo.jpg|caption=The [[Kosovo]] coast}}",
                      lookups())
    html = str(rendered.html)
    assert '<a href="/wiki/File:Photo.jpg" class="mw-file-description"><img' in html
    assert img(html) == {
        "src": f"{THUMB}250px-Photo.jpg",
        "srcset": f"{THUMB}400px-Photo.jpg 1.5x, {THUMB}500px-Photo.jpg 2x",
        "width": "250", "height": "188", "alt": "The Kosovo coast", "loading": "lazy",
        "decoding": "async",
    }
    assert ('<div class="infobox-caption">The <a href="/wiki/Kosovo" title="Kosovo">Kosovo</a> '
            "coast</div>") in html
    assert Title(FILE, "Photo.jpg") in rendered.links


@pytest.mark.parametrize("value", ["Photo.jpg", "Image:Photo.jpg", "[[File:Photo.jpg|thumb]]",
                                   " file:photo.jpg "])
def test_infobox_image_spellings(value: str) -> None:
    assert img(html_of(f"{{{{Infobox|image={value}}}}}"))["src"] == f"{THUMB}250px-Photo.jpg"


def test_infobox_missing_image_is_a_red_upload_link() -> None:
    rendered = render("{{Infobox|title=T|image=Nope.jpg|caption=C}}", lookups())
    assert ('<a href="/wiki/Special:Upload?wpDestFile=Nope.jpg" class="new" '
            'title="File:Nope.jpg (file does not exist)">File:Nope.jpg</a>') in rendered.html
    assert "<img" not in rendered.html
    assert Title(FILE, "Nope.jpg") in rendered.links


def test_relations_infobox_shows_the_uploaded_locator_file() -> None:
    rendered = render("{{Infobox bilateral relations|Azerbaijan–Kosovo|Azerbaijan|Kosovo|"
                      "filetype=png}}", lookups())
    attrs = img(str(rendered.html))
    assert attrs["src"] == f"{THUMB}250px-Azerbaijan_Kosovo_Locator.png"
    assert attrs["srcset"].startswith(f"{THUMB}400px-Azerbaijan_Kosovo_Locator.png 1.5x")
    assert 'href="/wiki/File:Azerbaijan_Kosovo_Locator.png"' in rendered.html
    assert "image-slot" not in rendered.html
    assert Title(FILE, "Azerbaijan Kosovo Locator.png") in rendered.links


def test_relations_infobox_without_the_locator_file_keeps_the_generated_map() -> None:
    # the SVG is not uploaded (only the PNG is): the generated map stands in, and the page
    # still depends on the file it looked for
    rendered = render("{{Infobox bilateral relations|Azerbaijan–Kosovo|Azerbaijan|Kosovo}}",
                      lookups())
    assert "/thumb/" not in rendered.html
    assert "File:Azerbaijan Kosovo Locator.svg" in rendered.html  # the placeholder's label
    assert Title(FILE, "Azerbaijan Kosovo Locator.svg") in rendered.links


def test_relations_infobox_map_names_an_uploaded_file() -> None:
    html = html_of("{{Infobox bilateral relations|A–B|Azerbaijan|Kosovo|map=File:Photo.jpg|"
                   "caption=Both}}")
    assert img(html)["src"] == f"{THUMB}250px-Photo.jpg"
    assert '<div class="infobox-caption">Both</div>' in html
    missing = html_of("{{Infobox bilateral relations|A–B|Azerbaijan|Kosovo|map=Nope.png}}")
    assert 'href="/wiki/Special:Upload?wpDestFile=Nope.png" class="new"' in missing
