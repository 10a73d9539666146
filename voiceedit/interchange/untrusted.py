"""Timeline files come from other machines: bound them before any parser sees them.

OpenTimelineIO's JSON reader recurses once per level of nesting, slows down steeply with
depth and crashes the whole process on a deep enough file, and every XML reader here builds
a tree in memory. So a timeline file is read only if it is at most `MAX_BYTES` long and
nested at most `MAX_DEPTH` levels, checked by a reader that cannot crash (Python's own
JSON parser; expat counting elements as they stream past). Real timelines are far inside
both limits (docs/design.md, "Reliability of interchange").

XML may not declare entities at all, as defusedxml does by default: no editor writes them,
and they are how a file makes a reader fetch local files (XXE) or expand a few bytes into
gigabytes ("billion laughs"). The encoding is the one the file declares or its byte-order
mark says; a file that declares none must be UTF-8.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from xml.parsers import expat

from voiceedit.errors import VoiceEditError

MAX_BYTES = 50 * 1000 * 1000
MAX_DEPTH = 200
LARGEST_INTEGER = 2**63
_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]*\sencoding\s*=\s*["']([A-Za-z0-9._-]+)""")
_BYTE_ORDER_MARKS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def read_bounded(file: Path) -> bytes:
    """The file's bytes, or a sentence if it is longer than any timeline we read."""
    too_long = VoiceEditError(
        f"{file.name} is over {MAX_BYTES // 1_000_000} MB, far larger than any timeline; "
        "I don't read it."
    )
    if file.stat().st_size > MAX_BYTES:
        raise too_long
    try:
        with file.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)  # a file that grew since, or a device
    except OSError as error:
        raise VoiceEditError(f"I can't read {file.name}: {error.strerror}.") from None
    if len(data) > MAX_BYTES:
        raise too_long
    return data


def checked_json(data: bytes, name: str) -> str:
    """The text of a JSON file that is UTF-8, well-formed, holds only finite numbers and is
    nested at most MAX_DEPTH levels; a sentence naming the file otherwise."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise VoiceEditError(f"{name} is not UTF-8 text, as OpenTimelineIO files are.") from None
    try:
        value = json.loads(text, parse_float=_finite_number(name), parse_int=_whole_number(name),
                           parse_constant=_refuse_constant(name))
    except RecursionError:
        raise _too_deep(name) from None
    except json.JSONDecodeError as error:
        raise VoiceEditError(
            f"{name} is not valid JSON ({error.msg} at line {error.lineno})."
        ) from None
    except ValueError:  # an integer of thousands of digits
        raise VoiceEditError(f"{name} has a number too long to use.") from None
    if _json_depth(value) > MAX_DEPTH:
        raise _too_deep(name)
    return text


def _finite_number(name: str):
    def parsed(text: str) -> float:
        number = float(text)
        if not math.isfinite(number):
            raise VoiceEditError(f"{name} has a number I can't use: {shown(text)}.")
        return number

    return parsed


def shown(value: str, limit: int = 24) -> str:
    """A bad value as quoted in a sentence: whole if short, else its start."""
    return value if len(value) <= limit else value[:limit] + "…"


def _whole_number(name: str):
    """Integers OpenTimelineIO can hold (64 bits), not ones its reader would wrap around."""
    def parsed(text: str) -> int:
        number = int(text)
        if abs(number) >= LARGEST_INTEGER:
            raise VoiceEditError(f"{name} has a number I can't use: {shown(text)}.")
        return number

    return parsed


def _refuse_constant(name: str):
    def refused(text: str) -> float:
        raise VoiceEditError(f"{name} has a number I can't use: {shown(text)}.")

    return refused


def _json_depth(value: object) -> int:
    """How deeply lists and objects nest, counted without recursion."""
    deepest = 0
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children = list(item.values())
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            break
        pending.extend((child, depth + 1) for child in children)
    return deepest


def _too_deep(name: str) -> VoiceEditError:
    return VoiceEditError(
        f"{name} is nested more than {MAX_DEPTH} levels deep, far deeper than any timeline; "
        "I don't read it."
    )


def check_xml(data: bytes, name: str) -> None:
    """Refuse, in one sentence naming the file, XML that is not well-formed in its declared
    encoding, declares entities, or nests more than MAX_DEPTH elements."""
    parser = expat.ParserCreate()
    depth = 0

    def opened(tag: str, attributes: dict) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_DEPTH:
            raise _too_deep(name)

    def closed(tag: str) -> None:
        nonlocal depth
        depth -= 1

    def declared_entity(entity: str, *details: object) -> None:
        raise VoiceEditError(
            f"{name} declares the XML entity {entity}; timelines never need one, and I don't "
            "read files that do."
        )

    parser.StartElementHandler = opened
    parser.EndElementHandler = closed
    parser.EntityDeclHandler = declared_entity
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        raise VoiceEditError(_encoding_problem(data, name)
                             or f"{name} is not XML I can read ({error}).") from None


def _encoding_problem(data: bytes, name: str) -> str | None:
    """Why expat failed, when the cause is bytes that are not the UTF-8 the file claims to
    be (by declaring nothing, or UTF-8)."""
    if data.startswith(_BYTE_ORDER_MARKS[1:]):
        return None
    declared = _DECLARED_ENCODING.match(data.removeprefix(_BYTE_ORDER_MARKS[0]))
    if declared and declared.group(1).decode("ascii").lower() not in ("utf-8", "utf8"):
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        if declared:
            return f"{name} says it is UTF-8 but is not; save it again as UTF-8."
        return f"{name} is not UTF-8 and does not say its encoding; save it as UTF-8."
    return None
