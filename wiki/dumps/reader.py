"""Reading a MediaWiki XML export page by page with mwxml, streaming: each page's revisions are
read as the importer asks for them, and a page's XML is let go once it has been read.

Errors are sorted in two: the file's (not well-formed XML, no <siteinfo>), after which nothing
more can be read, raise DumpError; a page's (a value that does not parse, an element out of
place) raise PageUnreadable, and reading goes on with the next page.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import ParseError

import mwxml
from mwxml.errors import MalformedXML

from wiki.dumps.source import DumpError, Readable, parse_error, where

# What a page's or revision's values can raise in mwxml when one does not parse.
_BAD_VALUE = (MalformedXML, ValueError, TypeError, AttributeError)


class PageUnreadable(Exception):
    """A page's XML holds something mwxml cannot read; the page fails, the next one is read."""


@dataclass(frozen=True)
class DumpPage:
    """A page as the dump has it: its title (with the namespace prefix of the wiki it came
    from), namespace number, that namespace's name there, and its revisions (mwxml's), read
    as they are iterated, once."""

    name: str
    namespace: int
    namespace_name: str | None
    revisions: Iterator[Any]


def read_pages(stream: Readable, name: str) -> Iterator[DumpPage]:
    """The pages of the export, in file order."""
    try:
        dump = mwxml.Dump.from_file(stream)
    except ParseError as error:
        raise parse_error(name, error) from error
    except _BAD_VALUE as error:
        raise DumpError(f"{where(name)}: the export's header cannot be read ({error}).") from error
    names = {namespace.id: namespace.name for namespace in dump.site_info.namespaces or ()}
    pages = iter(dump.pages)
    last = None
    while True:
        try:
            page = next(pages)
        except StopIteration:
            return
        except ParseError as error:
            raise parse_error(name, error) from error
        except _BAD_VALUE as error:
            after = f' after the page "{last}"' if last else ""
            raise DumpError(f"{where(name)}: a page{after} cannot be read ({error}); "
                            "nothing after it was imported.") from error
        last = page.title
        yield DumpPage(page.title or "", page.namespace if page.namespace is not None else 0,
                       names.get(page.namespace), _revisions(page, name))


def _revisions(page: Any, name: str) -> Iterator[Any]:
    """The page's revisions, with mwxml's errors sorted into the file's and the page's."""
    revisions = iter(page)
    last = None
    while True:
        try:
            revision = next(revisions)
        except StopIteration:
            return
        except ParseError as error:
            raise parse_error(name, error) from error
        except _BAD_VALUE as error:
            after = f" after revision {last}" if last is not None else ""
            raise PageUnreadable(f"a revision{after} cannot be read ({error})") from error
        last = revision.id
        yield revision
