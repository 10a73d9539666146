"""Act: the timeline over untouched sources, edits as pure functions, undo history."""
