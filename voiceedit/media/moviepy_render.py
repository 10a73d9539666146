"""The same planned cuts rendered through moviepy 2: slower than one filter graph, but a
canvas for compositing (captions). It uses the same ffmpeg build and encoder settings, so
the two engines compare fairly."""

from __future__ import annotations

import tempfile
from fractions import Fraction
from pathlib import Path

from proglog import ProgressBarLogger

from voiceedit.media import filter_graph
from voiceedit.media.ffmpeg import Progress
from voiceedit.media.plan import AUDIO_CODECS, Cut, OutputFormat, frame_count
from voiceedit.media.probe import MediaInfo


def render_with_moviepy(cuts: list[Cut], media: dict[str, MediaInfo], fmt: OutputFormat,
                        partial: Path, progress: Progress | None) -> None:
    """Render `cuts` to `partial` (no checks, no rename)."""
    from moviepy import (
        AudioFileClip,
        ColorClip,
        VideoFileClip,
        concatenate_audioclips,
        concatenate_videoclips,
    )

    opened = []

    def audio_of(cut: Cut):
        clip = AudioFileClip(cut.source, fps=fmt.sample_rate)
        opened.append(clip)
        return clip.subclipped(float(cut.start), float(cut.end))

    total_ms = round(sum(cut.duration for cut in cuts) * 1000)
    logger = _MoviepyProgress(progress, total_ms, fmt.frame_rate)
    codec = AUDIO_CODECS.get(partial.suffix.lower(), "aac")
    bitrate = filter_graph.AAC_BITRATE
    try:
        if not fmt.video:
            sound = concatenate_audioclips([audio_of(cut) for cut in cuts])
            sound.write_audiofile(str(partial), fps=fmt.sample_rate, codec=codec,
                                  bitrate=bitrate if codec == "aac" else None, logger=logger)
            return
        pieces = []
        for cut in cuts:
            info = media[cut.source]
            if info.has_video:
                source = VideoFileClip(cut.source, audio=fmt.audio and info.has_audio)
                opened.append(source)
                piece = source.subclipped(float(cut.start), float(cut.end))
                if (info.width, info.height) != (fmt.width, fmt.height):
                    scale = min(fmt.width / info.width, fmt.height / info.height)
                    piece = piece.resized(scale)
            else:
                piece = ColorClip((fmt.width, fmt.height), color=(0, 0, 0),
                                  duration=float(cut.duration)).with_audio(audio_of(cut))
            pieces.append(piece)
        same_size = all(tuple(piece.size) == (fmt.width, fmt.height) for piece in pieces)
        movie = concatenate_videoclips(pieces, method="chain" if same_size else "compose")
        # moviepy counts frames as int(duration * fps); a hair more keeps the last one.
        frames = frame_count(cuts, fmt.frame_rate)
        movie = movie.with_duration(float(frames / fmt.frame_rate) + 1e-6)
        with tempfile.TemporaryDirectory(prefix="voiceedit-moviepy-") as work:
            movie.write_videofile(
                str(partial), fps=float(fmt.frame_rate), codec="libx264",
                preset=filter_graph.X264_PRESET, audio=fmt.audio, audio_fps=fmt.sample_rate,
                audio_codec="aac", audio_bitrate=bitrate, temp_audiofile_path=work,
                ffmpeg_params=["-crf", filter_graph.X264_CRF], pixel_format="yuv420p",
                logger=logger,
            )
    finally:
        for clip in opened:
            clip.close()


class _MoviepyProgress(ProgressBarLogger):
    """Adapts moviepy's proglog bars to `progress(done_ms, total_ms)`."""

    def __init__(self, progress: Progress | None, total_ms: int,
                 frame_rate: Fraction | None) -> None:
        super().__init__()
        self.progress, self.total_ms, self.frame_rate = progress, total_ms, frame_rate

    def bars_callback(self, bar, attr, value, old_value=None) -> None:
        if self.progress is None or attr != "index":
            return
        total = self.bars[bar].get("total") or 0
        if bar == "frame_index" and self.frame_rate:
            done = round(value * 1000 / self.frame_rate)
        elif bar == "chunk" and self.frame_rate is None and total:
            done = value * self.total_ms // total
        else:
            return
        self.progress(min(self.total_ms, done), self.total_ms)
