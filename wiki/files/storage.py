"""The file service: uploads, re-uploads and reverts, and reading files back.

A file is its File: page plus its versions. The bytes are stored once per content (keyed by
SHA-1) in the database, so every server and every backup has them; each upload adds an
immutable version row. Uploading writes the description page through pages.save_edit (the
one writer) and the version row in the same transaction, then drops every stored render that
showed the file (the ``file:<name>`` topic), so pages showing it are drawn again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from wiki import invalidation, pages, permissions
from wiki.db import db, write_transaction
from wiki.errors import BadUpload, PageNotFound, UploadTooLarge, UploadWarning
from wiki.existence import readable
from wiki.files.thumbnail import BadImage, ImageFacts, check_image
from wiki.markup.files import FileInfo
from wiki.models import FileBlob, FileVersion, Link, Page
from wiki.titles import FILE, InvalidTitleError, Title, parse_title

UPLOAD_SUMMARY_CHARS = 500


@dataclass(frozen=True)
class UploadResult:
    """What an upload or revert did: "created" (the first version) or "updated"."""

    status: str
    title: Title
    version: FileVersion
    revision_id: int


@dataclass(frozen=True)
class ListedFile:
    """One row of Special:ListFiles: the file's name and its current version."""

    name: str
    version: FileVersion


def file_title(raw: str) -> Title:
    """The File: title of a destination name as typed (with or without "File:"), or BadUpload.

    File names follow the title rules, and besides: no slash or backslash (a name is not a
    path), and nothing but a File: title.
    """
    raw = raw.strip()
    if not raw:
        raise BadUpload("Give the file a name (for example Flag of Kosovo.png).")
    if "/" in raw or "\\" in raw:
        raise BadUpload("File names cannot contain slashes or backslashes.")
    try:
        title = parse_title(raw, FILE)
    except InvalidTitleError as error:
        raise BadUpload(f"That is not a valid file name: {error}") from error
    if title.namespace != FILE:
        raise BadUpload(f'"{raw[:100]}" is not a file name: files are named "File:Name.png".')
    if title.text.startswith("."):
        raise BadUpload("File names cannot start with a dot.")
    return title


def check_file(data: bytes, title: Title) -> ImageFacts:
    """What the bytes are, if they may be stored under this name; else UploadTooLarge or
    BadUpload."""
    config = current_app.config
    limit = int(config["WIKI_MAX_UPLOAD_BYTES"])
    if len(data) > limit:
        raise UploadTooLarge(f"The file is {len(data):,} bytes; the largest upload allowed is "
                             f"{limit:,} bytes.")
    if not data:
        raise BadUpload("The file is empty, or no file was chosen.")
    try:
        return check_image(data, title.text, allow_svg=bool(config["WIKI_ALLOW_SVG"]),
                           max_pixels=int(config["WIKI_MAX_IMAGE_PIXELS"]))
    except BadImage as error:
        raise BadUpload(str(error)) from error


def current_version(page: Page | None) -> FileVersion | None:
    """The newest version of the file a page describes, or None."""
    if page is None or page.id is None:
        return None
    return db.session.scalar(sa.select(FileVersion).where(FileVersion.page_id == page.id)
                             .order_by(FileVersion.id.desc()).limit(1))


def _current_ids() -> sa.Subquery:
    """Each file's newest version id, per page."""
    return (sa.select(sa.func.max(FileVersion.id).label("version_id"))
            .group_by(FileVersion.page_id).subquery())


def names_with_content(sha1: str, other_than: Title | None = None) -> list[str]:
    """The files (names without "File:") whose current version has these bytes."""
    current = _current_ids()
    query = (sa.select(Page.title).join(FileVersion, FileVersion.page_id == Page.id)
             .join(current, current.c.version_id == FileVersion.id)
             .where(FileVersion.sha1 == sha1, readable()).order_by(Page.title))
    if other_than is not None:
        query = query.where(Page.title != other_than.text)
    return list(db.session.scalars(query))


def upload(title: Title, data: bytes, *, author: pages.Author, text: str = "",
           summary: str = "", ignore_warnings: bool = False, reupload: bool = False
           ) -> UploadResult:
    """Store a file as the current version of File:<name>, or say why not.

    The description page is created with `text` on the first upload (an existing page keeps
    its text, and a new version gets a revision of the same text, summarized "Uploaded a new
    version of ..."). Warnings (UploadWarning) refuse unless ignore_warnings: the same bytes
    already stored as another file ("duplicate"), and a name that is taken ("exists") unless
    this is meant as a new version (reupload). Bytes equal to the current version are always
    refused ("nochange").
    """
    permissions.check_upload(author.role)
    facts = check_file(data, title)
    sha1 = hashlib.sha1(data).hexdigest()
    comment = " ".join(summary.split())[:UPLOAD_SUMMARY_CHARS]
    with write_transaction():
        page = pages.find_page(title)
        current = current_version(page) if page is not None and not page.is_deleted else None
        if current is not None and current.sha1 == sha1:
            raise UploadWarning(f'This file is already the current version of "{title.full}".',
                                kind="nochange", existing=title.text)
        if not ignore_warnings:
            _warn(title, sha1, current, reupload)
        if db.session.get(FileBlob, sha1) is None:
            db.session.add(FileBlob(sha1=sha1, data=data, size=len(data)))
        if current is None:
            status, edit_summary = "created", comment or f"Uploaded {title.full}"
        else:
            status = "updated"
            edit_summary = f'Uploaded a new version of "{title.full}"' + (
                f": {comment}" if comment else "")
        return _add_version(title, page, facts, sha1, len(data), author, comment, status,
                            edit_summary, text)


def _warn(title: Title, sha1: str, current: FileVersion | None, reupload: bool) -> None:
    """Raise the upload's first warning, if any."""
    duplicates = names_with_content(sha1, other_than=title)
    if duplicates:
        shown = ", ".join(f"File:{name}" for name in duplicates[:5])
        raise UploadWarning(f"This file already exists as {shown}. Use that file, or upload "
                            "anyway if a second copy is really wanted.",
                            kind="duplicate", existing=duplicates[0])
    if current is not None and not reupload:
        raise UploadWarning(f'A file named "{title.full}" exists already. Choose another name, '
                            "or upload this as a new version of it.",
                            kind="exists", existing=title.text)


def _add_version(title: Title, page: Page | None, facts: ImageFacts, sha1: str, size: int,
                 author: pages.Author, comment: str, status: str, edit_summary: str,
                 text: str) -> UploadResult:
    """In the write transaction: the description page's edit, the version row, and the
    invalidation of what showed the file."""
    if page is None or page.is_deleted or page.latest_revision_id is None:
        description = text.strip() or comment or f"Uploaded {title.full}."
        base = None if page is None else page.latest_revision_id
    else:
        description = pages.latest_revision(page).text
        base = page.latest_revision_id
    saved = pages.save_edit(title, description, author=author, base_revision_id=base,
                            summary=edit_summary, null_revision=True)
    version = FileVersion(
        page_id=saved.page.id, sha1=sha1, mime=facts.mime, width=facts.width,
        height=facts.height, size=size, uploader=author.name, uploader_is_ip=author.is_ip,
        timestamp=saved.revision.timestamp, comment=comment,
    )
    db.session.add(version)
    db.session.flush()
    invalidation.invalidate({invalidation.file_topic(title.text)})
    return UploadResult(status, title, version, saved.revision.id)


def revertible_version(title: Title, page: Page, version_id: int) -> FileVersion:
    """The version of the page's file that a revert to `version_id` would bring back; the page
    has no such version (PageNotFound), or it is the current one already (UploadWarning)."""
    old = db.session.get(FileVersion, version_id)
    if old is None or old.page_id != page.id:
        raise PageNotFound(f'"{title.full}" has no version {version_id}.')
    current = current_version(page)
    if current is not None and current.sha1 == old.sha1:
        raise UploadWarning("That version is the current one already.", kind="nochange",
                            existing=title.text)
    return old


def revert(title: Title, version_id: int, *, author: pages.Author) -> UploadResult:
    """Make an old version current again, as a new version ("Reverted to the version of ...")."""
    permissions.check_upload(author.role)
    with write_transaction():
        page = pages.get_page(title)
        old = revertible_version(title, page, version_id)
        when = old.timestamp.strftime("%Y-%m-%d %H:%M:%S")
        summary = f"Reverted to the version of {when}"
        facts = ImageFacts(mime=old.mime, width=old.width, height=old.height, extension="")
        return _add_version(title, page, facts, old.sha1, old.size, author, summary, "updated",
                            summary, "")


def file_info(name: str) -> FileInfo | None:
    """The current version of File:<name> as the markup shows it, or None for no such file."""
    row = db.session.execute(
        sa.select(FileVersion.sha1, FileVersion.mime, FileVersion.width, FileVersion.height)
        .join(Page, Page.id == FileVersion.page_id)
        .where(Page.namespace == FILE, Page.title == name, readable())
        .order_by(FileVersion.id.desc()).limit(1)
    ).first()
    if row is None:
        return None
    sha1, mime, width, height = row
    return FileInfo(name=name, sha1=sha1, mime=mime, width=width, height=height)


def versions(page: Page) -> list[FileVersion]:
    """Every version of a page's file, newest first."""
    return list(db.session.scalars(sa.select(FileVersion).where(FileVersion.page_id == page.id)
                                   .order_by(FileVersion.id.desc())))


def stored_mime(sha1: str) -> str | None:
    """The type the bytes with this SHA-1 were stored as, if some readable file has them (a
    deleted file's bytes are not served)."""
    return db.session.scalar(
        sa.select(FileVersion.mime).join(Page, Page.id == FileVersion.page_id)
        .where(FileVersion.sha1 == sha1, readable()).order_by(FileVersion.id.desc()).limit(1))


def blob_data(sha1: str) -> bytes:
    """The stored bytes with this SHA-1 (b"" if none)."""
    return db.session.scalar(sa.select(FileBlob.data).where(FileBlob.sha1 == sha1)) or b""


def list_files(limit: int, offset: int = 0) -> tuple[list[ListedFile], bool]:
    """The files by their current version, newest first, and whether more remain."""
    current = _current_ids()
    rows = db.session.execute(
        sa.select(Page.title, FileVersion).join(FileVersion, FileVersion.page_id == Page.id)
        .join(current, current.c.version_id == FileVersion.id)
        .where(readable()).order_by(FileVersion.id.desc()).offset(offset).limit(limit + 1)
    ).all()
    return [ListedFile(name, version) for name, version in rows[:limit]], len(rows) > limit


def usage(title: Title, limit: int = 500) -> list[Title]:
    """The pages that show the file (their latest revisions link to its File: title)."""
    rows = db.session.execute(
        sa.select(Page.namespace, Page.title).join(Link, Link.from_page_id == Page.id)
        .where(Link.to_namespace == FILE, Link.to_title == title.text, readable())
        .order_by(Page.namespace, Page.title).limit(limit)
    )
    return [Title(namespace, text) for namespace, text in rows]


def file_changes(change: invalidation.PageChange) -> set[str]:
    """A change listener: a File: page that appears or goes (deleted, undeleted) changes what
    pages showing its file show; a page that starts or stops showing a file changes the
    file's usage list."""
    topics = {invalidation.file_usage_topic(linked.text)
              for linked in change.before.links ^ change.after.links if linked.namespace == FILE}
    if change.title.namespace == FILE and change.before.exists != change.after.exists:
        topics.add(invalidation.file_topic(change.title.text))
    return topics

