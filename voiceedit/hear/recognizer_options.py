"""How the command recogniser searches and when it doubts: every setting in one place.

Modelled on faster-whisper's `TranscriptionOptions`: one frozen dataclass, each field with
what it is and why its default. The defaults are the settings bench/commands.py measured
best within the latency budget; docs/design.md ("Hearing commands") has the figures.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class RecognizerOptions:
    # The model.
    # Text the model reads as if said just before: give the grammar's vocabulary
    # (matcher.vocabulary_prompt()), so "undo" is less often "and do", and with a project
    # open its names (matcher.command_prompt, Editor.command_prompt). None: no prompt.
    prompt: str | None = None
    compute_type: str = "int8"  # CTranslate2 weights: the fastest on CPU, as accurate
    cpu_threads: int = 2  # the two cores this tool is sized for: the encoder uses both
    # The decoder's steps are products too small to share: on one thread the greedy pass
    # takes 36 ms, not 58, and a beam of five 70, not 140; the other core meanwhile runs the
    # search within the grammar beside the wide beam. cpu_threads: decode as encode.
    decode_threads: int = 1

    # The encoder's window: shorter than Whisper's 30 s, so encoding costs a third.
    margin_frames: int = 300  # silence after the speech (3 s): less loses accuracy in noise
    min_frames: int = 1000  # the shortest window (10 s): below, the decoder repeats itself
    pad: str = "silence"  # pad with the log-mel floor, as Whisper was trained; or "zeros"
    retry_pad: str | None = "zeros"  # when nothing is understood, the other padding hears anew
    timestamps: bool = True  # let the decoder write timestamps, as it was trained to

    # The greedy first pass: the model's one reading, the answer when it is sure.
    greedy_first: bool = True  # most commands are clear: half the time of a beam of five
    # A greedy reading stops after this many tokens, plus this many a second of speech:
    # room for every command's words, not for the decoder to go round again.
    greedy_tokens: tuple[int, int] = (4, 5)
    # A cut whose number words the greedy pass wrote with less probability goes on to the
    # beam. Its wrong numbers had at most 0.57 on the first spoken set, but 0.803 on the
    # seeded one ("one minute thirty" heard "one minute", the rival "thirty" at 0.197): 0.9
    # leaves a margin, and the beam still took 17 of the 20 right cuts between at once.
    number_sure: float = 0.9
    number_rival: float = 0.1  # a number it could have written instead, this likely, doubts

    # The beam, when the greedy reading is not sure.
    beam_size: int = 5  # Whisper's own beam; at least num_hypotheses is searched
    num_hypotheses: int = 5  # readings the grammar chooses among
    sure_from: float = -0.3  # mean log probability from which an undoubted reading is sure
    wide_beam: int | None = 20  # when unsure, a wider free beam; None: not run
    # With the grammar search running beside it, the wide beam is the first beam: its best
    # num_hypotheses readings are judged as a narrow beam's would be, and no second beam is
    # waited for (p95 399 ms to 346 on every tenth clip, as right: bench/decoding.py).
    # False: a narrow beam first, the wide one only when that is unsure.
    wide_first: bool = True
    constrained: bool = True  # when unsure, a search within the grammar (needs PyTorch)
    # The prompt's first words given to that search, which pays for every prompt token
    # again at each search: 80 words were as right as 150, and 40 as 80, each sooner.
    constrained_prompt_words: int = 40

    # Choosing a reading and doubting it.
    fit_weight: float = 3.0  # how much a quote found exactly counts against the model's doubt
    exact_fit: float = 0.95  # a cut whose quote is found less well than this is read back
    # A cut is doubted by its meaning (doubt.doubt_reason): done at once when the readings
    # the grammar understands give it this share of their probability, at least.
    by_meaning: bool = True  # False: the rule before issue 17 (below), for the benchmark
    meaning_share: float = 0.8
    guess_below: float = -0.8  # a chosen cut below this mean log probability is a guess
    # A sentence the grammar search forced out of speech the model heard as other words, below
    # this (about one chance in twelve a token), is no reading of what was said: of the 10
    # such commands done on the seeded set, 9 were wrong ("Next clip." for "export as open
    # timeline I O"). A cut or the end of the session is read back instead, as any guess.
    far_fetched_below: float = -2.5
    # A command that removes nothing is asked rather than done when another meaning holds this
    # share of the readings' weight (doubt.split_reason); 1.0: never.
    rival_asks: float = 0.3
    # Never asked about, nor asked about beside (ActionSpec.never_asked declares the same):
    # answers, readbacks, changes of mode, stopping playback.
    never_asked: frozenset[str] = frozenset({
        "cancel", "choose", "confirm", "count_shots", "deny", "describe_position",
        "describe_shot", "go_to_sleep", "help", "help_search", "on_screen", "read_problems",
        "read_selection", "repeat_last_answer", "stop_listening", "stop_playback", "undo",
        "wake_up", "who_is_speaking"})
    likelier_far: float = 0.5  # any reading this much likelier than the chosen cut doubts it
    # A cut the grammar repaired more than this (the product of its repairs' qualities) is
    # read back: "Twin the start on clip two" (a known mishearing and a small word, 0.64) is
    # done when sure; "Trim that start on clip two" (two small words, 0.56) is not. A repair
    # in what it cuts always is (Command.meaning_repaired).
    repaired_from: float = 0.6
    # The greedy pass's certainty of the numbers of a reading meaning the same cut, below
    # which the cut is read back: another number was likelier at some step.
    numbers_doubted: float = 0.3
    # After the first beam, whose five readings may hold one spelling of a rival meaning
    # where the wider searches find several, a cut is done only on a larger share and with
    # the greedy pass sure of its numbers (agreed_number_sure); else the search goes on.
    early_share: float = 0.95
    # A cut with a number needs the greedy pass to have heard the same cut (its number
    # certainty is the only rival the first beam may lack): set for the first beam only.
    numbers_by_greedy: bool = False
    # After the first beam, a command it reads this surely is as right as the wider searches'
    # choice (190 and 190 such clips of the seeded set right; from -1.0, 294 against 295):
    # taken there.
    beam_sure_from: float = -0.55
    # The rule before: every word sure, and no rival meaning near in the grammar's eyes.
    unsure_logprob: float = -0.5  # a chosen cut below this mean log probability is a guess
    likelier_by: float = 0.15  # a reading this much likelier than the chosen cut doubts it
    doubt_margin: float = 0.2  # another meaning within this of the chosen confidence competes
    # Actions doubted as cuts are, though they remove nothing: ending the session stops the
    # person's work, so a guess ("Go to Saoirse." forced into "End the session.") is read
    # back. The actions declare it too (ActionSpec.certain), for the dialogue.
    certain: frozenset[str] = frozenset({"stop_listening"})
    # A command the greedy pass and the beam both heard word for word is done at once
    # (doubt.agreed); False restores the rule before it, for the benchmark's comparison.
    agreement: bool = True
    agreed_number_sure: float = 0.9  # the greedy pass's certainty of its numbers, at least
    agreed_from: float = -0.5  # the mean log probability both readings need, at least

    @property
    def early(self) -> RecognizerOptions:
        """The rule after the first beam: a cut needs `early_share` and numbers the greedy
        pass was sure of; any other command is taken from `beam_sure_from`, where the wider
        searches would choose the same. The rule before issue 17 kept its own bars."""
        if not self.by_meaning:
            return self
        return replace(self, meaning_share=max(self.meaning_share, self.early_share),
                       numbers_doubted=max(self.numbers_doubted, self.agreed_number_sure),
                       numbers_by_greedy=True, sure_from=min(self.sure_from, self.beam_sure_from))

    @property
    def beam(self) -> tuple[int, int]:
        """(beam size, hypotheses) of the first beam search."""
        return max(self.beam_size, self.num_hypotheses), self.num_hypotheses


DEFAULT_OPTIONS = RecognizerOptions()
