"""Typed models: pages, their immutable revisions, the links and categories of each page's latest
revision, the render cache kept per revision with what each render depended on, accounts and
their failed logins, protections, the action log, and uploaded files with their versions."""

from __future__ import annotations

from datetime import datetime
from typing import cast

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wiki.db import Model


def table(model: type[Model]) -> sa.Table:
    """A model's table, for plain Core statements where the ORM's handling of a statement
    would cost several times what running it does (the statements of every save)."""
    return cast(sa.Table, model.__table__)


class Page(Model):
    """A title in a namespace, pointing at its latest revision."""

    __tablename__ = "pages"
    __table_args__ = (sa.UniqueConstraint("namespace", "title", name="uq_pages_namespace_title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    namespace: Mapped[int] = mapped_column(sa.Integer, default=0)
    title: Mapped[str] = mapped_column(sa.String(255))
    latest_revision_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("revisions.id", use_alter=True, name="fk_pages_latest_revision_id_revisions")
    )
    is_redirect: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    # Deleted pages vanish from reading and lists; their revisions stay for undelete.
    is_deleted: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(sa.DateTime)

    latest_revision: Mapped[Revision | None] = relationship(
        foreign_keys=[latest_revision_id], post_update=True
    )

    @property
    def full_title(self) -> str:
        """The title with its namespace prefix, as shown ("Talk:Kosovo")."""
        from wiki.titles import Title

        return Title(self.namespace, self.title).full


class Revision(Model):
    """One saved state of a page. Inserted once and never updated or deleted by editing."""

    __tablename__ = "revisions"
    __table_args__ = (sa.Index("ix_revisions_page_id_id", "page_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(sa.ForeignKey("pages.id"))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("revisions.id"))
    timestamp: Mapped[datetime] = mapped_column(sa.DateTime, index=True)  # UTC, whole seconds
    author: Mapped[str] = mapped_column(sa.String(255))  # account name, or the IP address
    author_is_ip: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    summary: Mapped[str] = mapped_column(sa.String(500), default="")
    minor: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    text: Mapped[str] = mapped_column(sa.Text)
    size: Mapped[int] = mapped_column(sa.Integer)  # UTF-8 bytes of text
    sha1: Mapped[str] = mapped_column(sa.String(40))
    # Came from a MediaWiki XML dump (Special:Import, `flask import`) with its own author and time.
    imported: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())

    page: Mapped[Page] = relationship(foreign_keys=[page_id])


class Link(Model):
    """A wikilink in a page's latest revision: from a page to a title, existing or not."""

    __tablename__ = "links"
    __table_args__ = (sa.Index("ix_links_to", "to_namespace", "to_title"),)

    from_page_id: Mapped[int] = mapped_column(
        sa.ForeignKey("pages.id", ondelete="CASCADE"), primary_key=True
    )
    to_namespace: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    to_title: Mapped[str] = mapped_column(sa.String(255), primary_key=True)


class RenderedRevision(Model):
    """The render cache: a revision's sanitized HTML and table of contents."""

    __tablename__ = "rendered_revisions"

    revision_id: Mapped[int] = mapped_column(
        sa.ForeignKey("revisions.id", ondelete="CASCADE"), primary_key=True
    )
    html: Mapped[str] = mapped_column(sa.Text)
    toc_json: Mapped[str] = mapped_column(sa.Text)  # [[level, anchor, text], ...]
    links_json: Mapped[str] = mapped_column(sa.Text)  # [[namespace, title], ...]
    rendered_at: Mapped[datetime] = mapped_column(sa.DateTime)


class RenderDependency(Model):
    """One topic a stored render consulted (a title's state, a template, a category's members,
    live data); a write that changes the topic's answer drops the render. Rows go with their
    render (ON DELETE CASCADE)."""

    __tablename__ = "render_dependencies"
    __table_args__ = (sa.Index("ix_render_dependencies_topic", "topic"),)

    revision_id: Mapped[int] = mapped_column(
        sa.ForeignKey("rendered_revisions.revision_id", ondelete="CASCADE"), primary_key=True
    )
    topic: Mapped[str] = mapped_column(sa.String(320), primary_key=True)


class InvalidationEpoch(Model):
    """Counters of the writes that dropped renders (see wiki.invalidation): row 1 counts them
    all, row 2 those that changed whether a title is a page or what a file is."""

    __tablename__ = "invalidation_epoch"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(sa.Integer)


class TemplateVersion(Model):
    """The digest of each wiki template's source when renders were last checked against it."""

    __tablename__ = "template_versions"

    key: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    digest: Mapped[str] = mapped_column(sa.String(40))


class User(Model):
    """An account. Anonymous editors have none; they are known by their IP address."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(85), unique=True)
    # The look-alike key of the name (wiki.usernames.skeleton): a new name may not share it.
    # Not unique: accounts made before the rule may already share one.
    name_skeleton: Mapped[str] = mapped_column(sa.String(512), index=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(16), default="editor")  # "editor" | "admin"
    created_at: Mapped[datetime] = mapped_column(sa.DateTime)
    # A session stores the version it logged in with; moving it on ends every session.
    session_version: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")


class LoginFailure(Model):
    """One failed login (or one being checked) counted against a throttle key: an account's
    name or an IP address. Rows older than the longest throttle window are pruned."""

    __tablename__ = "login_failures"
    __table_args__ = (sa.Index("ix_login_failures_key_failed_at", "throttle_key", "failed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    throttle_key: Mapped[str] = mapped_column(sa.String(320))
    failed_at: Mapped[datetime] = mapped_column(sa.DateTime, index=True)  # UTC, microseconds


class Protection(Model):
    """Who may edit a page: "editor" (logged in) or "admin", until an optional expiry."""

    __tablename__ = "protections"

    page_id: Mapped[int] = mapped_column(
        sa.ForeignKey("pages.id", ondelete="CASCADE"), primary_key=True
    )
    level: Mapped[str] = mapped_column(sa.String(16))
    reason: Mapped[str] = mapped_column(sa.String(500), default="")
    expires_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    protected_by: Mapped[str] = mapped_column(sa.String(255))
    protected_at: Mapped[datetime] = mapped_column(sa.DateTime)


class LogEntry(Model):
    """An administrative action (protect, delete, undelete, rollback, new account), for
    Special:Log and the page's history."""

    __tablename__ = "log_entries"
    __table_args__ = (sa.Index("ix_log_entries_target", "namespace", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    timestamp: Mapped[datetime] = mapped_column(sa.DateTime, index=True)
    action: Mapped[str] = mapped_column(sa.String(32))
    actor: Mapped[str] = mapped_column(sa.String(255))
    namespace: Mapped[int] = mapped_column(sa.Integer, default=0)
    title: Mapped[str] = mapped_column(sa.String(255))
    reason: Mapped[str] = mapped_column(sa.String(500), default="")
    details: Mapped[str] = mapped_column(sa.Text, default="")


class CategoryLink(Model):
    """A page's membership of a category, from [[Category:Name]] in its latest revision."""

    __tablename__ = "category_links"
    __table_args__ = (sa.Index("ix_category_links_category", "category"),)

    from_page_id: Mapped[int] = mapped_column(
        sa.ForeignKey("pages.id", ondelete="CASCADE"), primary_key=True
    )
    category: Mapped[str] = mapped_column(sa.String(255), primary_key=True)


class FileBlob(Model):
    """The bytes of an uploaded file, stored once per content (keyed by their SHA-1), in the
    database so that every server and every backup has them."""

    __tablename__ = "file_blobs"

    sha1: Mapped[str] = mapped_column(sa.String(40), primary_key=True)  # lower-case hex
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    size: Mapped[int] = mapped_column(sa.Integer)


class FileVersion(Model):
    """One uploaded version of a file, the file being the File: page it describes. Inserted
    once and never updated; a page's current version is its newest row."""

    __tablename__ = "file_versions"
    __table_args__ = (sa.Index("ix_file_versions_page_id_id", "page_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(sa.ForeignKey("pages.id"))
    sha1: Mapped[str] = mapped_column(sa.ForeignKey("file_blobs.sha1"), index=True)
    mime: Mapped[str] = mapped_column(sa.String(64))
    width: Mapped[int] = mapped_column(sa.Integer)
    height: Mapped[int] = mapped_column(sa.Integer)
    size: Mapped[int] = mapped_column(sa.Integer)
    uploader: Mapped[str] = mapped_column(sa.String(255))  # account name, or the IP address
    uploader_is_ip: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    timestamp: Mapped[datetime] = mapped_column(sa.DateTime, index=True)  # UTC, whole seconds
    comment: Mapped[str] = mapped_column(sa.String(500), default="")
