"""What a media file holds, read with ffprobe: duration, streams, frame rate, sample rate.

Every way a file can be wrong (missing, unreadable, not media, no audio) becomes one plain
sentence in a VoiceEditError, because these are the first things a user gets wrong. Only
regular files are read (a FIFO would hang us, /dev/zero never ends), ffprobe runs under a
time limit, and the path goes to it as a `file:` URL.

Variable frame rate. When a video's nominal rate (`r_frame_rate`) and its average disagree,
its frame times are read and `frame_rate` becomes the lowest standard constant rate at which
every frame gets a slot of its own (`variable_rate` says so): rendering a source that
switches between 30 and 10 fps at its 17 fps average would drop half of its 30 fps frames.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

from voiceedit.errors import VoiceEditError
from voiceedit.media.ffmpeg import ffprobe_path, media_url, run_child
from voiceedit.media.fingerprint import Fingerprint

PROBE_TIMEOUT_S = 60.0  # reading headers takes well under a second on a local disk
SCAN_TIMEOUT_S = 600.0  # reading every packet's time of a long variable-rate video
# Constant rates a variable-rate video may be rendered at, lowest first.
CONSTANT_RATES = tuple(Fraction(rate) for rate in (24, 25, 30, 50, 60))


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
    variable_rate: bool | None = False  # None: probed before this was known, probe again
    fingerprint: Fingerprint | None = None  # None: added before fingerprints were kept

    def to_json(self) -> dict:
        fingerprint = self.fingerprint
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
            "variable_rate": self.variable_rate,
            "fingerprint": [fingerprint.size, fingerprint.blocks] if fingerprint else None,
        }

    @classmethod
    def from_json(cls, data: dict) -> MediaInfo:
        rate = data.get("frame_rate")
        fingerprint = data.get("fingerprint")
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
            variable_rate=data.get("variable_rate", None if data["has_video"] else False),
            fingerprint=Fingerprint.from_json(fingerprint) if fingerprint else None,
        )


def check_readable(path: str | Path) -> Path:
    """The file as an absolute Path, or a sentence saying why it cannot be read. Only a
    regular file passes: a FIFO or a device is never opened."""
    file = Path(path).expanduser()
    try:
        mode = file.stat().st_mode
    except FileNotFoundError:
        raise VoiceEditError(f"I can't find the file {file.name}.") from None
    except OSError as error:
        raise VoiceEditError(f"I can't read {file.name}: {error.strerror}.") from None
    if stat.S_ISDIR(mode):
        raise VoiceEditError(f"{file.name} is a folder, not a media file.")
    if not stat.S_ISREG(mode):
        raise VoiceEditError(f"{file.name} is not a regular file (a pipe or a device, say), "
                             "so I can't use it as media.")
    try:
        with file.open("rb"):
            pass
    except OSError as error:
        raise VoiceEditError(f"I can't read {file.name}: {error.strerror}.") from None
    return file.resolve()


def probe(path: str | Path) -> MediaInfo:
    file = check_readable(path)
    result = run_child(
        [ffprobe_path(), "-v", "error", "-print_format", "json", "-show_format", "-show_streams",
         media_url(file)],
        PROBE_TIMEOUT_S, file.name,
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
    _check_whole(file, duration)
    rate, variable = _frame_rate(file, video) if video is not None else (None, False)
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
        variable_rate=variable,
        fingerprint=Fingerprint.of(file),
    )


TAIL_READ_S = 3.0  # the stretch at the end whose packets are read
MISSING_AT_MOST_S = 1.0  # a whole file's data may end this much before its stated length ...
MISSING_AT_MOST = 0.03  # ... or this share of it, if less


def _check_whole(file: Path, duration: float) -> None:
    """A file cut short (copied in part, a download stopped) may keep a header that gives
    its full length; its packets then end early. Read the packets of its last seconds and
    see where the last one ends."""
    result = run_child(
        [ffprobe_path(), "-v", "error", "-read_intervals",
         f"{max(0.0, duration - TAIL_READ_S):.3f}%", "-show_entries",
         "packet=pts_time,duration_time", "-of", "csv=p=0", media_url(file)],
        PROBE_TIMEOUT_S, file.name,
    )
    ends = [sum(float(value) for value in line.split(",")[:2] if _is_number(value))
            for line in result.stdout.splitlines() if line.strip()]
    allowed = min(MISSING_AT_MOST_S, MISSING_AT_MOST * duration)
    if not ends or max(ends) < duration - allowed:
        raise VoiceEditError(f"{file.name} seems cut short: it says it is {duration:.1f} "
                             "seconds long, but its data ends before that. Was it copied "
                             "completely?")


def _rate(text: str | None) -> Fraction | None:
    num, _, den = (text or "0/0").partition("/")
    if not (num.isdigit() and den.isdigit()) or int(num) == 0 or int(den) == 0:
        return None
    return Fraction(int(num), int(den))


def _frame_rate(file: Path, video: dict) -> tuple[Fraction | None, bool]:
    """The rate to render the video at, and whether its frames come at a varying rate."""
    average, nominal = _rate(video.get("avg_frame_rate")), _rate(video.get("r_frame_rate"))
    if average is None or nominal is None or abs(nominal - average) <= average / 100:
        return average or nominal, False
    times = frame_times(file)
    for rate in _constant_candidates(average):
        if keeps_every_frame(times, rate):
            return rate, True
    return CONSTANT_RATES[-1], True


def _constant_candidates(average: Fraction) -> list[Fraction]:
    """The average itself when it is a standard rate (a phone's jitter around 30 fps), then
    the constant rates above it."""
    near = [rate for rate in CONSTANT_RATES if abs(rate - average) <= average / 100]
    return near + [rate for rate in CONSTANT_RATES if rate > average and rate not in near]


def keeps_every_frame(times: list[float], rate: Fraction) -> bool:
    """Whether at `rate` every frame time falls in a frame slot of its own."""
    if not times:
        return True
    first = times[0]
    slots = [round((time - first) * rate) for time in times]
    return len(set(slots)) == len(slots)


def frame_times(file: Path) -> list[float]:
    """The presentation time of every packet of the first video stream, in order (no
    decoding)."""
    result = run_child(
        [ffprobe_path(), "-v", "error", "-select_streams", "v:0", "-show_entries",
         "packet=pts_time", "-of", "csv=p=0", media_url(file)],
        SCAN_TIMEOUT_S, file.name,
    )
    times = []
    for line in result.stdout.split():
        try:
            times.append(float(line.strip(",")))
        except ValueError:
            continue  # a packet without a time
    return sorted(times)


def _duration_seconds(data: dict, video: dict | None, audio: dict | None) -> float | None:
    for source in (data.get("format", {}), audio or {}, video or {}):
        value = source.get("duration")
        if value not in (None, "N/A"):
            return float(value)
    return None


@lru_cache(maxsize=256)
def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def rotation(path: str) -> int:
    """Degrees the first video stream is turned for display (0 when it is not)."""
    found = video_stream_fields(path, "stream_side_data=rotation").get("rotation")
    try:
        return round(float(found)) % 360 if found is not None else 0
    except ValueError:
        return 0


def video_stream_fields(path: str | os.PathLike[str], entries: str) -> dict:
    """Fields of the first video stream (ffprobe's `-show_entries ENTRIES`), flattened with
    its side data; empty when the file is not a readable regular media file. For details
    MediaInfo does not carry: rotation, pixel aspect, colour space."""
    program = ffprobe_path()
    try:
        file = check_readable(path)
        result = run_child(
            [program, "-v", "error", "-select_streams", "v:0", "-print_format", "json",
             "-show_entries", entries, media_url(file)],
            PROBE_TIMEOUT_S, file.name,
        )
    except VoiceEditError:
        return {}
    if result.returncode != 0:
        return {}
    streams = json.loads(result.stdout or "{}").get("streams", [])
    if not streams:
        return {}
    fields = dict(streams[0])
    for side_data in fields.pop("side_data_list", []):
        fields.update(side_data)
    return fields
