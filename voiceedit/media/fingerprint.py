"""A source's fingerprint: its size and a hash of a few blocks, taken when it is added, so
that a file replaced, re-encoded or cut short since is named before a render or an export
uses it (a render of a truncated source once said "Rendered twelve seconds" for a 45 s edit).

A few blocks, not the whole file: hashing hours of footage at every render would cost
minutes; a changed file almost always changes its size, its header or its end.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from voiceedit.errors import VoiceEditError, reason

BLOCK = 64 * 1024  # bytes read at the start, the middle and the end


@dataclass(frozen=True)
class Fingerprint:
    size: int
    blocks: str  # sha256 of the three blocks, hex

    @classmethod
    def from_json(cls, data: object) -> Fingerprint:
        """[size, hex digest] as saved; anything else is a ValueError (a damaged file)."""
        if (not isinstance(data, list) or len(data) != 2 or type(data[0]) is not int
                or not isinstance(data[1], str)):
            raise ValueError("a fingerprint is [size, digest]")
        return cls(data[0], data[1])

    @classmethod
    def of(cls, path: str | Path) -> Fingerprint:
        digest = hashlib.sha256()
        with open(path, "rb") as file:
            size = os.fstat(file.fileno()).st_size
            for offset in sorted({0, max(0, size // 2 - BLOCK // 2), max(0, size - BLOCK)}):
                file.seek(offset)
                digest.update(file.read(BLOCK))
        return cls(size, digest.hexdigest())


def content_hash(path: str | Path) -> str:
    """A hash of the whole file, for caches keyed by content (transcripts, picture analyses):
    unlike the fingerprint, a cache entry must never be used for a different file."""
    digest = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as media:
        while chunk := media.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def check_unchanged(path: str | Path, known: Fingerprint | None,
                    doing: str = "rendering") -> None:
    """One sentence when the file at `path` is gone or is not the one fingerprinted (before
    `doing` anything with it); a source added before fingerprints were kept (`known` None)
    is taken as it is."""
    file = Path(path)
    if not file.is_file():
        raise VoiceEditError(f"The source file {file.name} is gone; put it back before "
                             f"{doing}.")
    if known is None:
        return
    try:
        now = Fingerprint.of(file)
    except OSError as error:
        raise VoiceEditError(f"I can't read the source file {file.name}: {reason(error)}. "
                             f"Nothing was written.") from None
    if now == known:
        return
    if now.size < known.size:
        change = f"it is shorter now ({_megabytes(now.size)} instead of {_megabytes(known.size)})"
    elif now.size > known.size:
        change = f"it is longer now ({_megabytes(now.size)} instead of {_megabytes(known.size)})"
    else:
        change = "its content is different"
    raise VoiceEditError(f"The source file {file.name} has changed since it was added: "
                         f"{change}. Put the original back before {doing}.")


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"
