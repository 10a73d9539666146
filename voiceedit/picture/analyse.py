"""One media file's picture analysed in one decode: shots, text, faces, looks and problems.

The cost is decoding, so the file is decoded once (PyAV, the decoder's own threads) and
each frame is looked at small: PySceneDetect's adaptive detector (a cut is a jump in
content against the frames around it, so a pan or a shaken camera is not cut up) and the
cheap measures of measure.py. Twice a second a full-resolution grey frame is taken: a
centre crop for blur, and a copy scaled for OCR and faces, kept for the shot in progress
(at most MAX_KEPT, thinned evenly) and read when its shot ends, so memory stays small on a
long take. Each frame read keeps its time, so a piece of a shot kept on the timeline says
only the text read inside it (shots.Seen). Times are the frames' own timestamps, so
boundaries are exact for variable rate footage too. Cached by content hash like
transcripts; bench/RESULTS.md has the speed.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from voiceedit.errors import VoiceEditError
from voiceedit.media.ffmpeg import media_url
from voiceedit.media.fingerprint import content_hash
from voiceedit.media.probe import MediaInfo, probe
from voiceedit.picture.measure import FrameMeter, shot_looks, shot_motion, shot_problems
from voiceedit.picture.read import Reading, read_frames
from voiceedit.picture.shots import Picture, Seen, Shot, joined_seen
from voiceedit.user_config import cache_dir, read_cached, write_cached

# Bump when a change alters what an analysis holds, so old cache entries are not used.
ANALYSIS_VERSION = 2  # 2: where in the shot each text was read (Shot.seen)
SMALL_WIDTH = 256  # every frame, for cuts and measures (PySceneDetect's own default width)
READ_WIDTH = 640  # the frames OCR and faces see
CROP = 480  # side of the full-resolution centre crop blur is judged on
SAMPLE_MS = 500  # a full-resolution frame this often
MAX_KEPT = 12  # full-resolution frames kept for the shot in progress
READ_EVERY_MS = 8000  # frames read per shot: one per this much, at least one, at most 3
MAX_READ = 3
PLANAR_YUV = ("yuv420p", "yuvj420p", "yuv422p", "yuvj422p", "yuv444p", "yuvj444p")

ProgressCallback = Callable[[float], None]  # fraction done, 0..1


def analyse_picture(media: MediaInfo | str | Path, progress: ProgressCallback | None = None,
                    use_cache: bool = True) -> Picture:
    """The shots of a video file, each described (cached by the file's content)."""
    info = media if isinstance(media, MediaInfo) else probe(media)
    if not info.has_video:
        raise VoiceEditError(f"{Path(info.path).name} has no picture to look at.")
    cached = _cache_path(info)
    if use_cache:
        picture = cached_picture(info)
        if picture is not None:
            if progress:
                progress(1.0)
            return picture
    try:
        picture = _analyse(info, progress)
    except (av.error.FFmpegError, ValueError) as error:
        raise VoiceEditError(f"I can't decode the picture of {Path(info.path).name}; it may "
                             "be corrupt.") from error
    if use_cache:
        write_cached(cached, picture.to_json())
    return picture


def _cache_path(info: MediaInfo) -> Path:
    return cache_dir() / "pictures" / f"{content_hash(info.path)}-v{ANALYSIS_VERSION}.json"


def cached_picture(info: MediaInfo) -> Picture | None:
    """The file's analysis if the cache has it (nothing is analysed): how a source added
    before pictures were kept in the project finds the one `voiceedit shots` made."""
    picture = read_cached(_cache_path(info), Picture.from_json)
    if picture is None:
        return None
    return Picture(info.path, info.duration, picture.shots, picture.version,
                   meta={"cached": True})


class _Keeper:
    """The full-resolution frames of the shot in progress: at most MAX_KEPT, evenly spread
    (when full, every other one goes and only every other new one is taken)."""

    def __init__(self) -> None:
        self.frames: list[tuple[int, np.ndarray]] = []
        self.stride, self.offered = 1, 0

    def offer(self, ms: int, gray: np.ndarray) -> None:
        if self.offered % self.stride == 0:
            self.frames.append((ms, gray))
            if len(self.frames) > MAX_KEPT:
                self.frames, self.stride = self.frames[::2], self.stride * 2
        self.offered += 1

    def take_before(self, ms: int) -> list[tuple[int, np.ndarray]]:
        taken = [(when, gray) for when, gray in self.frames if when < ms]
        self.frames = [(when, gray) for when, gray in self.frames if when >= ms]
        self.stride, self.offered = 1, len(self.frames)
        return taken


def _chosen(frames: list[tuple[int, np.ndarray]],
            length: int) -> list[tuple[int, np.ndarray]]:
    """The few frames read for a shot of `length` ms: evenly spread, middle first."""
    count = min(len(frames), MAX_READ, max(1, length // READ_EVERY_MS))
    if count == 0:
        return []
    return [frames[(2 * k + 1) * len(frames) // (2 * count)] for k in range(count)]


def _analyse(info: MediaInfo, progress: ProgressCallback | None) -> Picture:
    from scenedetect import AdaptiveDetector, FrameTimecode

    detector = AdaptiveDetector()
    rate = info.frame_rate or Fraction(30)
    meter, keeper = FrameMeter(), _Keeper()
    firsts, readings = [0], []  # first frame of each shot; what each finished shot shows
    next_sample = reported = 0

    def finish_shots(cuts: list) -> None:
        for cut in cuts:
            index = cut.frame_num
            if index <= firsts[-1]:
                continue
            start, end = meter.track.times[firsts[-1]], meter.track.times[index]
            readings.append(read_frames(_chosen(keeper.take_before(end), end - start)))
            firsts.append(index)

    with av.open(media_url(info.path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        origin = (container.start_time or 0) / av.time_base
        width, height = stream.codec_context.width, stream.codec_context.height
        small = (SMALL_WIDTH, max(2, round(SMALL_WIDTH * height / width / 2) * 2))
        read = (READ_WIDTH, max(2, round(READ_WIDTH * height / width / 2) * 2))
        for index, frame in enumerate(container.decode(stream)):
            ms = max(0, round(((frame.time or 0) - origin) * 1000))
            if meter.track.times and ms <= meter.track.times[-1]:
                ms = meter.track.times[-1] + 1  # a damaged timestamp: keep times rising
            little = _small_bgr(frame, small)
            meter.add(ms, little)
            if ms >= next_sample:
                gray = _luma(frame)
                meter.add_crop(ms, _centre(gray))
                keeper.offer(ms, cv2.resize(gray, read, interpolation=cv2.INTER_AREA))
                next_sample = ms + SAMPLE_MS
            finish_shots(detector.process_frame(FrameTimecode(index, rate), little))
            if progress and info.duration and ms - reported >= info.duration / 50:
                reported = ms
                progress(min(1.0, ms / info.duration))
    track = meter.track
    if not track.times:
        raise VoiceEditError(f"{Path(info.path).name} has no frames to look at.")
    finish_shots(detector.post_process(FrameTimecode(len(track.times) - 1, rate)))
    end = max(info.duration, track.times[-1] + 1)
    readings.append(read_frames(_chosen(keeper.take_before(end + 1),
                                        end - track.times[firsts[-1]])))
    if progress:
        progress(1.0)
    return Picture(info.path, end, _shots(track, firsts, readings, end), ANALYSIS_VERSION,
                   meta={"cached": False})


def _plane(plane) -> np.ndarray:
    """A picture plane as an array, without copying (rows are padded to line_size)."""
    return np.frombuffer(plane, np.uint8).reshape(plane.height, plane.line_size)[:, :plane.width]


def _luma(frame: av.VideoFrame) -> np.ndarray:
    """The full-resolution grey picture: the Y plane itself when the format has one."""
    if frame.format.name in PLANAR_YUV:
        return _plane(frame.planes[0])
    return frame.to_ndarray(format="gray")


def _small_bgr(frame: av.VideoFrame, size: tuple[int, int]) -> np.ndarray:
    """The frame small, in BGR. For 8-bit planar YUV (nearly all footage) each plane is
    scaled by OpenCV, the luma in two steps (sampled to twice the size, then each 2x2
    averaged, so grain is partly averaged): a fraction of the CPU of swscale's conversion
    of the whole 1080p frame to BGR (bench/RESULTS.md, "Picture analysis")."""
    if frame.format.name not in PLANAR_YUV:
        return frame.to_ndarray(format="bgr24", width=size[0], height=size[1])
    twice = (size[0] * 2, size[1] * 2)
    luma = cv2.resize(cv2.resize(_plane(frame.planes[0]), twice, interpolation=cv2.INTER_NEAREST),
                      size, interpolation=cv2.INTER_AREA)
    if frame.format.name == "yuv420p":  # limited range: 16 is black, 235 white
        luma = cv2.convertScaleAbs(luma, alpha=255 / 219, beta=-16 * 255 / 219)
    u, v = (cv2.resize(_plane(plane), size, interpolation=cv2.INTER_NEAREST)
            for plane in frame.planes[1:3])
    return cv2.cvtColor(cv2.merge((luma, u, v)), cv2.COLOR_YUV2BGR)


def _centre(gray: np.ndarray) -> np.ndarray:
    """The middle CROP x CROP pixels at full resolution (all of a smaller frame)."""
    height, width = gray.shape
    top, left = max(0, (height - CROP) // 2), max(0, (width - CROP) // 2)
    return gray[top:top + CROP, left:left + CROP]


def _shots(track, firsts: list[int], readings: list[Reading], end: int) -> tuple[Shot, ...]:
    shots = []
    bounds = [*firsts, len(track.times)]
    for number, (first, last) in enumerate(zip(bounds, bounds[1:], strict=False)):
        start = 0 if number == 0 else track.times[first]
        stop = track.times[last] if last < len(track.times) else end
        reading = readings[number]
        shots.append(Shot(start, stop, reading.text, reading.faces, reading.face_positions,
                          shot_looks(track, first, last), shot_motion(track, first, last),
                          shot_problems(track, first, last, stop),
                          seen_spans(reading.by_frame, start, stop)))
    return tuple(shots)


def seen_spans(by_frame: tuple[tuple[int, str], ...], start: int,
               end: int) -> tuple[Seen, ...]:
    """Each frame's text standing for the part of [start, end) nearer it than any other
    frame read (halfway to its neighbours); the same text on neighbours is one span, and a
    frame with no text leaves its part without."""
    times = [ms for ms, _ in by_frame]
    bounds = [start, *((a + b) // 2 for a, b in zip(times, times[1:], strict=False)), end]
    spans: tuple[Seen, ...] = ()
    for (_, text), low, high in zip(by_frame, bounds, bounds[1:], strict=False):
        if text and low < high:
            spans = joined_seen(spans, (Seen(low, high, text),))
    return spans
