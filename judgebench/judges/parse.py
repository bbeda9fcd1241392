"""Reading verdicts out of a judge's reply, or saying precisely why they could not be read.

The kinds (`judgebench.kinds`) decide which words and numbers are verdicts; these are the
reading rules they share.

A reply that holds no verdict is a `ParseFailure`, kept with its raw text; it is never
scored as some default value.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, Mapping, Sequence

from judgebench.kinds.base import Label, ParseFailure, Verdict

_JSON_KEYS = ("verdict", "label", "answer", "judgment", "judgement", "decision", "result",
              "winner", "preference", "rating", "score")
_MARKER = r"(?:final\s+verdict|verdict|final\s+answer|answer|label|judge?ment|decision|result|rating|score|winner)"


def _clean(token: str) -> str:
    return token.strip().strip("*_`'\".,:;!()[]{} \t").lower()


def _json_values(text: str) -> list[Any]:
    values = []
    for blob in re.findall(r"\{[^{}]*\}", text):
        try:
            obj = json.loads(blob)
        except json.JSONDecodeError:
            continue
        if isinstance(obj, dict):
            lowered = {str(k).lower(): v for k, v in obj.items()}
            values += [lowered[k] for k in _JSON_KEYS if k in lowered]
    return values


def read_word_verdict(text: str | None, words: Mapping[str, Label], what: str) -> Verdict | ParseFailure:
    """A verdict spelled by one of `words` (keys lower case): from JSON fields, [[word]], `Verdict: word`,
    the whole reply, or its last line; the last such mention wins."""
    if text is None or not text.strip():
        return ParseFailure("empty reply")
    for value in reversed(_json_values(text)):
        key = _clean(str(value))
        if key in words:
            return Verdict(words[key])
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    bracketed = re.findall(rf"\[\[\s*({alternatives})\s*\]\]", text, flags=re.IGNORECASE)
    if bracketed:
        return Verdict(words[bracketed[-1].lower()])
    marked = re.findall(rf"{_MARKER}\s*[:=]\s*[*_`\[\(\"']*\s*({alternatives})(?![\w>=])", text, flags=re.IGNORECASE)
    if marked:
        return Verdict(words[marked[-1].lower()])
    whole = _clean(text)
    if whole in words:
        return Verdict(words[whole])
    lines = [line for line in text.strip().splitlines() if line.strip()]
    if lines and _clean(lines[-1]) in words:
        return Verdict(words[_clean(lines[-1])])
    opening = _opening_verdict(text, words)
    if opening is not None:
        return Verdict(opening)
    return ParseFailure(f"no {what} found")


def _opening_verdict(text: str, words: Mapping[str, Label]) -> Label | None:
    """"No, the answer is not faithful ...": a reply that opens with a verdict word and punctuation or a
    line break, then gives its reason. Not when its opening sentence also holds a word for another verdict."""
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    match = re.match(rf"\s*[*_`\"']*({alternatives})[*_`\"']*(?:\s*[,.:;!\u2013\u2014-](?!\w)|[ \t]*\n)", text,
                     flags=re.IGNORECASE)
    if not match:
        return None
    verdict = words[match.group(1).lower()]
    # The opening: the verdict and the first sentence of its reason.
    reason = re.split(r"(?<=[.!?])\s|\n", text[match.end():].strip(), maxsplit=1)[0]
    sentence = f"{match.group(0)} {reason}"
    mentioned = {words[w.lower()] for w in re.findall(rf"(?<![\w>=])({alternatives})(?![\w>=])", sentence,
                                                      flags=re.IGNORECASE)}
    return verdict if mentioned == {verdict} else None


def read_rating(text: str | None, scale: tuple[float, float]) -> Verdict | ParseFailure:
    """A number on the scale: from JSON fields, [[n]], n/top (top must be the scale's), `Rating: n`, or the
    whole reply; the last such mention wins."""
    if text is None or not text.strip():
        return ParseFailure("empty reply")
    low, high = scale
    number = r"(\d+(?:\.\d+)?)"
    candidates: list[str] = [str(v) for v in _json_values(text) if re.fullmatch(number, str(v).strip())]
    if not candidates:
        candidates = re.findall(rf"\[\[\s*{number}\s*\]\]", text)
    if not candidates:
        fractions = re.findall(rf"{number}\s*(?:/|out\s+of)\s*{number}", text, flags=re.IGNORECASE)
        for value, top in reversed(fractions):
            if float(top) != high:
                return ParseFailure(f"rating {value}/{top} is not on the 1..{high:g} scale")
            candidates = [value]
            break
    if not candidates:
        candidates = re.findall(rf"{_MARKER}\s*[:=]\s*[*_`\[\(]*\s*{number}", text, flags=re.IGNORECASE)
    if not candidates and re.fullmatch(number, _clean(text)):
        candidates = [_clean(text)]
    if not candidates:
        return ParseFailure(f"no rating on the {low:g}..{high:g} scale found")
    value = float(candidates[-1])
    if not low <= value <= high:
        return ParseFailure(f"rating {candidates[-1]} is outside {low:g}..{high:g}")
    return Verdict(int(value) if value.is_integer() else value)


def choice_probabilities(words: Mapping[str, Label], value: Label,
                         logprobs: Sequence[Mapping[str, Any]] | None) -> dict[str, float] | None:
    """Probability of each verdict at the token that carried the parsed verdict.

    `logprobs` is the OpenAI `choices[0].logprobs.content` list. The verdict token is the
    last generated token that spells the parsed value; the alternatives come from its
    `top_logprobs`, renormalised over the verdict vocabulary.
    """
    if not logprobs:
        return None
    for position in reversed(logprobs):
        token = _clean(str(position.get("token", "")))
        if token not in words or words[token] != value:
            continue
        mass: dict[str, float] = {}
        alternatives = list(position.get("top_logprobs") or [])
        if not any(_clean(str(a.get("token", ""))) == token for a in alternatives):
            alternatives.append(position)
        seen = set()
        for alt in alternatives:
            raw = str(alt.get("token", ""))
            if raw in seen:
                continue
            seen.add(raw)
            key = _clean(raw)
            if key in words:
                label = str(words[key])
                mass[label] = mass.get(label, 0.0) + math.exp(float(alt.get("logprob", -math.inf)))
        total = sum(mass.values())
        if total <= 0:
            return None
        return {label: p / total for label, p in sorted(mass.items())}
    return None
