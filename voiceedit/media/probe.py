"""What a media file holds, read with ffprobe: duration, streams, frame rate, sample rate.

Every way a file can be wrong (missing, unreadable, not media, no audio) becomes one plain
sentence in a VoiceEditError, because these are the first things a user gets wrong.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

from voiceedit.errors import VoiceEditError
from voiceedit.media.ffmpeg import ffprobe_path


@dataclass(frozen=True)
class MediaInfo:
    path: str  # absolute
    duration: int  # ms
    has_video: bool
    has_audio: bool
    frame_rate: Fraction | None = None  # e.g. Fraction(30000, 1001); None without video
    width: int = 0
    height: int = 0
    sample_rate: int = 0
    video_codec: str = ""
    audio_codec: str = ""

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "duration": self.duration / 1000,
            "has_video": self.has_video,
            "has_audio": self.has_audio,
            "frame_rate": str(self.frame_rate) if self.frame_rate else None,
            "width": self.width,
            "height": self.height,
            "sample_rate": self.sample_rate,
            "video_codec": self.video_codec,
            "audio_codec": self.audio_codec,
        }

    @classmethod
    def from_json(cls, data: dict) -> MediaInfo:
        rate = data.get("frame_rate")
        return cls(
            path=data["path"],
            duration=round(data["duration"] * 1000),
            has_video=data["has_video"],
            has_audio=data["has_audio"],
            frame_rate=Fraction(rate) if rate else None,
            width=data.get("width", 0),
            height=data.get("height", 0),
            sample_rate=data.get("sample_rate", 0),
            video_codec=data.get("video_codec", ""),
            audio_codec=data.get("audio_codec", ""),
        )


def check_readable(path: str | Path) -> Path:
    """The file as an absolute Path, or a sentence saying why it cannot be read."""
    file = Path(path).expanduser()
    if not file.exists():
        raise VoiceEditError(f"I can't find the file {file.name}.")
    if file.is_dir():
        raise VoiceEditError(f"{file.name} is a folder, not a media file.")
    try:
        with file.open("rb"):
            pass
    except OSError as error:
        raise VoiceEditError(f"I can't read {file.name}: {error.strerror}.") from None
    return file.resolve()


def probe(path: str | Path) -> MediaInfo:
    file = check_readable(path)
    result = subprocess.run(
        [ffprobe_path(), "-v", "error", "-print_format", "json", "-show_format", "-show_streams",
         str(file)],
        capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise VoiceEditError(f"{file.name} is not a media file I can read; it may be corrupt.")
    data = json.loads(result.stdout or "{}")
    streams = data.get("streams", [])
    video = next((s for s in streams if s.get("codec_type") == "video"
                  and not s.get("disposition", {}).get("attached_pic")), None)
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    if video is None and audio is None:
        raise VoiceEditError(f"{file.name} has no audio or video in it.")
    duration = _duration_seconds(data, video, audio)
    if duration is None or duration <= 0:
        raise VoiceEditError(f"{file.name} has no length; it may be corrupt.")
    rate = None
    if video is not None:
        for key in ("avg_frame_rate", "r_frame_rate"):
            text = video.get(key, "0/0")
            num, _, den = text.partition("/")
            if den not in ("", "0") and num not in ("", "0"):
                rate = Fraction(int(num), int(den))
                break
    return MediaInfo(
        path=str(file),
        duration=round(duration * 1000),
        has_video=video is not None,
        has_audio=audio is not None,
        frame_rate=rate,
        width=int(video.get("width", 0)) if video else 0,
        height=int(video.get("height", 0)) if video else 0,
        sample_rate=int(audio.get("sample_rate", 0)) if audio else 0,
        video_codec=video.get("codec_name", "") if video else "",
        audio_codec=audio.get("codec_name", "") if audio else "",
    )


def _duration_seconds(data: dict, video: dict | None, audio: dict | None) -> float | None:
    for source in (data.get("format", {}), audio or {}, video or {}):
        value = source.get("duration")
        if value not in (None, "N/A"):
            return float(value)
    return None


@lru_cache(maxsize=256)
def rotation(path: str) -> int:
    """Degrees the first video stream is turned for display (0 when it is not)."""
    found = subprocess.run(
        [ffprobe_path(), "-v", "error", "-select_streams", "v:0", "-show_entries",
         "stream_side_data=rotation", "-of", "csv=p=0", path],
        capture_output=True, text=True,
    ).stdout.split()
    try:
        return round(float(found[0])) % 360 if found else 0
    except ValueError:
        return 0
