"""The browser editor (`voiceedit serve`): a surface over the same core as the terminal."""
