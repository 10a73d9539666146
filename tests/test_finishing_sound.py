"""Finishing the sound (issue 19): loudness measured and normalized, audio descriptions placed
in the pauses, mixed over the lowered programme, and exported as WebVTT descriptions.

Media are made here with ffmpeg: a quiet speech clip (the sample's first 12 s at -20 dB)
and a steady 12 kHz tone whose level shows the ducking exactly. Every loudness figure is
checked against ffmpeg's own `ebur128` meter run directly on the file.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import replace
from pathlib import Path

import av
import numpy as np
import pytest
import webvtt

from voiceedit.actions.output import render_project
from voiceedit.actions.state import EditorState
from voiceedit.dialogue import run_action
from voiceedit.interchange.captions import timestamp
from voiceedit.media.ffmpeg import ffmpeg_path
from voiceedit.media.probe import probe
from voiceedit.project import Project, Source, load_project, save_project
from voiceedit.spoken_time import speakable
from voiceedit.timeline.finishing import LoudnessTarget, Pause, nearest_pause, pauses
from voiceedit.timeline.layers import Layers
from voiceedit.timeline.model import Clip, Timeline
from voiceedit.timeline.transcript import Transcript, Word
from voiceedit.understand.command import Command

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
# The programme of the tone clip: above everything the Piper voice makes (it speaks at
# 22.05 kHz, so nothing above 11 kHz), so the two are measured apart in the mix.
TONE = 12_000
# The tone clip's "speech": words filling 0-3 s, 5.5-8 s and 10.5-12 s, so the pauses are
# 3.0-5.5 s and 8.0-10.5 s.
TONE_WORDS = tuple(Word(text, start, start + 450) for text, start in (
    ("one", 0), ("two", 500), ("three", 1000), ("four", 1500), ("five", 2000), ("six", 2550),
    ("seven", 5500), ("eight", 6000), ("nine", 6500), ("ten", 7000), ("eleven", 7550),
    ("twelve", 10500), ("done.", 11550)))


def ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_path(), "-v", "error", *args, "-y"], check=True)


def ebur128(path: Path, stream: str = "0:a:0") -> tuple[float, float]:
    """Integrated LUFS and true peak dBTP of `path`, by ffmpeg's meter directly."""
    log = subprocess.run([ffmpeg_path(), "-nostats", "-i", str(path), "-map", stream, "-af",
                          "ebur128=peak=true:framelog=quiet", "-f", "null", "-"],
                         capture_output=True, text=True).stderr
    found = re.search(r"I:\s+(-?[\d.]+) LUFS.*Peak:\s+(-?[\d.]+|-inf)", log, re.S)
    return float(found[1]), float(found[2])


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("finishing")
    quiet, tone = folder / "quiet.mp4", folder / "tone.mp4"
    picture = ["-f", "lavfi", "-i", "color=c=gray:s=160x90:r=30:d=12"]
    encode = ["-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-c:a", "aac",
              "-ar", "48000", "-ac", "2", "-shortest"]
    ffmpeg(*picture, "-t", "12", "-i", str(SAMPLES / "interview.mp4"), "-map", "0:v",
           "-map", "1:a", "-af", "volume=0.1", *encode, str(quiet))
    ffmpeg(*picture, "-f", "lavfi", "-i", f"sine=f={TONE}:d=12,volume=0.3", "-map", "0:v",
           "-map", "1:a", *encode, str(tone))
    return {"quiet": quiet, "tone": tone}


def quiet_words() -> tuple[Word, ...]:
    truth = json.loads((SAMPLES / "interview.json").read_text())
    return tuple(Word(w["text"], round(w["start"] * 1000), round(w["end"] * 1000))
                 for w in truth["words"] if w["end"] < 12)


def make_project(folder: Path, media: Path, words: tuple[Word, ...], name: str) -> Path:
    info = probe(media)
    project = Project.start((Source(info, Transcript(info.path, info.duration, words)),))
    path = folder / f"{name}.voiceedit"
    save_project(path, project)
    return path


def do(project: Path, text: str, voiceedit_cli) -> str:
    done = voiceedit_cli("do", str(project), text)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return done.stdout.strip()


# ---------------------------------------------------------------- pure placement


def test_pauses_are_the_gaps_between_words_and_the_nearest_is_chosen():
    found = pauses([0, 500, 5500], [450, 3000, 8000], 12000)
    assert found == [Pause(3000, 5500), Pause(8000, 12000)]  # 50 ms breath is no pause
    assert nearest_pause(found, 4000) == Pause(3000, 5500)
    assert nearest_pause(found, 7000) == Pause(8000, 12000)  # 1 s away, the other 1.5 s
    assert nearest_pause([], 0) is None


# ---------------------------------------------------------------- loudness


def test_how_loud_is_it_agrees_with_ffmpeg_ebur128(clips, tmp_path):
    path = make_project(tmp_path, clips["quiet"], quiet_words(), "quiet")
    lufs, peak = ebur128(clips["quiet"])
    said = run_action(EditorState(load_project(path), path), Command("loudness")).message
    found = re.fullmatch(r"The edit is (-[\d.]+) LUFS, true peak (-[\d.]+) dBTP\.", said)
    assert found, said
    assert abs(float(found[1]) - lufs) <= 0.1 and abs(float(found[2]) - peak) <= 0.1
    assert -40 < lufs < -37  # the sample at -20 dB: quiet indeed
    assert speakable(said).startswith("The edit is minus thirty-")
    assert "true peak minus twenty-" in speakable(said)


def test_normalize_loudness_is_a_setting_on_disk_undone_like_an_edit(clips, tmp_path,
                                                                     voiceedit_cli):
    path = make_project(tmp_path, clips["quiet"], quiet_words(), "setting")
    assert do(path, "normalize loudness to minus 23 LUFS", voiceedit_cli) == (
        "Renders will normalize loudness to -23 LUFS, true peak at most -1.5 dBTP.")
    assert load_project(path).layers.loudness == (LoudnessTarget(-23.0, -1.5),)
    stored = json.loads(path.read_text())["layers"]
    assert stored == {"loudness": [{"lufs": -23.0, "true_peak": -1.5}]}
    assert do(path, "undo that", voiceedit_cli) == "Undid: normalize loudness to -23 LUFS."
    assert load_project(path).layers == Layers()
    assert do(path, "normalize the loudness", voiceedit_cli).startswith(
        "Renders will normalize loudness to -16 LUFS")
    assert load_project(path).layers.loudness == (LoudnessTarget(-16.0, -1.5),)
    assert do(path, "turn off loudness normalization", voiceedit_cli) == (
        "Loudness normalization is off; renders keep the sound's own level.")
    assert load_project(path).layers.loudness == ()
    bad = voiceedit_cli("do", str(path), "normalize loudness to 90 LUFS")
    assert (bad.returncode, bad.stdout + bad.stderr) == (
        1, "Say a loudness between -40 and -5 LUFS; nothing changed.\n")
    assert load_project(path).layers.loudness == ()


def test_nothing_to_measure_is_one_sentence(clips, tmp_path, voiceedit_cli):
    mute = tmp_path / "mute.mp4"
    ffmpeg("-f", "lavfi", "-i", "color=c=gray:s=160x90:r=30:d=2", "-c:v", "libx264",
           "-preset", "ultrafast", str(mute))
    path = make_project(tmp_path, mute, (), "mute")
    before = path.read_text()
    done = voiceedit_cli("do", str(path), "how loud is it")
    assert (done.returncode, done.stdout + done.stderr) == (
        1, "There is no sound in this edit to measure.\n")
    assert json.loads(path.read_text())["layers"] == json.loads(before).get("layers", {})


@pytest.mark.slow
@pytest.mark.parametrize("smart", [False, True], ids=["filter-graph", "smart"])
def test_a_render_is_normalized_to_the_target(clips, tmp_path, smart):
    path = make_project(tmp_path, clips["quiet"], quiet_words(), "loud")
    project = load_project(path)
    project = replace(project, layers=Layers(loudness=(LoudnessTarget(),)))
    out = tmp_path / "loud.mp4"
    result = render_project(project, out, smart=smart, project_path=path)
    assert "normalized to -16 LUFS" in result.message
    if smart:
        assert "copying" in result.message  # the picture was copied, the sound finished
    lufs, peak = ebur128(out)
    assert abs(lufs - -16) <= 1, lufs
    assert peak <= -1.5, peak  # after AAC's overshoot too
    assert abs(probe(out).duration - 12000) <= 40


def test_a_normalized_sound_only_render_keeps_its_exact_length(clips, tmp_path):
    """loudnorm's own timestamps once made an 8.56 s .m4a come out 8.60 s long."""
    path = make_project(tmp_path, clips["quiet"], quiet_words(), "short")
    project = load_project(path)
    timeline = Timeline((Clip(project.sources[0].path, 0, 8560),))
    project = replace(project, timeline=timeline, layers=Layers(loudness=(LoudnessTarget(),)))
    result = render_project(project, tmp_path / "short.m4a", project_path=path)
    assert result.message == "Rendered 8.6 s to short.m4a, normalized to -16 LUFS."
    assert probe(tmp_path / "short.m4a").duration == 8560


# ---------------------------------------------------------------- audio description


@pytest.fixture(scope="module")
def described(clips, tmp_path_factory):
    """The tone project with two descriptions, one too long for its pause."""
    folder = tmp_path_factory.mktemp("described")
    path = make_project(folder, clips["tone"], TONE_WORDS, "tone")
    state = EditorState(load_project(path), path)
    state = replace(state, project=replace(state.project, playhead=4000))
    first = run_action(state, Command("describe", {"text": "A red door opens."}))
    moved = first.state.with_project(playhead=9000)
    second = run_action(moved, Command("describe", {"text": (
        "The camera follows her down a long corridor lined with old photographs of the "
        "harbour.")}))
    save_project(path, second.state.project)
    return path, first.message, second.message


def test_a_description_goes_in_the_nearest_pause_and_warns_when_too_long(described):
    path, first, second = described
    said = re.fullmatch(r"Added description 1 at 3\.2 s, ([\d.]+) s long\.", first)
    assert said, first
    warned = re.fullmatch(r"Added description 2 at 8\.2 s, ([\d.]+) s long\. The description "
                          r"is \1 s; the pause is 2\.3 s, so it overlaps the speech\.", second)
    assert warned, second
    stored = load_project(path).layers.descriptions
    assert [(d.anchor.time, d.text[:10]) for d in stored] == [(3200, "A red door"),
                                                             (8200, "The camera")]
    assert 0.8 < stored[0].duration / 1000 < 2.3 < stored[1].duration / 1000
    on_disk = json.loads(path.read_text())["layers"]["descriptions"]
    assert on_disk[0] == {"at": [0, 3200], "text": "A red door opens.",
                          "duration": stored[0].duration}


def test_descriptions_are_listed_removed_and_undone(described, tmp_path, voiceedit_cli):
    path = tmp_path / "copy.voiceedit"
    path.write_text(described[0].read_text())
    listed = do(path, "list the descriptions", voiceedit_cli)
    assert re.fullmatch(r"2 descriptions\. 1, at 3\.2 s, [\d.]+ s: A red door opens\. "
                        r"2, at 8\.2 s, [\d.]+ s: The camera follows .* harbour\.", listed), listed
    assert do(path, "remove description one", voiceedit_cli) == (
        "Removed description 1, 'A red door opens.'.")
    assert [d.text for d in load_project(path).layers.descriptions] == [
        load_project(described[0]).layers.descriptions[1].text]
    assert do(path, "undo that", voiceedit_cli) == (
        "Undid: removed description 'A red door opens.'.")
    assert len(load_project(path).layers.descriptions) == 2
    bad = voiceedit_cli("do", str(path), "remove description five")
    assert (bad.returncode, bad.stdout + bad.stderr) == (
        1, "There is no description 5; there are 2 descriptions.\n")


def test_describe_by_voice_phrase_is_stored(clips, tmp_path, voiceedit_cli):
    path = make_project(tmp_path, clips["tone"], TONE_WORDS, "spoken")
    said = do(path, "describe here: Rain on the window.", voiceedit_cli)
    assert said.startswith("Added description 1 at 3.2 s, ")  # playhead 0: the first pause
    assert [d.text for d in load_project(path).layers.descriptions] == ["Rain on the window"]


def test_the_descriptions_export_as_webvtt(described, tmp_path, voiceedit_cli):
    path = described[0]
    items = load_project(path).layers.descriptions
    out = tmp_path / "tone.descriptions.vtt"
    done = voiceedit_cli("export", str(path), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"Exported 2 descriptions, 12.0 s, to {out.name}.\n"
    text = out.read_text()
    assert text.startswith("WEBVTT\nKind: descriptions\n\n1\n00:00:03.200 --> ")
    cues = webvtt.read(str(out))
    assert [(c.start, c.text) for c in cues] == [("00:00:03.200", "A red door opens."),
                                                 ("00:00:08.200", items[1].text)]
    assert cues[0].end == timestamp(3200 + items[0].duration, ".")


def test_no_descriptions_to_export_is_one_sentence(clips, tmp_path, voiceedit_cli):
    path = make_project(tmp_path, clips["tone"], TONE_WORDS, "bare")
    done = voiceedit_cli("export", str(path), "-o", str(tmp_path / "x.descriptions.vtt"))
    assert (done.returncode, done.stderr) == (
        1, "There are no audio descriptions in this edit; say describe here and the words "
           "first.\n")
    assert not (tmp_path / "x.descriptions.vtt").exists()


def decoded(path: Path, stream: int) -> np.ndarray:
    """Sound stream `stream` of `path`, mono float at 48 kHz."""
    with av.open(str(path)) as container:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=48000)
        chunks = [frame.to_ndarray().reshape(-1)
                  for packet in container.demux(container.streams.audio[stream])
                  for raw in packet.decode() for frame in resampler.resample(raw)]
    return np.concatenate(chunks)


def tone_and_rest(audio: np.ndarray, start: float, end: float) -> tuple[float, float]:
    """The tone's level and the level of everything below 11 kHz (speech), between `start`
    and `end` seconds."""
    piece = audio[int(start * 48000):int(end * 48000)]
    spectrum = np.fft.rfft(piece * np.hanning(len(piece)))
    freqs = np.fft.rfftfreq(len(piece), 1 / 48000)
    near = np.abs(freqs - TONE) < 20
    energy = np.abs(spectrum) ** 2
    return float(np.sqrt(energy[near].sum())), float(np.sqrt(energy[freqs < 11_000].sum()))


@pytest.mark.slow
def test_the_described_mix_lowers_the_programme_under_each_description(described, tmp_path):
    path = described[0]
    project = load_project(path)
    out = tmp_path / "described.mp4"
    result = render_project(project, out, project_path=path)
    assert result.message == ("Rendered 12.0 s to described.mp4, with an audio description "
                              "track (2 descriptions).")
    streams = json.loads(subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-of", "json", str(out)],
        capture_output=True, text=True).stdout)["streams"]
    sound = [s for s in streams if s["codec_type"] == "audio"]
    assert [s["tags"].get("handler_name") for s in sound] == ["SoundHandler",
                                                             "Audio description"]
    plain_out = tmp_path / "plain.mp4"
    render_project(replace(project, layers=Layers()), plain_out, project_path=path)
    normal, mix, plain = decoded(out, 0), decoded(out, 1), decoded(plain_out, 0)
    # The normal track is the plain render's sound.
    assert np.abs(normal[:len(plain)] - plain[:len(normal)]).max() < 0.02
    for item in project.layers.descriptions:
        start = item.anchor.time / 1000
        end = min(start + item.duration / 1000, 11.9)
        tone_normal, rest_normal = tone_and_rest(normal, start + 0.3, end)
        tone_mix, rest_mix = tone_and_rest(mix, start + 0.3, end)
        assert 0.2 < tone_mix / tone_normal < 0.3  # the programme down 12 dB
        assert rest_mix > 20 * rest_normal  # the description's voice is there
    calm_normal, _ = tone_and_rest(normal, 0.5, 2.5)
    calm_mix, calm_rest = tone_and_rest(mix, 0.5, 2.5)
    assert 0.97 < calm_mix / calm_normal < 1.03  # away from them, the programme as it was


@pytest.mark.slow
def test_whisper_hears_the_description_in_the_described_track(described, tmp_path):
    """The described track, taken out on its own, is heard by the real tiny.en model: the
    first description's words, where it was placed."""
    from voiceedit.hear.transcribe import transcribe

    path = described[0]
    project = load_project(path)
    project = replace(project, layers=replace(project.layers,
                                              descriptions=project.layers.descriptions[:1]))
    out = tmp_path / "heard.mp4"
    render_project(project, out, project_path=path)
    track = tmp_path / "described-track.wav"
    ffmpeg("-i", str(out), "-map", "0:a:1", str(track))
    words = transcribe(track, use_cache=False).words
    heard = [w for w in words if "door" in w.text.lower()]
    assert heard, [w.text for w in words]
    assert 3200 <= heard[0].start <= 3200 + project.layers.descriptions[0].duration


def audio_handlers(path: Path) -> list[str]:
    streams = json.loads(subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-of", "json", str(path)],
        capture_output=True, text=True).stdout)["streams"]
    return [s["tags"].get("handler_name", "") for s in streams if s["codec_type"] == "audio"]


@pytest.mark.slow
def test_smart_render_carries_both_tracks_and_the_described_option_one(described, tmp_path,
                                                                       voiceedit_cli):
    path = tmp_path / "both.voiceedit"
    path.write_text(described[0].read_text())
    assert do(path, "normalize loudness", voiceedit_cli).startswith("Renders will")
    smart = voiceedit_cli("render", str(path), "--smart", "-o", str(tmp_path / "smart.mp4"))
    assert smart.returncode == 0, smart.stderr
    assert smart.stdout.startswith("Rendered 12.0 s to smart.mp4, normalized to -16 LUFS, "
                                   "with an audio description track (2 descriptions), copying")
    assert audio_handlers(tmp_path / "smart.mp4") == ["SoundHandler", "Audio description"]
    lufs, peak = ebur128(tmp_path / "smart.mp4")
    assert abs(lufs - -16) <= 1 and peak <= -1.5
    assert ebur128(tmp_path / "smart.mp4", "0:a:1")[1] <= -1.5  # the voice over it, too
    only = voiceedit_cli("render", str(path), "--described", "-o", str(tmp_path / "only.m4a"))
    assert only.stdout == ("Rendered 12.0 s to only.m4a, normalized to -16 LUFS, the "
                           "described mix only (2 descriptions).\n"), only.stderr
    assert audio_handlers(tmp_path / "only.m4a") == ["Audio description"]
    mix = decoded(tmp_path / "only.m4a", 0)
    assert tone_and_rest(mix, 3.5, 4.4)[0] < 0.3 * tone_and_rest(mix, 0.5, 1.4)[0]
    wav = voiceedit_cli("render", str(path), "-o", str(tmp_path / "one.wav"))
    assert wav.stdout == ("Rendered 12.0 s to one.wav, normalized to -16 LUFS. The "
                          "descriptions are not in one.wav, which holds one sound track; "
                          "render with --described for the described mix.\n"), wav.stderr
    moviepy = voiceedit_cli("render", str(path), "--engine", "moviepy", "-o",
                            str(tmp_path / "m.mp4"))
    assert moviepy.stdout == (
        "moviepy can't normalize loudness or mix in descriptions, so ffmpeg rendered it. "
        "Rendered 12.0 s to m.mp4, normalized to -16 LUFS, with an audio description track "
        "(2 descriptions).\n"), moviepy.stderr
    assert audio_handlers(tmp_path / "m.mp4") == ["SoundHandler", "Audio description"]


@pytest.mark.slow
def test_descriptions_and_a_cutaway_render_together(described, clips, tmp_path):
    """The description WAVs come after the cutaway's input in the same ffmpeg run."""
    from voiceedit.timeline.cutaways import Cutaway
    from voiceedit.timeline.layers import Anchor

    path = described[0]
    project = load_project(path)
    broll = probe(clips["quiet"])
    project = project.with_source(Source(broll, Transcript(broll.path, broll.duration, ())))
    project = replace(project, timeline=load_project(path).timeline, layers=replace(
        project.layers, cutaways=(Cutaway(Anchor(str(clips["tone"]), 1000),
                                          Anchor(str(clips["tone"]), 5000), broll.path),)))
    out = tmp_path / "both.mp4"
    result = render_project(project, out, project_path=path)
    assert result.message == ("Rendered 12.0 s to both.mp4, with 1 cutaway, with an audio "
                              "description track (2 descriptions).")
    assert audio_handlers(out) == ["SoundHandler", "Audio description"]
    normal, mix = decoded(out, 0), decoded(out, 1)
    first = project.layers.descriptions[0]
    start, end = 3.5, 3.2 + first.duration / 1000
    assert 0.2 < tone_and_rest(mix, start, end)[0] / tone_and_rest(normal, start, end)[0] < 0.3


@pytest.mark.slow
def test_descriptions_and_chapters_render_together(described, clips, tmp_path):
    """The chapters' metadata input comes after the descriptions' WAVs in the same run."""
    from voiceedit.timeline.layers import Anchor, Marker

    path = described[0]
    project = load_project(path)
    source = project.timeline.clips[0].source
    chapters = (Marker(Anchor(source, 0), "Start", "chapter"),
                Marker(Anchor(source, 6000), "Second half", "chapter"))
    project = replace(project, layers=replace(project.layers, markers=chapters))
    out = tmp_path / "chaptered.mp4"
    result = render_project(project, out, project_path=path)
    assert "with an audio description track (2 descriptions)" in result.message
    assert audio_handlers(out) == ["SoundHandler", "Audio description"]
    found = json.loads(subprocess.run(
        ["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(out)],
        capture_output=True, text=True).stdout)["chapters"]
    assert [(round(float(c["start_time"]), 1), c["tags"]["title"]) for c in found] == [
        (0.0, "Start"), (6.0, "Second half")]
