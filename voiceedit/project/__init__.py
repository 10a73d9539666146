"""The project: its data (model.py), its file (files.py: atomic saves, the lock, checks on
what is read) and that file's JSON (encoding.py)."""

from voiceedit.project.encoding import VERSION, project_from_json, project_to_json
from voiceedit.project.files import (
    check_new_path,
    check_project,
    create_project,
    load_project,
    project_lock,
    save_project,
    stamp_of,
)
from voiceedit.project.model import Pending, Project, Source, make_source, verbosity_levels

__all__ = [
    "VERSION", "Pending", "Project", "Source", "check_new_path", "check_project", "create_project",
    "load_project", "make_source", "project_from_json", "project_lock", "project_to_json",
    "save_project", "stamp_of", "verbosity_levels",
]
