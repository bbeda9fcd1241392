"""Read a verdict out of a judge's reply, or say precisely why it could not be read.

A reply that holds no verdict is a `ParseFailure`, kept with its raw text; it is never
scored as some default value.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from judgebench.data.schema import Label, TaskKind

_BINARY_WORDS = {"yes": 1, "pass": 1, "true": 1, "1": 1, "correct": 1,
                 "no": 0, "fail": 0, "false": 0, "0": 0, "incorrect": 0}
_PAIRWISE_WORDS = {"a": "A", "b": "B", "c": "tie", "tie": "tie", "a>b": "A", "a>>b": "A",
                   "b>a": "B", "b>>a": "B", "a=b": "tie"}
_JSON_KEYS = ("verdict", "label", "answer", "judgment", "judgement", "decision", "result",
              "winner", "preference", "rating", "score")
_MARKER = r"(?:final\s+verdict|verdict|final\s+answer|answer|label|judge?ment|decision|result|rating|score|winner)"


@dataclass(frozen=True)
class ParseFailure:
    reason: str


@dataclass(frozen=True)
class Verdict:
    value: Label


def parse_verdict(kind: TaskKind, text: str | None, scale: tuple[float, float] = (1, 5)) -> Verdict | ParseFailure:
    if text is None or not text.strip():
        return ParseFailure("empty reply")
    if kind is TaskKind.BINARY:
        return _parse_words(text, _BINARY_WORDS, "binary verdict (yes/no, pass/fail, 0/1)")
    if kind is TaskKind.PAIRWISE:
        return _parse_words(text, _PAIRWISE_WORDS, "pairwise verdict ([[A]], [[B]] or [[C]] for a tie)")
    return _parse_likert(text, scale)


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


def _parse_words(text: str, words: Mapping[str, Label], what: str) -> Verdict | ParseFailure:
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
    return ParseFailure(f"no {what} found")


def _parse_likert(text: str, scale: tuple[float, float]) -> Verdict | ParseFailure:
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


def format_verdict(kind: TaskKind, value: Label) -> str:
    """The canonical way to write a verdict, used for few-shot answers; the parser reads it back."""
    if kind is TaskKind.BINARY:
        return f"Verdict: {'Yes' if value == 1 else 'No'}"
    if kind is TaskKind.PAIRWISE:
        return "[[" + {"A": "A", "B": "B", "tie": "C"}[str(value)] + "]]"
    return f"Rating: [[{round(float(value))}]]"


def verdict_choices(kind: TaskKind, scale: tuple[float, float] = (1, 5)) -> dict[str, Label]:
    """Single-token answers a scoring judge chooses between, and the label each stands for."""
    if kind is TaskKind.BINARY:
        return {"Yes": 1, "No": 0}
    if kind is TaskKind.PAIRWISE:
        return {"A": "A", "B": "B", "C": "tie"}
    low, high = int(math.ceil(scale[0])), int(math.floor(scale[1]))
    return {str(v): v for v in range(low, high + 1)}


def choice_probabilities(kind: TaskKind, value: Label, logprobs: Sequence[Mapping[str, Any]] | None,
                         scale: tuple[float, float] = (1, 5)) -> dict[str, float] | None:
    """Probability of each verdict at the token that carried the parsed verdict.

    `logprobs` is the OpenAI `choices[0].logprobs.content` list. The verdict token is the
    last generated token that spells the parsed value; the alternatives come from its
    `top_logprobs`, renormalised over the verdict vocabulary.
    """
    if not logprobs:
        return None
    words: Mapping[str, Label] = (_BINARY_WORDS if kind is TaskKind.BINARY else _PAIRWISE_WORDS
                                  if kind is TaskKind.PAIRWISE else
                                  {str(k): v for k, v in verdict_choices(kind, scale).items()})
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
