"""Account names: how a typed name becomes the stored one, which names are refused, and the
look-alike key that keeps two accounts from looking the same.

Pure functions only. A name is NFKC-normalized (fullwidth and other compatibility forms become
their plain letters) and then follows the title rules of wiki.titles (underscores and runs of
spaces become one space, the ends are trimmed, the first letter is upper-cased), so "User:<Name>"
is always a valid page title and every spelling of one account reaches the same row.

The look-alike key is the Unicode TR39 confusable skeleton as the `disarm` library computes it
(`skeleton_key` with TR39's digit classes, so "1" and "l", "0" and "O" fall together). disarm's key
is also case-folded: "BOB" and "Bob" share one, "Admin" and "ADMIN" do not only because a capital
"I" already stands for "l".
"""

from __future__ import annotations

import ipaddress
import re
import socket
import unicodedata
from functools import cache

from disarm import skeleton_key

from wiki.titles import MAIN, InvalidTitleError, parse_title

MAX_NAME = 85
_FORBIDDEN = re.compile(r"[@/:#<>\[\]|{}]")

# Default_Ignorable_Code_Point (Unicode DerivedCoreProperties.txt): characters that render as
# nothing, so a name holding one looks exactly like the name without it.
_DEFAULT_IGNORABLE = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160),
    (0x17B4, 0x17B5), (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E),
    (0x2060, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)
# Blank but not default-ignorable: the braille pattern with no dots.
_BLANK = {0x2800}
# Format (Cf), control (Cc), private-use (Co), surrogate (Cs) and unassigned (Cn) characters have
# no glyph of their own that a reader could tell apart.
_INVISIBLE_CATEGORIES = {"Cf", "Cc", "Co", "Cs", "Cn"}

# Names the wiki itself signs edits with, and MediaWiki's reserved user names.
RESERVED = (
    "Wikipedia importer",
    "MediaWiki default",
    "Maintenance script",
    "Conversion script",
    "Template namespace initialisation script",
    "ScriptImporter",
    "Unknown user",
    "MediaWiki message delivery",
    "Redirect fixer",
    "Abuse filter",
    "Edit filter",
)


class NameRefused(ValueError):
    """A name that cannot be an account's; the message says why, for the form."""


def is_invisible(char: str) -> bool:
    """True for a character that shows nothing: format, control, ignorable or blank."""
    code = ord(char)
    if code in _BLANK or unicodedata.category(char) in _INVISIBLE_CATEGORIES:
        return True
    return any(start <= code <= end for start, end in _DEFAULT_IGNORABLE)


def canonical(raw: str) -> str:
    """The stored form of a typed name (NFKC, then title rules), or NameRefused.

    This is what logging in and the login throttle use: every spelling of an account ("admin",
    "Admin__", " Admin ", fullwidth "Ａdmin") gives the same string. It refuses only what
    cannot be a name at all; `check_new` adds the rules for creating one.
    """
    text = unicodedata.normalize("NFKC", raw)
    if not text.strip():
        raise NameRefused("Choose a user name.")
    hidden = next((c for c in text if is_invisible(c)), None)
    if hidden is not None:
        label = unicodedata.name(hidden, "an unnamed character")
        raise NameRefused("User names cannot contain invisible or formatting characters "
                          f"(here: U+{ord(hidden):04X} {label}).")
    if _FORBIDDEN.search(text):
        raise NameRefused("User names cannot contain @ / : # < > [ ] | { }.")
    try:
        title = parse_title(text)
    except InvalidTitleError as error:
        raise NameRefused(f"That cannot be a user name: {error}") from error
    if title.namespace != MAIN or not title.text:
        raise NameRefused("That cannot be a user name.")
    if len(title.text) > MAX_NAME:
        raise NameRefused(f"User names have at most {MAX_NAME} characters.")
    return title.text


def skeleton(name: str) -> str:
    """The look-alike key: two names with the same key look the same to a reader."""
    return skeleton_key(name, digit_policy="tr39")


def looks_like_ip(name: str) -> bool:
    """True for an IPv4 or IPv6 address, a shortened or hexadecimal IPv4 form a browser
    accepts ("127.1"), MediaWiki's "1.2.3.xxx", or a name that looks like an address."""
    if _is_address(name) or _is_loose_ipv4(name):
        return True
    key = skeleton(name)
    # The skeleton writes 0 as "o" and 1 as "l"; put the digits back and see whether an
    # address with the same skeleton comes out.
    candidate = key.replace("o", "0").replace("l", "1")
    return _is_address(candidate) and skeleton(candidate) == key


def _is_address(text: str) -> bool:
    """An IPv4 or IPv6 address as written in edit histories, or "1.2.3.xxx"."""
    if re.fullmatch(r"(\d{1,3}\.){3}xxx", text, re.IGNORECASE):
        return True
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _is_loose_ipv4(text: str) -> bool:
    """Dotted forms the C resolver takes for an address: "127.1", "0x7f.0.0.1"."""
    if "." not in text or not re.fullmatch(r"[0-9A-Fa-fXx.]+", text):
        return False
    try:
        socket.inet_aton(text)
    except OSError:
        return False
    return True


@cache
def _reserved_keys() -> frozenset[str]:
    return frozenset(skeleton(name) for name in RESERVED)


def check_new(name: str) -> None:
    """Raise NameRefused when a canonical name may not be given to a new account (an address, a
    reserved name, or a look-alike of either); look-alikes of accounts are the service's check."""
    if looks_like_ip(name):
        raise NameRefused("An IP address cannot be a user name.")
    if skeleton(name) in _reserved_keys():
        raise NameRefused(f'"{name}" is reserved for the wiki\'s own maintenance edits.')
