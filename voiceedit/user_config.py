"""Where a person's own settings and words live: $VOICEEDIT_CONFIG, else
$XDG_CONFIG_HOME/voiceedit, else ~/.config/voiceedit.

What is remembered per user (how fast the voice speaks, how finely times are said) and the
grammar files a person writes for their own phrasings sit here, apart from any project, so
they follow the person from project to project. Nothing here is needed: a missing folder
means the defaults.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from voiceedit.errors import VoiceEditError, reason

T = TypeVar("T")

SETTINGS_FILE = "settings.json"


def config_dir() -> Path:
    if os.environ.get("VOICEEDIT_CONFIG"):
        return Path(os.environ["VOICEEDIT_CONFIG"])
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "voiceedit"


def cache_dir() -> Path:
    """voiceedit's cache (transcripts, picture analyses, joined models): $VOICEEDIT_CACHE,
    else $XDG_CACHE_HOME/voiceedit, else ~/.cache/voiceedit. Here, at the bottom layer, so
    the media layer's picture analysis caches beside hear's transcripts."""
    if os.environ.get("VOICEEDIT_CACHE"):
        return Path(os.environ["VOICEEDIT_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "voiceedit"


def data_dir() -> Path:
    """What voiceedit keeps for a person that is neither a setting nor a cache (the footage
    library): $VOICEEDIT_DATA, else $XDG_DATA_HOME/voiceedit, else ~/.local/share/voiceedit."""
    if os.environ.get("VOICEEDIT_DATA"):
        return Path(os.environ["VOICEEDIT_DATA"])
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "voiceedit"


def read_settings() -> dict:
    """The person's remembered settings; {} when there are none or the file is damaged (a
    damaged file is not a reason to refuse to edit)."""
    try:
        settings = json.loads((config_dir() / SETTINGS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return settings if isinstance(settings, dict) else {}


def remember(**changes: object) -> None:
    """Merge `changes` into the settings file, written whole under a temporary name first;
    VoiceEditError, with the file as it was, when the folder cannot be written."""
    folder = config_dir()
    settings = {**read_settings(), **changes}
    temporary = folder / f".{SETTINGS_FILE}.{os.getpid()}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps(settings, indent=2, sort_keys=True), encoding="utf-8")
        os.replace(temporary, folder / SETTINGS_FILE)
    except OSError as error:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise VoiceEditError(f"I couldn't save your settings in {folder}: {reason(error)}. "
                             "Nothing changed.") from None


def read_cached(path: Path, from_json: Callable[[dict], T]) -> T | None:
    """A cached result (a transcript, a picture analysis), or None: a damaged entry is
    simply made again."""
    try:
        return from_json(json.loads(path.read_text()))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_cached(path: Path, data: dict) -> None:
    """Cache `data` whole or not at all; without a cache (a read-only home) all is still
    correct, only slower next time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_text(json.dumps(data))
        partial.replace(path)
    except OSError:
        pass
