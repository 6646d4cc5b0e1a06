"""Opening a dump for import, guarded: plain XML, gzip or bzip2 (told by the file's first bytes,
not its name), read through a counter that stops at a limit of XML bytes (so a compression bomb
ends with an error instead of running for hours), and past a guard that shows the start of the
XML to a defused parser before the importing parser sees it.

A document type declaration can only come before the root element, and only it can declare
entities; so the guard reads up to the root element's start tag, refusing any DTD (entity
expansion, external entities), and checks that the root is a MediaWiki export of a schema
version import reads. The rest of the file then streams through untouched.
"""

from __future__ import annotations

import bz2
import gzip
from typing import IO, Any, NoReturn, Protocol
from xml.etree.ElementTree import ParseError
from xml.parsers import expat

from defusedxml import DefusedXmlException, DTDForbidden
from defusedxml.ElementTree import DefusedXMLParser

from wiki.dumps.xmlformat import READABLE_VERSIONS
from wiki.errors import WikiError

GZIP_MAGIC = b"\x1f\x8b"
BZIP2_MAGIC = b"BZh"
# Formats dumps come in that import does not read, by their first bytes.
UNREADABLE = {b"\xfd7zXZ\x00": "xz", b"7z\xbc\xaf\x27\x1c": "7-Zip", b"PK\x03\x04": "zip",
              b"\x28\xb5\x2f\xfd": "Zstandard"}


class Readable(Protocol):
    """A binary stream: all import needs of one."""

    def read(self, size: int = -1, /) -> bytes:
        """Up to size bytes; b"" at the end."""
        ...


class DumpError(WikiError):
    """The file cannot be imported (any further): not XML, not a MediaWiki export, an unknown
    schema version, an entity declaration, damaged compression. The message names the file and,
    where the parser knows it, the line and column."""

    code = "badimport"


class DumpTooLarge(DumpError):
    """The file, or the XML it decompresses to, is larger than import accepts."""

    status = 413
    code = "importtoolarge"


def where(name: str, line: int | None = None, column: int | None = None) -> str:
    """The file name and, if known, a position in it (columns counted from 1)."""
    if line is None:
        return name
    return f"{name}, line {line}" + (f", column {column}" if column is not None else "")


def parse_error(name: str, error: ParseError) -> DumpError:
    """A DumpError for the XML parser's error, at the position it gives."""
    line, column = error.position
    reason = expat.ErrorString(error.code) if error.code else str(error)
    return DumpError(f"{where(name, line, column + 1)}: the file is not well-formed XML "
                     f"({reason}).")


def open_dump(raw: IO[bytes], name: str, max_xml_bytes: int) -> Readable:
    """The XML of a dump file (seekable, at its start) as a guarded binary stream."""
    head = raw.read(8)
    raw.seek(0)
    for magic, kind in UNREADABLE.items():
        if head.startswith(magic):
            raise DumpError(f"{name} is compressed with {kind}, which import does not read; "
                            "decompress it, or compress it with gzip or bzip2.")
    stream: Readable = raw
    compression = None
    if head.startswith(GZIP_MAGIC):
        stream, compression = gzip.GzipFile(fileobj=raw, mode="rb"), "gzip"
    elif head.startswith(BZIP2_MAGIC):
        stream, compression = bz2.BZ2File(raw, "rb"), "bzip2"
    return _Guard(_Limited(stream, name, max_xml_bytes, compression), name)


class _Limited:
    """Reads at most `limit` bytes of XML; one more is a DumpTooLarge."""

    def __init__(self, inner: Readable, name: str, limit: int, compression: str | None) -> None:
        self._inner = inner
        self._name = name
        self._limit = limit
        self._compression = compression
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        """Up to `size` bytes (never more than one past the limit)."""
        room = self._limit + 1 - self.count
        try:
            data = self._inner.read(room if size < 0 else min(size, room))
        except (OSError, EOFError) as error:
            kind = f"{self._compression} data" if self._compression else "file"
            raise DumpError(f"{where(self._name)}: the {kind} is damaged or cut short after "
                            f"{self.count:,} bytes of XML ({error}).") from error
        self.count += len(data)
        if self.count > self._limit:
            after = " once decompressed" if self._compression else ""
            raise DumpTooLarge(f"{where(self._name)}: the XML is larger{after} than the "
                               f"{self._limit:,} bytes an import reads here, so reading stopped "
                               "there.")
        return data


class _RootSeen(Exception):
    """The guard's parser reached the root element: the guard's work is done."""

    def __init__(self, tag: str, attributes: dict[str, str]) -> None:
        super().__init__(tag)
        self.tag = tag
        self.attributes = attributes


class _RootTarget:
    """A tree-builder target that stops the guard's parser at the first start tag."""

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        raise _RootSeen(tag, attributes)

    def close(self) -> None:
        return None


class _Guard:
    """Passes the bytes through, first showing them to a defused parser until the root
    element begins; refuses a DTD, entities, and a root that is not a readable export."""

    def __init__(self, inner: _Limited, name: str) -> None:
        self._inner = inner
        self._name = name
        self._parser: Any = DefusedXMLParser(target=_RootTarget(), forbid_dtd=True,
                                             forbid_entities=True, forbid_external=True)

    def read(self, size: int = -1) -> bytes:
        """Bytes of XML; the first ones only once the guard has seen them."""
        data = self._inner.read(size)
        if self._parser is not None:
            self._check(data)
        return data

    def _check(self, data: bytes) -> None:
        try:
            if data:
                self._parser.feed(data)
            else:
                self._parser.close()
        except _RootSeen as root:
            self._check_root(root)
            self._parser = None
        except DTDForbidden:
            self._refuse("it has a document type declaration (<!DOCTYPE ...>). MediaWiki "
                         "exports have none, and the entities one declares can expand without "
                         "bound or read files from the server, so it is refused")
        except DefusedXmlException:
            self._refuse("it declares or refers to an XML entity, which can expand without "
                         "bound or read files from the server, so it is refused")
        except ParseError as error:
            raise parse_error(self._name, error) from error

    def _refuse(self, reason: str) -> NoReturn:
        # Inside a handler expat's column is the end of the construct, but its line is right.
        line = self._parser.parser.CurrentLineNumber
        raise DumpError(f"{where(self._name, line)}: {reason}.")

    def _check_root(self, root: _RootSeen) -> None:
        tag = root.tag.rpartition("}")[2]
        if tag != "mediawiki":
            self._refuse(f"this is not a MediaWiki export: its root element is <{tag[:50]}>, "
                         "not <mediawiki>")
        version = root.attributes.get("version")
        if version not in READABLE_VERSIONS:
            shown = f'"{version[:20]}"' if version is not None else "missing"
            readable = ", ".join(sorted(READABLE_VERSIONS, key=lambda v: [int(p) for p in
                                                                          v.split(".")]))
            self._refuse(f"the export's schema version is {shown}; this wiki reads versions "
                         f"{readable}")
