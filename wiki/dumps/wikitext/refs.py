"""References as footnotes: each <ref> becomes a footnote mark [^label], each distinct note one
footnote. Unnamed notes are numbered; named ones keep their name as the label (made safe), so
that every reuse of a name (<ref name="a" />) points to the same note. A named note may be
defined anywhere on the page, even after its first use or inside <references>, so definitions
are collected from the whole tree first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_LABEL = 40
_LABEL_PUNCTUATION = frozenset("-_.:")


def ref_attribute(tag: Any, name: str) -> str:
    """An attribute of a <ref> tag as text ("" when absent)."""
    if not tag.has(name):
        return ""
    return str(tag.get(name).value).strip()


def has_text(contents: Any) -> bool:
    """Whether a tag's contents hold anything but blanks."""
    return contents is not None and bool(str(contents).strip())


def safe_label(name: str) -> str:
    """A footnote label from a reference name: letters, digits and - _ . : only."""
    label = "".join(char if char.isalnum() or char in _LABEL_PUNCTUATION else "-"
                    for char in name.strip())
    return "-".join(part for part in label.split("-") if part)[:MAX_LABEL]


@dataclass
class Footnotes:
    """The page's notes in order of first citation, each with its label and contents."""

    definitions: dict[tuple[str, str], Any] = field(default_factory=dict)
    labels: dict[tuple[str, str], str] = field(default_factory=dict)
    contents: dict[str, Any] = field(default_factory=dict)  # label -> Wikicode, in order
    written: int = 0
    _taken: set[str] = field(default_factory=set)
    _number: int = 0

    def collect(self, code: Any) -> None:
        """Remember every named note's definition in the tree (the first one counts)."""
        for tag in code.ifilter_tags(recursive=True, matches=lambda node: node.tag == "ref"):
            name = ref_attribute(tag, "name")
            if name and not tag.self_closing and has_text(tag.contents):
                self.definitions.setdefault((ref_attribute(tag, "group"), name), tag.contents)

    def _new_label(self, wanted: str) -> str:
        label = wanted
        while not label or label.lower() in self._taken:
            if wanted:
                self._number += 1
                label = f"{wanted}-{self._number}"
            else:
                self._number += 1
                label = str(self._number)
        self._taken.add(label.lower())
        return label

    def cite(self, name: str, group: str, contents: Any) -> str | None:
        """The label for a citation of a note; None when a named note is never defined."""
        if not name:
            if not has_text(contents):
                return None
            label = self._new_label("")
            self.contents[label] = contents
            return label
        key = (group, name)
        if key in self.labels:
            return self.labels[key]
        body = contents if has_text(contents) else self.definitions.get(key)
        if body is None:
            return None
        label = self.labels[key] = self._new_label(safe_label(name))
        self.contents[label] = body
        return label

    def unwritten(self) -> list[tuple[str, Any]]:
        """The notes cited since the last call, to be written as footnote definitions."""
        items = list(self.contents.items())[self.written:]
        self.written = len(self.contents)
        return items
