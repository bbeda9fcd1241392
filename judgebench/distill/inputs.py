"""What a distilled evaluator reads: the item's fields as a pair of texts, not the rendered prompt.

The first text is what the judged output answers to (input, reference, context), the second the judged
output itself; a pair of responses is "Response A: ... Response B: ...", so the same evaluator asked in the
swapped order sees the sides exchanged (`judges.prompts.swap_sides`). A MiniLM-sized encoder reads at most
256 word pieces, so the two texts together keep at most MAX_WORDS words: the judged text keeps up to
JUDGED_WORDS of them (split evenly between two responses), and what is left goes to the first text, whose
parts are cut in the order context, then reference, then input (the question is the last to lose words).
"""

from __future__ import annotations

from typing import Any, Mapping

from judgebench.kinds import TaskKind

MAX_WORDS = 200
JUDGED_WORDS = 110
FIRST_PARTS = ("input", "reference", "context")     # kept in this order of priority
SEPARATOR = " [SEP] "


def _words(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):         # a conversation's turns
        value = " ".join(str(t.get("content", t)) if isinstance(t, Mapping) else str(t) for t in value)
    return str(value).split()


def encoder_pair(fields: Mapping[str, Any], kind: TaskKind) -> tuple[str, str]:
    """(what is answered, what is judged), truncated to the stated budget."""
    if kind.sides:
        per_side = JUDGED_WORDS // len(kind.sides)
        judged_parts = [f"Response {side[-1].upper()}: " + " ".join(_words(fields.get(side))[:per_side])
                        for side in kind.sides]
        judged = " ".join(judged_parts)
        used = sum(min(len(_words(fields.get(side))), per_side) for side in kind.sides)
    else:
        words = _words(fields.get("output"))[:JUDGED_WORDS]
        judged, used = " ".join(words), len(words)
    budget = MAX_WORDS - used
    first = []
    for name in FIRST_PARTS:
        words = _words(fields.get(name))[:max(budget, 0)]
        budget -= len(words)
        if words:
            first.append(" ".join(words))
    return " | ".join(first), judged


def joined(pair: tuple[str, str]) -> str:
    """One text for the methods that read a single string (TF-IDF, frozen embeddings, SetFit)."""
    return pair[0] + SEPARATOR + pair[1]
