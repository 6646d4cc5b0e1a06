"""Importing a MediaWiki XML export (Special:Import, `flask import`).

The file streams through a guard (wiki.dumps.source) into mwxml (wiki.dumps.reader) page by
page. Each page's title is checked against this wiki's rules and namespaces, its revisions are
turned into Markdown (wikitext through wiki.dumps.wikitext, Markdown as it is, any other content
model fails the page), and the one writer appends them (pages.import_revisions), one
transaction per page: a page that fails leaves nothing behind, and the report says why. An
error in the file itself stops the import after the last whole page. One entry in the action
log says who imported what.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import PurePosixPath, PureWindowsPath
from typing import IO, Any

from wiki import actionlog, pages, permissions
from wiki.db import write_transaction
from wiki.dumps import wikitext
from wiki.dumps.reader import DumpPage, PageUnreadable, read_pages
from wiki.dumps.report import ImportReport
from wiki.dumps.source import DumpError, open_dump
from wiki.dumps.xmlformat import MARKDOWN_FORMAT, MARKDOWN_MODEL, WIKITEXT_FORMAT, WIKITEXT_MODEL
from wiki.errors import WikiError
from wiki.pages import Author, ImportedRevision
from wiki.titles import MAIN, NAMESPACES, SPECIAL, InvalidTitleError, Title, parse_title

UNKNOWN_AUTHOR = "Unknown user"  # a revision whose author was hidden on the wiki it came from
LOG_TITLE = Title(SPECIAL, "Import")
MAX_NOTES = 20  # conversion notes kept per page
MAX_NAME = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class PageFailed(Exception):
    """A page of the dump cannot be imported; the reason says why, naming the revision."""


def import_dump(raw: IO[bytes], file_name: str, *, by: Author, max_xml_bytes: int,
                dry_run: bool = False, progress: Callable[[ImportReport], None] | None = None
                ) -> ImportReport:
    """Import every page of a dump file (plain, gzip or bzip2 XML, open at its start) as `by`,
    an administrator; `progress` is called after each page. With dry_run nothing is written:
    the report says what an import would do."""
    permissions.require_admin(by.role, "import pages")
    report = ImportReport(display_name(file_name), dry_run)
    try:
        stream = open_dump(raw, report.file_name, max_xml_bytes)
        for page in read_pages(stream, report.file_name):
            _import_page(page, report, by, dry_run)
            if progress is not None:
                progress(report)
    except DumpError as error:
        report.error, report.error_status = error.message, error.status
    finally:
        if report.revisions and not dry_run:
            with write_transaction():
                actionlog.record(action="import", actor=by.name, title=LOG_TITLE,
                                 details=report.log_details())
    return report


def display_name(file_name: str) -> str:
    """The file's own name (no folders), as reports and the log show it."""
    name = PureWindowsPath(PurePosixPath(file_name).name).name
    name = _CONTROL.sub("", name).strip()[:MAX_NAME]
    return name or "(unnamed file)"


def _import_page(page: DumpPage, report: ImportReport, by: Author, dry_run: bool) -> None:
    """Import one page of the dump, or count it as failed with the reason."""
    label = page.name
    try:
        title = page_title(page)
        label = title.full
        notes: dict[str, None] = {}  # ordered, without repeats
        approximate = False
        revisions = []
        for item in page.revisions:
            text, item_notes, item_approximate = _markdown(item, title)
            approximate |= item_approximate
            notes.update((note, None) for note in item_notes if len(notes) < MAX_NOTES)
            revisions.append(_revision(item, text))
        if not revisions:
            raise PageFailed("the page has no revisions in the dump")
        outcome = pages.import_revisions(title, revisions, by=by, dry_run=dry_run)
    except DumpError:
        raise
    except (PageFailed, PageUnreadable) as failure:
        report.fail(label, str(failure))
        return
    except WikiError as error:
        report.fail(label, error.message)
        return
    report.add(outcome, tuple(notes), approximate)


def page_title(page: DumpPage) -> Title:
    """The page's title here: the dump's namespace number must be one of this wiki's, and the
    title must keep to this wiki's rules and land in that namespace."""
    if page.namespace not in NAMESPACES or page.namespace == SPECIAL:
        there = f" ({page.namespace_name})" if page.namespace_name else ""
        raise PageFailed(f"namespace {page.namespace}{there} does not exist on this wiki")
    text = page.name
    if page.namespace != MAIN:
        prefix = page.namespace_name
        if prefix and text.startswith(prefix + ":"):
            text = text[len(prefix) + 1:]
        elif not prefix:
            text = text.partition(":")[2] or text
        text = f"{NAMESPACES[page.namespace]}:{text}"
    try:
        title = parse_title(text)
    except InvalidTitleError as error:
        raise PageFailed(f"the title is not valid on this wiki: {error}") from error
    if title.namespace != page.namespace:
        raise PageFailed(f'the title would name a page in the "{NAMESPACES[title.namespace]}" '
                         "namespace here, not the main namespace the dump puts it in")
    return title


def _markdown(item: Any, title: Title) -> tuple[str, tuple[str, ...], bool]:
    """The revision's text as Markdown, the conversion's notes, and whether it is approximate."""
    label = f"revision {item.id}"
    if (item.deleted is not None and item.deleted.text) or (item.slots is not None and any(
            content.deleted for content in item.slots.contents.values() if content)):
        raise PageFailed(f"{label} has no text: it was deleted or hidden on the wiki it came "
                         "from, so the page's history cannot be imported whole")
    if item.text is None and item.bytes != 0:
        raise PageFailed(f"{label} has no text in the dump" + (
            f" (the revision has {item.bytes:,} bytes: is this a dump of metadata only?)"
            if item.bytes else ""))
    text = item.text or ""
    model, content_format = item.model, item.format
    if model == MARKDOWN_MODEL or model is None and content_format == MARKDOWN_FORMAT:
        return text, (), False
    if model in (WIKITEXT_MODEL, None) and content_format in (WIKITEXT_FORMAT, None):
        conversion = wikitext.convert(text, title.full)
        return conversion.markdown, tuple(conversion.notes), bool(conversion.approximate)
    raise PageFailed(f'{label} has the content model "{model}" (format {content_format}); '
                     "only wikitext and Markdown pages can be imported")


def _revision(item: Any, text: str) -> ImportedRevision:
    """The dump's revision as the one writer takes it."""
    if item.timestamp is None:
        raise PageFailed(f"revision {item.id} has no timestamp")
    return ImportedRevision(
        text=text, author=_author(item),
        timestamp=datetime.fromtimestamp(item.timestamp.unix(), UTC).replace(tzinfo=None),
        summary=item.comment or "", minor=bool(item.minor), source_id=item.id,
    )


def _author(item: Any) -> Author:
    """An account name, or the IP address of an anonymous editor."""
    user = item.user
    if user is None or not user.text or (item.deleted is not None and item.deleted.user):
        return Author(UNKNOWN_AUTHOR)
    name = " ".join(str(user.text).split())[:255]
    if user.id is None and _is_ip(name):
        return Author.anonymous(name)
    return Author(name)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
