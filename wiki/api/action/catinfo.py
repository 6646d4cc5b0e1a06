"""prop=categoryinfo (how many pages and subcategories a category holds) and prop=imageinfo
(an uploaded file's versions: URL, size, dimensions, SHA-1, type, time and uploader), which
clients such as pywikibot and mwclient ask for beside prop=info."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import sqlalchemy as sa

from wiki.api.action.context import Context
from wiki.api.action.modules import Module, ModuleRegistry, PropResult
from wiki.api.action.pageset import PageSet
from wiki.api.action.params import Param, Parsed
from wiki.db import db
from wiki.existence import readable
from wiki.files import storage
from wiki.models import CategoryLink, FileVersion, Page
from wiki.titles import CATEGORY, FILE, Title
from wiki.urls import absolute_url

IMAGEINFO_PROPS = ("timestamp", "user", "userid", "comment", "parsedcomment",
                   "canonicaltitle", "url", "size", "dimensions", "sha1", "mime", "thumbmime",
                   "mediatype", "metadata", "commonmetadata", "extmetadata", "archivename",
                   "bitdepth", "uploadwarning", "badfile")


def category_info(context: Context, params: Parsed, found: PageSet, cont: str | None
                  ) -> PropResult:
    """prop=categoryinfo: member counts of the category pages in the set."""
    names = {ref.key: ref.title.text for ref in found.pages
             if ref.title is not None and ref.title.namespace == CATEGORY}
    if not names:
        return PropResult({})
    is_subcat = sa.case((Page.namespace == CATEGORY, 1), else_=0)
    rows = db.session.execute(
        sa.select(CategoryLink.category, sa.func.count(), sa.func.sum(is_subcat))
        .join(Page, sa.and_(Page.id == CategoryLink.from_page_id, readable()))
        .where(CategoryLink.category.in_(set(names.values())))
        .group_by(CategoryLink.category)).all()
    counts = {name: (int(total), int(subcats or 0)) for name, total, subcats in rows}
    per_page: dict[int, dict[str, Any]] = {}
    for key, name in names.items():
        total, subcats = counts.get(name, (0, 0))
        per_page[key] = {"categoryinfo": {"size": total, "pages": total - subcats, "files": 0,
                                          "subcats": subcats}}
    return PropResult(per_page)


def image_info(context: Context, params: Parsed, found: PageSet, cont: str | None
               ) -> PropResult:
    """prop=imageinfo: the newest versions (iilimit) of each file page in the set."""
    wanted = set(params["prop"])
    limit = int(params["limit"])
    per_page: dict[int, dict[str, Any]] = {}
    for ref in found.pages:
        if ref.page is None or ref.title is None or ref.title.namespace != FILE:
            continue
        entries = [version_entry(ref.title.text, version, wanted)
                   for version in storage.versions(ref.page)[:limit]]
        if entries:
            per_page[ref.key] = {"imagerepository": "local", "imageinfo": entries}
    return PropResult(per_page)


def version_entry(name: str, version: FileVersion, wanted: set[str]) -> dict[str, Any]:
    """One file version as MediaWiki's imageinfo describes it."""
    url = f"/files/{version.sha1}/{quote(name.replace(' ', '_'), safe='')}"
    entry: dict[str, Any] = {}
    if "timestamp" in wanted:
        entry["timestamp"] = version.timestamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    if "user" in wanted:
        entry["user"] = version.uploader
        if version.uploader_is_ip:
            entry["anon"] = True
    if "comment" in wanted:
        entry["comment"] = version.comment
    if "size" in wanted or "dimensions" in wanted:
        entry.update(size=version.size, width=version.width, height=version.height)
    if "url" in wanted:
        entry.update(url=absolute_url(url), descriptionurl=absolute_url(
            Title(FILE, name).path))
    if "sha1" in wanted:
        entry["sha1"] = version.sha1
    if "mime" in wanted:
        entry["mime"] = version.mime
    if "mediatype" in wanted:
        entry["mediatype"] = "DRAWING" if version.mime == "image/svg+xml" else "BITMAP"
    if "canonicaltitle" in wanted:
        entry["canonicaltitle"] = Title(FILE, name).full
    return entry


def register(registry: ModuleRegistry) -> None:
    """Offer prop=categoryinfo and prop=imageinfo."""
    registry.add(Module("categoryinfo", "prop", category_info, "Returns information about the "
                        "given categories.", prefix="ci", params=(
                            Param("continue", help="When more results are available, use this "
                                                   "to continue."),)))
    registry.add(Module("imageinfo", "prop", image_info, "Returns file information and upload "
                        "history.", prefix="ii", params=(
                            Param("prop", values=IMAGEINFO_PROPS, multi=True,
                                  default=["timestamp", "user"],
                                  help="Which file information to get."),
                            Param("limit", "limit", default=1, minimum=1, maximum=500,
                                  high_maximum=5000, help="How many file revisions to return "
                                                          "per file."),
                            Param("start", "timestamp", help="Timestamp to start listing from."),
                            Param("end", "timestamp", help="Timestamp to stop listing at."),
                            Param("urlwidth", "integer", default=-1,
                                  help="Scaled image width."),
                            Param("urlheight", "integer", default=-1,
                                  help="Scaled image height."),
                            Param("metadataversion", default="1", help="Metadata version."),
                            Param("extmetadatalanguage", default="en",
                                  help="Language of extmetadata."),
                            Param("extmetadatamultilang", "boolean",
                                  help="Return extmetadata in all languages."),
                            Param("extmetadatafilter", multi=True,
                                  help="Extmetadata keys to return."),
                            Param("urlparam", help="Handler-specific parameter string."),
                            Param("badfilecontexttitle", help="Title for the bad file check."),
                            Param("continue", help="When more results are available, use this "
                                                   "to continue."),
                            Param("localonly", "boolean",
                                  help="Look only for files in the local repository."))))
