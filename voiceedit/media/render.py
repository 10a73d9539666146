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
from collections.abc import Sequence
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

from voiceedit.errors import VoiceEditError
from voiceedit.media.chapters import Chapter, add_chapters, chapter_inputs, chapter_map
from voiceedit.media.described_mix import (
    AudioFinish,
    described_stream_args,
    description_inputs,
    finished_sound,
)
from voiceedit.media.ffmpeg import (
    Progress,
    ffmpeg_path,
    filter_script_args,
    media_url,
    run_ffmpeg,
)
from voiceedit.media.filter_graph import encoder_args, filter_graph
from voiceedit.media.loudness import loudnorm_filter, loudnorm_first_pass
from voiceedit.media.moviepy_render import render_with_moviepy
from voiceedit.media.outputs import check_output, publish, temporary_beside
from voiceedit.media.overlay import PictureLayers, layer_filters, layer_inputs
from voiceedit.media.plan import (
    AUDIO_CODECS,
    VIDEO_SUFFIXES,
    Cut,
    OutputFormat,
    SourceInput,
    input_args,
    output_format,
    plan_cuts,
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
                    layers: PictureLayers | None = None,
                    sound: AudioFinish | None = None,
                    chapters: Sequence[Chapter] = ()) -> MediaInfo:
    """Render `timeline` to `output` and return the probed result.

    Nothing is written on error: the render goes to a temporary file of its own that
    replaces `output` only when it is checked complete. `force` allows replacing an
    existing output. `layers` (cutaways, burned-in captions) go over the picture; moviepy
    can't lay them, so with layers the ffmpeg graph renders (the caller says so). `sound`
    (loudness, descriptions: media/described_mix.py) likewise.
    `chapters` (start ms, end ms, title) go into the file (chapters.py).
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
    keep = [*media, *protected]
    with temporary_beside(output, protected=keep) as partial:
        total_ms = round(sum(cut.duration for cut in cuts) * 1000)
        if engine == "moviepy" and not layers and not (sound and sound.active):
            render_with_moviepy(cuts, media, fmt, partial, progress)
            add_chapters(partial, chapters, total_ms, output.name, keep)
        else:
            render_cuts(cuts, media, fmt, partial, output.name, progress, layers, sound,
                        chapters)
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
                layers: PictureLayers | None = None,
                sound: AudioFinish | None = None,
                chapters: Sequence[Chapter] = ()) -> None:
    """Render planned cuts to `target` with one ffmpeg filter graph (no checks, no rename),
    with `layers` laid over the picture, with `sound` the sound normalized and the
    described mix added, and `chapters` when the format holds them."""
    inputs, readers = source_inputs(cuts, media, fmt)
    finishing = sound is not None and sound.active and fmt.audio
    total_ms = round(sum(cut.duration for cut in cuts) * 1000)
    with tempfile.TemporaryDirectory(prefix="voiceedit-render-") as work:
        extra = layer_inputs(layers, fmt) if layers else []
        over = None
        if layers:
            def over(pad: str) -> tuple[list[str], str]:
                return layer_filters(layers, fmt, extra, len(inputs), Path(work), pad)
        graph = filter_graph(cuts, media, fmt, inputs, readers, over,
                             audio_label="aprogramme" if finishing else "aout")
        if finishing:  # the descriptions' WAVs are the inputs after the sources and layers
            graph += ";\n" + finished_sound(sound, fmt, "aprogramme", len(inputs) + len(extra),
                                            _loudnorm(cuts, media, fmt, sound))
        script = Path(work) / "graph.txt"
        script.write_text(graph)
        # the descriptions' WAVs after the sources and layers: finished_sound numbers them so
        spoken = description_inputs(sound) if finishing else []
        opened = [*inputs, *extra, *(SourceInput(path, Fraction(0)) for path in spoken)]
        marked = chapter_inputs(chapters, total_ms, target, Path(work))
        args = [*input_args(opened), *marked, *filter_script_args(script),
                *encoder_args(fmt, target)]
        if finishing:
            args += described_stream_args(sound, fmt, target)
        args += chapter_map(marked, len(opened))
        run_ffmpeg([*args, "-y", media_url(target)], total_ms, progress, name)


def _loudnorm(cuts: list[Cut], media: dict[str, MediaInfo], fmt: OutputFormat,
              sound: AudioFinish) -> str | None:
    """The second loudnorm pass, from a first pass over the same cuts; None when no target
    is set or the edit is silent (there is nothing to bring up)."""
    if sound.lufs is None:
        return None
    measured = loudnorm_first_pass(cuts, media, fmt.sample_rate, sound.lufs, sound.true_peak)
    if measured.silent:
        return None
    return loudnorm_filter(measured, sound.lufs, sound.true_peak, fmt.sample_rate)
