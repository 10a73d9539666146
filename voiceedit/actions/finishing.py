"""Finishing the sound, said aloud: loudness and audio description.

"how loud is it" measures the edit's sound (EBU R128, media/loudness.py). "normalize
loudness [to minus 23 LUFS]" sets the render's target, "turn off loudness normalization"
clears it; both are layer changes (timeline/finishing.py), so one undo step each, kept in
the project, and every render (plain, smart, spoken or typed) honours them.

"describe here: a red door opens" puts a spoken description in the pause nearest the
playhead, synthesised by the bundled Piper voice at once (answer/description_voice.py),
and says so when it is longer than the pause. "list the descriptions", "remove description
two". A render then carries a described mix beside the normal sound (media/described_mix.py).
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from pathlib import Path

from voiceedit.actions.registry import action
from voiceedit.actions.state import EditorState, Outcome
from voiceedit.errors import VoiceEditError
from voiceedit.project import Project
from voiceedit.spoken_time import print_count, print_time
from voiceedit.timeline.finishing import (
    DEFAULT_LUFS,
    DEFAULT_TRUE_PEAK,
    Description,
    LoudnessTarget,
    nearest_pause,
    pauses,
    speaking_time,
)
from voiceedit.timeline.layers import anchor_at, replaced, timeline_time
from voiceedit.understand.command import Quote, said_text

QUIETEST, LOUDEST = 40, 5  # LUFS targets people use lie between -40 and -5
SHOWN = 40  # characters of a description quoted in an answer


def loudness_target(project: Project) -> LoudnessTarget | None:
    return project.layers.loudness[0] if project.layers.loudness else None


def said_loudness(lufs: float, true_peak: float) -> str:
    """ "-23.4 LUFS, true peak -3.1 dBTP" """
    return f"{lufs:.1f} LUFS, true peak {true_peak:.1f} dBTP"


@action("loudness", slow=True)
def loudness(state: EditorState) -> Outcome:
    from voiceedit.actions.output import check_sources
    from voiceedit.media.loudness import measure_cuts
    from voiceedit.media.plan import plan_cuts

    if not state.timeline.clips:
        raise VoiceEditError("The timeline is empty; there is no sound to measure.")
    check_sources(state.project, "measuring")
    media = {s.path: s.media for s in state.project.sources}
    used = [media[clip.source] for clip in state.timeline.clips]
    with_sound = [info for info in used if info.has_audio]
    if not with_sound:
        raise VoiceEditError("There is no sound in this edit to measure.")
    measured = measure_cuts(plan_cuts(state.timeline, None), media,
                            with_sound[0].sample_rate or 48000)
    if measured.silent:
        return Outcome(state, "The edit is silent; there is no loudness to measure.")
    said = f"The edit is {said_loudness(measured.integrated, measured.true_peak)}."
    target = loudness_target(state.project)
    if target is not None:
        said += f" Renders normalize it to {target.lufs:g} LUFS."
    return Outcome(state, said)


@action("normalize_loudness")
def normalize_loudness(state: EditorState, target: int | None = None) -> Outcome:
    """`target`: LUFS, said with or without "minus" (a loudness target is always below 0)."""
    lufs = DEFAULT_LUFS if target is None else -abs(float(target))
    if not -QUIETEST <= lufs <= -LOUDEST:
        raise VoiceEditError(f"Say a loudness between -{QUIETEST} and -{LOUDEST} LUFS; "
                             "nothing changed.")
    wanted = LoudnessTarget(lufs, DEFAULT_TRUE_PEAK)
    goal = f"{lufs:g} LUFS, true peak at most {DEFAULT_TRUE_PEAK:g} dBTP"
    if loudness_target(state.project) == wanted:
        return Outcome(state, f"Renders already normalize loudness to {goal}.")
    layers = replace(state.project.layers, loudness=(wanted,))
    new = state.layered(layers, f"normalize loudness to {lufs:g} LUFS")
    return Outcome(new, f"Renders will normalize loudness to {goal}.", changed=True)


@action("loudness_off")
def loudness_off(state: EditorState) -> Outcome:
    if loudness_target(state.project) is None:
        return Outcome(state, "Loudness normalization is already off.")
    layers = replace(state.project.layers, loudness=())
    new = state.layered(layers, "loudness normalization off")
    return Outcome(new, "Loudness normalization is off; renders keep the sound's own level.",
                   changed=True)


# ---------------------------------------------------------------- audio description


def placed_descriptions(project: Project) -> list[tuple[Description, int | None]]:
    """The descriptions in timeline order, each with its timeline time (None, last, while
    its moment is cut out): the order they are numbered in."""
    placed = [(item, timeline_time(item.anchor, project.timeline))
              for item in project.layers.descriptions]
    return sorted(placed, key=lambda pair: (pair[1] is None, pair[1] or 0))


def _shown(text: str) -> str:
    return text if len(text) <= SHOWN else text[:SHOWN].rstrip() + "…"


@action("describe", free_quotes=True, new_words="text")
def describe(state: EditorState, text: Quote | str) -> Outcome:
    from voiceedit.answer.description_voice import description_wav

    words = said_text(text)
    words = words.strip().lstrip(":").strip()
    if not words:
        raise VoiceEditError("Say the words of the description after describe here; "
                             "nothing changed.")
    if not state.timeline.clips:
        raise VoiceEditError("The timeline is empty; there is nothing to describe.")
    spoken = state.words
    pause = nearest_pause(pauses(spoken.starts, spoken.ends, state.timeline.duration),
                          state.playhead)
    at = speaking_time(pause) if pause is not None else state.playhead
    at = min(at, max(0, state.timeline.duration - 1))
    _, duration = description_wav(words)
    item = Description(anchor_at(state.timeline, at), words, duration)
    layers = replace(state.project.layers,
                     descriptions=(*state.project.layers.descriptions, item))
    new = state.layered(layers, f"added description '{_shown(words)}'")
    number = [pair[0] for pair in placed_descriptions(new.project)].index(item) + 1
    said = f"Added description {number} at {print_time(at)}, {print_time(duration)} long."
    room = pause.end - at if pause is not None else None
    if room is not None and duration > room:
        said += (f" The description is {print_time(duration)}; the pause is "
                 f"{print_time(room)}, so it overlaps the speech.")
    return Outcome(new, said, changed=True)


@action("list_descriptions")
def list_descriptions(state: EditorState) -> Outcome:
    placed = placed_descriptions(state.project)
    if not placed:
        return Outcome(state, "There are no descriptions.")
    parts = []
    for number, (item, time) in enumerate(placed, start=1):
        where = f"at {print_time(time)}" if time is not None else "cut out"
        parts.append(f"{number}, {where}, {print_time(item.duration)}: {item.text}")
    return Outcome(state, f"{print_count(len(placed), 'description')}. " + ". ".join(
        part.rstrip(".") for part in parts) + ".")


@action("remove_description")
def remove_description(state: EditorState, number: int) -> Outcome:
    placed = placed_descriptions(state.project)
    if not placed:
        raise VoiceEditError("There are no descriptions to remove.")
    if not 1 <= number <= len(placed):
        raise VoiceEditError(f"There is no description {number}; there "
                             f"{'is' if len(placed) == 1 else 'are'} "
                             f"{print_count(len(placed), 'description')}.")
    gone = placed[number - 1][0]
    layers = replace(state.project.layers,
                     descriptions=replaced(state.project.layers.descriptions, gone))
    new = state.layered(layers, f"removed description '{_shown(gone.text)}'")
    return Outcome(new, f"Removed description {number}, '{_shown(gone.text)}'.", changed=True)


# ---------------------------------------------------------------- what a render is given


def audio_finish(project: Project, output: Path, described_only: bool = False):
    """The render's sound finishing (media/described_mix.AudioFinish) and a sentence to add
    to the render's answer when the descriptions could not go in ("" when all is well)."""
    from voiceedit.answer.description_voice import description_wav
    from voiceedit.media.described_mix import (
        AudioFinish,
        SpokenDescription,
        holds_two_sound_tracks,
    )

    target = loudness_target(project)
    spoken = []
    for item, time in placed_descriptions(project):
        if time is None:
            continue
        path, duration = description_wav(item.text)
        spoken.append(SpokenDescription(str(path), Fraction(time, 1000),
                                        Fraction(duration, 1000)))
    note = ""
    if described_only and not spoken:
        note = " There are no descriptions, so the sound is the normal mix."
    elif spoken and not described_only and not holds_two_sound_tracks(output):
        note = (f" The descriptions are not in {output.name}, which holds one sound track; "
                "render with --described for the described mix.")
        spoken = []
    return AudioFinish(lufs=target.lufs if target else None,
                       true_peak=target.true_peak if target else DEFAULT_TRUE_PEAK,
                       descriptions=tuple(spoken), described_only=described_only), note


def finished_note(sound) -> str:
    """What the render's answer adds: ", normalized to -16 LUFS, with an audio description
    track" (or nothing)."""
    said = ""
    if sound.lufs is not None:
        said += f", normalized to {sound.lufs:g} LUFS"
    if sound.descriptions:
        count = print_count(len(sound.descriptions), "description")
        said += (f", the described mix only ({count})" if sound.described_only
                 else f", with an audio description track ({count})")
    return said
