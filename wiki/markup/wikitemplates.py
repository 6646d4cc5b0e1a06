"""Rendering template calls through Jinja: templates/wikitemplates/<name>.html.

Each parameter reaches the template twice: rendered (inline Markdown with wikilinks, sanitized, as
Markup) in `args`/`params`, and as typed in `raw`. Templates that show live data call the
functions in `live`, which the caller supplied through Lookups, and ask about uploaded files
with `file(name)`. Jinja autoescapes everything else, so a template keeps its own markup while
parameters cannot inject any. A missing template or a failing one renders a visible notice; it
never breaks the page.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

import jinja2
from markupsafe import Markup

from wiki.bounded import BoundedStore
from wiki.markup.citations import citation
from wiki.markup.images import FileTarget, plain_text
from wiki.markup.limits import RenderTimeout
from wiki.markup.templates import TemplateCall
from wiki.markup.wikilinks import link_href
from wiki.paths import PROJECT_ROOT
from wiki.titles import Title, page_url, try_parse_title
from wiki.urls import local_image_path

if TYPE_CHECKING:
    from wiki.markup.kept_calls import CallKey, KeptCall

log = logging.getLogger(__name__)
TEMPLATE_DIR = PROJECT_ROOT / "templates" / "wikitemplates"
MAX_DEPTH = 4
_SAFE_KEY = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
KEPT_CALLS_BYTES = 8 * 1024 * 1024
# The compiled templates the running call has loaded so far (its own and those it imports), for
# wiki.markup.kept_calls; None when no call is being kept.
loaded_templates: ContextVar[list[tuple[str, jinja2.Template]] | None] = ContextVar(
    "loaded_templates", default=None)


@dataclass(frozen=True, slots=True)
class LinkTarget:
    """A link a template draws: where it points, what it says, and whether the page exists."""

    title: Title
    label: str
    exists: bool

    @property
    def href(self) -> str:
        """The page's URL, or its edit URL when it is missing."""
        return link_href(self.title, exists=self.exists)

    @property
    def css_class(self) -> str:
        """"new" for a red link, as Wikipedia marks them."""
        return "" if self.exists else "new"


class ArgumentLinks(Sequence[LinkTarget | None]):
    """The positional arguments as links, made (and recorded as links) only when a template
    reads them: a template that shows an argument as plain text must not create a link."""

    def __init__(self, values: tuple[str, ...],
                 make_link: Callable[[str, str | None], LinkTarget | None]) -> None:
        self._values = values
        self._make_link = make_link
        self._made: dict[int, LinkTarget | None] = {}

    def __len__(self) -> int:
        return len(self._values)

    @overload
    def __getitem__(self, index: int) -> LinkTarget | None: ...

    @overload
    def __getitem__(self, index: slice) -> list[LinkTarget | None]: ...

    def __getitem__(self, index: int | slice) -> LinkTarget | None | list[LinkTarget | None]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        index = range(len(self._values))[index]
        if index not in self._made:
            self._made[index] = self._make_link(_first_link_target(self._values[index]), None)
        return self._made[index]


class _Environment(jinja2.Environment):
    """Jinja's environment, noting each template it hands out in `loaded_templates` (imports
    are loaded through get_template while a template renders)."""

    def get_template(self, name: str | jinja2.Template, parent: str | None = None,
                     globals: MutableMapping[str, Any] | None = None) -> jinja2.Template:
        template = super().get_template(name, parent, globals)
        loaded = loaded_templates.get()
        if loaded is not None and isinstance(name, str):
            loaded.append((name, template))
        return template


class TemplateLibrary:
    """The wiki templates one app renders: <name>.html looked up in each folder in turn (an
    operator's own folder can add templates or replace built-in ones), each with a digest of its
    source so that stored renders can be dropped when a template they used changes.

    Safe to share between threads: after construction nothing here changes except Jinja's own
    template cache, which Jinja guards with a lock (Flask shares one environment the same way),
    and the calls kept for reuse (wiki.markup.kept_calls, at most `kept_bytes`), behind theirs.
    """

    def __init__(self, folders: Sequence[Path], kept_bytes: int = KEPT_CALLS_BYTES) -> None:
        self.folders = tuple(Path(folder) for folder in folders)
        self.kept: BoundedStore[CallKey, KeptCall] = BoundedStore(kept_bytes, attrgetter("size"))
        self.kept_reused = 0  # calls reused and rendered, for tests and benchmarks
        self.kept_rendered = 0
        # Each folder under its own prefix, so that a template added to an earlier folder is
        # found at once instead of Jinja's cached copy of the one it shadows. A plain name
        # ("_cs1.html", imported by the citation templates) is looked up folder by folder.
        self.environment = _Environment(
            loader=jinja2.ChoiceLoader([
                jinja2.PrefixLoader({
                    str(index): jinja2.FileSystemLoader(str(folder))
                    for index, folder in enumerate(self.folders)
                }),
                jinja2.FileSystemLoader([str(folder) for folder in self.folders]),
            ]),
            autoescape=True,
            undefined=jinja2.ChainableUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.environment.globals["page_url"] = page_url
        self.environment.globals["citation"] = citation  # CS1 citations, as data
        self.environment.filters["local_image"] = local_image_path  # images of this wiki only
        self.environment.filters["plain_text"] = plain_text  # wiki text as words, for alt text

    def name(self, key: str, *, internal: bool = False) -> str | None:
        """The loader's name of the file that defines template `key` (the first folder's), or
        None when there is none or the key is not a plain name (internal templates such as
        "_notice" are not callable from pages; pass internal=True to find them)."""
        if not internal and not _SAFE_KEY.match(key):
            return None
        for index, folder in enumerate(self.folders):
            if (folder / f"{key}.html").is_file():
                return f"{index}/{key}.html"
        return None

    def get(self, key: str, *, internal: bool = False) -> jinja2.Template | None:
        """The compiled template `key`, or None when no folder defines it."""
        name = self.name(key, internal=internal)
        return self.environment.get_template(name) if name is not None else None

    def exists(self, key: str) -> bool:
        """True when a template file defines `key`."""
        return self.name(key) is not None

    def digests(self) -> dict[str, str]:
        """Every template's key and the SHA-1 of its source (the first folder's wins), taken
        together with the internal templates ("_*.html") of its folder that it may import."""
        found: dict[str, str] = {}
        for folder in self.folders:
            paths = sorted(folder.glob("*.html")) if folder.is_dir() else []
            shared = b"".join(path.read_bytes() for path in paths if path.stem.startswith("_"))
            for path in paths:
                key = path.stem
                if _SAFE_KEY.match(key) and key not in found:
                    found[key] = hashlib.sha1(path.read_bytes() + shared).hexdigest()
        return found


@cache
def builtin_library() -> TemplateLibrary:
    """The templates that ship with the wiki, for renders that name no library (pure tests)."""
    return TemplateLibrary([TEMPLATE_DIR])


def render_call(
    call: TemplateCall,
    render_fragment: Callable[[str], Markup],
    make_link: Callable[[str, str | None], LinkTarget | None],
    live: Mapping[str, Callable[..., Any]],
    depth: int,
    library: TemplateLibrary,
    *,
    file: Callable[[str], FileTarget | None] | None = None,
) -> tuple[Markup, bool]:
    """Render one call to trusted markup (or to a notice naming the problem), and say whether
    the template rendered (False for a notice).

    file(name) tells a template about an uploaded file (wiki.markup.images.file_finder)."""
    if depth > MAX_DEPTH:
        return _notice(library, "too_deep", call), False
    template = library.get(call.key)
    if template is None:
        return _notice(library, "unknown", call), False
    raw: dict[str, str] = {str(i + 1): value for i, value in enumerate(call.positional)}
    raw.update(call.named)
    rendered = {name: render_fragment(value) for name, value in raw.items()}
    context = {
        "name": call.name,
        "block": call.block,
        "args": [rendered[str(i + 1)] for i in range(len(call.positional))],
        "params": rendered,
        "raw": raw,
        "link": make_link,
        "live": live,
        "arg_links": ArgumentLinks(call.positional, make_link),
        "file": file if file is not None else _no_file,
    }
    try:
        return Markup(template.render(context).strip()), True
    except RenderTimeout:
        raise
    except Exception:  # a broken template must not take the page down with it
        log.exception("template %s failed", call.key)
        return _notice(library, "failed", call), False


def _no_file(_name: str) -> None:
    return None


def _first_link_target(value: str) -> str:
    """The title a parameter names: the target of its first [[link]], or the text itself."""
    match = re.search(r"\[\[([^\[\]|#]+)", value)
    return match.group(1) if match else value


def _notice(library: TemplateLibrary, problem: str, call: TemplateCall) -> Markup:
    notice = library.get("_notice", internal=True)
    assert notice is not None, "the built-in templates include _notice.html"
    return Markup(notice.render(problem=problem, name=call.name, block=call.block).strip())


def link_maker(
    exists: Callable[[Title], bool], record: Callable[[Title], None]
) -> Callable[[str, str | None], LinkTarget | None]:
    """A link(title, label) function for templates that records what it links to."""

    def make_link(target: str, label: str | None = None) -> LinkTarget | None:
        text = str(target).strip()
        title = try_parse_title(text) if text else None
        if title is None:
            return None
        record(title)
        return LinkTarget(title, label or text, exists(title))

    return make_link
