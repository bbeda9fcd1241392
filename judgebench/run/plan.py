"""Expand datasets x judges x prompts x orders x samples into concrete, hashable calls."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

from judgebench.data.schema import Dataset, Item, Label
from judgebench.judges.calls import ModelRequest
from judgebench.judges.prompts import (
    CriteriaPrompt, example_queues, pick_examples, render_messages, swap_sides, validate_prompt,
)
from judgebench.judges.spec import JudgeSpec
from judgebench.kinds import TaskKind


@dataclass(frozen=True)
class PlannedCall:
    key: str
    item_id: str
    judge: JudgeSpec
    prompt: CriteriaPrompt
    order: str | None
    sample: int
    request: ModelRequest
    kind: TaskKind


def request_key(request: ModelRequest, sample: int) -> str:
    """Same model, messages and params -> same key -> the cached reply is reused."""
    # the fields join the key only where they are sent, so every other call keeps the key it always had
    blob = json.dumps([request.model, request.api_base, request.messages, dict(request.params),
                       request.logprobs, request.verdict_choices, sample]
                      + ([dict(request.fields)] if request.fields is not None else []),
                      sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


@dataclass(frozen=True)
class PlanOptions:
    """How calls are planned, beyond the judges and prompts."""

    few_shot_k: int = 0
    few_shot_seed: int = 0
    example_pool: Sequence[Item] | None = None    # where few-shot examples come from (default: the items)
    # chooses the examples per item instead (e.g. the reviewed items most similar to it)
    examples_for: Callable[[Item], Sequence[tuple[Mapping, Label]]] | None = None
    key_per_item: bool = False      # two items with the same text (an upload may repeat a row) get a call each
    local_writes: int | None = None  # local judges write up to this many tokens instead of scoring fixed answers
    first_sample_only: bool = False  # sample 0 of every judge, whatever its `samples`


def plan_calls(dataset: Dataset, judges: Sequence[JudgeSpec], prompts: Sequence[CriteriaPrompt],
               options: PlanOptions = PlanOptions()) -> list[PlannedCall]:
    spec = dataset.spec
    for prompt in prompts:
        validate_prompt(prompt, spec.column_names, spec.kind, spec.name)
    k = options.few_shot_k
    # Only the head of each label's queue is ever used: k examples, plus one spare per label
    # for the item that is itself an example.
    pool = dataset.items if options.example_pool is None else options.example_pool
    queues = [q[:k + 1] for q in example_queues(pool, spec.kind, options.few_shot_seed)]
    calls: list[PlannedCall] = []
    for judge in judges:
        scores = judge.scores_choices and options.local_writes is None
        params = dict(judge.params) if scores or not judge.scores_choices else \
            {"max_tokens": options.local_writes} | dict(judge.params)
        choices = tuple(spec.kind.choices()) if scores else None
        orders = spec.kind.orders(judge.both_orders)
        for prompt in prompts:
            for item in dataset.items:
                # The same k examples for every item, except that an item never sees itself.
                if options.examples_for is not None:
                    examples = list(options.examples_for(item))
                else:
                    examples = pick_examples(queues, k, exclude=item.item_id) if k else []
                for order in orders:
                    fields = swap_sides(item.fields) if order == "BA" else item.fields
                    shown = [(swap_sides(f), spec.kind.flip(l)) if order == "BA" else (f, l) for f, l in examples]
                    request = ModelRequest(
                        model=judge.model, messages=render_messages(prompt, fields, shown, spec.kind),
                        params=params, api_base=judge.api_base, api_key_env=judge.api_key_env,
                        timeout_s=judge.timeout_s, logprobs=judge.logprobs, verdict_choices=choices,
                        fields=dict(fields) if judge.reads_fields else None)
                    for sample in range(1 if options.first_sample_only else judge.samples):
                        key = request_key(request, sample)
                        if options.key_per_item:
                            key = hashlib.sha256(f"{key}\0{item.item_id}".encode()).hexdigest()
                        calls.append(PlannedCall(key, item.item_id, judge, prompt, order, sample, request, spec.kind))
    return calls
