"""Which zip members of an .xlsx the reader (python-calamine's calamine 0.37) loads for a sheet, found the way it
finds them, so that the safety scan reads the very bytes the reader will read. Every step below is the reader's:
the workbook's folder from `_rels/.rels`, then `<folder>workbook.xml` and `<folder>_rels/workbook.xml.rels` (those
file names whatever the package relationship says), elements matched by local name in any namespace or none,
the last relationship with an Id winning, a member name looked up with ASCII case and `\\` ignored (the last such
member winning). A tolerant tokenizer, as the reader's is: an undeclared prefix is no error, comments, CDATA and
processing instructions hide what they hold.

When the parts cannot be found this way (the reader would then fail too, or reads another format) the answer is
None, and the caller judges every member instead. Knows nothing of Qt or of applicants."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator

# What an XML parser passes over without seeing tags in it: comments, CDATA, processing instructions and other
# `<!` declarations (a DOCTYPE with its internal subset).
PASSED_OVER = rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<!(?!--|\[CDATA\[)(?:[^\[>]|\[[^\]]*\])*>"
# White space as the reader's XML parser knows it: space, tab, CR, LF (a form feed is part of a name to it).
XML_WS = rb" \t\r\n"
# A tag's inside: quoted values whole (a '>' in a value does not end the tag). Possessive: only ever followed by
# the '>' that ends the tag, which it cannot hold, so giving back changes no match, and a quote never closed is
# given up on at once instead of being tried again at every character before it.
IN_TAG = rb"""(?:[^>"']|"[^"]*"|'[^']*')*+"""
# Every token; `open`: a '<' that starts none of them (a tag or comment cut off, or no XML): the parser stops there.
_TOKEN = re.compile(rb"(?s)" + PASSED_OVER + rb"|<(?P<end>/?)(?P<name>[^" + XML_WS + rb"/>!?][^" + XML_WS
                    + rb"/>]*)(?P<attrs>" + IN_TAG + rb")>|(?P<open><)")
# A plain XML name part (Excel's and every writer's): what the scan's tokenizers take a tag's name to be made of.
NAME = rb"[A-Za-z_][A-Za-z0-9_.\-]*"
_PLAIN_NAME = re.compile(NAME + rb"(?::" + NAME + rb")?")
# A `<!` that starts no comment or CDATA: a document type declaration, whose end the reader's parser finds by its
# own rules (a quoted "[" or ">" in it): what follows one may be read otherwise than the scan reads it.
DECLARATION = re.compile(rb"<!(?!--|\[CDATA\[)")
_ENTITY = re.compile(rb"&(?:(lt|gt|amp|apos|quot)|#([0-9]+)|#x([0-9A-Fa-f]+));|&")
_NAMED = {b"lt": "<", b"gt": ">", b"amp": "&", b"apos": "'", b"quot": '"'}

_Event = tuple[str, bytes, bytes]  # ("start" | "end", qualified name, raw attributes)


class _Unreadable(Exception):
    """The reader would fail here (or might read the part otherwise): the caller judges every member."""


def sheet_members(archive: zipfile.ZipFile, name: str | None = None) -> list[zipfile.ZipInfo] | None:
    """The member(s) the reader may load as the sheet called `name` (default: the workbook's first sheet): one,
    or each member whose name differs only in case or slashes (which of them a zip library keeps is its own
    affair). None when the parts cannot be resolved as the reader resolves them."""
    try:
        lookup = _Lookup(archive)
        folder = _workbook_folder(lookup)
        relationships = _relationships(lookup, f"{folder}_rels/workbook.xml.rels")
        sheets = _sheets(lookup, f"{folder}workbook.xml", folder, relationships)
    except _Unreadable:
        return None
    path = next((p for n, p in sheets if name is None or n == name), None)
    if path is None:
        return None
    return lookup.members(path)


class _Lookup:
    """Member names as the reader looks them up: ASCII lower case, `\\` as `/`, the last member winning."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.infos = archive.infolist()
        if any(_has_unicode_path(info) for info in self.infos):
            raise _Unreadable  # another library may name such a member by its extra field
        self.by_key = {_key(info.filename.replace("\\", "/")): info.filename for info in self.infos}

    def members(self, path: str) -> list[zipfile.ZipInfo] | None:
        found = self.by_key.get(_key(path), path)
        same = [i for i in self.infos if _key(i.filename.replace("\\", "/")) == _key(found.replace("\\", "/"))]
        return same or None

    def read(self, path: str) -> bytes:
        found = self.by_key.get(_key(path), path)
        try:
            return self.archive.read(found)
        except Exception as exc:  # missing, damaged, encrypted: the reader fails on it too
            raise _Unreadable from exc


def _key(path: str) -> str:
    return path.encode("utf-8", "surrogateescape").lower().decode("utf-8", "surrogateescape")


def _has_unicode_path(info: zipfile.ZipInfo) -> bool:
    extra, at = info.extra, 0
    while at + 4 <= len(extra):
        tag, size = int.from_bytes(extra[at:at + 2], "little"), int.from_bytes(extra[at + 2:at + 4], "little")
        if tag == 0x7075:
            return True
        at += 4 + size
    return False


def _events(xml: bytes) -> Iterator[_Event]:
    for token in _TOKEN.finditer(xml):
        if token["open"] is not None:
            raise _Unreadable  # a tag or comment that never ends: the parser fails there
        name = token["name"]
        if name is None:
            if DECLARATION.match(xml, token.start()) is not None:
                raise _Unreadable
            continue
        attrs = token["attrs"]
        if (_PLAIN_NAME.fullmatch(name) is None or (attrs[:1] == b"/" and attrs != b"/")
                or (token["end"] and attrs.strip(b" \t\r\n"))):  # `</a b:row>`: one name to it
            # The reader reads a tag's extent with quoting from its first byte and its name up to white space (a
            # quote or `/` in it, `<sheet/ ...>`): where a name is not a plain XML name, it may see other tags.
            raise _Unreadable
        if token["end"]:
            yield "end", name, b""
        elif attrs.endswith(b"/"):
            yield "start", name, attrs[:-1]
            yield "end", name, b""
        else:
            yield "start", name, attrs


def _local(name: bytes) -> bytes:
    return name.partition(b":")[2] if b":" in name else name


# White space between attributes as the reader's attribute parser knows it (Rust's is_ascii_whitespace): a form
# feed is, a vertical tab is not (Python's isspace takes both).
_ATTRIBUTE_WS = b" \t\n\x0c\r"


def _attributes(raw: bytes) -> Iterator[tuple[bytes, bytes]]:
    """Key and raw value of each attribute, as the reader splits them (a key is whatever comes before `=`)."""
    at, size = 0, len(raw)
    while True:
        while at < size and raw[at] in _ATTRIBUTE_WS:
            at += 1
        if at >= size:
            return
        equals = raw.find(b"=", at)
        if equals < 0:
            raise _Unreadable
        key = raw[at:equals].rstrip(_ATTRIBUTE_WS)
        at = equals + 1
        while at < size and raw[at] in _ATTRIBUTE_WS:
            at += 1
        quote = raw[at:at + 1]
        if quote not in (b'"', b"'"):
            raise _Unreadable
        close = raw.find(quote, at + 1)
        close = size if close < 0 else close
        yield key, raw[at + 1:close]
        at = close + 1


def reference_as_read(raw: bytes, cell: bool) -> bytes | None:
    """The `r` attribute the reader takes from a cell's (`cell`) or a row's raw attributes (without the '/' of an
    empty element): a row's first; for a cell, the last one met among the first three of r, s and t (a repeated r
    counts: `r="A1" r="XFD1"` is XFD1, `r="A1" s="0" s="0" r="XFD1"` is A1). Raises ValueError where the reader's
    attribute parser fails before it gets that far (the reader then refuses the sheet)."""
    # Attributes as writers write them (names of letters, double quotes, white space between) split by one pattern;
    # anything else as the reader splits it, lazily: a fault after what the reader takes is none to it.
    pairs = _PLAIN_ATTRIBUTE.findall(raw) if _PLAIN_ATTRIBUTES.fullmatch(raw) else _attributes(raw)
    try:
        if cell:
            return _wanted_from(pairs, (b"r", b"s", b"t")).get(b"r")
        return next((value for key, value in pairs if key == b"r"), None)
    except _Unreadable as exc:
        raise ValueError("an attribute without '=' or an unquoted value") from exc


_PLAIN_ATTRIBUTES = re.compile(rb'(?:[' + XML_WS + rb']+[A-Za-z:]+="[^"]*")*[' + XML_WS + rb']*')
_PLAIN_ATTRIBUTE = re.compile(rb'([A-Za-z:]+)="([^"]*)"')


def _wanted(raw: bytes, *keys: bytes) -> dict[bytes, bytes]:
    return _wanted_from(_attributes(raw), keys)


def _wanted_from(pairs: Iterable[tuple[bytes, bytes]], keys: tuple[bytes, ...]) -> dict[bytes, bytes]:
    """The reader's way of taking named attributes: each match counts, and it stops once it has counted as many
    matches as names asked for (a repeated attribute can hide a later one)."""
    found: dict[bytes, bytes] = {}
    count = 0
    for key, value in pairs:
        if key in keys:
            found[key] = value
            count += 1
            if count == len(keys):
                break
    return found


def _text(value: bytes, unescape: bool) -> str:
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Unreadable from exc
    if not unescape:
        return text
    out, at = [], 0
    for found in _ENTITY.finditer(value):
        out.append(value[at:found.start()].decode())
        if found[1]:
            out.append(_NAMED[found[1]])
        elif found[2] or found[3]:
            try:
                out.append(chr(int(found[2]) if found[2] else int(found[3], 16)))
            except (ValueError, OverflowError) as exc:
                raise _Unreadable from exc
        else:
            raise _Unreadable  # a bare '&' or an unknown entity: the reader refuses the value
        at = found.end()
    out.append(value[at:].decode())
    return "".join(out)


def _workbook_folder(lookup: _Lookup) -> str:
    target = None
    inside = False
    for kind, name, attrs in _events(lookup.read("_rels/.rels")):
        local = _local(name)
        if not inside:
            inside = kind == "start" and local == b"Relationships"
        elif kind == "start" and local == b"Relationship":
            found = _wanted(attrs, b"Type", b"Target")
            if found.get(b"Type", b"").endswith(b"/relationships/officeDocument") and b"Target" in found:
                target = _text(found[b"Target"], unescape=True)
        elif kind == "end" and local == b"Relationships":
            break
    else:
        raise _Unreadable
    if target is None:
        raise _Unreadable
    cut = target.rfind("/")
    return target[:cut + 1].removeprefix("/") if cut >= 0 else ""


def _relationships(lookup: _Lookup, path: str) -> dict[bytes, tuple[str, str]]:
    relationships: dict[bytes, tuple[str, str]] = {}
    for kind, name, attrs in _events(lookup.read(path)):
        local = _local(name)
        if kind == "start" and local == b"Relationship":
            found = _wanted(attrs, b"Id", b"Type", b"Target")
            if b"Id" in found:
                relationships[found[b"Id"]] = (_text(found.get(b"Target", b""), unescape=False),
                                               _text(found.get(b"Type", b""), unescape=False))
        elif kind == "end" and local == b"Relationships":
            return relationships
    raise _Unreadable


def _sheets(lookup: _Lookup, path: str, folder: str,
            relationships: dict[bytes, tuple[str, str]]) -> list[tuple[str, str]]:
    sheets: list[tuple[str, str]] = []
    skip_to: bytes | None = None  # the reader reads a defined name's text up to its end tag
    for kind, name, attrs in _events(lookup.read(path)):
        if skip_to is not None:
            if kind == "end" and name == skip_to:
                skip_to = None
            continue
        local = _local(name)
        if kind == "start" and local == b"sheet":
            sheet_name, rel_id = "", b""
            for key, value in _attributes(attrs):
                if key == b"name":
                    sheet_name = _text(value, unescape=True)
                elif key == b"state" and value not in (b"visible", b"hidden", b"veryHidden"):
                    raise _Unreadable
                elif key == b"id" or key.endswith(b":id"):
                    rel_id = value
            if rel_id not in relationships:
                raise _Unreadable
            target, rel_type = relationships[rel_id]
            if rel_type.rsplit("/", 1)[-1] not in ("worksheet", "chartsheet", "dialogsheet"):
                raise _Unreadable
            sheets.append((sheet_name, target[1:] if target.startswith("/") else folder + target))
        elif kind == "start" and local == b"definedName" and any(k == b"name" for k, _ in _attributes(attrs)):
            skip_to = name
        elif kind == "end" and local == b"workbook":
            return sheets
    raise _Unreadable
