"""Score judges against the humans: every catalog metric of the task kind, with CIs and coverage.

Pure: items and verdicts in, Scorecard records (score/scorecard.py) out. Used by `judgebench score` for a run's
judgments and for verdicts recorded elsewhere (bring your own judgments). Which metrics,
and how each interval is computed, comes from `judgebench.metrics.catalog`.
"""

from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

import numpy as np

from judgebench.data.schema import Item, Label
from judgebench.kinds import TaskKind, combine_orders
from judgebench.metrics import agreement as ag
from judgebench.metrics.bootstrap import Interval, bootstrap_ci, confusion_bootstrap, ratio_bootstrap
from judgebench.metrics.catalog import Metric, get, metrics_for
from judgebench.metrics.coverage import annotator_kappas, apply_policy, human_ceiling
from judgebench.metrics.krippendorff import krippendorff_alpha
from judgebench.metrics.paired import holm, mcnemar_exact, paired_bootstrap_difference
from judgebench.metrics.pairwise import PairwiseVerdicts, Rate
from judgebench.score.scorecard import Comparison, Estimate, HumanCeiling, JudgeScore


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

    def combined(self, item_ids: Iterable[str]) -> dict[str, Label | None]:
        """One verdict per item: both orders combined as MT-Bench does (disagreement = tie)."""
        if not self.second:
            return {k: self.first.get(k) for k in item_ids}
        return {k: combine_orders(self.first.get(k), self.second.get(k)) for k in item_ids}


@dataclass(frozen=True)
class ScoreOptions:
    policy: str = "count_as_wrong"
    resamples: int = 1000
    level: float = 0.95
    seed: int = 0
    cluster_field: str | None = None      # resample whole groups (e.g. a question id field)


def _estimate(interval: Interval, metric: Metric | None = None) -> Estimate:
    return Estimate.of(interval.estimate, interval.low, interval.high,
                       interval=metric is None or metric.interval != "none")


def _groups_available(items: Sequence[Item], field: str) -> bool:
    values = [i.fields.get(field) for i in items]
    return all(v is not None for v in values) and len(set(values)) > 2


def available(items: Sequence[Item], verdicts: JudgeVerdicts) -> set[str]:
    """Which of the catalog's needs these items and verdicts meet."""
    has = {field for field in ("system", "document") if _groups_available(items, field)}
    return has | ({"both_orders"} if verdicts.second else set())


def score_judge(kind: TaskKind, items: Sequence[Item], verdicts: JudgeVerdicts, options: ScoreOptions) -> JudgeScore:
    metrics = metrics_for(kind, has=available(items, verdicts))
    clusters = [str(i.fields.get(options.cluster_field)) for i in items] if options.cluster_field else None
    first = [verdicts.first.get(i.item_id) for i in items]
    second = [verdicts.second.get(i.item_id) for i in items] if verdicts.second else None
    # Against the humans' consensus, a judge that saw both orders gives one verdict: the two combined.
    combined = [combine_orders(a, b) for a, b in zip(first, second, strict=True)] if second else first
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ag.UndefinedMetricWarning)
        per_item = [m for m in metrics if m.interval != "ratio"]
        votes = [m for m in metrics if m.interval == "ratio"]
        scores = ([_consensus_metrics(kind, items, combined, per_item, options, clusters)] if per_item else []) + \
                 ([_vote_metrics(items, first, second, votes, options, clusters)] if votes else [])
    # The counts are those of the main metric's way of scoring (every vote, or the consensus).
    main = next((s for s in scores if kind.main_metric in s.metrics), scores[0])
    merged = {name: e for s in scores for name, e in s.metrics.items()}
    score = dataclasses.replace(main, metrics={m.name: merged[m.name] for m in metrics if m.name in merged})
    return dataclasses.replace(score, name=verdicts.name, judge=verdicts.judge_id, prompt=verdicts.prompt_id,
                               one_answer=one_answer(kind, [v for v in (second or []) + first if v is not None]))


def one_answer(kind: TaskKind, verdicts: Sequence[Label]) -> str | None:
    """The kind's name of the only answer a judge gave, when it gave one answer to two or more items."""
    return kind.describe(verdicts[0]) if len(verdicts) >= 2 and len(set(verdicts)) == 1 else None


def _consensus_metrics(kind: TaskKind, items: Sequence[Item], first: list, metrics: list[Metric],
                       options: ScoreOptions, clusters: list[str] | None) -> JudgeScore:
    """Metrics of the judge against the humans' consensus label, after the failure policy."""
    targets = [kind.consensus(i.human) for i in items]
    keep = [n for n, t in enumerate(targets) if t is not None]
    if options.policy == "exclude":             # the items left after the policy drops failures
        kept = [n for n in keep if first[n] is not None]
    else:
        kept = keep
    aligned = apply_policy(kind, [targets[n] for n in keep], [first[n] for n in keep], policy=options.policy)
    score = JudgeScore("", len(items), len(aligned.human), len(items) - len(keep), aligned.coverage, options.policy)
    if not len(aligned.human):
        return score
    ci = dict(resamples=options.resamples, level=options.level, seed=options.seed,
              clusters=[clusters[n] for n in kept] if clusters else None)
    confusion = {m.name: m.function for m in metrics if m.interval == "confusion"}
    intervals = confusion_bootstrap(confusion, aligned.human, aligned.judge, kind.labels(), **ci) if confusion else {}
    human, judge = aligned.human, aligned.judge
    for metric in metrics:
        if metric.interval == "items":
            intervals[metric.name] = bootstrap_ci(lambda h, j, m=metric: m.score(h, j, kind), human, judge, **ci)
        elif metric.interval == "none":
            groups = [items[n].fields.get(next(iter(metric.needs))) for n in kept]
            value = metric.function(judge.astype(float), human.astype(float), groups)
            intervals[metric.name] = Interval(value, float("nan"), float("nan"), options.level, 0)
    return dataclasses.replace(score, metrics={m.name: _estimate(intervals[m.name], m) for m in metrics})


def _vote_metrics(items: Sequence[Item], first: list, second: list | None, metrics: list[Metric],
                  options: ScoreOptions, clusters: list[str] | None) -> JudgeScore:
    """Metrics of the judge against every human vote (MT-Bench, AlpacaEval) and across orders."""
    verdicts = PairwiseVerdicts(first, [list(i.human) for i in items], second, options.policy)
    combined = verdicts.combined
    coverage = float(np.mean([v is not None for v in combined])) if items else float("nan")
    estimates = {}
    for metric in metrics:
        rates = metric.function(verdicts)
        counted = [n for n, rate in enumerate(rates) if rate is not None]
        interval = ratio_bootstrap([rates[n].hits for n in counted], [rates[n].total for n in counted],
                                   resamples=options.resamples, level=options.level, seed=options.seed,
                                   clusters=[clusters[n] for n in counted] if clusters else None)
        estimates[metric.name] = _estimate(interval, metric)
    return JudgeScore("", len(items), len(items), 0, coverage, options.policy, estimates)


def score_humans(kind: TaskKind, items: Sequence[Item], options: ScoreOptions) -> HumanCeiling:
    """What the annotators achieve with each other, in the judges' own metrics (those the catalog
    marks `ceiling`): each annotator against the others' consensus, or each vote against the other votes."""
    labels = [list(i.human) for i in items]
    multi = sum(len(v) >= 2 for v in labels)
    if not multi:
        return HumanCeiling(0)
    annotators = [i.annotators for i in items]
    metrics: dict[str, float] = {}
    per_annotator: dict[str, dict[str, float]] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ag.UndefinedMetricWarning)
        for metric in (m for m in metrics_for(kind, has=set()) if m.ceiling):
            if metric.interval == "ratio":
                metrics[metric.name] = _votes_among_themselves(metric, labels).value
                continue
            ceiling = human_ceiling(labels, annotators, kind, lambda h, g, m=metric: m.score(h, g, kind))
            metrics[metric.name], per_annotator[metric.name] = ceiling.value, ceiling.per_annotator
        metrics["krippendorff_alpha"] = _annotator_alpha(kind, items)
        kappas = annotator_kappas(labels, annotators, kind.labels()) if "kappa" in kind.metrics else {}
    return HumanCeiling(multi, metrics, per_annotator, kappas)


def _votes_among_themselves(metric: Metric, votes: Sequence[Sequence[Label]]) -> Rate:
    """Each vote scored as a verdict against the other votes of its item. Every pair of votes is then
    counted twice, in hits and in totals alike: MT-Bench's human-human agreement."""
    singles = [(item_votes[i], item_votes[:i] + item_votes[i + 1:]) for item_votes in votes if len(item_votes) >= 2
               for i in range(len(item_votes))]
    rates = metric.function(PairwiseVerdicts([v for v, _ in singles], [others for _, others in singles]))
    hits, total = sum(r.hits for r in rates), sum(r.total for r in rates)
    return Rate(hits, total, len(votes), len(votes))


def _annotator_alpha(kind: TaskKind, items: Sequence[Item]) -> float:
    """Krippendorff's alpha among the annotators, at the kind's level of measurement. Without ids the
    label's position stands in for the annotator, which alpha allows: it only pairs values within items."""
    names: dict[str, int] = {}
    for item in items:
        for index, name in enumerate(item.annotators or [f"#{n}" for n in range(len(item.human))]):
            names.setdefault(name, len(names))
    data = np.full((len(names), len(items)), np.nan)
    for column, item in enumerate(items):
        for index, label in enumerate(item.human):
            name = item.annotators[index] if item.annotators else f"#{index}"
            data[names[name], column] = kind.code(label)
    return krippendorff_alpha(data, level=kind.level)


def _filled_verdicts(kind: TaskKind, items: Sequence[Item], judge: JudgeVerdicts, keep: list[int],
                     truth: list) -> np.ndarray:
    """Per kept item, the judge's verdict (both orders combined), a failure filled in as wrong."""
    verdicts = [judge.first.get(items[n].item_id) for n in keep]
    if judge.second:
        verdicts = [combine_orders(v, judge.second.get(items[n].item_id)) for v, n in zip(verdicts, keep)]
    return apply_policy(kind, truth, verdicts, policy="count_as_wrong").judge


def _item_rates(metric: Metric, items: Sequence[Item], judge: JudgeVerdicts, keep: list[int]) -> np.ndarray:
    """Per kept item, (hits, total) of a ratio metric, for the paired bootstrap to resample."""
    ids = [items[n].item_id for n in keep]
    rates = metric.function(PairwiseVerdicts([judge.first.get(i) for i in ids], [list(items[n].human) for n in keep],
                                             [judge.second.get(i) for i in ids] if judge.second else None))
    out = np.empty(len(rates), dtype=object)
    out[:] = [(r.hits, r.total) if r is not None else (0.0, 0.0) for r in rates]
    return out


def _ratio_value(_: np.ndarray, rates: np.ndarray) -> float:
    total = sum(r[1] for r in rates)
    return sum(r[0] for r in rates) / total if total else float("nan")


def compare_judges(kind: TaskKind, items: Sequence[Item], judges: Sequence[JudgeVerdicts],
                   options: ScoreOptions) -> list[Comparison]:
    """Every pair of judges on the same items (those with a human consensus): the paired bootstrap
    interval of the difference in the kind's main metric and, for label kinds, McNemar's exact test of
    right / wrong against the consensus, Holm-adjusted across all pairs."""
    if len(judges) < 2:
        return []
    main = get(kind.main_metric)
    truth = [kind.consensus(i.human) for i in items]
    keep = [n for n, t in enumerate(truth) if t is not None]
    human = [truth[n] for n in keep]
    filled = {j.name: _filled_verdicts(kind, items, j, keep, human) for j in judges}
    if main.interval == "ratio":
        values, score = {j.name: _item_rates(main, items, j, keep) for j in judges}, _ratio_value
    else:
        values, score = filled, (lambda h, v: main.score(h, v, kind))
    right = {name: v == np.asarray(human, dtype=object) for name, v in filled.items()} if kind.level == "nominal" else {}
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ag.UndefinedMetricWarning)
        for a in range(len(judges)):
            for b in range(a + 1, len(judges)):
                x, y = judges[a].name, judges[b].name
                diff = paired_bootstrap_difference(score, human, values[x], values[y], resamples=options.resamples,
                                                   level=options.level, seed=options.seed)
                row = Comparison(x, y, main.name, _estimate(diff))
                if right:
                    test = mcnemar_exact(right[x], right[y])
                    row = dataclasses.replace(row, only_x_right=test.only_x_right, only_y_right=test.only_y_right,
                                              p_value=test.p_value)
                rows.append(row)
    if rows and right:
        rows = [dataclasses.replace(r, p_holm=float(p)) for r, p in zip(rows, holm([r.p_value for r in rows]))]
    return rows
