"""The finishing of a render's sound: loudness normalization and the described mix.

`AudioFinish` is what the actions hand the renderer: a loudness target and the spoken
descriptions (WAV files, already synthesised, with their timeline times). `finished_sound`
adds to the render's filter graph, after the programme sound is joined:

    [programme] -> loudnorm (second pass) -> asplit -> [aout]                 the normal mix
                                                   \\-> volume (ducked) -+-> [adesc]
    [description WAVs] -> adelay to their times -> amix ---------------/   the described mix

The programme is lowered by volume keyed on the descriptions' own times (a ramp of a
quarter second each side), not by a sidechain compressor: the times are known exactly, so
the dip is exactly as long as the speech, the same on every render, and independent of how
loud the description is. The described mix goes into the same file as a second sound track
titled "Audio description" (players offer it beside the normal one), or, with
`described_only`, replaces the normal sound (for players and sites that play only one).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from voiceedit.media.plan import CONTAINER_SUFFIXES, OutputFormat

DUCK_GAIN = 0.25  # the programme under a description: -12 dB, still heard, clearly behind
RAMP = Fraction(1, 4)  # s: the programme fades down before a description and up after it
DESCRIPTION_TITLE = "Audio description"
# dB under the true-peak ceiling for the described mix's limiter: alimiter limits sample
# peaks, and true peaks between samples and the encoder's overshoot lie above them.
CEILING_MARGIN = 1.0


@dataclass(frozen=True)
class SpokenDescription:
    """A synthesised description: its WAV, where it starts on the timeline and how long it
    is, in seconds."""

    path: str
    start: Fraction
    duration: Fraction


@dataclass(frozen=True)
class AudioFinish:
    """How to finish the render's sound. `lufs`/`true_peak`: normalize (None: leave the
    level as it is). `descriptions`: mix them into a described mix. `described_only`: the
    described mix is the file's only sound track."""

    lufs: float | None = None
    true_peak: float = -1.5
    descriptions: tuple[SpokenDescription, ...] = ()
    described_only: bool = False

    @property
    def active(self) -> bool:
        return self.lufs is not None or bool(self.descriptions)


def holds_two_sound_tracks(output: Path) -> bool:
    return Path(output).suffix.lower() in CONTAINER_SUFFIXES


def duck_expression(descriptions: tuple[SpokenDescription, ...]) -> str:
    """The programme's gain at time t: 1, down to DUCK_GAIN under each description, with a
    RAMP-long slope either side (an ffmpeg `volume` expression)."""
    under = "0"
    for spoken in descriptions:
        rise = f"(t-{float(spoken.start - RAMP):.3f})/{float(RAMP):g}"
        fall = f"({float(spoken.start + spoken.duration + RAMP):.3f}-t)/{float(RAMP):g}"
        under = f"max({under},clip(min({rise},{fall}),0,1))"
    return f"1-{1 - DUCK_GAIN:g}*{under}"


def finished_sound(finish: AudioFinish, fmt: OutputFormat, programme: str,
                   first_input: int, loudnorm: str | None) -> str:
    """Filter graph lines from the joined programme sound `[programme]` to `[aout]` (and
    `[adesc]`, the described mix, when there are descriptions and not `described_only`).
    The description WAVs are the inputs numbered from `first_input`, in order."""
    lines = []
    label = programme
    if loudnorm:
        lines.append(f"[{label}]{loudnorm}[anorm]")
        label = "anorm"
    if not finish.descriptions:
        lines.append(f"[{label}]anull[aout]")
        return ";\n".join(lines)
    rate = fmt.sample_rate
    spoken_labels = []
    for number, spoken in enumerate(finish.descriptions):
        delay = round(spoken.start * 1000)
        lines.append(f"[{first_input + number}:a:0]aresample={rate},"
                     f"aformat=sample_rates={rate}:channel_layouts=stereo,"
                     f"adelay=delays={delay}:all=1[d{number}]")
        spoken_labels.append(f"[d{number}]")
    count = len(spoken_labels)
    if count > 1:
        lines.append(f"{''.join(spoken_labels)}amix=inputs={count}:duration=longest:"
                     "normalize=0[dall]")
    else:
        lines.append("[d0]anull[dall]")
    described = "aout" if finish.described_only else "adesc"
    if finish.described_only:
        lines.append(f"[{label}]anull[aprog]")
    else:
        lines.append(f"[{label}]asplit=2[aout][aprog]")
    lines.append(f"[aprog]volume='{duck_expression(finish.descriptions)}':eval=frame[aduck]")
    limiter = ""
    if finish.lufs is not None:  # the voice over a normalized programme stays under the ceiling
        ceiling = 10 ** ((finish.true_peak - CEILING_MARGIN) / 20)
        limiter = f",alimiter=limit={ceiling:.4f}:level=false:latency=true"
    lines.append(f"[aduck][dall]amix=inputs=2:duration=first:normalize=0{limiter}[{described}]")
    return ";\n".join(lines)


def description_inputs(finish: AudioFinish) -> list[str]:
    return [spoken.path for spoken in finish.descriptions]


def described_stream_args(finish: AudioFinish, fmt: OutputFormat, output: Path) -> list[str]:
    """Encoder arguments for the described mix as the second sound track (none when there
    is none); the codec options given for the first sound track apply to it too."""
    if not finish.descriptions or not fmt.audio:
        return []
    if finish.described_only:
        return ["-metadata:s:a:0", f"title={DESCRIPTION_TITLE}",
                "-metadata:s:a:0", f"handler_name={DESCRIPTION_TITLE}"]
    return ["-map", "[adesc]",
            "-metadata:s:a:1", f"title={DESCRIPTION_TITLE}",
            "-metadata:s:a:1", f"handler_name={DESCRIPTION_TITLE}",
            "-disposition:a:1", "descriptions"]
