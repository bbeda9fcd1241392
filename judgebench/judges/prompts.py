"""Criteria prompts: `{column}` templates, checked against a dataset before any call."""

from __future__ import annotations

import hashlib
import string
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from judgebench.data.schema import Item, Label
from judgebench.errors import UserError
from judgebench.kinds import TaskKind


class PromptError(UserError, ValueError):
    pass


@dataclass(frozen=True)
class CriteriaPrompt:
    name: str
    kind: str                   # the name of the task kind it judges; its parameters come from the dataset
    template: str               # the user message; `{column}` placeholders, `{{`/`}}` for braces
    system: str = ""
    description: str = ""

    @property
    def placeholders(self) -> tuple[str, ...]:
        return placeholders(self.system) + tuple(p for p in placeholders(self.template)
                                                 if p not in placeholders(self.system))

    @property
    def hash(self) -> str:
        """Changes whenever the wording changes, so results say which text produced them."""
        return hashlib.sha256(f"{self.system}\x00{self.template}".encode()).hexdigest()[:12]


def placeholders(template: str) -> tuple[str, ...]:
    names: list[str] = []
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise PromptError(f"template is not valid: {exc} (write literal braces as {{{{ and }}}})") from None
    for _, field, _, _ in parsed:
        if field is None:
            continue
        name = field.split(".")[0].split("[")[0]
        if not name:
            raise PromptError("template has an empty {} placeholder; name a column, e.g. {input}")
        if name not in names:
            names.append(name)
    return tuple(names)


def validate_prompt(prompt: CriteriaPrompt, columns: Sequence[str], kind: TaskKind, dataset: str = "") -> None:
    """Fail before any call when the prompt cannot be filled from this dataset."""
    where = f" of dataset {dataset!r}" if dataset else ""
    if prompt.kind != kind.name:
        raise PromptError(f"prompt {prompt.name!r} is a {prompt.kind} prompt, but dataset "
                          f"{dataset + ' ' if dataset else ''}is {kind.name}")
    unknown = [p for p in prompt.placeholders if p not in columns]
    if unknown:
        raise PromptError(
            f"prompt {prompt.name!r} uses {', '.join('{' + u + '}' for u in unknown)}, which the columns{where} "
            f"do not provide; available columns: {', '.join(columns) or 'none'}")


def swap_sides(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The same comparison with the two sides exchanged: every `x_a` trades places with `x_b`."""
    swapped = dict(fields)
    for name in fields:
        if name.endswith("_a") and (twin := name[:-2] + "_b") in fields:
            swapped[name], swapped[twin] = fields[twin], fields[name]
    return swapped


def render_messages(prompt: CriteriaPrompt, fields: Mapping[str, Any],
                    examples: Sequence[tuple[Mapping[str, Any], Label]] = (),
                    kind: TaskKind | None = None) -> list[dict[str, str]]:
    """Chat messages for one judgment; few-shot examples come first as solved user/assistant turns,
    their answers written as the dataset's `kind` writes verdicts."""
    if examples and kind is None:
        raise ValueError("few-shot examples need the task kind that writes their answers")
    messages = []
    if prompt.system:
        messages.append({"role": "system", "content": prompt.system.format_map(fields)})
    for example_fields, label in examples:
        messages.append({"role": "user", "content": prompt.template.format_map(example_fields)})
        messages.append({"role": "assistant", "content": kind.format(label)})
    messages.append({"role": "user", "content": prompt.template.format_map(fields)})
    return messages


def example_queues(pool: Sequence[Item], kind: TaskKind, seed: int = 0) -> list[list[tuple[Item, Label]]]:
    """Labelled items grouped by their consensus label, each group in a fixed order chosen by `seed`.

    Items whose annotators have no majority are left out: they make no clear example.
    """
    def order(item: Item) -> str:
        return hashlib.sha256(f"{seed}:{item.item_id}".encode()).hexdigest()

    by_label: dict[str, list[tuple[Item, Label]]] = {}
    for item in sorted(pool, key=order):
        label = kind.consensus(item.human)
        if label is not None:
            label = kind.snap(label)
            by_label.setdefault(str(label), []).append((item, label))
    return [by_label[key] for key in sorted(by_label)]


def pick_examples(queues: Sequence[Sequence[tuple[Item, Label]]], k: int,
                  exclude: str | None = None) -> list[tuple[Mapping[str, Any], Label]]:
    """k examples taken round-robin across labels, never the item being judged (`exclude`)."""
    iterators = [iter([entry for entry in queue if entry[0].item_id != exclude]) for queue in queues]
    chosen: list[tuple[Mapping[str, Any], Label]] = []
    while len(chosen) < k and iterators:
        for iterator in list(iterators):
            entry = next(iterator, None)
            if entry is None:
                iterators.remove(iterator)
            elif len(chosen) < k:
                chosen.append((entry[0].fields, entry[1]))
    return chosen


def select_examples(pool: Sequence[Item], kind: TaskKind, k: int,
                    seed: int = 0) -> list[tuple[Mapping[str, Any], Label]]:
    """k labelled examples, balanced across labels, in a fixed order chosen by `seed`."""
    return pick_examples(example_queues(pool, kind, seed), k) if k > 0 else []
