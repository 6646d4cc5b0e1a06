"""The page a write module names with ``title`` or ``pageid`` (exactly one of them), with
MediaWiki's errors for neither, both, a bad title and an unknown page id."""

from __future__ import annotations

from dataclasses import dataclass

from wiki import pages
from wiki.api.action.errors import ApiError
from wiki.api.action.params import Param, Parsed
from wiki.db import db
from wiki.models import Page
from wiki.titles import SPECIAL, InvalidTitleError, Title, parse_title

PARAMS = (
    Param("title", "title", help="Title of the page. Cannot be used together with pageid."),
    Param("pageid", "integer", help="Page ID of the page. Cannot be used together with title."),
)


@dataclass(frozen=True)
class Target:
    """A named page: its title, and its row when one exists (deleted pages included)."""

    title: Title
    page: Page | None

    @property
    def exists(self) -> bool:
        """Whether the page can be read (it has a revision and is not deleted)."""
        return (self.page is not None and self.page.latest_revision_id is not None
                and not self.page.is_deleted)


def bad_title(raw: str) -> ApiError:
    """MediaWiki's answer to a title that cannot be a page title."""
    return ApiError("invalidtitle", f'Bad title "{raw[:255]}".')


def title_of(raw: str) -> Title:
    """Parse a title given as a parameter, or answer invalidtitle."""
    try:
        return parse_title(raw)
    except InvalidTitleError as error:
        raise bad_title(raw) from error


def resolve(params: Parsed, title_name: str = "title", id_name: str = "pageid") -> Target:
    """The page named by ``title`` or ``pageid`` (or the given parameter names)."""
    raw_title, page_id = params.get(title_name), params.get(id_name)
    if raw_title is not None and page_id is not None:
        raise ApiError("invalidparammix",
                       f'The parameters "{title_name}" and "{id_name}" can not be used together.')
    if raw_title is not None:
        title = title_of(raw_title)
        return Target(title, pages.find_page(title))
    if page_id is not None:
        page = db.session.get(Page, page_id) if 0 < page_id < 2**31 else None
        if page is None or page.is_deleted:
            raise ApiError("nosuchpageid", f"There is no page with ID {page_id}.")
        return Target(Title(page.namespace, page.title), page)
    raise ApiError("missingparam",
                   f'One of the parameters "{title_name}" and "{id_name}" is required.')


def require_existing(target: Target) -> Page:
    """The page, or missingtitle when it does not exist."""
    if not target.exists:
        raise ApiError("missingtitle", "The page you specified doesn't exist.")
    assert target.page is not None
    return target.page


def require_real(target: Target) -> None:
    """Refuse titles that can hold no page (Special:)."""
    if target.title.namespace == SPECIAL:
        raise ApiError("pagecannotexist", "Namespace doesn't allow actual pages.")
