"""Answer: what changed and where we are, as short sentences spoken and printed."""
