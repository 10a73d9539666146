"""The built wheel carries the command language: the grammar and list files are package data,
so an installed voiceedit (not only a checkout) understands and explains its commands."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIPPED_FOLDERS = {"build", "dist", "node_modules", "__pycache__"}


def _language_files() -> set[str]:
    """Every .grammar and .list file of the repository, relative to its root."""
    found = set()
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [
            name for name in subfolders if not name.startswith(".") and name not in SKIPPED_FOLDERS
        ]
        for name in files:
            if name.endswith((".grammar", ".list")):
                found.add(Path(folder, name).relative_to(ROOT).as_posix())
    return found


def _run(command: list[str], **options) -> subprocess.CompletedProcess:
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, **options)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_the_wheel_ships_the_grammar_and_its_help_works(tmp_path: Path) -> None:
    # Built from a copy of what the build reads, so no build/ or egg-info lands in the checkout.
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "voiceedit", source / "voiceedit", ignore=shutil.ignore_patterns("__pycache__")
    )
    # The installed setuptools builds it when there is one: no download needed.
    offline = ["--no-build-isolation"] if importlib.util.find_spec("setuptools") else []
    wheels = tmp_path / "wheels"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    _run([*pip, "wheel", "--no-deps", *offline, ".", "-w", str(wheels)], cwd=source)
    (wheel,) = wheels.glob("voiceedit-*.whl")

    shipped = set(zipfile.ZipFile(wheel).namelist())
    expected = _language_files()
    assert expected and all(path.startswith("voiceedit/grammars/") for path in expected)
    assert expected <= shipped
    assert "voiceedit/grammars/README.md" in shipped

    target = tmp_path / "target"
    _run([*pip, "install", "--no-deps", "--target", str(target), str(wheel)])
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {key: value for key, value in os.environ.items() if key != "VOICEEDIT_GRAMMARS"}
    env["PYTHONPATH"] = str(target)
    where = _run(
        [sys.executable, "-c", "import voiceedit; print(voiceedit.__file__)"],
        cwd=elsewhere, env=env,
    ).stdout.strip()
    assert Path(where).resolve().is_relative_to(target.resolve())
    shown = _run([sys.executable, "-m", "voiceedit", "help"], cwd=elsewhere, env=env).stdout
    assert "undo" in shown
    assert "delete" in shown
