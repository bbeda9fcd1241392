"""Every metric judgebench reports, declared once: what it computes, for which kinds, and its properties.

Score tables, leaderboard columns, paired comparisons and plots read this catalog; the common
test (tests/metrics/test_catalog.py) checks every entry's declared properties on random inputs,
so a metric added here without them, or with wrong ones, fails.

How `function` is called depends on `interval`, the way its interval is computed:
- "confusion": `function(C)` on confusion matrices C[..., true, predicted] in the kind's label order;
  the bootstrap redraws the cell counts (`bootstrap.confusion_bootstrap`).
- "items": `function(human, judge, kind)` on float arrays; the bootstrap resamples items.
- "ratio": `function(PairwiseVerdicts) -> list[Rate | None]`, one rate per item (None: the item does
  not count); the value is sum(hits) / sum(total) and the bootstrap resamples items.
- "none": `function(judge, human, groups)`; a value above the item level, reported without interval.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from judgebench.kinds import TaskKind, majority
from judgebench.metrics import agreement as ag
from judgebench.metrics.bootstrap import confusion_bootstrap
from judgebench.metrics.pairwise import (
    PairwiseVerdicts, Rate, alpaca_eval_agreement, both_orders_agreement, judgebench_score, mt_bench_agreement,
    order_accuracy, positional_agreement,
)
from judgebench.registry import Registry

INTERVALS = ("confusion", "items", "ratio", "none")
NEEDS = ("both_orders", "system", "document")


@dataclass(frozen=True)
class Metric:
    name: str
    title: str                          # column heading
    function: Callable[..., Any]        # called as `interval` says (module docstring)
    kinds: frozenset[str]               # task kinds it applies to
    greater_is_better: bool
    bounds: tuple[float, float]
    symmetric: bool                     # the same value with human and judge exchanged
    needs: frozenset[str]               # both_orders | system | document (columns or orders the data must have)
    interval: str                       # confusion | items | ratio | none
    reference: str
    ceiling: bool = False               # also scored among the annotators (the human ceiling)

    def __post_init__(self):
        if self.interval not in INTERVALS:
            raise ValueError(f"metric {self.name}: interval must be one of {INTERVALS}, got {self.interval!r}")
        if not self.needs <= set(NEEDS):
            raise ValueError(f"metric {self.name}: needs must be among {NEEDS}, got {sorted(self.needs)}")
        if not self.kinds or not self.reference or not self.bounds[0] < self.bounds[1]:
            raise ValueError(f"metric {self.name}: declare its kinds, a reference and bounds low < high")

    def score(self, human: Sequence, judge: Sequence, kind: TaskKind) -> float:
        """The metric of one judge's labels against the humans' (per-item metrics only)."""
        if self.interval == "confusion":
            return float(self.function(ag.confusion_matrix(human, judge, labels=kind.labels())))
        if self.interval == "items":
            return float(self.function(np.asarray(human, dtype=float), np.asarray(judge, dtype=float), kind))
        raise TypeError(f"metric {self.name} is not a per-item metric of two label arrays")


CATALOG: Registry[Metric] = Registry("metric")


def register(metric: Metric) -> Metric:
    return CATALOG.add(metric.name, metric)


def get(name: str) -> Metric:
    return CATALOG.get(name)


def metrics_for(kind: TaskKind, *, has: frozenset[str] | set[str] = frozenset(NEEDS)) -> list[Metric]:
    """The catalog's metrics for a kind, its headline metrics first, then in declaration order; `has` says which
    needs the data meets."""
    order = list(dict.fromkeys([*kind.headline_metrics, *_ORDER]))
    return [m for m in (CATALOG.get(n) for n in order) if kind.name in m.kinds and m.needs <= set(has)]


_ORDER: list[str] = []


def _add(**fields: Any) -> None:
    register(Metric(**fields))
    _ORDER.append(fields["name"])


# --- labels: binary and categorical; pairwise against the humans' majority with ties as a class ----
NOMINAL = frozenset({"binary", "categorical"})
WITH_PAIRS = NOMINAL | {"pairwise"}
SKLEARN = "scikit-learn sklearn.metrics"
PANDALM = "; pairwise: PandaLM (Wang et al. 2024), the verdict (both orders combined) against the majority, ties a class"
_add(name="accuracy", title="accuracy", function=ag.accuracy_from_confusion, kinds=WITH_PAIRS, greater_is_better=True,
     bounds=(0, 1), symmetric=True, needs=frozenset(), interval="confusion",
     reference=f"{SKLEARN}.accuracy_score{PANDALM}", ceiling=True)
_add(name="balanced_accuracy", title="balanced accuracy", function=ag.balanced_accuracy_from_confusion, kinds=NOMINAL,
     greater_is_better=True, bounds=(0, 1), symmetric=False, needs=frozenset(), interval="confusion",
     reference=f"Brodersen et al. 2010; {SKLEARN}.balanced_accuracy_score")
for _name, _function, _symmetric in (("precision", ag.precision_from_confusion, False),
                                     ("recall", ag.recall_from_confusion, False),
                                     ("f1", ag.f1_from_confusion, True)):
    _add(name=_name, title=f"{_name} (yes)".replace("f1", "F1"), function=_function, kinds=frozenset({"binary"}), greater_is_better=True,
         bounds=(0, 1), symmetric=_symmetric, needs=frozenset(), interval="confusion",
         reference=f"{SKLEARN}.{_name}_score (positive class 1)")
for _name, _function, _symmetric in (("macro_precision", ag.macro_precision_from_confusion, False),
                                     ("macro_recall", ag.macro_recall_from_confusion, False),
                                     ("macro_f1", ag.macro_f1_from_confusion, True)):
    _add(name=_name, title=f"macro {_name[6:]}".replace("f1", "F1"), function=_function, greater_is_better=True,
         kinds=WITH_PAIRS if _name == "macro_f1" else NOMINAL, bounds=(0, 1), symmetric=_symmetric, needs=frozenset(),
         interval="confusion", reference=f"{SKLEARN}.{_name[6:]}_score(average='macro'), classes on either side"
                                         + (PANDALM if _name == "macro_f1" else ""))
_add(name="mcc", title="MCC", function=ag.mcc_from_confusion, kinds=NOMINAL, greater_is_better=True, bounds=(-1, 1),
     symmetric=True, needs=frozenset(), interval="confusion",
     reference=f"Matthews 1975, Gorodkin 2004; {SKLEARN}.matthews_corrcoef")
_add(name="kappa", title="Cohen's kappa", function=ag.kappa_from_confusion, kinds=WITH_PAIRS, greater_is_better=True,
     bounds=(-1, 1), symmetric=True, needs=frozenset(), interval="confusion",
     reference=f"Cohen 1960; {SKLEARN}.cohen_kappa_score{PANDALM}", ceiling=True)


def _without_ties(function: Callable[[np.ndarray], np.ndarray]) -> Callable[[np.ndarray], np.ndarray]:
    """The metric on the comparisons where neither the humans' majority nor the verdict is a tie: the
    confusion matrix without its last row and column (the kind's label order is A, B, tie)."""
    return lambda C: function(np.asarray(C)[..., :-1, :-1])


TIE_FREE = "Zheng et al. 2023 (MT-Bench) on the comparisons where neither the verdict nor the humans' majority is a tie"
_add(name="accuracy_without_ties", title="accuracy (no ties)", function=_without_ties(ag.accuracy_from_confusion),
     kinds=frozenset({"pairwise"}), greater_is_better=True, bounds=(0, 1), symmetric=True, needs=frozenset(),
     interval="confusion", reference=f"{TIE_FREE}; {SKLEARN}.accuracy_score")
_add(name="kappa_without_ties", title="Cohen's kappa (no ties)", function=_without_ties(ag.kappa_from_confusion),
     kinds=frozenset({"pairwise"}), greater_is_better=True, bounds=(-1, 1), symmetric=True, needs=frozenset(),
     interval="confusion", reference=f"{TIE_FREE}; Cohen 1960; {SKLEARN}.cohen_kappa_score")


# --- ratings: likert ----------------------------------------------------------------------------
RATINGS = frozenset({"likert"})
for _name, _title, _function, _reference in (
        ("spearman", "Spearman", ag.spearman_score, "Spearman 1904; scipy.stats.spearmanr"),
        ("kendall", "Kendall tau-b", ag.kendall_tau_b_score, "Kendall 1945; scipy.stats.kendalltau(variant='b')"),
        ("pearson", "Pearson", ag.pearson_score, "scipy.stats.pearsonr")):
    _add(name=_name, title=_title, function=lambda h, j, kind, f=_function: f(h, j), kinds=RATINGS,
         greater_is_better=True, bounds=(-1, 1), symmetric=True, needs=frozenset(), interval="items",
         reference=_reference, ceiling=_name == "spearman")
_add(name="mae", title="MAE", function=lambda h, j, kind: ag.mean_absolute_error(h, j), kinds=RATINGS,
     greater_is_better=False, bounds=(0, float("inf")), symmetric=True, needs=frozenset(), interval="items",
     reference=f"{SKLEARN}.mean_absolute_error", ceiling=True)
_add(name="qwk", title="quadratic kappa", kinds=RATINGS, greater_is_better=True, bounds=(-1, 1), symmetric=True,
     function=lambda h, j, kind: ag.rounded_qwk_score(h, j, scale=(kind.points[0], kind.points[-1])),
     needs=frozenset(), interval="items",
     reference=f"Cohen 1968, after rounding both sides onto the scale; {SKLEARN}.cohen_kappa_score(weights='quadratic')")
for _field, _level, _prefix in (("system", "system", "system"), ("document", "within", "summary")):
    for _method in ("spearman", "kendall", "pearson"):
        _add(name=f"{_prefix}_{_method}", title=f"{_prefix} {_method}", kinds=RATINGS, greater_is_better=True,
             function=lambda j, h, g, m=_method, level=_level: ag.grouped_correlation(j, h, g, method=m, level=level),
             bounds=(-1, 1), symmetric=True, needs=frozenset({_field}), interval="none",
             reference="SummEval (Fabbri et al. 2021) system- and summary-level correlations")


# --- pairwise: against every human vote, and across orders ----------------------------------------
PAIRS = frozenset({"pairwise"})


def _each_item(function: Callable[..., Rate], *columns: Sequence, **options: Any) -> list[Rate]:
    return [function(*[[column[n]] for column in columns], **options) for n in range(len(columns[0]))]


def _majorities(v: PairwiseVerdicts) -> list[str | None]:
    return [majority(list(votes)) for votes in v.votes]


def _sum_rates(a: Rate | None, b: Rate | None) -> Rate | None:
    """One item's two per-order rates as one (both count: LLMBar's mean of orders weighs them alike)."""
    if a is None or b is None or a.total + b.total == 0:
        return None
    return Rate(a.hits + b.hits, a.total + b.total, min(a.usable_items, b.usable_items), 1)


def _judgebench(v: PairwiseVerdicts) -> list[Rate | None]:
    """One order only (reward models, JudgeBench's --single_game) counts its decision alone."""
    second = v.second if v.second is not None else [None] * len(v.first)
    return [judgebench_score([t], [a], [b]) if t in ("A", "B") else None
            for t, a, b in zip(_majorities(v), v.first, second, strict=True)]


_add(name="mt_bench_with_ties", title="MT-Bench agreement (with ties)", kinds=PAIRS, greater_is_better=True,
     function=lambda v: _each_item(mt_bench_agreement, v.combined, v.votes, policy=v.policy),
     bounds=(0, 1), symmetric=False, needs=frozenset(), interval="ratio",
     reference="Zheng et al. 2023, MT-Bench sec. 4.2 (S1)", ceiling=True)
_add(name="mt_bench_without_ties", title="MT-Bench agreement (without ties)", kinds=PAIRS, greater_is_better=True,
     function=lambda v: _each_item(mt_bench_agreement, v.combined, v.votes, ties=False, policy=v.policy),
     bounds=(0, 1), symmetric=False, needs=frozenset(), interval="ratio",
     reference="Zheng et al. 2023, MT-Bench sec. 4.2 (S2)", ceiling=True)
_add(name="alpaca_eval", title="AlpacaEval agreement", kinds=PAIRS, greater_is_better=True,
     function=lambda v: _each_item(alpaca_eval_agreement, v.combined, v.votes, policy=v.policy),
     bounds=(0, 1), symmetric=False, needs=frozenset(), interval="ratio",
     reference="Li et al. 2023, AlpacaEval analyze_evaluators")
_add(name="judgebench", title="JudgeBench score", kinds=PAIRS, greater_is_better=True, function=_judgebench,
     bounds=(0, 1), symmetric=False, needs=frozenset(), interval="ratio",
     reference="Tan et al. 2024, JudgeBench utils/metrics.py")
for _order, _title, _pick in (("first", "accuracy (shown order)", lambda v: v.first),
                              ("second", "accuracy (swapped order)", lambda v: v.second)):
    _add(name=f"accuracy_{_order}_order", title=_title, kinds=PAIRS, greater_is_better=True,
         function=lambda v, pick=_pick: _each_item(order_accuracy, _majorities(v), pick(v), policy=v.policy),
         bounds=(0, 1), symmetric=False, needs=frozenset({"both_orders"}), interval="ratio",
         reference="Zeng et al. 2024, LLMBar accuracy in one order, against the humans' majority")
_add(name="llmbar_accuracy", title="LLMBar accuracy (mean of orders)", kinds=PAIRS, greater_is_better=True,
     function=lambda v: [_sum_rates(a, b) for a, b in zip(get("accuracy_first_order").function(v),
                                                          get("accuracy_second_order").function(v), strict=True)],
     bounds=(0, 1), symmetric=False, needs=frozenset({"both_orders"}), interval="ratio",
     reference="Zeng et al. 2024, LLMBar Acc: the mean of the accuracies in both orders")
_add(name="both_orders_agreement", title="Auto-J agreement (both orders)", kinds=PAIRS, greater_is_better=True,
     function=lambda v: _each_item(both_orders_agreement, _majorities(v), v.first, v.second, policy=v.policy),
     bounds=(0, 1), symmetric=False, needs=frozenset({"both_orders"}), interval="ratio",
     reference="Li et al. 2024, Auto-J pairwise_eval.py: right in both orders, ties included")
_add(name="positional_agreement", title="positional agreement", kinds=PAIRS, greater_is_better=True,
     function=lambda v: _each_item(positional_agreement, v.first, v.second, policy=v.policy),
     bounds=(0, 1), symmetric=True, needs=frozenset({"both_orders"}), interval="ratio",
     reference="Zeng et al. 2024, LLMBar positional agreement")


def confusion_intervals(kind: TaskKind, y_true: Sequence, y_pred: Sequence, **ci: Any) -> dict[str, Any]:
    """Every confusion-matrix metric of the kind with its bootstrap interval (`bootstrap.confusion_bootstrap`)."""
    functions = {m.name: m.function for m in metrics_for(kind) if m.interval == "confusion"}
    return confusion_bootstrap(functions, y_true, y_pred, kind.labels(), **ci)
