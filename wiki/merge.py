"""Three-way merge of page texts, for saving an edit made on top of an older revision.

Pure functions over strings. The base is the revision the editor started from, "mine" is the
text being submitted, and "theirs" is what someone else saved in the meantime. Lines changed by
only one side are taken from that side; overlapping different changes are reported as conflicts.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from merge3 import Merge3

from wiki.diff import Block, matching_blocks, split_lines


@dataclass(frozen=True, slots=True)
class ConflictHunk:
    """Lines (without line endings) that both sides changed differently from the base."""

    base: tuple[str, ...]
    mine: tuple[str, ...]
    theirs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MergeResult:
    """The merged text, or ``None`` with the conflicting hunks when the edits overlap. (With
    prefer_mine, the text takes my side of each conflict and the hunks say what was replaced.)"""

    text: str | None
    conflicts: tuple[ConflictHunk, ...]

    @property
    def clean(self) -> bool:
        """Whether the edits combined without conflicts."""
        return not self.conflicts


class _LineMatcher:
    """The part of difflib.SequenceMatcher's interface that Merge3 uses, without autojunk."""

    def __init__(
        self,
        isjunk: object = None,
        a: Sequence[Hashable] = (),
        b: Sequence[Hashable] = (),
        autojunk: bool = False,
    ) -> None:
        self._a, self._b = a, b

    def get_matching_blocks(self) -> list[Block]:
        """Return matching blocks ``(i, j, size)`` ending with a zero-size sentinel."""
        return matching_blocks(self._a, self._b)


def _split(text: str) -> tuple[list[str], bool]:
    """Split text into lines without endings, and say whether it ends with a newline."""
    return split_lines(text), text.endswith("\n")


def merge_texts(base: str, mine: str, theirs: str, *, prefer_mine: bool = False) -> MergeResult:
    """Merge the changes base→mine and base→theirs line by line; overlapping changes are
    conflicts, or, with prefer_mine, resolved by taking mine (and still reported)."""
    base_lines, base_newline = _split(base)
    mine_lines, mine_newline = _split(mine)
    their_lines, their_newline = _split(theirs)
    merger = Merge3(base_lines, mine_lines, their_lines, sequence_matcher=_LineMatcher)
    merged: list[str] = []
    conflicts: list[ConflictHunk] = []
    for group in merger.merge_groups():
        if group[0] == "conflict":
            _, base_part, mine_part, their_part = group
            conflicts.append(ConflictHunk(tuple(base_part), tuple(mine_part), tuple(their_part)))
            merged.extend(mine_part)
        else:
            merged.extend(group[1])
    if conflicts and not prefer_mine:
        return MergeResult(None, tuple(conflicts))
    # The final newline is one more thing either side may have changed.
    final_newline = mine_newline if mine_newline != base_newline else their_newline
    text = "\n".join(merged)
    if merged and final_newline:
        text += "\n"
    return MergeResult(text, tuple(conflicts))
