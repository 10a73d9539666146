"""The transcript as the page shows it: paragraphs of sentences of words, with the pauses
and fillers marked and the removed words left in place, struck through.

Pure functions of the editor's state, so the page, a test and the benchmark see one shape.
Items are small dicts with one-letter keys (a 1-hour transcript is ~10,000 of them):

    {"k": "w", "i": 12, "t": "Ask", "s": 3120, "e": 3400}       a word on the timeline
    {"k": "w", ..., "f": 1}                                      ... that is a filler
    {"k": "p", "i": 12, "s": 3400, "e": 4900}                    the pause after word 12
    {"k": "x", "t": "um"}                                        a word the edit removed
    {"k": "b", "c": "shot", "t": "Shot 3, 12.0 s, text 'CHAPTER TWO'"}   a break before
                                                                 the next word or pause

Times are timeline milliseconds. A removed word has no timeline time: it is shown where the
cut is, between the kept words around it. A break (a chapter's heading, a shot change) comes
before the word or pause playing at its moment; the page shows it between the words and
gives its text to that word's option as its description (transcript.js), since a listbox
may hold only options and groups.

With more than one speaker (or a named one), a new paragraph starts where the speaker
changes, even inside a sentence, and "speakers" names each paragraph's speaker ("" for one
that is not labelled): the page gives it to the paragraph's group as its name.
"""

from __future__ import annotations

from bisect import bisect_left
from pathlib import Path

from voiceedit.actions.describe import capitalize, would_do
from voiceedit.actions.state import EditorState
from voiceedit.errors import VoiceEditError
from voiceedit.picture.placed import place_shots
from voiceedit.spoken_time import print_time
from voiceedit.timeline.cleanup import load_fillers
from voiceedit.timeline.marks import place
from voiceedit.timeline.model import Timeline
from voiceedit.timeline.quote_match import QuoteMatch
from voiceedit.timeline.words import SourceWords, TimelineWords

PAUSE_SHOWN = 700  # ms of silence between words shown as a pause
PARAGRAPH_PAUSE = 2000  # ms of silence that starts a new paragraph
PAUSE_KEPT = 300  # ms of a deleted pause that stays, half on each side, so words don't touch


def document(state: EditorState, revision: int) -> dict:
    """Everything the page draws: the transcript, the clips to play, where the cursor is,
    and the question waiting, if any."""
    project = state.project
    media = [source.path for source in project.sources]
    found, speakers = speaker_paragraphs(state)
    return {
        "revision": revision,
        "duration": state.timeline.duration,
        "playhead": state.playhead,
        "media": [{"name": Path(path).name, "video": source.media.has_video}
                  for path, source in zip(media, project.sources, strict=True)],
        "clips": clips(state.timeline, media),
        "paragraphs": found,
        "speakers": speakers,
        "question": question(state),
        "canUndo": project.history.can_undo,
        "canRedo": project.history.can_redo,
    }


def clips(timeline: Timeline, media: list[str]) -> list[dict]:
    """The clips as the page's player needs them: which media, where in it, where on the
    timeline."""
    return [{"media": media.index(clip.source), "in": clip.source_in, "out": clip.source_out,
             "start": timeline.clip_start(number)}
            for number, clip in enumerate(timeline.clips)]


def breaks(state: EditorState) -> list[tuple[int, dict]]:
    """(timeline ms, break item) in order: each chapter that plays, and each shot when the
    timeline shows more than one (one shot is the norm, not worth a word)."""
    project, timeline = state.project, state.timeline
    found = [(p.time, {"k": "b", "c": "chapter",
                       "t": f"Chapter {p.number}, {print_time(p.time)}"
                            + (f", {p.marker.name}" if p.marker.name else "")})
             for p in place(project.layers.markers, timeline, "chapter").shown]
    pictures = project.pictures
    shots = place_shots(timeline, pictures) if pictures else ()
    if len(shots) > 1:
        for number, placed in enumerate(shots, start=1):
            shot = placed.shot
            text = f"Shot {number}, {print_time(shot.start)}"
            found.append((shot.start, {"k": "b", "c": "shot", "t": text + (
                f", {shot.description}" if shot.description else "")}))
    return sorted(found, key=lambda row: (row[0], row[1]["c"] != "chapter"))


def paragraphs(state: EditorState) -> list[list[list[dict]]]:
    """Paragraphs, each a list of sentences, each a list of items."""
    return speaker_paragraphs(state)[0]


def speaker_paragraphs(state: EditorState) -> tuple[list[list[list[dict]]], list[str]]:
    """The paragraphs, and the name of each one's speaker ("" when not labelled)."""
    words = state.words
    fillers = load_fillers()
    removed = removed_words(state)
    pending = breaks(state)
    labels = _labels(state)
    found: list[list[list[dict]]] = []
    speakers: list[str] = []

    def breaks_before(end: int) -> list[dict]:
        """The breaks whose moment comes before `end`: they go before the item ending there."""
        count = next((n for n, (time, _) in enumerate(pending) if time >= end), len(pending))
        taken = [item for _, item in pending[:count]]
        del pending[:count]
        return taken

    for sentence in _split_at_speakers(words.sentences(), labels):
        items: list[dict] = []
        for index in sentence:
            items += [{"k": "x", "t": text} for text in removed.get(index, ())]
            item = {"k": "w", "i": index, "t": words.texts[index], "s": words.starts[index],
                    "e": words.ends[index]}
            if words.norm[index] in fillers:
                item["f"] = 1
            items += breaks_before(item["e"])
            items.append(item)
            following = words.starts[index + 1] if index + 1 < len(words) else None
            if following is not None and following - words.ends[index] >= PAUSE_SHOWN:
                items += breaks_before(following)
                items.append({"k": "p", "i": index, "s": words.ends[index],
                              "e": following})
        first = sentence.start
        if not found or (first and words.starts[first] - words.ends[first - 1] >= PARAGRAPH_PAUSE) \
                or labels[first] != speakers[-1]:
            found.append([])
            speakers.append(labels[first])
        found[-1].append(items)
    tail = [{"k": "x", "t": text} for text in removed.get(len(words), ())]
    tail += [item for _, item in pending]  # after the last word: shown at the end
    if tail:
        if not found:
            found.append([])
            speakers.append("")
        found[-1].append(tail)
    return found, speakers


def _labels(state: EditorState) -> list[str]:
    """Each word's speaker name, as the captions label them (all "" when not labelled)."""
    from voiceedit.interchange.captions import speaker_labels

    words = state.words
    return speaker_labels([words[i] for i in range(len(words))], state.project.layers.speakers)


def _split_at_speakers(sentences: list[range], labels: list[str]) -> list[range]:
    """The sentences, each cut where the speaker changes inside it."""
    pieces = []
    for sentence in sentences:
        first = sentence.start
        for index in sentence[1:]:
            if labels[index] != labels[index - 1]:
                pieces.append(range(first, index))
                first = index
        pieces.append(range(first, sentence.stop))
    return pieces


def removed_words(state: EditorState) -> dict[int, tuple[str, ...]]:
    """The words an edit took out, by the index of the kept word they are shown before
    (`len(words)`: after the last). Only what was cut between two clips of one source in
    their order (and before the first clip, after the last) is shown; a word whose clip
    was moved elsewhere is still on the timeline."""
    timeline, words = state.timeline, state.words
    placed: dict[int, tuple[str, ...]] = {}
    clips_ = timeline.clips
    for number in range(len(clips_) + 1):
        before = clips_[number - 1] if number else None
        after = clips_[number] if number < len(clips_) else None
        source = (after or before).source if (after or before) else None
        if source is None or (before and after and before.source != after.source):
            continue
        low = before.source_out if before else 0
        high = after.source_in if after else 1 << 62
        if high <= low:
            continue
        texts = _source_words(state, source, low, high)
        if texts:
            at = bisect_left(words.clips, number) if after else len(words)
            placed[at] = placed.get(at, ()) + texts
    return placed


def _source_words(state: EditorState, source: str, low: int, high: int) -> tuple[str, ...]:
    words: SourceWords | None = state.source_words_for(source)  # as corrected
    if words is None:
        return ()
    return tuple(words.texts[bisect_left(words.mids, low):bisect_left(words.mids, high)])


def question(state: EditorState) -> dict | None:
    """The question waiting for an answer, as the page's dialog asks it."""
    pending = state.project.pending
    if pending is None:
        return None
    choices = [{"text": match.text, "at": match.at} for match in pending.choices]
    if pending.kind == "meaning":
        choices = [{"text": capitalize(would_do(command))}
                   for command in (pending.command, *pending.meanings)]
    return {"kind": pending.kind, "text": state.project.last_answer, "choices": choices}


# --- from the page's selection to the timeline -----------------------------------------


def selected_words(words: TimelineWords, duration: int, first: tuple[str, int],
                   last: tuple[str, int]) -> QuoteMatch:
    """The words among the items from `first` to `last` (a pause's item stands for the gap
    after its word), as the place a quote was found: what a typed correction changes."""
    selected_range(words, duration, first, last)  # checks both ends
    order = {"w": 0, "p": 1}
    if (first[1], order[first[0]]) > (last[1], order[last[0]]):
        first, last = last, first  # selected backwards
    a = first[1] + (1 if first[0] == "p" else 0)  # a pause stands for the gap after its word
    b = last[1]
    if b < a:
        raise VoiceEditError("There are no words in that selection to correct; nothing "
                             "changed.")
    return QuoteMatch(" ".join(words.texts[a:b + 1]), a, b, words.cut_before(a),
                      words.cut_after(b, duration), words.starts[a], 100.0)


def selected_range(words: TimelineWords, duration: int, first: tuple[str, int],
                   last: tuple[str, int]) -> tuple[int, int]:
    """The timeline range [start, end) to cut for the items from `first` to `last`, each
    ("w", word index) or ("p", index of the word before the pause). Words are cut in the
    silence around them (as a spoken "delete" cuts); a pause keeps a little of itself."""
    order = {"w": 0, "p": 1}
    if (first[1], order.get(first[0], 0)) > (last[1], order.get(last[0], 0)):
        first, last = last, first  # selected backwards
    for kind, index in (first, last):
        limit = len(words) - 1 if kind == "w" else len(words) - 2
        if kind not in ("w", "p") or not 0 <= index <= limit:
            raise VoiceEditError("That selection is not in the transcript any more; "
                                 "nothing changed.")
    (first_kind, first_index), (last_kind, last_index) = first, last
    if first_kind == "w":
        start = words.cut_before(first_index)
    else:  # the pause after word `first_index`
        start = words.ends[first_index] + PAUSE_KEPT // 2
    if last_kind == "w":
        end = words.cut_after(last_index, duration)
    else:
        end = words.starts[last_index + 1] - PAUSE_KEPT // 2
    if end <= start:
        raise VoiceEditError("That selection is empty; nothing changed.")
    return start, end
