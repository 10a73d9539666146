"""Loudness of the edit (EBU R128), measured and normalized with ffmpeg's own filters.

Measuring: the edit's sound is rendered exactly as a render would (the same cuts and
filter graph, render.py) into ffmpeg's `ebur128=peak=true` meter and thrown away; nothing
is encoded and no picture is decoded, so an edit's sound measures in well under its length.
ebur128 rather than pyloudnorm: it is the reference meter ffmpeg's `loudnorm` works with,
it measures *true* peak (4x oversampled; pyloudnorm has only sample peak), it reads every
source and cut list a render can, and it needs no new package.

Normalizing is two-pass `loudnorm`: the first pass measures the edit (its own JSON), the
second applies those figures with `linear=true`, one gain for the whole piece, so speech
keeps its dynamics. loudnorm falls back to its dynamic mode on its own when a single gain
would push the true peak over the ceiling; the ceiling then holds either way.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from voiceedit.errors import VoiceEditError
from voiceedit.media.ffmpeg import (
    ffmpeg_path,
    filter_script_args,
    start_child,
)
from voiceedit.media.filter_graph import filter_graph
from voiceedit.media.plan import Cut, OutputFormat, input_args, source_inputs
from voiceedit.media.probe import MediaInfo

SILENT = -70.0  # LUFS: EBU R128's absolute gate; below it there is nothing to measure
# loudnorm's LRA target; a linear pass needs it at or above the edit's own range.
LOUDNESS_RANGE = 11.0
LOUDNESS_RANGE_MOST = 50.0  # loudnorm's largest
# dB kept below the true-peak ceiling: AAC and MP3 overshoot the peaks they are given by a
# few tenths (measured: -1.4 dBTP out of an AAC render normalized to -1.5).
ENCODER_MARGIN = 0.5


@dataclass(frozen=True)
class Loudness:
    """An EBU R128 measurement: LUFS integrated, dBTP true peak, LU range."""

    integrated: float
    true_peak: float
    loudness_range: float = 0.0
    threshold: float = SILENT  # loudnorm's gating threshold (its second pass wants it)
    offset: float = 0.0  # loudnorm's target offset (likewise)

    @property
    def silent(self) -> bool:
        return not math.isfinite(self.integrated) or self.integrated <= SILENT


def measure_cuts(cuts: list[Cut], media: dict[str, MediaInfo], sample_rate: int) -> Loudness:
    """The integrated loudness and true peak of the cuts' sound, one after another."""
    log = _metered(cuts, media, sample_rate, "ebur128=peak=true:framelog=quiet")
    return parse_ebur128(log)


def loudnorm_first_pass(cuts: list[Cut], media: dict[str, MediaInfo], sample_rate: int,
                        lufs: float, true_peak: float) -> Loudness:
    """loudnorm's own measurement of the cuts' sound, for its second pass."""
    log = _metered(cuts, media, sample_rate,
                   f"loudnorm=I={lufs:g}:TP={true_peak - ENCODER_MARGIN:g}:"
                   f"LRA={LOUDNESS_RANGE:g}:print_format=json")
    return parse_loudnorm(log)


def loudnorm_filter(measured: Loudness, lufs: float, true_peak: float,
                    sample_rate: int) -> str:
    """The second pass: one gain to `lufs`, true peak at most `true_peak`, back at the
    output's sample rate (loudnorm works at 192 kHz). The ceiling keeps ENCODER_MARGIN."""
    lra = min(LOUDNESS_RANGE_MOST, max(LOUDNESS_RANGE, math.ceil(measured.loudness_range) + 1))
    return (f"loudnorm=I={lufs:g}:TP={true_peak - ENCODER_MARGIN:g}:LRA={lra:g}:"
            f"measured_I={measured.integrated:.2f}:measured_TP={measured.true_peak:.2f}:"
            f"measured_LRA={measured.loudness_range:.2f}:"
            f"measured_thresh={measured.threshold:.2f}:offset={measured.offset:.2f}:"
            f"linear=true:print_format=none,aresample={sample_rate},asetpts=N/SR/TB")


# ---------------------------------------------------------------- reading ffmpeg's reports

_SUMMARY = re.compile(r"Integrated loudness:\s*I:\s*(?P<i>-?[\d.]+|-inf)\s*LUFS.*?"
                      r"LRA:\s*(?P<lra>-?[\d.]+|-inf)\s*LU.*?"
                      r"True peak:\s*Peak:\s*(?P<tp>-?[\d.]+|-inf)", re.S)


def parse_ebur128(log: str) -> Loudness:
    """The summary ebur128 logs when it ends (the last one, if several)."""
    found = list(_SUMMARY.finditer(log))
    if not found:
        raise VoiceEditError("ffmpeg measured no loudness; the sound may be unreadable.")
    last = found[-1]
    return Loudness(float(last["i"]), float(last["tp"]), float(last["lra"]))


def parse_loudnorm(log: str) -> Loudness:
    """The JSON block loudnorm's first pass prints at the end."""
    start, end = log.rfind("{"), log.rfind("}")
    try:
        data = json.loads(log[start:end + 1])
        return Loudness(float(data["input_i"]), float(data["input_tp"]),
                        float(data["input_lra"]), float(data["input_thresh"]),
                        float(data["target_offset"]))
    except (ValueError, KeyError):
        raise VoiceEditError("ffmpeg measured no loudness; the sound may be unreadable.") \
            from None


# ---------------------------------------------------------------- running the meter


def _metered(cuts: list[Cut], media: dict[str, MediaInfo], sample_rate: int,
             meter: str) -> str:
    """Run the cuts' sound through `meter` into nothing; ffmpeg's log, where meters report."""
    fmt = OutputFormat(video=False, audio=True, sample_rate=sample_rate)
    inputs, readers = source_inputs(cuts, media, fmt)
    graph = filter_graph(cuts, media, fmt, inputs, readers) + f";\n[aout]{meter}[metered]"
    with tempfile.TemporaryDirectory(prefix="voiceedit-loudness-") as work:
        script = Path(work) / "graph.txt"
        script.write_text(graph)
        command = [ffmpeg_path(), "-hide_banner", "-nostdin", "-nostats", "-loglevel", "info",
                   *input_args(inputs), *filter_script_args(script),
                   "-map", "[metered]", "-f", "null", "-"]
        with start_child(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         stdin=subprocess.DEVNULL, text=True) as process:
            _, log = process.communicate()
    if process.returncode != 0:
        reason = log.strip().splitlines()[-1] if log.strip() else "it stopped"
        raise VoiceEditError(f"ffmpeg could not measure the loudness: {reason.rstrip('.')}.")
    return log
