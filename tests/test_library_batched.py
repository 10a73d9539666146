"""The GPU path on the CPU: device selection, and batched decoding of speech windows from
several files giving what the windows decoded one by one give. (No GPU here: the GPU's own
figure is measured elsewhere; see bench/RESULTS.md.)"""

from __future__ import annotations

import numpy as np
import pytest
import soundfile

from voiceedit.errors import VoiceEditError
from voiceedit.hear.openai_engine import pick_device

TEXTS = ["She explains the lighting with three soft boxes and a reflector.",
         "Our budget for the second season is smaller."]


def test_auto_takes_the_cpu_without_a_gpu():
    import torch

    assert not torch.cuda.is_available()
    assert pick_device("auto") == "cpu"
    assert pick_device("cpu") == "cpu"


def test_auto_takes_cuda_when_pytorch_sees_a_gpu(monkeypatch):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert pick_device("auto") == "cuda"
    assert pick_device("cuda") == "cuda"


def test_cuda_without_a_gpu_is_one_sentence(voiceedit_cli, tmp_path):
    with pytest.raises(VoiceEditError, match="no CUDA GPU"):
        pick_device("cuda")
    done = voiceedit_cli("library", "add", str(tmp_path), "--engine", "openai-whisper",
                         "--device", "cuda", "--library", str(tmp_path / "lib.sqlite"))
    assert done.returncode == 1
    assert done.stderr.strip() == ("There is no CUDA GPU here that PyTorch can use; use "
                                   "--device cpu.")


@pytest.fixture(scope="module")
def two_files(tmp_path_factory):
    from spoken import spoken

    folder = tmp_path_factory.mktemp("batched")
    paths = []
    for number, text in enumerate(TEXTS):
        audio = np.concatenate([np.zeros(8000, np.float32), spoken(text)])
        paths.append(folder / f"take{number}.wav")
        soundfile.write(str(paths[-1]), audio, 16000, subtype="PCM_16")
    (folder / "broken.wav").write_bytes(b"RIFF" + bytes(200))
    return paths, folder / "broken.wav"


@pytest.mark.slow
def test_a_batch_decodes_as_the_windows_one_by_one(two_files):
    from voiceedit.hear.batched import decode_windows, speech_windows
    from voiceedit.hear.models import resolve_model
    from voiceedit.hear.openai_engine import load_openai_whisper
    from voiceedit.hear.transcribe import load_audio

    model = load_openai_whisper(resolve_model("tiny.en"))
    pieces = []
    for path in two_files[0]:
        audio = load_audio(path)
        pieces += [audio[start:end] for start, end in speech_windows(audio)]
    assert len(pieces) == 2
    together = decode_windows(model, pieces, "en", "cpu", batch=2)
    alone = decode_windows(model, pieces, "en", "cpu", batch=1)
    assert [r.tokens for r in together] == [r.tokens for r in alone]
    assert [r.text for r in together] == TEXTS


@pytest.mark.slow
def test_batched_transcripts_have_timed_words_and_name_a_broken_file(two_files):
    from voiceedit.hear.batched import transcribe_batched

    paths, broken = two_files
    lighting, money, failed = transcribe_batched([str(p) for p in [*paths, broken]],
                                                 batch=2)
    assert lighting.text == TEXTS[0] and money.text == TEXTS[1]
    assert lighting.engine == "openai-whisper"
    # Half a second of silence, then Piper's own short lead-in: the first word starts there.
    assert 450 <= lighting.words[0].start <= 900
    words = lighting.words
    assert all(a.end <= b.start + 50 for a, b in zip(words, words[1:], strict=False))
    assert [s.text for s in money.segments] == [TEXTS[1]]
    assert isinstance(failed, VoiceEditError) and "broken.wav" in str(failed)
