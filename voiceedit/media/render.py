"""Render a timeline to a media file: one ffmpeg filter graph, or moviepy on request.

The fast path is a single ffmpeg run: plan.py snaps every cut to the output's frame grid,
filter_graph.py turns the cuts into one graph, read from a file (`-/filter_complex`) so five
thousand clips never overflow a command line. Decoding and encoding happen once. A timeline
with no video, or an audio file name (.m4a, .wav, .mp3, .flac), renders sound only.

Stream copy is never used here: copying across arbitrary cut points starts each piece at the
previous keyframe, which adds frames and drifts the sound (docs/design.md). `smart_render`
copies only whole groups of pictures and re-encodes the rest.

Nothing lost, nothing overwritten (media/outputs.py): ffmpeg writes a new temporary file
beside the output; it is probed (the streams we asked for, the planned length within a
frame) before it is renamed over the output, so a failed or cut-short render never takes
the output's name. A variable-rate source is rendered at a constant rate that keeps every
frame (media/probe.py), and `rate_note` says so.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

from voiceedit.errors import VoiceEditError
from voiceedit.media.ffmpeg import (
    Progress,
    ffmpeg_path,
    filter_script_args,
    media_url,
    run_ffmpeg,
)
from voiceedit.media.filter_graph import encoder_args, filter_graph
from voiceedit.media.moviepy_render import render_with_moviepy
from voiceedit.media.outputs import check_output, publish, temporary_beside
from voiceedit.media.overlay import PictureLayers, layer_filters, layer_inputs
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
from voiceedit.spoken_time import print_time
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
        known = sources.get(clip.source)
        fresh = known is not None and known.variable_rate is not None
        media[clip.source] = known if fresh else probe(clip.source)
    check_output(output, [*media, *protected], force, verb="render")
    return media


def render_timeline(timeline: Timeline, sources: dict[str, MediaInfo], output: Path,
                    engine: str = "ffmpeg", progress: Progress | None = None,
                    force: bool = False, protected: tuple[Path, ...] = (),
                    layers: PictureLayers | None = None) -> MediaInfo:
    """Render `timeline` to `output` and return the probed result.

    Nothing is written on error: the render goes to a temporary file of its own that
    replaces `output` only when it is checked complete. `force` allows replacing an
    existing output. `layers` (cutaways, burned-in captions) go over the picture; moviepy
    can't lay them, so with layers the ffmpeg graph renders (the caller says so).
    """
    if engine not in ENGINES:
        raise VoiceEditError(f"I don't know the render engine {engine}; use ffmpeg or moviepy.")
    output = Path(output).expanduser().resolve()
    if layers:  # the cutaways' files are read too: never written over
        protected = (*protected, *(check_readable(piece.media) for piece in layers.cutaways))
    media = check_render(timeline, sources, output, force, protected)
    ffmpeg_path()  # both engines need it: say so before anything else
    fmt = output_format(media, timeline, output)
    cuts = plan_cuts(timeline, fmt.frame_rate)
    if not cuts:
        raise VoiceEditError("Every clip is shorter than a frame; there is nothing to render.")
    with temporary_beside(output, protected=[*media, *protected]) as partial:
        if engine == "moviepy" and not layers:
            render_with_moviepy(cuts, media, fmt, partial, progress)
        else:
            render_cuts(cuts, media, fmt, partial, output.name, progress, layers)
        return finish(partial, output, fmt, sum(cut.duration for cut in cuts), force)


def finish(partial: Path, output: Path, fmt: OutputFormat, seconds: Fraction,
           force: bool = False) -> MediaInfo:
    """Check what ffmpeg wrote to `partial`, then rename it over `output` (over a file
    there only when `force`d: one that appeared since the first check is kept)."""
    rendered = check_rendered(partial, output.name, fmt, seconds)
    publish(partial, output, replace=force)
    return replace(rendered, path=str(output))


def check_rendered(partial: Path, name: str, fmt: OutputFormat, seconds: Fraction) -> MediaInfo:
    """The probed render, or one sentence if it lacks a stream or is not the planned length
    (within a frame; a sound-only render within 1/30 s, as a frame of the default rate)."""
    kept = f"so I left {name} as it was"
    try:
        rendered = probe(partial)
    except VoiceEditError:
        raise VoiceEditError(f"The render of {name} came out unreadable, {kept}.") from None
    for wanted, found, what in ((fmt.video, rendered.has_video, "picture"),
                                (fmt.audio, rendered.has_audio, "sound")):
        if wanted and not found:
            raise VoiceEditError(f"The render of {name} came out without {what}, {kept}.")
    frame = 1 / (fmt.frame_rate or 30)
    if abs(Fraction(rendered.duration, 1000) - seconds) > frame + Fraction(1, 1000):
        raise VoiceEditError(
            f"The render of {name} came out {print_time(rendered.duration)} long instead of "
            f"{print_time(round(seconds * 1000))}, {kept}.")
    return rendered


def rate_note(timeline: Timeline, sources: dict[str, MediaInfo], rendered: MediaInfo) -> str:
    """ " at 30 frames a second, constant; the source's rate varies" when a variable-rate
    source went into a video render, else nothing."""
    if not (rendered.has_video and rendered.frame_rate):
        return ""
    for path in dict.fromkeys(clip.source for clip in timeline.clips):
        info = sources.get(path)
        if info is None or info.variable_rate is None:
            info = probe(path)
        if info.variable_rate:
            rate = round(rendered.frame_rate)
            return f" at {rate} frames a second, constant; the source's rate varies"
    return ""


def render_cuts(cuts: list[Cut], media: dict[str, MediaInfo], fmt: OutputFormat,
                target: Path, name: str, progress: Progress | None = None,
                layers: PictureLayers | None = None) -> None:
    """Render planned cuts to `target` with one ffmpeg filter graph (no checks, no rename),
    with `layers` laid over the picture."""
    inputs, readers = source_inputs(cuts, media, fmt)
    total_ms = round(sum(cut.duration for cut in cuts) * 1000)
    with tempfile.TemporaryDirectory(prefix="voiceedit-render-") as work:
        extra = layer_inputs(layers, fmt) if layers else []
        over = None
        if layers:
            def over(pad: str) -> tuple[list[str], str]:
                return layer_filters(layers, fmt, extra, len(inputs), Path(work), pad)
        graph = filter_graph(cuts, media, fmt, inputs, readers, over)
        script = Path(work) / "graph.txt"
        script.write_text(graph)
        args = []
        for source_input in inputs + extra:
            if source_input.seek > 0:
                args += ["-ss", seconds_text(source_input.seek)]
            args += ["-i", media_url(source_input.source)]
        args += [*filter_script_args(script), *encoder_args(fmt, target), "-y", media_url(target)]
        run_ffmpeg(args, total_ms, progress, name)
