"""Tune a criteria prompt against human labels without fooling yourself.

1. A fixed, stratified, seeded train / dev / test split of the items.
2. Candidates: the baseline prompt, given variants, rubrics rewritten by a model from the
   train items the current best gets wrong, and few-shot sets drawn from train.
3. Every candidate is chosen on dev; the winner and the baseline are scored once on the
   untouched test split, with intervals and a paired test, and the winner is saved as a new
   prompt config with its lineage.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import yaml

from judgebench.config import RunConfig
from judgebench.data.schema import Dataset, Item
from judgebench.judges.calls import CallError, ModelRequest
from judgebench.judges.prompts import CriteriaPrompt, PromptError, validate_prompt
from judgebench.judges.spec import JudgeSpec
from judgebench.kinds import TaskKind
from judgebench.metrics.agreement import accuracy_score
from judgebench.metrics.bootstrap import bootstrap_ci
from judgebench.metrics.coverage import apply_policy
from judgebench.metrics.paired import mcnemar_exact, paired_bootstrap_difference
from judgebench.run.job import complete_once, execute
from judgebench.run.store import RunStore


@dataclass(frozen=True)
class Split:
    train: tuple[Item, ...]
    dev: tuple[Item, ...]
    test: tuple[Item, ...]


def stratified_split(items: Sequence[Item], kind: TaskKind, *, dev: float = 0.25, test: float = 0.25,
                     seed: int = 0) -> Split:
    """Per consensus label, a seeded shuffle cut into train / dev / test; items without one are left out."""
    rng = np.random.default_rng(seed)
    by_label: dict[str, list[Item]] = {}
    for item in items:
        label = kind.consensus(item.human)
        if label is not None:
            by_label.setdefault(str(label), []).append(item)
    parts: dict[str, list[Item]] = {"train": [], "dev": [], "test": []}
    for label in sorted(by_label):
        group = [by_label[label][i] for i in rng.permutation(len(by_label[label]))]
        n_test, n_dev = round(len(group) * test), round(len(group) * dev)
        parts["test"] += group[:n_test]
        parts["dev"] += group[n_test:n_test + n_dev]
        parts["train"] += group[n_test + n_dev:]
    return Split(tuple(parts["train"]), tuple(parts["dev"]), tuple(parts["test"]))


@dataclass(frozen=True)
class PromptCandidate:
    prompt: CriteriaPrompt
    few_shot_k: int = 0
    origin: str = "baseline"          # baseline | variant | rewrite (round n) | few-shot
    few_shot_seed: int = 0            # which balanced example set is drawn from train

    @property
    def label(self) -> str:
        shots = f"+{self.few_shot_k}shot" + (f"s{self.few_shot_seed}" if self.few_shot_seed else "")
        return f"{self.prompt.name}@{self.prompt.hash}" + (shots if self.few_shot_k else "")


@dataclass
class PromptEvaluation:
    candidate: PromptCandidate
    split: str
    accuracy: float
    low: float
    high: float
    coverage: float
    verdicts: dict[str, Any] = field(repr=False, default_factory=dict)


Evaluator = Callable[[PromptCandidate, Sequence[Item], str], PromptEvaluation]


def run_evaluator(base: RunConfig, dataset: Dataset, train: Sequence[Item], out: Path) -> Evaluator:
    """Score a candidate with the configured judge through the normal runner (cached, resumable)."""
    def evaluate(candidate: PromptCandidate, items: Sequence[Item], split: str) -> PromptEvaluation:
        run_id = re.sub(r"[^\w.+@-]+", "_", f"{split}-{candidate.label}")
        config = dataclasses.replace(base, prompt=candidate.prompt, few_shot_k=candidate.few_shot_k,
                                     few_shot_seed=candidate.few_shot_seed, run_id=run_id, output_dir=out / run_id,
                                     progress=False)
        subset = Dataset(dataset.spec, tuple(items))
        execute(config, dataset=subset, example_pool=train)
        judge = base.judges[0].name
        verdicts = {j.item_id: j.value for j in RunStore(out / run_id).load() if j.judge_id == judge
                    and j.sample == 0 and j.order in (None, "AB")}
        return score(candidate, items, verdicts, split, dataset.kind)
    return evaluate


def score(candidate: PromptCandidate, items: Sequence[Item], verdicts: dict[str, Any], split: str,
          kind: TaskKind) -> PromptEvaluation:
    truth = [kind.consensus(i.human) for i in items]
    aligned = apply_policy(kind, truth, [verdicts.get(i.item_id) for i in items])
    interval = bootstrap_ci(accuracy_score, aligned.human, aligned.judge, resamples=1000)
    return PromptEvaluation(candidate, split, interval.estimate, interval.low, interval.high, aligned.coverage, verdicts)


REWRITE_INSTRUCTIONS = """You improve the criteria prompt of an LLM judge so that its verdicts agree with human \
annotators. Below are the current prompt template and cases where the judge disagreed with the humans.
Rewrite the template: make the criteria explicit where the judge went wrong. Keep every placeholder \
exactly as written ({placeholders}); keep the instruction on how to give the verdict.
Return only the new template between <template> and </template>.

Current template:
<template>
{template}
</template>

Disagreements (judge verdict vs human label):
{cases}"""


def propose_rewrite(proposer: JudgeSpec, prompt: CriteriaPrompt, disagreements: Sequence[tuple[Item, Any, Any]],
                    columns: Sequence[str], kind, round_number: int) -> CriteriaPrompt | None:
    """Ask a model for a rewritten template; None when its answer keeps no valid template."""
    cases = "\n\n".join(
        "\n".join(f"{name}: {str(item.fields.get(name))[:600]}" for name in prompt.placeholders)
        + f"\njudge said: {judged}; humans said: {human}" for item, judged, human in disagreements)
    placeholders = ", ".join("{" + p + "}" for p in prompt.placeholders)
    text = REWRITE_INSTRUCTIONS.format(placeholders=placeholders, template=prompt.template, cases=cases)
    request = ModelRequest(model=proposer.model, messages=[{"role": "user", "content": text}],
                           params=dict(proposer.params), api_base=proposer.api_base,
                           api_key_env=proposer.api_key_env, timeout_s=proposer.timeout_s)
    try:
        reply = complete_once(request)
    except CallError:
        return None
    match = re.search(r"<template>\s*(.*?)\s*</template>", reply.text or "", flags=re.DOTALL)
    if not match:
        return None
    revised = CriteriaPrompt(name=f"{prompt.name}_r{round_number}", kind=prompt.kind, template=match.group(1) + "\n",
                             system=prompt.system, description=f"rewritten from {prompt.name} in round {round_number}")
    try:
        validate_prompt(revised, columns, kind)
    except PromptError:
        return None
    return revised if set(revised.placeholders) == set(prompt.placeholders) else None


@dataclass
class TuneResult:
    split_sizes: dict[str, int]
    dev: list[PromptEvaluation]
    best: PromptCandidate
    test_best: PromptEvaluation
    test_baseline: PromptEvaluation
    difference: dict[str, float]
    mcnemar_p: float
    log: list[str]


def tune(dataset: Dataset, baseline: CriteriaPrompt, evaluate_factory: Callable[[Sequence[Item]], Evaluator], *,
         variants: Sequence[CriteriaPrompt] = (), proposer: JudgeSpec | None = None, rounds: int = 2,
         few_shot: Sequence[int] = (2, 4), few_shot_sets: int = 2, max_cases: int = 8,
         seed: int = 0) -> TuneResult:
    kind = dataset.kind
    split = stratified_split(dataset.items, kind, seed=seed)
    evaluate = evaluate_factory(split.train)
    log: list[str] = []
    dev_results: list[PromptEvaluation] = []

    def on_dev(candidate: PromptCandidate) -> PromptEvaluation:
        result = evaluate(candidate, split.dev, "dev")
        dev_results.append(result)
        log.append(f"dev  {candidate.origin:<16} {candidate.label:<40} accuracy {result.accuracy:.3f} "
                   f"[{result.low:.3f}, {result.high:.3f}]")
        return result

    best = on_dev(PromptCandidate(baseline))
    for variant in variants:
        result = on_dev(PromptCandidate(variant, origin="variant"))
        best = result if result.accuracy > best.accuracy else best
    for round_number in range(1, rounds + 1 if proposer else 1):
        on_train = evaluate(best.candidate, split.train, "train")
        wrong = [(i, on_train.verdicts.get(i.item_id), kind.consensus(i.human)) for i in split.train
                 if on_train.verdicts.get(i.item_id) != kind.consensus(i.human)]
        if not wrong:
            break
        rng = np.random.default_rng(seed + round_number)
        cases = [wrong[n] for n in rng.permutation(len(wrong))[:max_cases]]
        revised = propose_rewrite(proposer, best.candidate.prompt, cases, dataset.spec.column_names, dataset.kind,
                                  round_number)
        if revised is None:
            log.append(f"round {round_number}: the proposer gave no usable template")
            continue
        result = on_dev(PromptCandidate(revised, best.candidate.few_shot_k, origin=f"rewrite (round {round_number})"))
        best = result if result.accuracy > best.accuracy else best
    rewritten = best.candidate
    for k in few_shot:
        for example_set in range(few_shot_sets):
            result = on_dev(PromptCandidate(rewritten.prompt, k, origin="few-shot", few_shot_seed=example_set))
            best = result if result.accuracy > best.accuracy else best
    test_best = evaluate(best.candidate, split.test, "test")
    test_base = evaluate(PromptCandidate(baseline), split.test, "test")
    truth = [kind.consensus(i.human) for i in split.test]
    x = apply_policy(kind, truth, [test_best.verdicts.get(i.item_id) for i in split.test]).judge
    y = apply_policy(kind, truth, [test_base.verdicts.get(i.item_id) for i in split.test]).judge
    diff = paired_bootstrap_difference(accuracy_score, truth, x, y, resamples=1000, seed=seed)
    test = mcnemar_exact(x == np.asarray(truth, dtype=object), y == np.asarray(truth, dtype=object))
    log.append(f"test best     {best.candidate.label:<40} accuracy {test_best.accuracy:.3f} "
               f"[{test_best.low:.3f}, {test_best.high:.3f}]")
    log.append(f"test baseline {PromptCandidate(baseline).label:<40} accuracy {test_base.accuracy:.3f} "
               f"[{test_base.low:.3f}, {test_base.high:.3f}]")
    log.append(f"best - baseline on test: {diff.estimate:+.3f} [{diff.low:+.3f}, {diff.high:+.3f}], "
               f"McNemar p = {test.p_value:.3g}")
    return TuneResult({"train": len(split.train), "dev": len(split.dev), "test": len(split.test)}, dev_results,
                      best.candidate, test_best, test_base,
                      {"estimate": diff.estimate, "low": diff.low, "high": diff.high}, test.p_value, log)


def save_tuned(result: TuneResult, out: Path, name: str, *, dataset: str, judge: str, seed: int) -> Path:
    """`<out>/prompt/<name>.yaml` (use it with hydra.searchpath=[file://<out>] prompt=<name>) and its lineage."""
    prompt = result.best.prompt
    folder = out / "prompt"
    folder.mkdir(parents=True, exist_ok=True)
    lineage = {
        "parent": result.test_baseline.candidate.prompt.name, "origin": result.best.origin,
        "few_shot_k": result.best.few_shot_k, "few_shot_seed": result.best.few_shot_seed, "dataset": dataset, "judge": judge, "split_seed": seed,
        "split_sizes": result.split_sizes,
        "dev": [{"candidate": e.candidate.label, "origin": e.candidate.origin, "accuracy": e.accuracy}
                for e in result.dev],
        "test": {"tuned": {"accuracy": result.test_best.accuracy, "low": result.test_best.low,
                           "high": result.test_best.high},
                 "baseline": {"accuracy": result.test_baseline.accuracy, "low": result.test_baseline.low,
                              "high": result.test_baseline.high},
                 "difference": result.difference, "mcnemar_p": result.mcnemar_p},
    }
    entry = {"name": name, "kind": prompt.kind, "description":
             f"tuned from {lineage['parent']} on {dataset} with {judge}; test accuracy "
             f"{result.test_best.accuracy:.3f} vs baseline {result.test_baseline.accuracy:.3f}"
             + (f"; use few_shot.k={result.best.few_shot_k} few_shot.seed={result.best.few_shot_seed}"
                if result.best.few_shot_k else ""),
             "system": prompt.system, "template": prompt.template}
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(entry, sort_keys=False, allow_unicode=True, width=100))
    (folder / f"{name}.lineage.json").write_text(json.dumps(lineage, indent=2))
    return path
