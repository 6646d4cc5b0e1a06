"""The namespaces the Action API knows: the wiki's own, and MediaWiki's Template namespace.

The wiki's templates are files of the installation, not pages, but MediaWiki's clients name
them as pages of namespace 10 ("Template:Infobox bilateral relations"): action=parse and
prop=templates list them so, and pywikibot asks for the templates of namespace 10 before every
save. So siteinfo lists Template and Template talk, and namespace parameters accept them. They
hold no pages: the wiki does not read "Template:" as a prefix, so a page so titled is in the
main namespace, as on every page of the wiki.
"""

from __future__ import annotations

from wiki.markup.templates import template_key
from wiki.titles import NAMESPACES

TEMPLATE, TEMPLATE_TALK = 10, 11
API_NAMESPACES: dict[int, str] = dict(sorted(
    {**NAMESPACES, TEMPLATE: "Template", TEMPLATE_TALK: "Template talk"}.items()))
# Namespaces in which no page can be: a module that lists pages of one gives nothing.
EMPTY_NAMESPACES = frozenset(API_NAMESPACES) - frozenset(NAMESPACES)


def template_title(key: str) -> str:
    """A wiki template's title as MediaWiki writes it: "infobox_bilateral_relations" ->
    "Template:Infobox bilateral relations"."""
    name = key.replace("_", " ").strip()
    return f"{API_NAMESPACES[TEMPLATE]}:{name[:1].upper()}{name[1:]}"


def template_key_of(raw: str) -> str:
    """The key of a template named as a client names it, with or without "Template:"."""
    name = raw.strip()
    prefix, colon, rest = name.partition(":")
    if colon and prefix.strip().lower() == API_NAMESPACES[TEMPLATE].lower():
        name = rest
    return template_key(name)
