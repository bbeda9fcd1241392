"""The Scorecard: what scoring returns, as typed records, and its one JSON form.

Scoring (`score/report.score_all`) returns a `Scorecard`; the terminal table, `--json`, and the
leaderboard read it. It is written to JSON here only (`to_dict` / `write_scorecard`), with one
schema version, and read back by `read_scorecard`, which refuses other versions by name. The
JSON is strict: a value that is undefined is `null`, and its entry says why.

Fields, as written to JSON (schema version 2):

| field | meaning |
|---|---|
| `schema_version` | 2; other versions are refused when read |
| `kind` | the task kind's name (binary, likert, pairwise, categorical) |
| `main_metric` | the kind's main metric: the leaderboard ranks by it, comparisons test it |
| `items` | items scored |
| `policy` | failed verdicts: `count_as_wrong` or `exclude` |
| `confidence`, `resamples` | the bootstrap intervals' level and number of resamples |
| `judges.<name>.judge`, `.prompt` | the run's judge and criteria prompt (null for recorded verdicts) |
| `judges.<name>.items` | items the judge was scored on |
| `judges.<name>.scored_items` | items left after the failure policy and without a human consensus |
| `judges.<name>.no_human_consensus` | items whose annotators tie (left out of consensus metrics) |
| `judges.<name>.coverage` | share of items with a usable verdict |
| `judges.<name>.metrics.<metric>` | `estimate`, `low`, `high` (null when undefined, with `undefined`: why) |
| `judges.<name>.alt_test` | with `--alt-test`: `epsilon`, `q`, `scoring`, per annotator (`annotator`, `items`, `judge_advantage`, `annotator_advantage`, `p_value`, `p_adjusted`, `judge_wins`), `skipped`, `winning_rate`, `advantage_probability`, `passed` |
| `judges.<name>.one_answer` | the judge gave this one answer to every item it judged (null otherwise): its agreement then measures the data, not the judge |
| `humans.items_with_several_labels` | items the human ceiling is computed on |
| `humans.metrics.<metric>` | annotators against each other in the judges' metric (null when undefined) |
| `humans.metrics.krippendorff_alpha` | agreement among the annotators at the kind's level of measurement |
| `humans.per_annotator.<metric>.<annotator>` | each annotator against the others' consensus |
| `humans.annotator_kappa.<a>.<b>` | Cohen's kappa between two named annotators on the items both labeled (label kinds; null when undefined) |
| `comparisons[]` | every pair of judges: `judge_x`, `judge_y`, `metric`, `difference` (an estimate), and for label kinds McNemar's `only_x_right`, `only_y_right`, `p_value`, `p_holm` |
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from judgebench.errors import UserError
from judgebench.trust.alt_test import AltTestResult, AnnotatorTest

SCHEMA_VERSION = 2
UNDEFINED = "undefined for these items (a constant side, an absent class, or no items)"
NO_INTERVAL = "reported without an interval (a value above the item level)"
NO_RESAMPLE = "no resample gave a defined value"


class ScorecardError(UserError, ValueError):
    pass


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


@dataclass(frozen=True)
class Estimate:
    """A value with its interval; None where undefined, and `undefined` says why."""

    value: float | None
    low: float | None = None
    high: float | None = None
    undefined: str | None = None

    @classmethod
    def of(cls, value: float, low: float = math.nan, high: float = math.nan, *, interval: bool = True) -> "Estimate":
        value, low, high = _finite(value), _finite(low), _finite(high)
        reason = UNDEFINED if value is None else None if low is not None and high is not None else \
            NO_RESAMPLE if interval else NO_INTERVAL
        return cls(value, low, high, reason)

    def to_dict(self) -> dict[str, Any]:
        out = {"estimate": self.value, "low": self.low, "high": self.high}
        return out | ({"undefined": self.undefined} if self.undefined else {})

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Estimate":
        return cls(data.get("estimate"), data.get("low"), data.get("high"), data.get("undefined"))


@dataclass(frozen=True)
class JudgeScore:
    name: str
    items: int
    scored_items: int
    no_human_consensus: int
    coverage: float | None
    policy: str
    metrics: Mapping[str, Estimate] = field(default_factory=dict)
    judge: str | None = None
    prompt: str | None = None
    one_answer: str | None = None       # shown as the kind shows a label, e.g. "Yes (1)"
    alt_test: AltTestResult | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"judge": self.judge, "prompt": self.prompt, "items": self.items, "scored_items": self.scored_items,
                "no_human_consensus": self.no_human_consensus, "coverage": _finite(self.coverage),
                "policy": self.policy, "one_answer": self.one_answer,
                "metrics": {k: v.to_dict() for k, v in self.metrics.items()}} | (
            {"alt_test": _alt_test_dict(self.alt_test)} if self.alt_test else {})

    @classmethod
    def from_dict(cls, name: str, data: Mapping[str, Any]) -> "JudgeScore":
        test = data.get("alt_test")
        return cls(name, data["items"], data["scored_items"], data["no_human_consensus"], data["coverage"],
                   data["policy"], {k: Estimate.from_dict(v) for k, v in data["metrics"].items()},
                   data.get("judge"), data.get("prompt"), data.get("one_answer"),
                   AltTestResult(test["epsilon"], test["q"], test["scoring"],
                                 tuple(AnnotatorTest(**a) for a in test["annotators"]),
                                 tuple(tuple(s) for s in test["skipped"]), test["winning_rate"],
                                 test["advantage_probability"]) if test else None)

    def one_answer_note(self) -> str | None:
        """`local_gemma3 answered Yes (1) on all 126 items`, for a judge that never varied."""
        if self.one_answer is None:
            return None
        return (f"{self.name} answered {self.one_answer} on all {round((self.coverage or 0) * self.items)} items it "
                "judged: its agreement measures the data, not the judge")


def _alt_test_dict(test: AltTestResult) -> dict[str, Any]:
    return dataclasses.asdict(test) | {"passed": test.passed}


@dataclass(frozen=True)
class HumanCeiling:
    items_with_several_labels: int
    metrics: Mapping[str, float | None] = field(default_factory=dict)
    per_annotator: Mapping[str, Mapping[str, float | None]] = field(default_factory=dict)
    annotator_kappa: Mapping[str, Mapping[str, float | None]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        def table(rows: Mapping[str, Mapping[str, float | None]]) -> dict[str, dict[str, float | None]]:
            return {k: {a: _finite(v) for a, v in row.items()} for k, row in rows.items()}

        return {"items_with_several_labels": self.items_with_several_labels,
                "metrics": {k: _finite(v) for k, v in self.metrics.items()},
                "per_annotator": table(self.per_annotator), "annotator_kappa": table(self.annotator_kappa)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "HumanCeiling":
        return cls(data["items_with_several_labels"], dict(data["metrics"]), dict(data.get("per_annotator") or {}),
                   dict(data.get("annotator_kappa") or {}))


@dataclass(frozen=True)
class Comparison:
    judge_x: str
    judge_y: str
    metric: str
    difference: Estimate
    only_x_right: int | None = None
    only_y_right: int | None = None
    p_value: float | None = None
    p_holm: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {"judge_x": self.judge_x, "judge_y": self.judge_y, "metric": self.metric,
               "difference": self.difference.to_dict()}
        if self.p_value is not None:
            out |= {"only_x_right": self.only_x_right, "only_y_right": self.only_y_right,
                    "p_value": self.p_value, "p_holm": self.p_holm}
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Comparison":
        return cls(data["judge_x"], data["judge_y"], data["metric"], Estimate.from_dict(data["difference"]),
                   data.get("only_x_right"), data.get("only_y_right"), data.get("p_value"), data.get("p_holm"))


@dataclass(frozen=True)
class Scorecard:
    kind: str
    main_metric: str
    items: int
    policy: str
    confidence: float
    resamples: int
    judges: tuple[JudgeScore, ...]
    humans: HumanCeiling
    comparisons: tuple[Comparison, ...] = ()

    def judge(self, name: str) -> JudgeScore:
        for score in self.judges:
            if score.name == name:
                return score
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return {"schema_version": SCHEMA_VERSION, "kind": self.kind, "main_metric": self.main_metric,
                "items": self.items, "policy": self.policy, "confidence": self.confidence,
                "resamples": self.resamples, "judges": {j.name: j.to_dict() for j in self.judges},
                "humans": self.humans.to_dict(), "comparisons": [c.to_dict() for c in self.comparisons]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "scorecard") -> "Scorecard":
        version = data.get("schema_version")
        if version != SCHEMA_VERSION:
            raise ScorecardError(f"{source}: scorecard schema version {version!r} is not supported (this judgebench "
                                 f"reads version {SCHEMA_VERSION}); score the run again with `judgebench score`")
        return cls(data["kind"], data["main_metric"], data["items"], data["policy"], data["confidence"],
                   data["resamples"], tuple(JudgeScore.from_dict(n, j) for n, j in data["judges"].items()),
                   HumanCeiling.from_dict(data["humans"]), tuple(Comparison.from_dict(c) for c in data["comparisons"]))


def dumps(data: Any) -> str:
    """Strict JSON: a NaN or infinity that slipped through is an error here, not invalid output."""
    return json.dumps(data, indent=2, allow_nan=False)


def write_scorecard(scorecard: Scorecard, path: str | Path) -> None:
    Path(path).write_text(dumps(scorecard.to_dict()) + "\n", encoding="utf-8")


def read_scorecard(path: str | Path) -> Scorecard:
    return Scorecard.from_dict(json.loads(Path(path).read_text(encoding="utf-8")), str(path))
