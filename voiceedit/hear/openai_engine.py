"""The second engine: plain openai-whisper (PyTorch), fed the bundled CTranslate2 weights.

`whisper.load_model("tiny.en")` would download its checkpoint, which cannot happen here. The
bundled faster-whisper models hold the same float16 tensors, so `ct2_weights` renames them into
openai-whisper's state dict and we build `whisper.model.Whisper` from it: the model sizes come
from the tensor shapes and head counts in model.bin, the alignment heads that word timestamps
need from the model's config.json. The built model is kept for the life of the process, and
the converted checkpoint is cached on disk in openai-whisper's own layout, so later processes
load it instead of converting again.

The tokenizer's vocabularies (gpt2.tiktoken, multilingual.tiktoken) ship inside the whisper
package and are read from disk, so nothing reaches the network.

Decoding matches the faster-whisper engine so the two can be compared: greedy (one beam, no
sampling), temperature 0 only (no fallback re-decoding), English, word timestamps, and no
conditioning on the previous window's text (it makes repeated takes loop).
"""

from __future__ import annotations

import base64
import contextlib
import functools
import gzip
import hashlib
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from voiceedit.errors import VoiceEditError
from voiceedit.hear.ct2_weights import read_ct2_variables, to_openai_state_dict
from voiceedit.hear.models import ModelInfo, cache_dir
from voiceedit.timeline.transcript import Segment, Word

if TYPE_CHECKING:
    import whisper.model


DEVICES = ("auto", "cpu", "cuda")


def pick_device(wanted: str = "auto") -> str:
    """ "cpu" or "cuda": "auto" takes CUDA only when PyTorch sees a GPU; "cuda" without one
    is a plain sentence, not a CUDA traceback halfway through a job."""
    if wanted not in DEVICES:
        raise VoiceEditError(f"Unknown device {wanted}. Use {', '.join(DEVICES)}.")
    if wanted == "cpu":
        return "cpu"
    try:
        import torch
    except ImportError:
        available = False
    else:
        available = bool(torch.cuda.is_available())
    if wanted == "cuda" and not available:
        raise VoiceEditError("There is no CUDA GPU here that PyTorch can use; "
                             "use --device cpu.")
    return "cuda" if available else "cpu"


@functools.lru_cache(maxsize=2)
def load_openai_whisper(model: ModelInfo, device: str = "cpu") -> whisper.model.Whisper:
    """An openai-whisper model built from a CTranslate2 Whisper model folder, on `device`
    (kept for the life of the process). The weights stay float32 as whisper.load_model keeps
    them; fp16 decoding casts them per layer."""
    network = _build(model)
    # .to() moves the module itself: the GPU copy is built apart from the cached CPU one.
    return network if device == "cpu" else network.to(device)


def _build(model: ModelInfo) -> whisper.model.Whisper:
    try:
        import torch
        import whisper.model
    except ImportError as error:
        raise VoiceEditError(
            "The openai-whisper engine is not installed. "
            "Run make setup, which installs it without its CUDA-only parts."
        ) from error

    checkpoint = checkpoint_path(model)
    if checkpoint.is_file():
        try:
            network = whisper.load_model(str(checkpoint), device="cpu")
        except Exception:  # a damaged cache file is simply converted again
            checkpoint.unlink(missing_ok=True)
            return _build(model)
    else:
        variables = read_ct2_variables(model.path / "model.bin")
        state = {name: torch.from_numpy(value) for name, value in
                 to_openai_state_dict(variables).items()}
        dims = whisper.model.ModelDimensions(**model_dimensions(variables))
        network = whisper.model.Whisper(dims)
        network.load_state_dict(state)
        _save_checkpoint(checkpoint, dims, state)
    dims = network.dims
    network.set_alignment_heads(_alignment_heads_dump(model, dims.n_text_layer, dims.n_text_head))
    return network.eval()


FINGERPRINT_BYTES = 1 << 20  # read from each end of model.bin to tell one model from another


def checkpoint_path(model: ModelInfo) -> Path:
    """Where the converted checkpoint is cached: named for the CTranslate2 file's size and a
    digest of its two ends (a model retrained or requantised differs there), so another model
    file is converted anew, while the same one installed anew (a fresh virtual environment, a
    new file time) is not, and leaves no second copy of 150 MB behind."""
    source = model.path / "model.bin"
    size = source.stat().st_size
    digest = hashlib.sha256(str(size).encode())
    with source.open("rb") as weights:
        digest.update(weights.read(FINGERPRINT_BYTES))
        weights.seek(max(0, size - FINGERPRINT_BYTES))
        digest.update(weights.read(FINGERPRINT_BYTES))
    return cache_dir() / "models" / f"openai-whisper-{model.name}-{digest.hexdigest()[:16]}.pt"


def _save_checkpoint(path: Path, dims, state: dict) -> None:
    """openai-whisper's own checkpoint layout ({"dims", "model_state_dict"}), written once
    (a temp file of this process's own, then renamed: two processes converting at once never
    rename each other's half-written file) so later processes load it with
    whisper.load_model."""
    import dataclasses
    import tempfile

    import torch

    partial: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=path.stem + ".", suffix=".partial",
                                        dir=path.parent)
        os.close(handle)
        partial = Path(name)
        torch.save({"dims": dataclasses.asdict(dims), "model_state_dict": state}, partial)
        partial.replace(path)
        partial = None
        for stale in _earlier_checkpoints(path):
            stale.unlink(missing_ok=True)
    except (OSError, RuntimeError):
        pass  # no cache (read-only home, a full disk): correct, only converted again next time
    finally:
        if partial is not None:
            partial.unlink(missing_ok=True)


PARTIAL_KEPT_S = 3600  # a half-written checkpoint older than this was left by a killed process


def _earlier_checkpoints(path: Path) -> list[Path]:
    """The same model's conversions cached by earlier versions under its file's size and
    time (one was left at each fresh install), and half-written ones a killed process left.
    (A conversion of another file of the same name is kept: two installs may use both.)"""
    prefix = path.stem.rsplit("-", 1)[0] + "-"
    now = time.time()

    def earlier(other: Path) -> bool:
        if other.suffix == ".partial":
            return _age(other, now) > PARTIAL_KEPT_S
        return other.suffix == ".pt" and bool(
            re.fullmatch(r"\d+-\d{10,}", other.stem[len(prefix):]))

    return [other for other in path.parent.iterdir()
            if other.name.startswith(prefix) and earlier(other)]


def _age(path: Path, now: float) -> float:
    try:
        return now - path.stat().st_mtime
    except OSError:
        return 0.0  # gone meanwhile


def model_dimensions(variables: dict[str, np.ndarray]) -> dict[str, int]:
    """openai-whisper's ModelDimensions fields, read off the tensors themselves."""
    conv1 = variables["encoder/conv1/weight"]  # (audio state, mels, kernel)
    audio_positions = variables["encoder/position_encodings/encodings"]
    text_positions = variables["decoder/position_encodings/encodings"]
    return {
        "n_mels": conv1.shape[1],
        "n_audio_ctx": audio_positions.shape[0],
        "n_audio_state": audio_positions.shape[1],
        "n_audio_head": int(variables["encoder/num_heads"]),
        "n_audio_layer": _count_layers(variables, "encoder"),
        "n_vocab": variables["decoder/embeddings/weight"].shape[0],
        "n_text_ctx": text_positions.shape[0],
        "n_text_state": text_positions.shape[1],
        "n_text_head": int(variables["decoder/num_heads"]),
        "n_text_layer": _count_layers(variables, "decoder"),
    }


def transcribe_openai(
    model_info: ModelInfo,
    audio: np.ndarray,
    initial_prompt: str | None = None,
    language: str | None = "en",
    progress: bool = False,
    device: str = "cpu",
) -> list[Segment]:
    """Segments with word timings (ms) for 16 kHz mono float32 audio, decoded by openai-whisper.

    `progress` shows whisper's own progress bar (in audio frames) on stderr.
    """
    import whisper

    model = load_openai_whisper(model_info, device)
    # verbose=None prints nothing; False shows the bar (and a detected language, kept off stdout).
    with contextlib.redirect_stdout(sys.stderr):
        result = whisper.transcribe(
            model,
            np.ascontiguousarray(audio, dtype=np.float32),
            verbose=False if progress else None,
            temperature=0.0,
            beam_size=None,  # greedy, as faster-whisper with beam_size=1
            best_of=None,
            language="en" if model_info.english_only else language,
            initial_prompt=initial_prompt,
            condition_on_previous_text=False,
            word_timestamps=True,
            fp16=device == "cuda",
        )
    return [_segment(segment) for segment in result["segments"]]


def _segment(segment: dict) -> Segment:
    words = tuple(
        Word(
            text=word["word"].strip(),
            start=_ms(word["start"]),
            end=_ms(word["end"]),
            probability=float(word["probability"]),
        )
        for word in segment.get("words", [])
        if word["word"].strip()
    )
    return Segment(segment["text"].strip(), _ms(segment["start"]), _ms(segment["end"]), words)


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def _count_layers(variables: dict[str, np.ndarray], stack: str) -> int:
    pattern = re.compile(rf"{stack}/layer_(\d+)/")
    return 1 + max(int(m.group(1)) for name in variables if (m := pattern.match(name)))


def _alignment_heads_dump(model: ModelInfo, layers: int, heads: int) -> bytes:
    """The (layer, head) pairs from config.json in set_alignment_heads' packed form."""
    config = json.loads((model.path / "config.json").read_text())
    mask = np.zeros((layers, heads), dtype=bool)
    # CTranslate2's own default when a checkpoint names none: every head of the upper half.
    for layer, head in config.get("alignment_heads") or _upper_half(layers, heads):
        mask[layer, head] = True
    return base64.b85encode(gzip.compress(mask.tobytes()))


def _upper_half(layers: int, heads: int) -> list[tuple[int, int]]:
    return [(layer, head) for layer in range(layers // 2, layers) for head in range(heads)]
