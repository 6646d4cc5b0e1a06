"""Edit summaries as MediaWiki shows them: plain text in which [[wikilinks]], bare URLs and
[https://... label] links become links, and nothing else becomes markup.

Pure: format_summary(text) -> a tuple of Segment values (text, or a link with its href and label)
that a Jinja macro (templates/_summary.html) draws, escaping every part. No HTML is built here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from wiki.markup.wikilinks import link_href
from wiki.titles import try_parse_title

# [[Target]] / [[Target|label]] / [[Target#Section|label]] on one line
_WIKILINK = r"\[\[(?P<target>[^\[\]|\n]+)(?:\|(?P<label>[^\[\]\n]*))?\]\]"
# [https://example.org label] / [https://example.org]
_BRACKETED = r"\[(?P<burl>https?://[^\s\[\]<>\"]+)(?:\s+(?P<blabel>[^\[\]]*))?\]"
# https://example.org/... up to whitespace or characters a URL in prose does not end with
_BARE = r"(?P<url>https?://[^\s\[\]<>\"]+)"
_TOKEN = re.compile("|".join((_WIKILINK, _BRACKETED, _BARE)))
_TRAILING = ".,;:!?)'"  # punctuation after a bare URL belongs to the sentence, as in MediaWiki


@dataclass(frozen=True, slots=True)
class Segment:
    """One piece of a summary: plain text (href None), or a link with its label."""

    text: str
    href: str | None = None
    external: bool = False

    @property
    def is_link(self) -> bool:
        """True for a link."""
        return self.href is not None


def format_summary(summary: str) -> tuple[Segment, ...]:
    """Split a summary into text and links; anything that is not a valid link stays text."""
    segments: list[Segment] = []
    position = 0
    for match in _TOKEN.finditer(summary):
        segment, end = _link(match)
        if segment is None:
            continue
        if match.start() > position:
            segments.append(Segment(summary[position:match.start()]))
        segments.append(segment)
        position = end
    if position < len(summary):
        segments.append(Segment(summary[position:]))
    return _merge_text(segments)


def _link(match: re.Match[str]) -> tuple[Segment | None, int]:
    """The link a match stands for and where it ends, or None when it is no link."""
    if match.group("target") is not None:
        target, _, fragment = match.group("target").partition("#")
        title = try_parse_title(target.lstrip(":")) if target.strip() else None
        if title is None:
            return None, match.end()
        label = match.group("label") or match.group("target").strip().lstrip(":")
        return Segment(label, link_href(title, fragment)), match.end()
    if match.group("burl") is not None:
        url = match.group("burl")
        label = (match.group("blabel") or "").strip() or url
        return Segment(label, url, external=True), match.end()
    url = match.group("url").rstrip(_TRAILING)
    if url.endswith("//") or len(url) <= len("https://"):
        return None, match.end()
    return Segment(url, url, external=True), match.start() + len(url)


def _merge_text(segments: list[Segment]) -> tuple[Segment, ...]:
    """Adjacent text pieces joined into one."""
    merged: list[Segment] = []
    for segment in segments:
        if merged and not segment.is_link and not merged[-1].is_link:
            merged[-1] = Segment(merged[-1].text + segment.text)
        else:
            merged.append(segment)
    return tuple(merged)
