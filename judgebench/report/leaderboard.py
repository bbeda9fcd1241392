"""The leaderboard's numbers: a pure function of the runs (their items, judgments and summaries)."""

from __future__ import annotations

import dataclasses
import json
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from judgebench.metrics.catalog import get
from judgebench.metrics.pairwise import PairwiseVerdicts
from judgebench.ratings.battles import item_battles, score_battles
from judgebench.ratings.bradley_terry import Battles, arena_ratings, connected_groups, online_elo
from judgebench.arena.votes import CHOICES, Vote, battle_records, voter_position_bias, votes_per_judge
from judgebench.data.schema import Item
from judgebench.kinds import TaskKind, combine_orders
from judgebench.metrics.agreement import UndefinedMetricWarning, confusion_matrix
from judgebench.metrics.bias import (
    calibration, family_wins, longer_wins, position_bias, prompt_sensitivity, sample_consistency,
)
from judgebench.report.systems import systems_board
from judgebench.run.records import Judgment
from judgebench.trust.alt_test import AltTestError
from judgebench.trust.unsupervised import MIN_JUDGES, UnsupervisedError, dawid_skene
from judgebench.score.alt import alt_tests
from judgebench.score.report import score_all
from judgebench.score.scorecard import SCHEMA_VERSION
from judgebench.score.sources import read_run
from judgebench.score.table import JudgeVerdicts, ScoreOptions


ALT_TEST_EPSILON = 0.2       # the paper's margin for expert annotators


@dataclass(frozen=True)
class RunData:
    dataset: str
    kind: TaskKind
    items: list[Item]
    verdicts: list[JudgeVerdicts]
    judgments: list[Judgment]
    summary: dict[str, Any]
    families: dict[str, str]          # judge id -> model family, from the judge specs
    provenance: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)   # recorded judges' sources
    metrics: tuple[str, ...] = ()     # metrics the source published, shown beside the kind's headline ones


def load_run(directory: str | Path) -> RunData:
    run = read_run(directory)
    summary_path = Path(directory) / "summary.json"
    summary = json.loads(summary_path.read_text()) if summary_path.exists() else {"judges": {}}
    judges = run.manifest.get("judges", [])
    provenance = {j["name"]: j["recorded"] for j in judges if j.get("recorded")}
    metrics = tuple((run.manifest.get("recorded") or {}).get("metrics") or ())
    return RunData(run.manifest["dataset"]["name"], run.kind, run.items, run.verdicts, run.judgments,
                   summary, run.families, provenance, metrics)


def _finite(value: float) -> float | None:
    return None if value is None or (isinstance(value, float) and not np.isfinite(value)) else float(value)


def _dataset_board(runs: Sequence[RunData], options: ScoreOptions, rounds: int,
                   unsupervised: bool = False) -> dict[str, Any]:
    first = runs[0]
    kind, items = first.kind, first.items
    every = [v for run in runs for v in run.verdicts]
    prompts_per_judge: dict[str, set] = {}
    for v in every:
        prompts_per_judge.setdefault(v.judge, set()).add(v.prompt_id)
    # A judge seen with several criteria prompts (e.g. a prompt sweep) appears once per prompt.
    verdicts = {(v.judge if len(prompts_per_judge[v.judge]) == 1 else f"{v.judge}/{v.prompt_id}"):
                dataclasses.replace(v, name=v.judge if len(prompts_per_judge[v.judge]) == 1
                                    else f"{v.judge}/{v.prompt_id}") for v in every}
    judgments = [j for run in runs for j in run.judgments]
    costs = {name: s for run in runs for name, s in run.summary.get("judges", {}).items()}
    families = {name: family for run in runs for name, family in run.families.items()}
    provenance = {name: source for run in runs for name, source in run.provenance.items()}
    juries = {name: jury["description"] for run in runs for name, jury in run.summary.get("juries", {}).items()}
    published = [m for run in runs for m in run.metrics]
    scores = score_all(kind, items, list(verdicts.values()), options)
    combined = {name: v.combined(v.first) for name, v in verdicts.items()}
    ranking = next((m for m in published if get(m).interval == "ratio"), None)
    records = score_battles(_item_scores(ranking, items, verdicts)) if ranking else \
        item_battles(kind, items, combined)
    arena = arena_ratings(Battles.from_records(records), rounds=rounds, seed=options.seed) if records else []
    truth = {i.item_id: kind.consensus(i.human) for i in items}
    judges = {}
    for name, v in verdicts.items():
        entry = scores.judge(name)
        cost = costs.get(v.judge, {})
        judges[name] = {
            "coverage": _finite(entry.coverage),
            "one_answer": entry.one_answer_note(),
            "metrics": {metric: estimate.to_dict() for metric, estimate in entry.metrics.items()},
            "cost_per_1k_usd": cost.get("cost_per_1k_usd"),
            "failed_verdicts": cost.get("parse_failures"),
            "latency_s_p50": cost.get("latency_s_p50"),
            "judgments_per_s": cost.get("judgments_per_s"),
            "bias": _bias(kind, items, v, [j for j in judgments if j.judge_id == v.judge], truth,
                          families.get(v.judge)),
            "confusion": _confusion(kind, items, combined[name], truth),
            "provenance": provenance.get(v.judge),
            "jury": juries.get(v.judge),
        }
    for name, test in _alt_tests(kind, items, list(verdicts.values())).items():
        judges[name]["alt_test"] = {"epsilon": test.epsilon, "passed": test.passed, "winning_rate": test.winning_rate,
                                    "advantage_probability": test.advantage_probability,
                                    "annotators": len(test.annotators)}
    unsupervised = _unsupervised(kind, combined, truth, options) if unsupervised else None
    _prompt_sensitivity(judges, verdicts, kind.main_metric)
    names = sorted(verdicts)
    agreement = [[_same_verdict(combined[a], combined[b]) for b in names] for a in names]
    return {"kind": kind.name, "items": len(items), "main_metrics": list(dict.fromkeys([*kind.headline_metrics,
                                                                                          *published])),
            "battle_metric": ranking,
            "recorded": bool(provenance),
            "judges": judges, "humans": scores.humans.to_dict(),
            "comparisons": [c.to_dict() for c in scores.comparisons],
            "arena": [r.__dict__ for r in arena], "online_elo": online_elo(records),
            "battles": len(records), "agreement_matrix": {"judges": names, "values": agreement},
            "systems": systems_board(kind, items, combined), "records": records, "unsupervised": unsupervised}


def _unsupervised(kind: TaskKind, combined: dict[str, dict], truth: dict, options: ScoreOptions) -> dict | None:
    """Each judge's accuracy estimated from the judges' agreement alone (Dawid-Skene), beside the measured one;
    for label kinds with three or more judges, when crowd-kit (the juries extra) is installed."""
    if kind.labels() is None or len(combined) < MIN_JUDGES:
        return None
    try:
        # each resample refits the EM: 50 of them give a usable interval in minutes, not hours
        assessment = dawid_skene(combined, truth=truth, resamples=min(options.resamples, 50), seed=options.seed)
    except UnsupervisedError as exc:
        return {"unavailable": str(exc)}
    return {"judges": {j.judge: {"estimate": _finite(j.accuracy), "low": _finite(j.low), "high": _finite(j.high),
                                 "measured": j.measured_accuracy, "measured_items": j.measured_items}
                       for j in assessment.judges}, "items": assessment.items}


def _alt_tests(kind: TaskKind, items: Sequence[Item], verdicts: list[JudgeVerdicts]) -> dict:
    """The alternative-annotator test at the paper's expert margin, where three or more named annotators allow it."""
    try:
        return alt_tests(kind, items, verdicts, epsilon=ALT_TEST_EPSILON)
    except AltTestError:
        return {}


def _item_scores(metric: str, items: Sequence[Item], verdicts: dict[str, JudgeVerdicts]) -> dict[str, dict]:
    """Each judge's value of a per-item (ratio) metric on each item it judged, for battles by that metric."""
    scores = {}
    for name, v in verdicts.items():
        judged = [i for i in items if i.item_id in v.first]
        rates = get(metric).function(PairwiseVerdicts(
            [v.first.get(i.item_id) for i in judged], [list(i.human) for i in judged],
            [v.second.get(i.item_id) for i in judged] if v.second else None))
        scores[name] = {i.item_id: r.value for i, r in zip(judged, rates) if r is not None and r.total}
    return scores


def _prompt_sensitivity(judges: dict[str, dict], verdicts: dict[str, JudgeVerdicts], metric: str) -> None:
    """A judge run with several criteria prompts: the spread of its agreement across them."""
    by_judge: dict[str, dict[str, float]] = {}
    for name, v in verdicts.items():
        if name != v.judge:                       # named judge/prompt
            value = judges[name]["metrics"].get(metric, {}).get("estimate")
            if value is not None:
                by_judge.setdefault(v.judge, {})[name[len(v.judge) + 1:]] = value
    for judge, by_prompt in by_judge.items():
        if len(by_prompt) > 1:
            sensitivity = prompt_sensitivity(by_prompt)
            for name, v in verdicts.items():
                if v.judge == judge:
                    judges[name]["bias"]["prompt_spread"] = _finite(sensitivity.spread)


def _same_verdict(a: dict, b: dict) -> float | None:
    shared = [k for k in a if k in b and a[k] is not None and b[k] is not None]
    return float(np.mean([a[k] == b[k] for k in shared])) if shared else None


def _confusion(kind: TaskKind, items: Sequence[Item], verdicts: dict, truth: dict) -> dict | None:
    labels = kind.labels()
    if labels is None:                       # ratings: no confusion matrix
        return None
    labels = list(labels)
    pairs = [(truth[i.item_id], verdicts.get(i.item_id)) for i in items if truth[i.item_id] is not None]
    pairs = [(t, v if v is not None else "no verdict") for t, v in pairs]
    shown = labels + (["no verdict"] if any(v == "no verdict" for _, v in pairs) else [])
    matrix = confusion_matrix([t for t, _ in pairs], [v for _, v in pairs], labels=shown)
    return {"labels": [str(x) for x in shown], "matrix": matrix.tolist()}


def _bias(kind: TaskKind, items: Sequence[Item], verdicts: JudgeVerdicts, judgments: Sequence[Judgment],
          truth: dict, family: str | None) -> dict[str, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)     # undefined probes are reported as null
        return _bias_probes(kind, items, verdicts, judgments, truth, family)


def _bias_probes(kind: TaskKind, items: Sequence[Item], verdicts: JudgeVerdicts, judgments: Sequence[Judgment],
                 truth: dict, family: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    ids = [i.item_id for i in items]
    if kind.sides:
        if verdicts.second:
            position = position_bias([verdicts.first.get(k) for k in ids], [verdicts.second.get(k) for k in ids])
            out["position_flip_rate"] = _finite(position.flip_rate)
            out["first_position_wins"] = _finite(position.first_position_wins)
        side_a, side_b = kind.sides
        if all(side_a in i.fields for i in items):
            la = [len(str(i.fields[side_a])) for i in items]
            lb = [len(str(i.fields[side_b])) for i in items]
            combined = [combine_orders(verdicts.first.get(k), verdicts.second.get(k)) if verdicts.second
                        else verdicts.first.get(k) for k in ids]
            out["longer_wins"] = _finite(longer_wins(combined, la, lb).rate)
            out["longer_wins_humans"] = _finite(longer_wins([truth[k] for k in ids], la, lb).rate)
            if family and all("model_a" in i.fields and "model_b" in i.fields for i in items):
                ma, mb = [str(i.fields["model_a"]) for i in items], [str(i.fields["model_b"]) for i in items]
                own = family_wins(combined, ma, mb, family)
                out["own_family_wins"] = _finite(own.rate)
                out["own_family_wins_humans"] = _finite(family_wins([truth[k] for k in ids], ma, mb, family).rate)
                out["own_family_decided"] = own.decided
    usable = [j for j in judgments if j.ok and j.value is not None and j.prob is not None and j.sample == 0
              and j.order in (None, "AB") and truth.get(j.item_id) is not None]
    if usable:
        cal = calibration([j.prob for j in usable], [j.value == truth[j.item_id] for j in usable])
        out["ece"] = _finite(cal.ece)
        out["reliability"] = {"confidence": cal.bin_confidence, "accuracy": cal.bin_accuracy, "count": cal.bin_count}
    by_item: dict[str, list] = {}
    for j in judgments:
        if j.order in (None, "AB"):
            by_item.setdefault(j.item_id, []).append(j.value)
    if by_item and max(len(v) for v in by_item.values()) > 1:
        keys = [k for k in by_item if truth.get(k) is not None]
        consistency = sample_consistency([by_item[k] for k in keys], [truth[k] for k in keys],
                                         level=kind.level)
        out["sample_alpha"] = _finite(consistency.alpha)
        out["majority_agreement"] = _finite(consistency.majority_agreement)
    return out


def vote_board(votes: Sequence[Vote], *, rounds: int, seed: int, min_votes: int) -> dict[str, Any]:
    """The Judge Arena from people's votes: ratings with intervals, votes per judge (under
    `min_votes` a rating is marked preliminary), what people chose, and their left/right bias."""
    records = battle_records(votes)
    ratings = arena_ratings(Battles.from_records(records), rounds=rounds, seed=seed) if records else []
    counts = votes_per_judge(votes)
    choices = {c: sum(v.choice == c for v in votes) for c in CHOICES}
    return {"votes": len(votes), "voters": len({v.session for v in votes}), "min_votes": min_votes,
            "choices": choices, "position_bias": voter_position_bias(votes).__dict__,
            "ratings": [r.__dict__ | {"votes": counts.get(r.judge, 0), "preliminary": counts.get(r.judge, 0) < min_votes}
                        for r in ratings]}


def build_leaderboard(runs: Sequence[RunData], *, resamples: int = 1000, rounds: int = 100,
                      seed: int = 0, votes: Sequence[Vote] = (), min_votes: int = 20,
                      unsupervised: bool = False) -> dict[str, Any]:
    """Per-dataset boards, and an overall arena from all datasets' battles pooled (a judge that
    did not judge a dataset simply has no battles there), rated separately within each group of judges that
    battles connect (`groups`; judges without any battle are `unrated`); with `votes`, the people's Judge
    Arena beside it; `unsupervised`: each board's Dawid-Skene estimates, made without its human labels."""
    options = ScoreOptions(resamples=resamples, seed=seed)
    by_dataset: dict[str, list[RunData]] = {}
    for run in runs:
        by_dataset.setdefault(run.dataset, []).append(run)
    boards = {name: _dataset_board(group, options, rounds, unsupervised) for name, group in by_dataset.items()}
    # Real judges' recorded verdicts first, then the runs of this machine, each by name.
    datasets = {name: boards[name] for name in sorted(boards, key=lambda n: (not boards[n]["recorded"], n))}
    pooled = [r for board in datasets.values() for r in board.pop("records")]
    groups = connected_groups(pooled)
    elo = online_elo(pooled)
    overall = []
    for number, group in enumerate(groups):
        members = set(group)
        battles = [r for r in pooled if r[0] in members]
        overall += [r.__dict__ | {"online_elo": elo.get(r.judge), "group": number}
                    for r in arena_ratings(Battles.from_records(battles), rounds=rounds, seed=seed)]
    rated = {r["judge"] for r in overall}
    unrated = sorted({name for board in datasets.values() for name in board["judges"]} - rated)
    group_datasets = [[name for name, board in datasets.items() if set(board["judges"]) & set(group)]
                      for group in groups]
    return {"schema_version": SCHEMA_VERSION, "datasets": datasets, "overall": overall, "groups": groups,
            "group_datasets": group_datasets,
            "unrated": unrated, "battles": len(pooled), "resamples": resamples, "rounds": rounds,
            "votes": vote_board(votes, rounds=rounds, seed=seed, min_votes=min_votes) if votes else None}
