"""What export and import agree on: the schema version, the content model and format of this
wiki's Markdown, MediaWiki's base-36 SHA-1, and the namespace names of the dump's siteinfo."""

from __future__ import annotations

import hashlib

SCHEMA_VERSION = "0.11"
EXPORT_NAMESPACE = f"http://www.mediawiki.org/xml/export-{SCHEMA_VERSION}/"
SCHEMA_LOCATION = f"http://www.mediawiki.org/xml/export-{SCHEMA_VERSION}.xsd"
# Versions an import reads (mwxml reads these; older dumps lack nothing import needs).
READABLE_VERSIONS = frozenset({"0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "0.10", "0.11"})
MARKDOWN_MODEL = "markdown"
MARKDOWN_FORMAT = "text/markdown"
WIKITEXT_MODEL = "wikitext"
WIKITEXT_FORMAT = "text/x-wiki"
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
SHA1_BASE36_LENGTH = 31


def sha1_base36(text: str) -> str:
    """The SHA-1 of the text's UTF-8 bytes in MediaWiki's form: base 36, zero-padded to 31."""
    return hex_to_base36(hashlib.sha1(text.encode("utf-8")).hexdigest())


def hex_to_base36(digest: str) -> str:
    """A hexadecimal SHA-1 (as the revisions table stores it) in MediaWiki's base-36 form."""
    number = int(digest, 16)
    digits = []
    while number:
        number, remainder = divmod(number, 36)
        digits.append(_DIGITS[remainder])
    return "".join(reversed(digits)).rjust(SHA1_BASE36_LENGTH, "0")
