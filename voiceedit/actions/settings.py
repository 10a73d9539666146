"""The person's own settings, said aloud: how finely times are given and how fast the
voice speaks. Both are remembered per user (user_config), not per project, since they are
about how someone listens, and follow them from project to project.

Times: "say times to the second / to the tenth / to the frame". Every answer writes times
at that precision and the voice says what is written; a frame is one of the project's
video frames (the first source with video), or 1/25 s when it has none.

Rate: "speak faster", "speak slower", "set the speech rate to 300 words a minute". The
speakers that surfaces open take the new rate up before their next answer (this one
included), so the answer is heard at the rate it names.
"""

from __future__ import annotations

from voiceedit.actions.registry import action
from voiceedit.actions.state import EditorState, Outcome
from voiceedit.answer.speech_rate import (
    DEFAULT_RATE,
    FASTEST,
    SLOWEST,
    check_rate,
    faster,
    remembered_rate,
    slower,
)
from voiceedit.errors import VoiceEditError
from voiceedit.spoken_time import (
    DEFAULT_FRAME_RATE,
    DEFAULT_PRECISION,
    PRECISIONS,
    Precision,
    print_time,
)
from voiceedit.user_config import read_settings, remember

_SAID = {"second": "to the second", "tenth": "to the tenth of a second", "frame": "to the frame"}


def frame_rate_of(state: EditorState) -> float:
    for source in state.project.sources:
        if source.media.frame_rate:
            return float(source.media.frame_rate)
    return DEFAULT_FRAME_RATE


def precision_of(state: EditorState) -> Precision:
    """How finely this person wants times, with this project's frames."""
    unit = read_settings().get("time_precision")
    return Precision(unit if unit in PRECISIONS else DEFAULT_PRECISION, frame_rate_of(state))


@action("set_time_precision")
def set_time_precision(state: EditorState, precision: str) -> Outcome:
    """`precision`: a value of grammars' precisions list ("second", "tenth", "frame")."""
    if precision not in PRECISIONS:
        raise VoiceEditError("Say times to the second, to the tenth or to the frame.")
    remember(time_precision=precision)
    chosen = Precision(precision, frame_rate_of(state))
    said = f"Times {_SAID[precision]}"
    if precision == "frame":
        said += f", {chosen.frame_rate:g} frames a second"
    return Outcome(state, f"{said}; the playhead is at {print_time(state.playhead, chosen)}.")


@action("speak_faster")
def speak_faster(state: EditorState) -> Outcome:
    return _rate_set(state, faster(remembered_rate() or DEFAULT_RATE))


@action("speak_slower")
def speak_slower(state: EditorState) -> Outcome:
    return _rate_set(state, slower(remembered_rate() or DEFAULT_RATE))


@action("set_speech_rate")
def set_speech_rate(state: EditorState, rate: int) -> Outcome:
    return _rate_set(state, check_rate(rate))


def _rate_set(state: EditorState, rate: int) -> Outcome:
    remember(speech_rate=rate)
    limit = {FASTEST: ", the fastest", SLOWEST: ", the slowest"}.get(rate, "")
    return Outcome(state, f"Speech rate {rate} words a minute{limit}.")
