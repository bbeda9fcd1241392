"""Score judges against the humans: every metric of the task kind, with CIs and coverage.

Pure: items and verdicts in, plain dicts out. Used by `judgebench score` for a run's
judgments and for verdicts recorded elsewhere (bring your own judgments).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from judgebench.data.schema import Item, Label, TaskKind
from judgebench.metrics import agreement as ag
from judgebench.metrics.bootstrap import Interval, binary_bootstrap, bootstrap_ci, ratio_bootstrap
from judgebench.metrics.coverage import apply_policy, consensus, human_ceiling
from judgebench.metrics.krippendorff import krippendorff_alpha
from judgebench.metrics.paired import holm, mcnemar_exact, paired_bootstrap_difference
from judgebench.metrics.pairwise import (
    Rate, alpaca_eval_agreement, judgebench_score, mt_bench_agreement, mt_bench_human_agreement,
    positional_agreement,
)


@dataclass(frozen=True)
class JudgeVerdicts:
    """One judge's verdict per item_id (None = no usable verdict); `second` is the BA order, flipped back."""

    name: str
    first: Mapping[str, Label | None]
    second: Mapping[str, Label | None] | None = None
    judge_id: str | None = None       # the run's judge, when `name` also carries the prompt
    prompt_id: str | None = None

    @property
    def judge(self) -> str:
        return self.judge_id or self.name


@dataclass(frozen=True)
class ScoreOptions:
    policy: str = "count_as_wrong"
    resamples: int = 1000
    level: float = 0.95
    seed: int = 0
    cluster_field: str | None = None      # resample whole groups (e.g. a question id field)


def _entry(interval: Interval) -> dict[str, float]:
    return {"estimate": interval.estimate, "low": interval.low, "high": interval.high}


def combine_orders(first: Label | None, second: Label | None) -> Label | None:
    """MT-Bench's pair verdict from both orders: agreeing orders keep it, disagreeing ones become a tie."""
    if first is None or second is None:
        return first if second is None else second if first is None else None
    return first if first == second else "tie"


def score_judge(kind: TaskKind, items: Sequence[Item], verdicts: JudgeVerdicts, options: ScoreOptions,
                scale: tuple[float, float] = (1, 5)) -> dict[str, Any]:
    clusters = [str(i.fields.get(options.cluster_field)) for i in items] if options.cluster_field else None
    first = [verdicts.first.get(i.item_id) for i in items]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ag.UndefinedMetricWarning)
        if kind is TaskKind.PAIRWISE:
            second = [verdicts.second.get(i.item_id) for i in items] if verdicts.second else None
            return _pairwise(items, first, second, options, clusters)
        return _per_item(kind, items, first, options, clusters, scale)


def _per_item(kind, items, first, options, clusters, scale) -> dict[str, Any]:
    targets = [consensus(list(i.human), kind.value) for i in items]
    keep = [n for n, t in enumerate(targets) if t is not None]
    aligned = apply_policy(kind.value, [targets[n] for n in keep], [first[n] for n in keep],
                           policy=options.policy, scale=scale)
    result: dict[str, Any] = {"items": len(items), "scored_items": len(aligned.human),
                              "no_human_consensus": len(items) - len(keep), "coverage": aligned.coverage,
                              "policy": options.policy, "metrics": {}}
    if not len(aligned.human):
        return result
    ci = dict(resamples=options.resamples, level=options.level, seed=options.seed)
    if kind is TaskKind.BINARY and clusters is None:
        intervals = binary_bootstrap(aligned.human.astype(int), aligned.judge.astype(int), **ci)
        result["metrics"] = {name: _entry(interval) for name, interval in intervals.items()}
        return result
    if kind is TaskKind.BINARY:
        kept_clusters = _kept(clusters, keep, aligned, first, options)
        for name, metric in (("accuracy", ag.accuracy_score), ("kappa", ag.cohen_kappa_score),
                             ("balanced_accuracy", ag.balanced_accuracy_score), ("mcc", ag.matthews_corrcoef)):
            result["metrics"][name] = _entry(bootstrap_ci(metric, aligned.human, aligned.judge, clusters=kept_clusters,
                                                          **ci))
        return result
    human, judge = aligned.human.astype(float), aligned.judge.astype(float)
    kept_clusters = _kept(clusters, keep, aligned, first, options)
    low, high = int(np.ceil(scale[0])), int(np.floor(scale[1]))
    for name, metric in (("spearman", ag.spearman_score), ("kendall", ag.kendall_tau_b_score),
                         ("pearson", ag.pearson_score), ("mae", ag.mean_absolute_error),
                         ("qwk", lambda h, j: ag.rounded_qwk_score(h, j, scale=(low, high)))):
        result["metrics"][name] = _entry(bootstrap_ci(metric, human, judge, clusters=kept_clusters, **ci))
    # The SummEval / Topical-Chat levels: per generating system (means), and within each source
    # document averaged ("summary-level"); no interval is computed for them.
    for field, level, prefix in (("system", "system", "system"), ("document", "within", "summary")):
        groups = [items[n].fields.get(field) for n in keep]
        if options.policy == "exclude":
            groups = [g for g, n in zip(groups, keep) if first[n] is not None]
        if all(g is not None for g in groups) and len(set(groups)) > 2:
            for method in ("spearman", "kendall", "pearson"):
                result["metrics"][f"{prefix}_{method}"] = {
                    "estimate": ag.grouped_correlation(judge, human, groups, method=method, level=level),
                    "low": float("nan"), "high": float("nan")}
    return result


def _kept(clusters, keep, aligned, first, options):
    if clusters is None:
        return None
    kept = [clusters[n] for n in keep]
    if options.policy == "exclude":
        kept = [c for c, n in zip(kept, keep) if first[n] is not None]
    return kept


def _pairwise(items, first, second, options, clusters) -> dict[str, Any]:
    verdicts = [combine_orders(a, b) for a, b in zip(first, second)] if second else first
    votes = [list(i.human) for i in items]
    result: dict[str, Any] = {"items": len(items), "scored_items": len(items), "no_human_consensus": 0,
                              "coverage": float(np.mean([v is not None for v in verdicts])) if items else float("nan"),
                              "policy": options.policy, "metrics": {}}
    ci = dict(resamples=options.resamples, level=options.level, seed=options.seed, clusters=clusters)

    def per_item(function, *columns, **kwargs) -> Interval:
        rates = [function(*[[c[n]] for c in columns], **kwargs) for n in range(len(items))]
        return ratio_bootstrap([r.hits for r in rates], [r.total for r in rates], **ci)

    policy = options.policy
    result["metrics"]["mt_bench_with_ties"] = _entry(per_item(mt_bench_agreement, verdicts, votes, policy=policy))
    result["metrics"]["mt_bench_without_ties"] = _entry(per_item(mt_bench_agreement, verdicts, votes, ties=False,
                                                                 policy=policy))
    result["metrics"]["alpaca_eval"] = _entry(per_item(alpaca_eval_agreement, verdicts, votes, policy=policy))
    if second:
        truth = [consensus(v, "pairwise") for v in votes]
        decided = [n for n, t in enumerate(truth) if t in ("A", "B")]
        if decided:
            sub = ci | {"clusters": [clusters[n] for n in decided] if clusters else None}
            rates = [judgebench_score([truth[n]], [first[n]], [second[n]]) for n in decided]
            result["metrics"]["judgebench"] = _entry(ratio_bootstrap([r.hits for r in rates],
                                                                     [r.total for r in rates], **sub))
        result["metrics"]["positional_agreement"] = _entry(per_item(positional_agreement, first, second,
                                                                    policy=policy))
    return result


def score_humans(kind: TaskKind, items: Sequence[Item], options: ScoreOptions) -> dict[str, Any]:
    """What the annotators achieve with each other, in the judges' own metrics."""
    labels = [list(i.human) for i in items]
    multi = sum(len(v) >= 2 for v in labels)
    out: dict[str, Any] = {"items_with_several_labels": multi, "metrics": {}}
    if not multi:
        return out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ag.UndefinedMetricWarning)
        if kind is TaskKind.PAIRWISE:
            for name, ties in (("mt_bench_with_ties", True), ("mt_bench_without_ties", False)):
                rate: Rate = mt_bench_human_agreement(labels, ties=ties)
                out["metrics"][name] = rate.value
            out["metrics"]["krippendorff_alpha"] = _annotator_alpha(kind, items)
            return out
        out["metrics"]["krippendorff_alpha"] = _annotator_alpha(kind, items)
        annotators = [i.annotators for i in items]
        metrics = ({"accuracy": ag.accuracy_score, "kappa": ag.cohen_kappa_score} if kind is TaskKind.BINARY
                   else {"spearman": lambda a, b: ag.spearman_score(a.astype(float), b.astype(float)),
                         "mae": lambda a, b: ag.mean_absolute_error(a.astype(float), b.astype(float))})
        for name, metric in metrics.items():
            ceiling = human_ceiling(labels, annotators, kind.value, metric)
            out["metrics"][name] = ceiling.value
            out.setdefault("per_annotator", {})[name] = ceiling.per_annotator
    return out


def _annotator_alpha(kind: TaskKind, items: Sequence[Item]) -> float:
    """Krippendorff's alpha among the annotators (nominal; interval for likert). Without ids the
    label's position stands in for the annotator, which alpha allows: it only pairs values within items."""
    names: dict[str, int] = {}
    for item in items:
        for index, name in enumerate(item.annotators or [f"#{n}" for n in range(len(item.human))]):
            names.setdefault(name, len(names))
    codes = {"A": 0.0, "B": 1.0, "tie": 2.0}
    data = np.full((len(names), len(items)), np.nan)
    for column, item in enumerate(items):
        for index, label in enumerate(item.human):
            name = item.annotators[index] if item.annotators else f"#{index}"
            data[names[name], column] = codes[label] if kind is TaskKind.PAIRWISE else float(label)
    return krippendorff_alpha(data, level="interval" if kind is TaskKind.LIKERT else "nominal")


def compare_judges(kind: TaskKind, items: Sequence[Item], judges: Sequence[JudgeVerdicts], options: ScoreOptions,
                   scale: tuple[float, float] = (1, 5)) -> list[dict[str, Any]]:
    """Every pair of judges on the same items: the paired bootstrap interval of the difference in
    the main metric and, for correct/incorrect verdicts, McNemar's exact test, Holm-adjusted
    across all pairs."""
    if len(judges) < 2:
        return []
    main = "spearman" if kind is TaskKind.LIKERT else "accuracy"
    if kind is TaskKind.PAIRWISE:
        truth = [consensus(list(i.human), "pairwise") for i in items]
    else:
        truth = [consensus(list(i.human), kind.value) for i in items]
    keep = [n for n, t in enumerate(truth) if t is not None]
    human = [truth[n] for n in keep]
    filled = {}
    for j in judges:
        verdicts = [j.first.get(items[n].item_id) for n in keep]
        if kind is TaskKind.PAIRWISE and j.second:
            verdicts = [combine_orders(a, j.second.get(items[n].item_id)) for a, n in zip(verdicts, keep)]
        filled[j.name] = apply_policy(kind.value, human, verdicts, policy="count_as_wrong", scale=scale).judge
    metric = ((lambda h, v: ag.spearman_score(h.astype(float), v.astype(float))) if kind is TaskKind.LIKERT
              else ag.accuracy_score)
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ag.UndefinedMetricWarning)
        for a in range(len(judges)):
            for b in range(a + 1, len(judges)):
                x, y = judges[a].name, judges[b].name
                diff = paired_bootstrap_difference(metric, human, filled[x], filled[y], resamples=options.resamples,
                                                   level=options.level, seed=options.seed)
                row = {"judge_x": x, "judge_y": y, "metric": main, "difference": _entry(diff)}
                if kind is not TaskKind.LIKERT:
                    test = mcnemar_exact(filled[x] == np.asarray(human, dtype=object),
                                         filled[y] == np.asarray(human, dtype=object))
                    row |= {"only_x_right": test.only_x_right, "only_y_right": test.only_y_right,
                            "p_value": test.p_value}
                rows.append(row)
    if rows and "p_value" in rows[0]:
        for row, adjusted in zip(rows, holm([r["p_value"] for r in rows])):
            row["p_holm"] = float(adjusted)
    return rows
