"""Render a timeline to a media file: one ffmpeg filter graph, or moviepy on request.

The fast path is a single ffmpeg run: plan.py snaps every cut to the output's frame grid,
filter_graph.py turns the cuts into one graph, read from a file (`-/filter_complex`) so five
thousand clips never overflow a command line. Decoding and encoding happen once. A timeline
with no video, or an audio file name (.m4a, .wav, .mp3, .flac), renders sound only.

Stream copy is never used here: copying across arbitrary cut points starts each piece at the
previous keyframe, which adds frames and drifts the sound (docs/design.md). `smart_render`
copies only whole groups of pictures and re-encodes the rest.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from voiceedit.errors import VoiceEditError
from voiceedit.media.ffmpeg import Progress, ffmpeg_path, filter_script_args, run_ffmpeg
from voiceedit.media.filter_graph import encoder_args, filter_graph
from voiceedit.media.moviepy_render import render_with_moviepy
from voiceedit.media.outputs import check_output, partial_path
from voiceedit.media.plan import (
    AUDIO_CODECS,
    VIDEO_SUFFIXES,
    Cut,
    OutputFormat,
    output_format,
    plan_cuts,
    seconds_text,
    source_inputs,
)
from voiceedit.media.probe import MediaInfo, check_readable, probe
from voiceedit.timeline.model import Timeline

ENGINES = ("ffmpeg", "moviepy")


def check_render(timeline: Timeline, sources: dict[str, MediaInfo], output: Path,
                 force: bool = False, protected: tuple[Path, ...] = ()) -> dict[str, MediaInfo]:
    """The media of every source the timeline uses, or one sentence saying what is wrong.

    `protected` names more files never to write over (the project file).
    """
    if not timeline.clips:
        raise VoiceEditError("The timeline is empty; there is nothing to render.")
    output = Path(output).expanduser()
    suffix = output.suffix.lower()
    if suffix not in VIDEO_SUFFIXES and suffix not in AUDIO_CODECS:
        known = ", ".join(sorted(VIDEO_SUFFIXES | AUDIO_CODECS.keys()))
        kind = suffix or "nameless"
        raise VoiceEditError(f"I can't render to a {kind} file; use one of {known}.")
    media: dict[str, MediaInfo] = {}
    for clip in timeline.clips:
        if clip.source in media:
            continue
        if not Path(clip.source).exists():
            raise VoiceEditError(
                f"The source file {Path(clip.source).name} is gone; put it back before rendering."
            )
        check_readable(clip.source)
        media[clip.source] = sources.get(clip.source) or probe(clip.source)
    check_output(output, [*media, *protected], force, verb="render")
    return media


def finish(partial: Path, output: Path) -> MediaInfo:
    os.replace(partial, output)
    return probe(output)


def render_timeline(timeline: Timeline, sources: dict[str, MediaInfo], output: Path,
                    engine: str = "ffmpeg", progress: Progress | None = None,
                    force: bool = False, protected: tuple[Path, ...] = ()) -> MediaInfo:
    """Render `timeline` to `output` and return the probed result.

    Nothing is written on error: ffmpeg writes a hidden partial file that replaces `output`
    only when it is complete. `force` allows replacing an existing output.
    """
    if engine not in ENGINES:
        raise VoiceEditError(f"I don't know the render engine {engine}; use ffmpeg or moviepy.")
    output = Path(output).expanduser().resolve()
    media = check_render(timeline, sources, output, force, protected)
    ffmpeg_path()  # both engines need it: say so before anything else
    fmt = output_format(media, timeline, output)
    cuts = plan_cuts(timeline, fmt.frame_rate)
    if not cuts:
        raise VoiceEditError("Every clip is shorter than a frame; there is nothing to render.")
    partial = partial_path(output)
    try:
        if engine == "moviepy":
            render_with_moviepy(cuts, media, fmt, partial, progress)
        else:
            render_cuts(cuts, media, fmt, partial, output.name, progress)
        return finish(partial, output)
    finally:
        partial.unlink(missing_ok=True)


def render_cuts(cuts: list[Cut], media: dict[str, MediaInfo], fmt: OutputFormat,
                target: Path, name: str, progress: Progress | None = None) -> None:
    """Render planned cuts to `target` with one ffmpeg filter graph (no checks, no rename)."""
    inputs, readers = source_inputs(cuts, media, fmt)
    graph = filter_graph(cuts, media, fmt, inputs, readers)
    total_ms = round(sum(cut.duration for cut in cuts) * 1000)
    with tempfile.TemporaryDirectory(prefix="voiceedit-render-") as work:
        script = Path(work) / "graph.txt"
        script.write_text(graph)
        args = []
        for source_input in inputs:
            if source_input.seek > 0:
                args += ["-ss", seconds_text(source_input.seek)]
            args += ["-i", source_input.source]
        args += [*filter_script_args(script), *encoder_args(fmt, target), "-y", str(target)]
        run_ffmpeg(args, total_ms, progress, name)
