"""prop=categoryinfo (how many pages and subcategories a category holds) and prop=imageinfo,
which clients such as pywikibot ask for beside prop=info. This wiki has no uploaded files, so
imageinfo adds nothing, but it accepts every parameter it declares."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from wiki.api.action.context import Context
from wiki.api.action.modules import Module, ModuleRegistry, PropResult
from wiki.api.action.pageset import PageSet
from wiki.api.action.params import Param, Parsed
from wiki.db import db
from wiki.existence import readable
from wiki.models import CategoryLink, Page
from wiki.titles import CATEGORY

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
    """prop=imageinfo: nothing, as no page here is a file."""
    return PropResult({})


def register(registry: ModuleRegistry) -> None:
    """Offer prop=categoryinfo and prop=imageinfo."""
    registry.add(Module("categoryinfo", "prop", category_info, "Returns information about the "
                        "given categories.", prefix="ci", params=(
                            Param("continue", help="When more results are available, use this "
                                                   "to continue."),)))
    registry.add(Module("imageinfo", "prop", image_info, "Returns file information and upload "
                        "history (this wiki has no uploaded files).", prefix="ii", params=(
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
