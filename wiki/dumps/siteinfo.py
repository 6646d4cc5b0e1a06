"""The frame of an XML export: the <mediawiki> root with its <siteinfo> (the site's name, its
address, its namespaces and their letter case), and the closing tag.

MediaWiki writes the same header; importers read the namespaces from it to split titles.
"""

from __future__ import annotations

from importlib import metadata
from xml.sax.saxutils import escape, quoteattr

from flask import current_app

from wiki.dumps.xmlformat import EXPORT_NAMESPACE, SCHEMA_LOCATION, SCHEMA_VERSION
from wiki.titles import NAMESPACES
from wiki.urls import absolute_url

DBNAME = "wiki"  # the wiki's id, as the Action API's siteinfo gives it (wikiid)
CASE = "first-letter"  # titles upper-case their first letter (wiki.titles)
FOOTER = "</mediawiki>\n"


def generator() -> str:
    """What wrote the dump: this software and its version, saying which format it follows."""
    try:
        version = metadata.version("wiki")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        version = "unknown"
    return f"Wiki {version} (MediaWiki export format {SCHEMA_VERSION})"


def header() -> str:
    """The XML declaration, the opening <mediawiki> tag and the whole <siteinfo>."""
    namespaces = "".join(_namespace(number, name) for number, name in sorted(NAMESPACES.items()))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<mediawiki xmlns={quoteattr(EXPORT_NAMESPACE)} '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation={quoteattr(EXPORT_NAMESPACE + " " + SCHEMA_LOCATION)} '
        f'version="{SCHEMA_VERSION}" xml:lang="en">\n'
        "  <siteinfo>\n"
        f"    <sitename>{escape(current_app.config['WIKI_SITE_NAME'])}</sitename>\n"
        f"    <dbname>{DBNAME}</dbname>\n"
        f"    <base>{escape(absolute_url('/wiki/Main_Page'))}</base>\n"
        f"    <generator>{escape(generator())}</generator>\n"
        f"    <case>{CASE}</case>\n"
        "    <namespaces>\n"
        f"{namespaces}"
        "    </namespaces>\n"
        "  </siteinfo>\n"
    )


def _namespace(number: int, name: str) -> str:
    """One <namespace> line (the main namespace has no name, so an empty element)."""
    opening = f'      <namespace key="{number}" case="{CASE}"'
    return f"{opening}>{escape(name)}</namespace>\n" if name else f"{opening} />\n"
