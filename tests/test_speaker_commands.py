"""The speaker commands through the Editor with the project on disk, on a transcript whose
speakers are given: who is speaking, naming (undoable), going from turn to turn, deleting
what one person says; and speakers in the readback, the captions, the clip names, the
browser's paragraphs and the project file (old files still open)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from voiceedit.actions.state import EditorState
from voiceedit.core import Editor
from voiceedit.interchange.captions import caption_cues, kept_words, write_srt, write_vtt
from voiceedit.interchange.export import speaker_clip_names
from voiceedit.media.probe import MediaInfo
from voiceedit.project import Project, Source, load_project, save_project
from voiceedit.project.encoding import transcript_from_json, transcript_to_json
from voiceedit.timeline.edits import delete_range
from voiceedit.timeline.speaker_names import SpeakerName
from voiceedit.timeline.transcript import Transcript, Word
from voiceedit.web.document import speaker_paragraphs

MEDIA = "/media/talk.mp4"
# (speaker, sentence): four turns, words 300 ms long and 200 ms apart from 500 ms.
SCRIPT = [
    (1, "Hello there, I am Anna."),
    (2, "Hi Anna, I am Bob."),
    (1, "Nice to meet you Bob."),
    (2, "Likewise, thanks a lot."),
    (1, "Goodbye now everyone."),
]


def talk() -> Transcript:
    words, time = [], 500
    for speaker, sentence in SCRIPT:
        for token in sentence.split():
            words.append(Word(token, time, time + 300, 1.0, speaker))
            time += 500
    return Transcript(MEDIA, time + 500, tuple(words))


def make_project(path: Path) -> Path:
    transcript = talk()
    source = Source(MediaInfo(MEDIA, transcript.duration, True, True), transcript)
    save_project(path, Project.start((source,)))
    return path


@pytest.fixture
def editor(tmp_path) -> Editor:
    return Editor.open(make_project(tmp_path / "talk.voiceedit"))


def said(editor: Editor, command: str) -> str:
    return editor.handle(command).message


def test_who_is_speaking_and_naming_a_speaker_is_one_undo_step(editor):
    assert said(editor, "who is speaking") == "Nobody right here; next, Speaker 1 at 0.5 s."
    assert said(editor, "go to 3 seconds") == (
        "At 3.0 s of 12.0 s, Speaker 2: 'Hi Anna, I am Bob. Nice'.")
    assert said(editor, "who is speaking") == "Speaker 2, since 3.0 s."
    assert said(editor, "call speaker two bob") == "Speaker 2 is now Bob."
    assert said(editor, "who is speaking") == "Bob, since 3.0 s."
    on_disk = load_project(editor.path)
    assert on_disk.layers.speakers == (SpeakerName(MEDIA, 2, "Bob"),)
    assert json.loads(editor.path.read_text())["layers"]["speakers"] == [
        {"source": 0, "number": 2, "name": "Bob"}]
    assert said(editor, "undo that") == "Undid: called Speaker 2 Bob."
    assert load_project(editor.path).layers.speakers == ()
    assert said(editor, "who is speaking") == "Speaker 2, since 3.0 s."


def test_past_the_last_words_who_spoke_last_is_said(editor):
    said(editor, "go to the end")
    assert said(editor, "who is speaking") == (
        "Nobody after the playhead; last, Speaker 1 until 11.3 s.")


def test_the_next_and_previous_speaker_are_the_changes_of_speaker(editor):
    said(editor, "call speaker one Anna")
    assert said(editor, "go to the next speaker") == (
        "At 0.5 s of 12.0 s, Anna: 'Hello there, I am Anna. Hi'.")
    assert said(editor, "go to the next speaker").startswith("At 3.0 s of 12.0 s, Speaker 2:")
    assert said(editor, "go to the next speaker").startswith("At 5.5 s of 12.0 s, Anna:")
    assert said(editor, "go to the previous speaker").startswith("At 3.0 s of 12.0 s, Speaker 2")
    assert said(editor, "go to the previous speaker").startswith("At 0.5 s")
    assert said(editor, "go to the previous speaker") == "Nobody else speaks before this."
    said(editor, "go to the end")
    assert said(editor, "go to the next speaker") == "Nobody else speaks after this."


def test_deleting_everything_one_person_says_between_two_quotes(editor):
    said(editor, "call speaker one Anna")
    before = load_project(editor.path)
    answer = said(editor, "delete everything Anna says between hello and goodbye")
    assert answer == "Deleted 3 passages by Anna, 5.9 s. Now 6.1 s."
    words = EditorState(load_project(editor.path)).words.texts
    assert " ".join(words) == "Hi Anna, I am Bob. Likewise, thanks a lot. now everyone."
    assert said(editor, "undo that").startswith("Undid: deleted 3 passages by Anna")
    assert load_project(editor.path).timeline == before.timeline
    assert said(editor, "delete everything speaker two says between hi anna and thanks") == (
        "Deleted 2 passages by Speaker 2, 3.5 s. Now 8.5 s.")


def test_a_speaker_nobody_is_called_changes_nothing(editor):
    before = editor.path.read_text()
    assert said(editor, "delete everything Carol says between hello and goodbye") == (
        "No speaker is called Carol. Say who is speaking, or call speaker one by a name first.")
    assert said(editor, "call speaker seven Carol") == (
        "There is no speaker 7 here; I found 2 speakers in this file.")
    assert editor.path.read_text() == before


def test_the_transcript_is_read_with_each_turn_led_by_its_speaker(editor):
    said(editor, "call speaker one Anna")
    assert said(editor, "read the transcript") == (
        "Anna: Hello there, I am Anna. Speaker 2: Hi Anna, I am Bob. Anna: Nice to meet you "
        "Bob. Speaker 2: Likewise, thanks a lot. Anna: Goodbye now everyone.")


def test_captions_name_the_speaker_vtt_on_every_cue_srt_at_each_change():
    names = (SpeakerName(MEDIA, 1, "Anna"), SpeakerName(MEDIA, 2, "Bob"))
    transcript = talk()
    timeline = Project.start((Source(MediaInfo(MEDIA, transcript.duration, True, True),
                                     transcript),)).timeline
    cues = caption_cues(kept_words(timeline, [transcript]), names)
    assert [c.speaker for c in cues] == ["Anna", "Bob", "Anna", "Bob", "Anna"]
    vtt = write_vtt(cues)
    assert "00:00:00.500 --> 00:00:02.800\n<v Anna>Hello there, I am Anna.\n" in vtt
    assert "<v Bob>Hi Anna, I am Bob." in vtt
    srt = write_srt(cues)
    assert "1\n00:00:00,500 --> 00:00:02,800\nAnna: Hello there, I am Anna.\n" in srt
    # Without names given, or with one unnamed speaker, captions are as they were.
    assert "<v " not in write_vtt(caption_cues(kept_words(timeline, [transcript])))
    one = Transcript(MEDIA, transcript.duration,
                     tuple(Word(w.text, w.start, w.end, 1.0, 1) for w in transcript.words))
    assert "<v " not in write_vtt(caption_cues(kept_words(timeline, [one]), ()))


def test_a_clip_all_one_speakers_is_named_after_them():
    transcript = talk()
    timeline = Project.start((Source(MediaInfo(MEDIA, transcript.duration, True, True),
                                     transcript),)).timeline
    timeline = delete_range(timeline, 2900, 3000)  # clip 1: Anna's turn; clip 2: the rest
    names = (SpeakerName(MEDIA, 1, "Anna"),)
    assert speaker_clip_names(timeline, [transcript], names) == ("Anna", "")
    assert speaker_clip_names(timeline, [transcript], None) == ()


def test_the_browser_document_starts_a_paragraph_at_each_change_of_speaker(editor):
    said(editor, "call speaker two Bob")
    paragraphs, speakers = speaker_paragraphs(editor.state)
    assert speakers == ["Speaker 1", "Bob", "Speaker 1", "Bob", "Speaker 1"]
    first = [item["t"] for sentence in paragraphs[1] for item in sentence if item["k"] == "w"]
    assert " ".join(first) == "Hi Anna, I am Bob."


def test_words_keep_their_speaker_in_json_and_old_project_files_still_open():
    transcript = talk()
    data = transcript_to_json(transcript)
    assert data["words"][0] == ["Hello", 500, 800, 1.0, 1]
    assert transcript_from_json(data) == transcript
    old = {**data, "words": [row[:4] for row in data["words"]]}  # before speakers
    assert {w.speaker for w in transcript_from_json(old).words} == {None}
    assert transcript.to_json()["words"][5]["speaker"] == 2
    assert Transcript.from_json(transcript.to_json()).words == transcript.words
    with pytest.raises(ValueError):
        transcript_from_json({**data, "words": [["Hello", 500, 800, 1.0, "Anna"]]})


def test_a_changed_speaker_encoder_is_refused_with_one_sentence(tmp_path):
    from importlib.util import find_spec

    from voiceedit.errors import VoiceEditError
    from voiceedit.hear.models import check_bundled

    weights = Path(find_spec("resemblyzer").origin).parent / "pretrained.pt"
    check_bundled("speaker encoder", weights.parent)  # the installed one is what was shipped
    changed = bytearray(weights.read_bytes())
    changed[1000] ^= 1
    (tmp_path / "pretrained.pt").write_bytes(bytes(changed))
    with pytest.raises(VoiceEditError) as refused:
        check_bundled("speaker encoder", tmp_path)
    assert str(refused.value) == (
        "The speaker encoder (pretrained.pt) from resemblyzer does not match the checksum "
        "voiceedit ships with; reinstall it with make setup. No speakers were found.")


def test_clustering_finds_the_number_of_voices_and_bounds_its_memory(monkeypatch):
    import numpy as np

    from voiceedit.hear import diarize

    rng = np.random.default_rng(0)

    def voice(centre: np.ndarray, count: int) -> np.ndarray:
        # Embeddings of one voice: within 0.1 to 0.2 cosine distance of each other, as
        # Resemblyzer's are for one speaker (bench/RESULTS.md, "Speakers").
        points = np.abs(centre + rng.normal(scale=0.25, size=(count, 256)))
        return points / np.linalg.norm(points, axis=1, keepdims=True)

    anna, bob = np.abs(rng.normal(size=256)), np.abs(rng.normal(size=256))
    assert set(diarize.cluster(voice(anna, 60))) == {0}
    both = np.concatenate([voice(anna, 40), voice(bob, 30), voice(anna, 3)])
    labels = diarize.cluster(both)
    assert len(set(labels)) == 2 and len(set(labels[:40])) == 1 and len(set(labels[40:70])) == 1
    assert labels[70] == labels[0]
    monkeypatch.setattr(diarize, "MOST_CLUSTERED", 100)
    many = np.concatenate([voice(anna, 300), voice(bob, 300)])  # sampled, then assigned
    labels = diarize.cluster(many)
    assert len(set(labels[:300])) == 1 and len(set(labels[300:])) == 1
    assert labels[0] != labels[-1]
