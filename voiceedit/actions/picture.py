"""The picture, spoken: shots, what is on screen, and the picture's problems.

Every answer speaks of the shots as they fall on the edited timeline (picture/placed.py),
numbered from 1 the way `voiceedit shots` lists them, times in timeline digits. OSARA's
manner: the shot's number of the total and what is unusual in it; asked twice in a row (or
with answers detailed), the full detail.

"Find where the screen says ..." goes to the first shot after the playhead whose on-screen
text matches, and says how many match ("match 1 of 3"); said again it goes on to the next,
back to the first after the last. It does not ask "which one?" the way a quote to cut does:
moving the playhead loses nothing, a question holds up the next command, and the usual
several matches (the same lower third, a repeated title) read out alike, so a list of them
is hard to choose from by ear. Find-next is what a screen reader's user knows from every
text editor and from Reaper's markers.
"""

from __future__ import annotations

from bisect import bisect_right
from pathlib import Path

from voiceedit.actions import describe
from voiceedit.actions.readback import asked_twice
from voiceedit.actions.registry import action
from voiceedit.actions.resolve import need_timeline
from voiceedit.actions.state import EditorState, Outcome
from voiceedit.errors import VoiceEditError
from voiceedit.picture.placed import PlacedShot, place_shots
from voiceedit.picture.shots import Picture, Shot
from voiceedit.spoken_time import print_count, print_time
from voiceedit.timeline.quote_match import QuoteMatch
from voiceedit.timeline.words import normalize
from voiceedit.understand.command import Quote

NO_VIDEO = "This project has no video, so it has no shots."
NOT_ANALYSED = ("This project's video was added before pictures were analysed; run "
                "voiceedit shots on the project once to analyse it.")
NOTHING_PLACED = "Nothing on the timeline has a picture, so there are no shots."
SCREEN_TEXT_SCORE = 86  # rapidfuzz score (0..100) on-screen text needs: "chapter one" is 82
#                         against "CHAPTER TWO", one misread letter in it ("TW0") 91
SCREEN_TEXT_TIER = 8  # matches this far below the best are not the same words
PROBLEMS_READ = 8  # problems read before "and N more"
TEXT_WORDS = 12  # words of on-screen text said before "…" (all of them asked twice)


# --- the shots ---------------------------------------------------------------------------


def project_pictures(state: EditorState) -> dict[str, Picture]:
    """Each video source's analysis: the project's own, or for a source added before
    analyses were kept, the one `voiceedit shots` left in the cache (nothing is analysed
    here: that takes a while, and a readback must answer at once)."""
    pictures = {}
    for source in state.project.sources:
        if source.picture is not None:
            pictures[source.path] = source.picture
        elif source.media.has_video:
            from voiceedit.picture.analyse import cached_picture  # OpenCV: only for old files

            found = cached_picture(source.media)
            if found is not None:
                pictures[source.path] = found
    return pictures


def timeline_shots(state: EditorState) -> tuple[PlacedShot, ...]:
    """The timeline's shots, or the one sentence that says why there are none."""
    need_timeline(state)
    pictures = project_pictures(state)
    if not pictures:
        videos = any(source.media.has_video for source in state.project.sources)
        raise VoiceEditError(NOT_ANALYSED if videos else NO_VIDEO)
    placed = place_shots(state.timeline, pictures)
    if not placed:
        raise VoiceEditError(NOTHING_PLACED)
    return placed


def shot_index_at(shots: tuple[PlacedShot, ...], time: int) -> int:
    """The shot showing at timeline `time` (the first one before any, the last at the end)."""
    index = bisect_right([p.shot.start for p in shots], time) - 1
    return max(0, min(index, len(shots) - 1))


def shot_here(state: EditorState, shots: tuple[PlacedShot, ...]) -> int:
    """The shot at the playhead (the last one at the very end); a sentence when the
    playhead is in a clip with no picture (sound only)."""
    at = min(state.playhead, state.timeline.duration - 1)
    index = shot_index_at(shots, at)
    if not shots[index].shot.start <= at < shots[index].shot.end:
        raise VoiceEditError(f"At {print_time(state.playhead)} there is no picture, only "
                             "sound.")
    return index


def _faces(shot: Shot) -> str:
    """ "2 faces, left and right" """
    said = print_count(shot.faces, "face")
    where = list(shot.face_positions)
    if where:
        said += ", " + (" and ".join(where) if len(where) < 3
                        else ", ".join(where[:-1]) + " and " + where[-1])
    return said


def _text(text: str, full: bool) -> str:
    return f"text {describe.quoted(text, 999 if full else TEXT_WORDS)}"


def shot_words(shot: Shot, full: bool = False, looks: bool = True) -> str:
    """What a shot shows, unusual things only: its text, its faces, its looks, its problems;
    `full` adds the camera's movement and where in the shot each problem is."""
    parts = []
    if shot.text:
        parts.append(_text(shot.text, full))
    if shot.faces:
        parts.append(_faces(shot))
    flags = shot.flags
    if looks and "black" not in flags:  # "black" says all there is about looks
        parts += [look for look in shot.looks if look not in flags]
        if full and shot.motion and not ("shaky" in flags and shot.motion == "camera still"):
            parts.append(shot.motion)
    for problem in shot.problems if full else ():
        whole = problem.start <= shot.start and problem.end >= shot.end
        parts.append(problem.flag if whole else
                     f"{problem.flag} from {print_time(problem.start)} to "
                     f"{print_time(problem.end)}")
    if not full:
        parts += flags
    return "; ".join(parts)


def _heading(shots: tuple[PlacedShot, ...], index: int) -> str:
    return f"Shot {index + 1} of {len(shots)}"


def _arrived(state: EditorState, shots: tuple[PlacedShot, ...], index: int,
             after: str = "") -> Outcome:
    """Move to shot `index`'s first frame: "Shot 3 of 9 at 4.0 s: black." """
    shot = shots[index].shot
    said = f"{_heading(shots, index)} at {print_time(shot.start)}"
    what = "" if state.verbosity == "brief" else shot_words(shot, looks=False)
    sentence = f"{said}: {what}." if what else f"{said}."
    return Outcome(state.with_project(playhead=shot.start), sentence + after)


# --- describing --------------------------------------------------------------------------


@action("describe_shot", keeps_question=True)
def describe_shot(state: EditorState) -> Outcome:
    shots = timeline_shots(state)
    index = shot_here(state, shots)
    placed = shots[index]
    shot = placed.shot
    full = asked_twice(state, "describe_shot")
    said = f"{_heading(shots, index)}, {print_time(shot.end - shot.start)}"
    if full:
        said += f", {print_time(shot.start)} to {print_time(shot.end)}"
        if len(state.project.sources) > 1:
            said += f", from {Path(placed.source).name}"
    what = shot_words(shot, full, looks=state.verbosity != "brief")
    return Outcome(state, f"{said}: {what}." if what else f"{said}.")


@action("count_shots", keeps_question=True)
def count_shots(state: EditorState) -> Outcome:
    """ "9 shots, 16.6 s; 5 with problems." """
    shots = timeline_shots(state)
    said = describe.capitalize(print_count(len(shots), "shot"))
    if state.verbosity == "brief":
        return Outcome(state, said + ".")
    said += f", {print_time(state.timeline.duration)}"
    counted = {"problems": sum(1 for p in shots if p.shot.problems)}
    if asked_twice(state, "count_shots"):
        counted["text"] = sum(1 for p in shots if p.shot.text)
        counted["faces"] = sum(1 for p in shots if p.shot.faces)
    said += "".join(f"; {count or 'none'} with {what}" for what, count in counted.items())
    return Outcome(state, said + ".")


@action("on_screen", keeps_question=True)
def on_screen(state: EditorState) -> Outcome:
    """The text and faces at the playhead: the text read nearest it, when the analysis kept
    where each text was read."""
    shots = timeline_shots(state)
    at = min(state.playhead, state.timeline.duration - 1)
    index = shot_here(state, shots)
    shot = shots[index].shot
    text = shot.text
    if shot.seen:
        text = next((seen.text for seen in shot.seen if seen.start <= at < seen.end), "")
    parts = ([_text(text, asked_twice(state, "on_screen"))] if text else []) + (
        [_faces(shot)] if shot.faces else [])
    where = f"At {print_time(state.playhead)}, {_heading(shots, index).lower()}"
    if not parts:
        return Outcome(state, f"{where}: no text and no faces.")
    return Outcome(state, f"{where}: {'; '.join(parts)}.")


# --- moving by shots ---------------------------------------------------------------------


@action("next_shot")
def next_shot(state: EditorState) -> Outcome:
    shots = timeline_shots(state)
    index = shot_index_at(shots, state.playhead)
    if state.playhead < shots[0].shot.start:
        return _arrived(state, shots, 0)
    if index + 1 >= len(shots):
        raise VoiceEditError(f"This is the last shot, {len(shots)} of {len(shots)}.")
    return _arrived(state, shots, index + 1)


@action("previous_shot")
def previous_shot(state: EditorState) -> Outcome:
    """Back to this shot's start first, as "previous clip" does; then the one before."""
    shots = timeline_shots(state)
    index = shot_index_at(shots, min(state.playhead, state.timeline.duration - 1))
    if state.playhead > shots[index].shot.start:
        return _arrived(state, shots, index)
    if index == 0:
        raise VoiceEditError("This is the first shot.")
    return _arrived(state, shots, index - 1)


@action("seek_shot")
def seek_shot(state: EditorState, shot: int) -> Outcome:
    shots = timeline_shots(state)
    if not 1 <= shot <= len(shots):
        raise VoiceEditError(f"There {'is' if len(shots) == 1 else 'are'} "
                             f"{print_count(len(shots), 'shot')}; say a shot from 1 to "
                             f"{len(shots)}.")
    return _arrived(state, shots, shot - 1)


def screen_lines(state: EditorState) -> list[str]:
    """Every line of text read on screen in the timeline's shots, each once: what the
    recogniser lets "find where the screen says" quote (what was cut can't be)."""
    pictures = state.project.pictures
    lines: dict[str, None] = {}
    for placed in place_shots(state.timeline, pictures) if pictures else ():
        lines.update((line, None) for line in placed.shot.text.split(" / ") if line)
    return list(lines)


def screen_text_score(wanted: str, text: str) -> float:
    """How well the words said match a shot's on-screen text (0..100): the best run of as
    many words in the text, compared letter by letter (one misread letter costs little, a
    different word a lot: "chapter one" is not "CHAPTER TWO"); a text shorter than what was
    said is compared whole (so "chapter two of the film" is not found on a card saying
    "TWO")."""
    from rapidfuzz import fuzz

    said, shown = normalize(wanted).split(), normalize(text.replace(" / ", " ")).split()
    if not said or not shown:
        return 0.0
    size = min(len(said), len(shown))
    return max(fuzz.ratio(" ".join(said), " ".join(shown[k:k + size]))
               for k in range(len(shown) - size + 1))


def screen_matches(shots: tuple[PlacedShot, ...], wanted: str) -> list[int]:
    """The shots whose text says `wanted`, in timeline order: every one scoring near the
    best (a text that only resembles it, "CHAPTER ONE" for "chapter two", is left out)."""
    scores = [screen_text_score(wanted, p.shot.text) for p in shots]
    best = max(scores, default=0.0)
    if best < SCREEN_TEXT_SCORE:
        return []
    return [i for i, score in enumerate(scores) if score >= best - SCREEN_TEXT_TIER]


@action("find_on_screen", free_quotes=True)
def find_on_screen(state: EditorState, quote: Quote | QuoteMatch | str) -> Outcome:
    shots = timeline_shots(state)
    wanted = quote.text if isinstance(quote, (Quote, QuoteMatch)) else str(quote)
    if not any(p.shot.text for p in shots):
        raise VoiceEditError("No text was read on screen in any shot on the timeline.")
    found = screen_matches(shots, wanted)
    if not found:
        raise VoiceEditError(f"No shot's on-screen text says {describe.quoted(wanted)}.")
    later = [k for k, index in enumerate(found) if shots[index].shot.start > state.playhead]
    which = later[0] if later else 0  # after the last match, round to the first again
    after = ""
    if len(found) > 1:
        after = (f" Match {which + 1} of {len(found)}; say it again for the "
                 f"{'next' if which + 1 < len(found) else 'first'}.")
    index = found[which]
    shot = shots[index].shot
    said = f"{_heading(shots, index)} at {print_time(shot.start)}: {_text(shot.text, False)}."
    return Outcome(state.with_project(playhead=shot.start), said + after)


# --- problems ----------------------------------------------------------------------------


def timeline_problems(shots: tuple[PlacedShot, ...]) -> list[tuple[int, int, int, str]]:
    """(start, end, shot index, flags) of each place something is wrong, in time order;
    problems starting together in a shot are said together ("black and dark")."""
    found: dict[tuple[int, int], tuple[int, list[str]]] = {}
    for index, placed in enumerate(shots):
        for problem in placed.shot.problems:
            end, flags = found.setdefault((problem.start, index), (problem.end, []))
            flags.append(problem.flag)
            found[(problem.start, index)] = (max(end, problem.end), flags)
    return [(start, end, index, " and ".join(flags))
            for (start, index), (end, flags) in sorted(found.items())]


def _problem(problem: tuple[int, int, int, str], full: bool) -> str:
    """ "blurry, shot 4 at 5.0 s" (full: "…, 2.0 s long") """
    start, end, index, flags = problem
    said = f"{flags}, shot {index + 1} at {print_time(start)}"
    return said + (f", {print_time(end - start)} long" if full else "")


@action("read_problems", keeps_question=True)
def read_problems(state: EditorState) -> Outcome:
    """ "3 problems: black, shot 3 at 4.0 s; blurry, shot 4 at 5.0 s; …" """
    problems = timeline_problems(timeline_shots(state))
    if not problems:
        return Outcome(state, "No problems in the picture.")
    full = asked_twice(state, "read_problems")
    shown = problems if full else problems[:PROBLEMS_READ]
    said = "; ".join(_problem(p, full) for p in shown)
    sentence = f"{describe.capitalize(print_count(len(problems), 'problem'))}: {said}."
    if len(shown) < len(problems):
        sentence += (f" And {print_count(len(problems) - len(shown), 'more')}; say read the "
                     "problems again to hear all of them.")
    return Outcome(state, sentence)


def _to_problem(state: EditorState, problems: list, k: int) -> Outcome:
    start = problems[k][0]
    said = describe.capitalize(_problem(problems[k], state.verbosity != "brief"))
    return Outcome(state.with_project(playhead=start),
                   f"{said}. Problem {k + 1} of {len(problems)}.")


@action("next_problem")
def next_problem(state: EditorState) -> Outcome:
    problems = timeline_problems(timeline_shots(state))
    if not problems:
        raise VoiceEditError("There are no problems in the picture.")
    later = [k for k, p in enumerate(problems) if p[0] > state.playhead]
    if not later:
        raise VoiceEditError(f"There is no problem after {print_time(state.playhead)}; the "
                             f"first is at {print_time(problems[0][0])}.")
    return _to_problem(state, problems, later[0])


@action("previous_problem")
def previous_problem(state: EditorState) -> Outcome:
    problems = timeline_problems(timeline_shots(state))
    if not problems:
        raise VoiceEditError("There are no problems in the picture.")
    earlier = [k for k, p in enumerate(problems) if p[0] < state.playhead]
    if not earlier:
        raise VoiceEditError(f"There is no problem before {print_time(state.playhead)}.")
    return _to_problem(state, problems, earlier[-1])
