"""Understand: the grammar as data, spoken numbers and times, matching text to commands."""
