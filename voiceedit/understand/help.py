"""Help, generated from the grammar files: what `voiceedit help` prints, what "what can I
say" answers aloud, and the command table in README.md.

Design: one source. Every text here is built from the loaded rules, so a new rule shows up
in all of them at once, and tests/test_help.py fails if README's table falls behind.
Help says example sentences ("delete clip two", examples.py), printed or spoken: brackets
and angle brackets are read symbol by symbol by a screen reader. The notation is printed
only when asked (`voiceedit help --grammar`), for people writing grammar files. README's
table shows both, the sentence first: a table is read cell by cell, so a screen-reader
user hears the sentence and moves on, and a grammar writer sees each rule as written.
"""

from __future__ import annotations

from pathlib import Path

from voiceedit.errors import VoiceEditError
from voiceedit.understand.examples import action_examples, sentences
from voiceedit.understand.grammar import builtin_grammar, load_grammar
from voiceedit.understand.rules import Grammar, Rule, Topic, words

README_START = "<!-- commands:start -->"
README_END = "<!-- commands:end -->"


def find_topic(name: str, grammar: Grammar | None = None) -> Topic:
    """A topic by its name or anything in its `say:` header ("cutting" is editing)."""
    grammar = grammar or load_grammar()
    wanted = tuple(words(name))
    for entry in grammar.word_list("topics").entries:
        if entry.words == wanted:
            return next(topic for topic in grammar.topics if topic.name == entry.value)
    names = ", ".join(topic.name for topic in grammar.topics)
    raise VoiceEditError(f"There is no help topic '{name}'. The topics are {names}.")


def spoken_help(topic: str | None = None, limit: int | None = None) -> str:
    """The answer to "what can I say" (topic None) or "what can I say about editing", with
    at most `limit` examples for a topic (all of them when None)."""
    grammar = load_grammar()
    if topic is None:
        names = _and([topic.name for topic in grammar.topics])
        examples = action_examples(grammar)
        starters = [examples.get(action, "") for action in _STARTERS]
        return (
            f"You can say commands about {names}. For example: "
            f"{'; '.join(filter(None, starters))}. "
            "Say what can I say about, and a topic."
        )
    chosen = find_topic(topic, grammar)
    examples = list(action_examples(grammar, chosen.name).values())[:limit]
    return f"{chosen.name.capitalize()}: {chosen.about}. You can say: {'; '.join(examples)}."


# Commands worth hearing first, in "what can I say" with no topic.
_STARTERS = ("undo", "delete_range", "delete_quote", "seek", "describe_position", "play")


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def help_text(topic: str | None = None) -> str:
    """Printed help in plain words: each rule as one or two example sentences."""
    grammar = load_grammar()
    topics = [find_topic(topic, grammar)] if topic else list(grammar.topics)
    names = {chosen.name for chosen in topics}
    blocks = []
    for chosen in topics:
        lines = [f"{chosen.name.capitalize()}: {chosen.about}."]
        for rule in grammar.rules:
            if rule.topic == chosen.name:
                said = ", or ".join(sentences(rule, grammar))
                lines.append(f"  {said}." + (" Removes material." if rule.destructive else "")
                             + (f" (your own, {rule.source})" if rule.own else ""))
        blocks.append("\n".join(lines))
    lists = _plain_lists(grammar, [r for r in grammar.rules if r.topic in names])
    if lists:
        blocks.append(lists)
    blocks.append(
        "A time is said as people say it: one minute thirty, 1:30, ninety seconds, "
        "two and a half seconds, the start, the end, here. Your words are words of the "
        "transcript. Commands that remove material are read back and wait for yes when I "
        "am not sure what I heard. Say what can I say, or help search and a word, to hear "
        "help; voiceedit help --grammar prints the rules as written."
    )
    return "\n\n".join(blocks)


def _plain_lists(grammar: Grammar, rules: list[Rule]) -> str:
    """The lists the rules use, in words: "Instead of delete you can say cut, ... or erase";
    "" when they use none."""
    lines = []
    for name, entries in _used_lists(grammar, rules):
        if name.startswith("{"):
            lines.append(f"  Instead of {entries[0]}, you can say {_or(entries[1:])}.")
        else:
            lines.append(f"  A {name[1:-1]} is one of {_or(entries)}.")
    return "\n".join(["Words that can take each other's place:", *lines]) if lines else ""


def _or(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def grammar_text(topic: str | None = None) -> str:
    """Printed help as notation: each topic's rules as written, with the action each runs."""
    grammar = load_grammar()
    topics = [find_topic(topic, grammar)] if topic else list(grammar.topics)
    blocks = []
    for chosen in topics:
        rules = [rule for rule in grammar.rules if rule.topic == chosen.name]
        width = min(max(len(rule.spoken) for rule in rules), 56)
        lines = [f"{chosen.name.capitalize()}: {chosen.about}."]
        lines += [f"  {rule.spoken.ljust(width)}  -> {_does(rule)}" for rule in rules]
        blocks.append("\n".join(lines))
    blocks.append(_lists_text(grammar))
    blocks.append(
        "Key: [optional] (one | other) <slot>; {list} is any entry of that list. "
        "Commands marked 'removes material' are read back when unsure. "
        "Say 'what can I say' to hear this."
    )
    return "\n\n".join(blocks)


def rule_text(rule: Rule) -> str:
    """One rule as written, with the action it runs: a line of `help --grammar`."""
    return f"{rule.spoken}  -> {_does(rule)}"


def _does(rule: Rule) -> str:
    own = f"  (your own, {rule.source})" if rule.own else ""
    return rule.call + ("  (removes material)" if rule.destructive else "") + own


def _lists_text(grammar: Grammar) -> str:
    lines = ["Lists:"]
    for name, entries in _used_lists(grammar):
        lines.append(f"  {name}: {', '.join(entries)}")
    return "\n".join(lines)


def _used_lists(
    grammar: Grammar, rules: list[Rule] | None = None
) -> list[tuple[str, list[str]]]:
    """The `{lists}` and list-backed `<slots>` the rules (all, by default) use, with their
    spoken entries."""
    text = " ".join(rule.spoken for rule in (grammar.rules if rules is None else rules))
    found = []
    for word_list in grammar.lists:
        as_list, as_slot = f"{{{word_list.name}}}", f"<{word_list.name[:-1]}>"
        name = as_list if as_list in text else as_slot if as_slot in text else None
        if name:
            found.append((name, [entry.spoken for entry in word_list.entries]))
    return found


def markdown_table() -> str:
    """The command table for README.md: one section per topic, built-in commands only."""
    grammar = builtin_grammar()
    parts = []
    for topic in grammar.topics:
        rules = [rule for rule in grammar.rules if rule.topic == topic.name]
        parts.append(f"#### {topic.name.capitalize()}: {topic.about}\n")
        parts.append("| Say, for example | Rule | Action | Removes material |\n|---|---|---|---|")
        parts += [_row(rule, grammar) for rule in rules]
        parts.append("")
    parts.append("#### Lists\n")
    parts += [f"- `{name}`: {', '.join(entries)}" for name, entries in _used_lists(grammar)]
    parts.append("")
    parts.append(
        "Each rule's examples are made from the rule itself. "
        "`[optional]`, `(one | other)`, `<slot>`; a `<time>` is said as people say it "
        '("one minute thirty", "1:30", "ninety seconds", "two and a half seconds", '
        '"the start", "the end", "here"). Commands that remove material are read back '
        'and wait for "yes" when the words were not heard clearly. '
        "Syntax: `voiceedit/grammars/README.md`."
    )
    return "\n".join(parts)


def _row(rule: Rule, grammar: Grammar) -> str:
    removes = "yes" if rule.destructive else ""
    said = "; ".join(sentences(rule, grammar))
    return f"| {said} | `{_cell(rule.spoken)}` | `{_cell(rule.call)}` | {removes} |"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def readme_block() -> str:
    return f"{README_START}\n{markdown_table()}\n{README_END}"


def current_readme_block(readme: Path) -> str:
    """The marked block as it is in the file now."""
    text = readme.read_text(encoding="utf-8")
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        raise VoiceEditError(f"{readme} has no {README_START} ... {README_END} block.")
    return text[start : end + len(README_END)]


def update_readme(readme: Path) -> bool:
    """Write the generated table between the markers; True when the file changed."""
    text = readme.read_text(encoding="utf-8")
    old = current_readme_block(readme)
    new = readme_block()
    if old == new:
        return False
    readme.write_text(text.replace(old, new, 1), encoding="utf-8")
    return True
